from celery import shared_task
from django.utils import timezone

from . import follow_up, services


@shared_task(name="coproduction.session_reminders_send")
def session_reminders_send() -> int:
    """Daily: remind invitees who said yes or maybe of sessions starting within
    COPRODUCTION_REMINDER_DAYS, each once per session however often it runs; never for a cancelled
    session."""
    return services.session_reminders_send(moment=timezone.now())


@shared_task(name="coproduction.overdue_action_reminders_send")
def overdue_action_reminders_send() -> int:
    """Weekly: remind the owners of overdue actions, at most once a week per action however often it
    runs, and not within a week of the action's last update."""
    return follow_up.overdue_reminders_send(moment=timezone.now())


@shared_task(name="coproduction.retention_apply")
def retention_apply() -> dict:
    """Daily: clear access needs written on invitations and anonymise register entries past their
    retention periods. Safe to repeat."""
    return services.retention_apply(moment=timezone.now())
