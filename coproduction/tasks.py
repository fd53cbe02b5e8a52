"""Scheduled jobs for participation groups and sessions.

Sessions, invitations and actions arrive with the co-production feature; until then each job
says so and does nothing, so the schedule can be tested and deployed as it will run.
"""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="coproduction.session_reminders_send")
def session_reminders_send() -> int:
    """Daily: remind invitees of tomorrow's sessions, once per invitation."""
    logger.info("Session reminders: no sessions are recorded yet; nothing to do.")
    return 0


@shared_task(name="coproduction.action_reminders_send")
def action_reminders_send() -> int:
    """Daily: remind owners of overdue actions, once per action per day."""
    logger.info("Overdue action reminders: no actions are recorded yet; nothing to do.")
    return 0
