from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="accounts.retention_apply")
def retention_apply() -> int:
    """Daily: delete participant registrations that were never confirmed. Safe to repeat."""
    return services.unconfirmed_accounts_delete(moment=timezone.now())


@shared_task(name="accounts.audit_retention_apply")
def audit_retention_apply() -> int:
    """Daily: delete audit log entries past AUDIT_RETENTION_DAYS. Safe to repeat."""
    return services.audit_entries_delete(moment=timezone.now())
