import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="consultations.notices_send")
def notices_send() -> int:
    """Daily: e-mail subscribers about consultations that opened or close within three days."""
    logger.info("Consultation notices: no consultations are recorded yet; nothing to do.")
    return 0


@shared_task(name="consultations.retention_apply")
def retention_apply() -> int:
    """Daily: delete stale draft responses and contact details past their retention period."""
    logger.info("Consultation retention: no responses are recorded yet; nothing to do.")
    return 0
