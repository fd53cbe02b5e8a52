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


@shared_task(name="consultations.response_export_build")
def response_export_build(export_id: int) -> None:
    """Build one Excel export into its file; does nothing if it is built or being built."""
    services.response_export_build(export_id=export_id, moment=timezone.now())


@shared_task(name="consultations.response_exports_sweep")
def response_exports_sweep() -> int:
    """Every few minutes: queue exports whose task was lost or whose worker stopped; delete exports
    older than a day with their files."""
    to_build, _deleted = services.response_exports_sweep(moment=timezone.now())
    for export_id in to_build:
        response_export_build.delay(export_id)
    return len(to_build)
