from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="consultations.notices_send")
def notices_send() -> int:
    """Daily: e-mail subscribers about consultations that opened or close within three days.
    One e-mail per person per event, however often it runs."""
    return services.notices_send(moment=timezone.now())


@shared_task(name="consultations.retention_apply")
def retention_apply() -> dict:
    """Daily: delete stale drafts and respondents' contact details past their retention period."""
    return services.retention_apply(moment=timezone.now())
