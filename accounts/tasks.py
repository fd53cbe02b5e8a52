from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="accounts.retention_apply")
def retention_apply() -> int:
    """Daily: delete participant registrations that were never confirmed. Safe to repeat."""
    return services.unconfirmed_accounts_delete(moment=timezone.now())
