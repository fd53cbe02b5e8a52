"""Scheduled jobs for closed-case feedback and theme reports.

Closed cases, samples and reports arrive with the feedback feature; until then each job says so
and does nothing, so the schedule can be tested and deployed as it will run.
"""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="feedback.letters_send")
def letters_send() -> int:
    """Daily: the standard letter for each newly closed case that may be contacted, once per case."""
    logger.info("Closed-case letters: no closed cases are recorded yet; nothing to do.")
    return 0


@shared_task(name="feedback.call_reminders_send")
def call_reminders_send() -> int:
    """Daily: remind staff of follow-up calls due, once per call per day."""
    logger.info("Follow-up call reminders: no calls are recorded yet; nothing to do.")
    return 0


@shared_task(name="feedback.follow_up_sample_draw")
def follow_up_sample_draw() -> int:
    """Draw the follow-up sample for every ended quarter that has none yet (idempotent, catches up)."""
    logger.info("Follow-up sample: no closed cases are recorded yet; nothing to do.")
    return 0


@shared_task(name="feedback.theme_reports_build")
def theme_reports_build() -> int:
    """Build the theme report for every ended half-year and audience that has none yet."""
    logger.info("Theme reports: no feedback is recorded yet; nothing to do.")
    return 0


@shared_task(name="feedback.retention_apply")
def retention_apply() -> int:
    """Daily: anonymise closed-case personal data past its retention period."""
    logger.info("Feedback retention: no closed cases are recorded yet; nothing to do.")
    return 0
