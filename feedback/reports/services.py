"""Writes on theme reports: asking for one, building it (once), the job that builds each period's,
review and approval, commentary, quotes removed, and improvement actions with their history."""

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team, User
from accounts.roles import Role
from notifications.services import message_queue
from notifications.tasks import dispatch_after_commit

from ..models import (
    ActionStatus,
    ImprovementAction,
    ImprovementActionUpdate,
    LocalOfferPublication,
    ReportAudience,
    ReportCommentary,
    ReportState,
    ThemeReport,
)
from .local_offer import publication_figures, year_span
from .periods import Period, last_ended_by, period_after
from .presentation import report_actions
from .sections import SECTIONS, Scope

logger = logging.getLogger(__name__)

# A job that has not run for a long time builds at most this many missed periods per audience.
CATCH_UP_LIMIT = 4
LONGEST_RANGE = timedelta(days=3 * 366)


def build_lease() -> timedelta:
    return timedelta(seconds=settings.THEME_REPORT_BUILD_LEASE_SECONDS)


def _queue_build(report: ThemeReport) -> None:
    from .tasks import theme_report_build  # tasks import this module

    dispatch_after_commit(theme_report_build, report.pk)


@transaction.atomic
def theme_report_request(
    *, audience: ReportAudience, first_day: date, last_day: date, user: User, moment: datetime
) -> ThemeReport:
    """A draft report over any dates, built by a worker; the page shows how far it has got."""
    if last_day < first_day:
        raise ValidationError({"last_day": _("The last day must be on or after the first day")}, code="order")
    if last_day - first_day > LONGEST_RANGE:
        raise ValidationError({"last_day": _("A report can cover at most three years")}, code="too_long")
    report = ThemeReport.objects.create(
        audience=audience,
        first_day=first_day,
        last_day=last_day,
        scheduled=False,
        requested_by=user,
        requested_at=moment,
        sections_total=len(SECTIONS),
    )
    _queue_build(report)
    return report


def _claim(report_id: int, moment: datetime) -> ThemeReport | None:
    """Take a report waiting to be built, under a row lock that skips a report another worker holds."""
    with transaction.atomic():
        report = (
            ThemeReport.objects.select_for_update(skip_locked=True)
            .to_build_at(moment, build_lease())
            .filter(pk=report_id)
            .select_related("audience")
            .first()
        )
        if report is None:
            return None
        report.claimed_at = moment
        report.sections_done = 0
        report.sections_total = len(SECTIONS)
        report.save(update_fields=["claimed_at", "sections_done", "sections_total"])
        return report


def previous_report(report: ThemeReport) -> ThemeReport | None:
    """The audience's latest built report ending before this one begins (a scheduled one first)."""
    return (
        ThemeReport.objects.built()
        .of_audience(report.audience_id)
        .filter(last_day__lt=report.first_day)
        .order_by("-scheduled", "-last_day", "-pk")
        .first()
    )


def theme_report_build(*, report_id: int, moment: datetime) -> ThemeReport | None:
    """Compute a report's figures once, section by section (the page shows the progress), and store
    them as its snapshot; e-mail who needs to know that it is ready. Does nothing for a report that
    is built, or being built by another worker within its lease."""
    report = _claim(report_id, moment)
    if report is None:
        return None
    scope = Scope(first_day=report.first_day, last_day=report.last_day, audience_scope=report.audience.scope)
    figures = {}
    for done, (key, build) in enumerate(SECTIONS, start=1):
        figures[key] = build(scope)
        ThemeReport.objects.filter(pk=report.pk).update(sections_done=done)
    previous = previous_report(report)
    if previous is not None:
        figures["previous"] = {
            "report_id": previous.pk,
            "period": str(Period(previous.first_day, previous.last_day)),
            "themes": previous.figures.get("themes", {}).get("themes", []),
        }
    with transaction.atomic():
        locked = ThemeReport.objects.select_for_update().get(pk=report.pk)
        if locked.state != ReportState.BUILDING or locked.claimed_at != report.claimed_at:
            return None  # another worker took it over after our lease ran out
        locked.figures = figures
        locked.state = ReportState.DRAFT
        locked.built_at = timezone.now()
        locked.sections_done = len(SECTIONS)
        locked.save(update_fields=["figures", "state", "built_at", "sections_done"])
        _ready_notify(locked)
    return locked


def _ready_notify(report: ThemeReport) -> None:
    """The managers hear of a six-monthly report; whoever asked for a draft hears of theirs."""
    if report.scheduled:
        recipients = User.objects.filter(is_active=True, groups__name=Role.MANAGER).distinct()
    else:
        recipients = User.objects.filter(pk=report.requested_by_id, is_active=True)
    url = settings.SITE_URL + reverse("feedback:report", kwargs={"report_pk": report.pk})
    for user in recipients:
        message_queue(
            recipient=user.email,
            template="feedback/theme_report_ready",
            context={
                "audience": report.audience.name,
                "period": str(Period(report.first_day, report.last_day)),
                "report_url": url,
            },
            dedupe_key=f"theme-report-ready-{report.pk}-{user.pk}",
        )


def periods_due(*, audience: ReportAudience, today: date) -> list[Period]:
    """The ended periods the audience has no scheduled report for: the last one, and any missed
    since its latest report (at most CATCH_UP_LIMIT)."""
    last = last_ended_by(today)
    latest = (
        ThemeReport.objects.scheduled()
        .of_audience(audience)
        .filter(last_day__lte=last.last_day)
        .order_by("-last_day")
        .first()
    )
    if latest is None:
        return [last]
    periods = []
    period = period_after(Period(latest.first_day, latest.last_day))
    while period <= last:
        periods.append(period)
        period = period_after(period)
    return periods[-CATCH_UP_LIMIT:]


def theme_reports_create_due(*, moment: datetime) -> list[int]:
    """Create the scheduled report of each active audience for each ended period that has none; the
    ids of those waiting to be built (new ones, and any a worker dropped). Once per audience and period
    however often it runs, and at once: the unique constraint makes a second create a no-op."""
    today = timezone.localdate(moment)
    for audience in ReportAudience.objects.active():
        for period in periods_due(audience=audience, today=today):
            try:
                with transaction.atomic():
                    ThemeReport.objects.get_or_create(
                        audience=audience,
                        first_day=period.first_day,
                        last_day=period.last_day,
                        scheduled=True,
                        defaults={"requested_at": moment, "sections_total": len(SECTIONS)},
                    )
            except IntegrityError:
                pass  # made at the same moment by another run
    return list(ThemeReport.objects.to_build_at(moment, build_lease()).values_list("pk", flat=True))


# --- Review and approval ------------------------------------------------------------------------------


def _locked_for_change(report: ThemeReport) -> ThemeReport:
    report = ThemeReport.objects.select_for_update().get(pk=report.pk)
    if report.state == ReportState.APPROVED:
        raise ValidationError(_("This report is approved and can no longer be changed."), code="locked")
    if report.state == ReportState.BUILDING:
        raise ValidationError(_("This report is still being built."), code="building")
    return report


@transaction.atomic
def theme_report_review(*, report: ThemeReport, user: User, moment: datetime) -> ThemeReport:
    report = _locked_for_change(report)
    if report.state != ReportState.DRAFT:
        raise ValidationError(_("This report has been reviewed already."), code="reviewed")
    report.state = ReportState.REVIEWED
    report.reviewed_by = user
    report.reviewed_at = moment
    report.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    return report


def flagged_quotes(report: ThemeReport) -> list[dict]:
    return [
        quote
        for quote in report.figures.get("quotes", {}).get("quotes", [])
        if quote["flags"] and quote["id"] not in report.removed_quotes
    ]


@transaction.atomic
def theme_report_approve(*, report: ThemeReport, user: User, moment: datetime) -> ThemeReport:
    """Approve a reviewed report and lock it: its improvement actions are kept as they stand now."""
    report = _locked_for_change(report)
    if report.state != ReportState.REVIEWED:
        raise ValidationError(_("A report is reviewed before it is approved."), code="not_reviewed")
    if flagged_quotes(report):
        raise ValidationError(
            _("Remove the quotes flagged as possibly naming someone before approving."), code="flagged_quotes"
        )
    report.actions_at_approval = report_actions(report)
    report.state = ReportState.APPROVED
    report.approved_by = user
    report.approved_at = moment
    report.save(update_fields=["state", "approved_by", "approved_at", "actions_at_approval"])
    return report


@transaction.atomic
def report_commentary_add(*, report: ThemeReport, user: User, text: str, moment: datetime) -> ReportCommentary:
    report = _locked_for_change(report)
    if not text.strip():
        raise ValidationError({"text": _("Enter the commentary")}, code="empty")
    return ReportCommentary.objects.create(report=report, text=text.strip(), written_by=user, written_at=moment)


@transaction.atomic
def report_quote_remove(*, report: ThemeReport, quote_id: int, user: User) -> ThemeReport:
    report = _locked_for_change(report)
    known = {quote["id"] for quote in report.figures.get("quotes", {}).get("quotes", [])}
    if quote_id not in known:
        raise ValidationError(_("That quote is not in this report."), code="unknown_quote")
    if quote_id not in report.removed_quotes:
        report.removed_quotes = [*report.removed_quotes, quote_id]
        report.save(update_fields=["removed_quotes"])
        logger.info("Quote %s removed from theme report %s by user %s", quote_id, report.pk, user.pk)
    return report


# --- Improvement actions ------------------------------------------------------------------------------


@transaction.atomic
def improvement_action_add(
    *, report: ThemeReport, description: str, owner_team: Team, due_on: date, user: User, moment: datetime
) -> ImprovementAction:
    """An action the report recommends; it carries into the audience's later reports until closed."""
    report = _locked_for_change(report)
    action = ImprovementAction.objects.create(
        raised_in=report,
        description=description.strip(),
        owner_team=owner_team,
        due_on=due_on,
        created_by=user,
        created_at=moment,
    )
    ImprovementActionUpdate.objects.create(
        action=action, status=ActionStatus.OPEN, note="", changed_by=user, changed_at=moment
    )
    return action


@transaction.atomic
def improvement_action_update(
    *, action: ImprovementAction, status: str, note: str, user: User, moment: datetime
) -> ImprovementAction:
    """A new status for an action, kept in its history. Done or withdrawn closes it; a closed action
    may be reopened. The reports already approved keep the status they showed."""
    action = ImprovementAction.objects.select_for_update().get(pk=action.pk)
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Choose a status")}, code="unknown_status")
    if status == action.status and not note.strip():
        raise ValidationError({"note": _("Choose a new status or add a note")}, code="no_change")
    action.status = status
    action.closed_on = timezone.localdate(moment) if ActionStatus(status).closes else None
    action.save(update_fields=["status", "closed_on"])
    ImprovementActionUpdate.objects.create(
        action=action, status=status, note=note.strip(), changed_by=user, changed_at=moment
    )
    return action


# --- The annual Local Offer publication ---------------------------------------------------------------


@transaction.atomic
def publication_build(*, year: int, user: User, moment: datetime) -> LocalOfferPublication:
    """Build (or rebuild, keeping what was written) the year's draft publication from coded feedback
    and "You said, we did". A published year is never rebuilt: earlier years stay as published."""
    first_day, last_day = year_span(year)
    if last_day >= timezone.localdate(moment):
        raise ValidationError({"year": _("The year has not ended yet")}, code="not_ended")
    publication = LocalOfferPublication.objects.select_for_update().filter(year=year).first()
    if publication is not None and publication.is_published:
        raise ValidationError(_("This year's publication is published and can no longer be changed."), code="published")
    figures = publication_figures(first_day=first_day, last_day=last_day)
    if publication is None:
        publication = LocalOfferPublication(year=year, first_day=first_day, last_day=last_day)
    publication.figures = figures
    publication.built_by = user
    publication.built_at = moment
    publication.save()
    return publication


@transaction.atomic
def publication_edit(
    *, publication: LocalOfferPublication, introduction: str, responses: dict[str, str], user: User
) -> LocalOfferPublication:
    publication = LocalOfferPublication.objects.select_for_update().get(pk=publication.pk)
    if publication.is_published:
        raise ValidationError(_("This year's publication is published and can no longer be changed."), code="published")
    known = {area["key"] for area in publication.figures.get("areas", [])}
    publication.introduction = introduction.strip()
    publication.responses = {key: text.strip() for key, text in responses.items() if key in known and text.strip()}
    publication.save(update_fields=["introduction", "responses"])
    return publication


@transaction.atomic
def publication_publish(*, publication: LocalOfferPublication, user: User, moment: datetime) -> LocalOfferPublication:
    """Publish at the public address, once: it cannot be changed afterwards."""
    publication = LocalOfferPublication.objects.select_for_update().get(pk=publication.pk)
    if publication.is_published:
        return publication
    if not publication.introduction:
        raise ValidationError(_("Write the introduction before publishing."), code="no_introduction")
    publication.published_by = user
    publication.published_at = moment
    publication.save(update_fields=["published_by", "published_at"])
    return publication
