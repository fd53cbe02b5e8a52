from celery import shared_task
from django.utils import timezone

from ..models import ThemeReport
from . import services


@shared_task(name="feedback.theme_report_build")
def theme_report_build(report_id: int) -> None:
    """Build one theme report's figures; does nothing if it is built or being built."""
    services.theme_report_build(report_id=report_id, moment=timezone.now())


@shared_task(name="feedback.theme_reports_build_due")
def theme_reports_build_due() -> int:
    """Daily: the day after a period ends, one report per audience for it (a missed period is caught
    up), once however often this runs; builds any report whose worker was lost."""
    to_build = services.theme_reports_create_due(moment=timezone.now())
    for report_id in to_build:
        theme_report_build.delay(report_id)
    return len(to_build)


@shared_task(name="feedback.theme_reports_sweep")
def theme_reports_sweep() -> int:
    """Every few minutes: build reports whose task was lost or whose worker stopped (a draft asked for
    while the broker was down waits minutes, not until the daily job)."""
    to_build = list(
        ThemeReport.objects.to_build_at(timezone.now(), services.build_lease()).values_list("pk", flat=True)[:20]
    )
    for report_id in to_build:
        theme_report_build.delay(report_id)
    return len(to_build)
