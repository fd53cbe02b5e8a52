from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="coproduction.session_reminders_send")
def session_reminders_send() -> int:
    """Daily: remind invitees who said yes or maybe of sessions starting within
    COPRODUCTION_REMINDER_DAYS, each once per session however often it runs; never for a cancelled
    session."""
    return services.session_reminders_send(moment=timezone.now())
