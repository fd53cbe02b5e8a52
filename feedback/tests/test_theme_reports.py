"""Theme reports built from known data: every section's numbers, disclosure control, the change
against the previous period, the snapshot after approval, the job once per audience and period,
and a missed period caught up."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from consultations.tests.factories import ConsultationFactory, OutcomeItemFactory
from coproduction.models import Attendance, BenchLevel, LadderRung, ParticipantRole
from coproduction.tests.factories import RegisterEntryFactory, SessionFactory
from feedback.models import (
    FeedbackChannel,
    FeedbackItem,
    FeedbackSource,
    FriendsAndFamilyRating,
    Polarity,
    ReportState,
    ThemeReport,
)
from feedback.reports import services
from feedback.reports.exports import report_csv_rows
from feedback.reports.periods import Period, last_ended_by, period_containing
from feedback.reports.presentation import report_present
from feedback.reports.sections import quote_flags
from notifications.models import Message

from .report_factories import FeedbackItemFactory, ThemeFactory, audience, built_report, code

pytestmark = pytest.mark.django_db
FIRST, LAST = date(2026, 4, 1), date(2026, 9, 30)
IN_PERIOD = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


def section(presented, key):
    return next(s for s in presented.sections if s.key == key)


def rows(part):
    return {row.label: str(row.count) for row in part.rows}


@pytest.fixture
def known_data():
    """20 items: 12 by one team online, 6 by a second on paper, 2 by a third in person."""
    short_breaks, transport, small = (
        TeamFactory(name="Short Breaks Team"),
        TeamFactory(name="Transport Team"),
        TeamFactory(name="Tiny Team"),
    )
    ratings = [FriendsAndFamilyRating.VERY_GOOD] * 6 + [FriendsAndFamilyRating.GOOD] * 4
    ratings += [FriendsAndFamilyRating.POOR] * 5 + [FriendsAndFamilyRating.NEITHER] * 3 + ["", ""]
    items = []
    for index in range(20):
        team, source, channel = (
            (short_breaks, FeedbackSource.CLOSED_CASE, FeedbackChannel.ONLINE)
            if index < 12
            else (transport, FeedbackSource.LETTER, FeedbackChannel.PAPER)
            if index < 18
            else (small, FeedbackSource.INTERVIEW, FeedbackChannel.IN_PERSON)
        )
        items.append(
            FeedbackItemFactory(
                team=team,
                source=source,
                channel=channel,
                rating=ratings[index],
                received_on=date(2026, 5, 1) + timedelta(days=index),
                consent_to_quote=True,
                child_protection=index < 3,
                text=f"Feedback number {index}",
            )
        )
    # Outside the period: never counted.
    FeedbackItemFactory(team=short_breaks, received_on=date(2026, 10, 1))
    listening, waiting, gaps = (
        ThemeFactory(name="Listening"),
        ThemeFactory(name="Waiting times"),
        ThemeFactory(name="Short breaks for older children"),
    )
    coder = UserFactory(role=Role.STAFF)
    for item in items[3:10]:
        code(item, listening, Polarity.WORKS_WELL, coder)
    items[5].text = "Call me on 07700 900123 please"
    items[5].save()
    for item in items[10:12]:
        code(item, listening, Polarity.NEEDS_IMPROVING, coder)
    for item in items[12:18]:
        code(item, waiting, Polarity.NEEDS_IMPROVING, coder)
    for item in items[13:18]:
        code(item, gaps, Polarity.MISSING, coder)
    # Needs improving: Listening 2, Waiting times 6, Communication 5; the 2 is hidden, and the 5 with it.
    communication = ThemeFactory(name="Communication")
    for item in items[12:17]:
        code(item, communication, Polarity.NEEDS_IMPROVING, coder)
    code(items[3], listening, Polarity.WORKS_WELL, UserFactory(role=Role.STAFF))  # coded twice: counted once
    # Consultations and co-production in the period.
    consultation = ConsultationFactory(
        opens_at=IN_PERIOD, closes_at=IN_PERIOD + timedelta(days=20), published_at=IN_PERIOD
    )
    ConsultationFactory(opens_at=datetime(2026, 11, 1, tzinfo=UTC), closes_at=datetime(2026, 12, 1, tzinfo=UTC))
    consultation.outcomes_published_at = IN_PERIOD + timedelta(days=30)
    consultation.save()
    OutcomeItemFactory(consultation=consultation)
    sessions = [SessionFactory(starts_at=IN_PERIOD + timedelta(days=n)) for n in range(6)]
    sessions.append(
        SessionFactory(starts_at=IN_PERIOD, bench_level=BenchLevel.STRATEGIC, rung=LadderRung.PARTICIPATION)
    )
    for session in sessions[:5]:
        RegisterEntryFactory(session=session, role=ParticipantRole.PARENT_CARER, attendance=Attendance.ATTENDED)
        RegisterEntryFactory(session=session, role=ParticipantRole.PROFESSIONAL, attendance=Attendance.ATTENDED)
    RegisterEntryFactory(session=sessions[5], role=ParticipantRole.YOUNG_PERSON, attendance=Attendance.ABSENT)
    return {"items": items, "listening": listening, "waiting": waiting}


def test_every_section_has_the_numbers_of_the_known_data(known_data):
    report = built_report(first_day=FIRST, last_day=LAST)
    assert report.state == ReportState.DRAFT and report.sections_done == report.sections_total
    presented = report_present(report)

    volumes = section(presented, "volumes")
    by_source, by_channel, by_team = volumes.breakdowns
    # 12, 6 and 2: the 2 is hidden, and so is the 6, or 20 - 12 would give it away.
    assert rows(by_team) == {"Short Breaks Team": "12", "Transport Team": "fewer than 5", "Tiny Team": "fewer than 5"}
    assert str(by_team.total) == "20"
    assert rows(by_source) == {
        "Closed-case feedback": "12",
        "Letter": "fewer than 5",
        "Interview": "fewer than 5",
    }

    fft = section(presented, "friends_and_family")
    figures = {figure.label: figure.value for figure in fft.figures}
    assert figures == {"Answered": "18", "Positive": "56%", "Negative": "28%"}

    themes = section(presented, "themes")
    works_well = next(part for part in themes.breakdowns if part.key == "themes-works_well")
    assert rows(works_well) == {"Listening": "7"}
    needs_improving = next(part for part in themes.breakdowns if part.key == "themes-needs_improving")
    assert rows(needs_improving)["Waiting times"] == "6"
    assert rows(needs_improving) == {
        "Waiting times": "6",
        "Communication": "fewer than 5",
        "Listening": "fewer than 5",
    }
    gaps = section(presented, "gaps")
    assert rows(gaps.breakdowns[0]) == {"Short breaks for older children": "5"}

    quotes = section(presented, "quotes")
    quoted = {quote["id"] for quote in quotes.quotes}
    # From groups of five or more only; child-protection items never.
    assert quoted and all(
        quote["theme"] != "Listening" or quote["polarity"] != "needs_improving" for quote in quotes.quotes
    )
    assert not quoted & {item.pk for item in known_data["items"][:3]}
    assert [q["flags"] for q in quotes.quotes if "07700" in q["text"]] in ([], [["phone"]])

    consultations = {f.label: f.value for f in section(presented, "consultations").figures}
    assert consultations["Consultations open in the period"] == "fewer than 5"
    assert consultations["\u201cYou said, we did\u201d published"] == "fewer than 5"

    coproduction = section(presented, "coproduction")
    figures = {f.label: f.value for f in coproduction.figures}
    assert figures["Sessions held"] == "7"
    assert figures["Attendances"] == "10"
    assert figures["Share of parent carers and young people"] == "50%"
    grid = coproduction.grids[0]
    service_row = next(row for row in grid.rows if row[0] == "Service")
    assert str(service_row[2]) == "6"

    assert section(presented, "closed_case_response_rates").empty.startswith("No closure letter was sent")
    assert section(presented, "coproduction_actions").empty.startswith("No action was agreed")
    assert presented.suppressed


def test_no_naive_figure_leaks_into_the_csv(known_data):
    report = built_report(first_day=FIRST, last_day=LAST)
    lines = list(report_csv_rows(report, report_present(report)))
    by_team = {line[2]: line[4] for line in lines if line[1] == "Feedback by team"}
    assert by_team == {
        "Short Breaks Team": "12",
        "Transport Team": "fewer than 5",
        "Tiny Team": "fewer than 5",
        "Total": "20",
    }
    assert any("Counts were hidden" in line[4] for line in lines)


def test_the_child_protection_committee_sees_child_protection_feedback_only(known_data):
    report = built_report(audience_name="Child Protection Committee", first_day=FIRST, last_day=LAST)
    presented = report_present(report)
    assert str(section(presented, "volumes").breakdowns[2].total) == "fewer than 5"
    assert section(presented, "quotes").empty == "Child-protection feedback is never quoted."
    assert "child-protection feedback only" in section(presented, "consultations").empty


def test_theme_change_is_against_the_previous_periods_report(known_data):
    earlier = [FeedbackItemFactory(received_on=date(2026, 1, 5)) for _ in range(9)]
    for item in earlier:
        code(item, known_data["waiting"], Polarity.NEEDS_IMPROVING)
    for item in earlier[:3]:
        code(item, known_data["listening"], Polarity.WORKS_WELL)
    built_report(first_day=date(2025, 10, 1), last_day=date(2026, 3, 31))
    report = built_report(first_day=FIRST, last_day=LAST)
    themes = section(report_present(report), "themes")
    needs_improving = next(part for part in themes.breakdowns if part.key == "themes-needs_improving")
    notes = {row.label: row.note for row in needs_improving.rows}
    assert notes["Waiting times"] == "-3"
    works_well = next(part for part in themes.breakdowns if part.key == "themes-works_well")
    # 3 before was hidden: a change would give it away.
    assert {row.label: row.note for row in works_well.rows} == {"Listening": "not shown"}
    assert "1 October 2025 to 31 March 2026" in themes.notes[0]


def test_a_data_change_after_approval_leaves_the_approved_report_as_it_was(known_data):
    manager = UserFactory(role=Role.MANAGER)
    report = built_report(first_day=FIRST, last_day=LAST)
    flagged = services.flagged_quotes(report)
    for quote in flagged:
        services.report_quote_remove(report=report, quote_id=quote["id"], user=manager)
    services.theme_report_review(report=report, user=manager, moment=IN_PERIOD)
    action = services.improvement_action_add(
        report=report,
        description="Answer calls within a day",
        owner_team=TeamFactory(),
        due_on=date(2027, 1, 31),
        user=manager,
        moment=IN_PERIOD,
    )
    report = services.theme_report_approve(report=report, user=manager, moment=IN_PERIOD)
    before = list(report_csv_rows(report, report_present(report)))
    FeedbackItemFactory.create_batch(30, received_on=date(2026, 6, 1))
    FeedbackItem.objects.filter(team__name="Tiny Team").delete()
    services.improvement_action_update(action=action, status="done", note="Done", user=manager, moment=IN_PERIOD)
    report.refresh_from_db()
    assert list(report_csv_rows(report, report_present(report))) == before
    with pytest.raises(ValidationError) as refused:
        services.report_commentary_add(report=report, user=manager, text="Late", moment=IN_PERIOD)
    assert refused.value.code == "locked"


def test_approval_needs_review_and_no_flagged_quote(known_data):
    manager = UserFactory(role=Role.MANAGER)
    report = built_report(first_day=FIRST, last_day=LAST)
    with pytest.raises(ValidationError) as refused:
        services.theme_report_approve(report=report, user=manager, moment=IN_PERIOD)
    assert refused.value.code == "not_reviewed"
    services.theme_report_review(report=report, user=manager, moment=IN_PERIOD)
    if services.flagged_quotes(report):
        with pytest.raises(ValidationError) as refused:
            services.theme_report_approve(report=report, user=manager, moment=IN_PERIOD)
        assert refused.value.code == "flagged_quotes"


def test_quote_checks_flag_names_phone_numbers_and_email_addresses():
    assert quote_flags("Ring 07700 900123 any time") == ["phone"]
    assert quote_flags("write to jo.bloggs@example.com") == ["email"]
    assert quote_flags("Mrs Patel was kind") == ["name"]
    assert quote_flags("my son Oliver loved it") == ["name"]
    assert quote_flags("The short breaks team listened") == []


def test_periods_are_half_years_by_default_and_follow_the_setting(settings):
    assert period_containing(date(2026, 5, 1)) == Period(date(2026, 4, 1), date(2026, 9, 30))
    assert period_containing(date(2027, 2, 1)) == Period(date(2026, 10, 1), date(2027, 3, 31))
    assert last_ended_by(date(2026, 10, 1)) == Period(date(2026, 4, 1), date(2026, 9, 30))
    settings.THEME_REPORT_PERIOD_START_MONTHS = (1, 4, 7, 10)
    assert period_containing(date(2026, 5, 1)) == Period(date(2026, 4, 1), date(2026, 6, 30))


def test_the_job_twice_for_one_period_gives_one_report_per_audience(manager):
    moment = datetime(2026, 10, 1, 6, 0, tzinfo=UTC)
    services.theme_reports_create_due(moment=moment)
    ids = services.theme_reports_create_due(moment=moment)
    for report_id in ids:
        services.theme_report_build(report_id=report_id, moment=moment)
        services.theme_report_build(report_id=report_id, moment=moment)
    services.theme_reports_create_due(moment=moment + timedelta(days=1))
    reports = ThemeReport.objects.filter(first_day=FIRST, last_day=LAST)
    assert reports.count() == 3
    assert set(reports.values_list("state", flat=True)) == {ReportState.DRAFT}
    # Each manager hears once of each report.
    assert Message.objects.filter(template="feedback/theme_report_ready", recipient=manager.email).count() == 3


def test_a_skipped_period_is_caught_up():
    services.theme_reports_create_due(moment=datetime(2026, 4, 2, 6, 0, tzinfo=UTC))  # Oct 2025 - Mar 2026
    # The job does not run again until a year later: April-September 2026 and October-March are both built.
    services.theme_reports_create_due(moment=datetime(2027, 4, 3, 6, 0, tzinfo=UTC))
    smt = ThemeReport.objects.filter(audience=audience()).order_by("first_day")
    assert [(r.first_day, r.last_day) for r in smt] == [
        (date(2025, 10, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 9, 30)),
        (date(2026, 10, 1), date(2027, 3, 31)),
    ]


def test_actions_carry_into_later_reports_until_closed(known_data):
    manager = UserFactory(role=Role.MANAGER)
    first = built_report(first_day=date(2025, 10, 1), last_day=date(2026, 3, 31))
    action = services.improvement_action_add(
        report=first,
        description="Shorter waits",
        owner_team=TeamFactory(),
        due_on=date(2026, 12, 1),
        user=manager,
        moment=IN_PERIOD,
    )
    second = built_report(first_day=FIRST, last_day=LAST)
    from feedback.reports.presentation import report_actions

    assert [a["description"] for a in report_actions(second)["carried"]] == ["Shorter waits"]
    services.improvement_action_update(
        action=action, status="done", note="", user=manager, moment=datetime(2026, 9, 1, tzinfo=UTC)
    )
    third = built_report(first_day=date(2026, 10, 1), last_day=date(2027, 3, 31))
    assert report_actions(third)["carried"] == []
    assert [h["status_label"] for h in report_actions(second)["carried"][0]["history"]] == ["Not started", "Done"]


def test_the_ready_email_links_to_the_report(manager):
    from notifications.services import message_render

    services.theme_reports_create_due(moment=datetime(2026, 10, 1, 6, 0, tzinfo=UTC))
    report = ThemeReport.objects.filter(audience=audience()).get()
    services.theme_report_build(report_id=report.pk, moment=datetime(2026, 10, 1, 6, 0, tzinfo=UTC))
    message = Message.objects.get(recipient=manager.email, dedupe_key__endswith=f"-{report.pk}-{manager.pk}")
    email = message_render(message)
    assert email.subject == "Theme report ready: Senior Management Team, 1 April 2026 to 30 September 2026"
    assert f"/staff/reports/{report.pk}/" in email.body


def test_the_sweep_builds_a_report_whose_task_was_lost(manager):
    from feedback.reports import tasks

    report = ThemeReport.objects.create(
        audience=audience(), first_day=FIRST, last_day=LAST, requested_at=IN_PERIOD, requested_by=manager
    )
    assert tasks.theme_reports_sweep() == 1  # the task runs in-process in tests
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT
    assert tasks.theme_reports_sweep() == 0
