"""What the pages report: sessions by level and rung, attendance, the share of parent carers and young
people per session and month by month, with disclosure control, the seam for actions, and a query
budget that stays flat however many sessions."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coproduction import selectors
from coproduction.models import ActionStatus, Attendance, BenchLevel, LadderRung, ParticipantRole

from .factories import ActionFactory, ParticipantFactory, RegisterEntryFactory, SessionFactory

pytestmark = pytest.mark.django_db

MARKUP = '<script>alert("x")</script>'


def held(group, starts, *, lived=0, others=0, absent=0, **kwargs):
    session = SessionFactory(group=group, starts_at=starts, **kwargs)
    roles = [ParticipantRole.PARENT_CARER] * lived + [ParticipantRole.PROFESSIONAL] * others
    for role in roles:
        RegisterEntryFactory(session=session, participant=ParticipantFactory(role=role), role=role)
    for _ in range(absent):
        RegisterEntryFactory(session=session, attendance=Attendance.ABSENT)
    return session


def test_the_default_range_is_the_last_twelve_months():
    assert selectors.last_twelve_months(date(2026, 11, 24)) == (date(2025, 11, 24), date(2026, 11, 24))
    assert selectors.last_twelve_months(date(2028, 2, 29)) == (date(2027, 2, 28), date(2028, 2, 29))


def test_sessions_are_counted_by_level_and_rung_in_uk_dates_without_cancelled_ones(group):
    held(group, datetime(2026, 4, 1, 9, tzinfo=UTC), bench_level=BenchLevel.STRATEGIC)
    held(group, datetime(2026, 5, 1, 9, tzinfo=UTC), rung=LadderRung.PARTICIPATION)
    # 23:30 UTC on 31 March is 00:30 on 1 April in London: inside a range starting 1 April.
    held(group, datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
    held(group, datetime(2026, 3, 31, 12, tzinfo=UTC))  # outside
    held(group, datetime(2026, 6, 1, 9, tzinfo=UTC), cancelled_at=timezone.now(), cancel_reason="Snow")
    report = selectors.report_for(first_day=date(2026, 4, 1), last_day=date(2026, 12, 31), today=date(2026, 12, 31))
    table = report.sessions
    assert table.total == 3
    levels = {label: cells for label, cells, _total in table.rows}
    assert levels["Strategic"] == [0, 0, 0, 1]
    assert levels["Service"] == [0, 0, 1, 1]


def test_small_counts_of_people_are_hidden_with_a_second_cell_and_no_percentage_rests_on_them(group):
    held(group, datetime(2026, 5, 5, 9, tzinfo=UTC), lived=2, others=10)  # 2 of 12
    held(group, datetime(2026, 6, 5, 9, tzinfo=UTC), lived=6, others=6)  # 6 of 12
    report = selectors.report_for(first_day=date(2026, 4, 1), last_day=date(2026, 12, 31), today=date(2026, 12, 31))
    may, june = report.by_month.rows
    assert str(may.lived) == "fewer than 5" and may.percent is None
    # June's 6 is hidden too: with the total of 8 shown, it would give May's 2 away.
    assert june.lived.hidden and june.percent is None
    assert str(report.by_month.lived) == "8" and report.by_month.percent == 33
    assert report.suppressed
    # The exact counts remain on the Share, for staff pages that may show them.
    assert (may.share.present, may.share.lived_experience) == (12, 2)


def test_the_share_by_session_warns_below_the_meaningful_share(group):
    held(group, datetime(2026, 5, 5, 9, tzinfo=UTC), lived=5, others=15, rung=LadderRung.COPRODUCTION)
    held(group, datetime(2026, 5, 6, 9, tzinfo=UTC), lived=10, others=5, rung=LadderRung.COPRODUCTION)
    report = selectors.report_for(first_day=date(2026, 4, 1), last_day=date(2026, 12, 31), today=date(2026, 12, 31))
    later, earlier = report.by_session.rows
    assert (earlier.percent, earlier.share.warned) == (25, True)
    assert (later.percent, later.share.warned) == (67, False)
    assert report.by_month.percent == 43  # 15 of 35


def test_attendance_is_counted_by_role_and_mark_after_suppression(group):
    held(group, datetime(2026, 5, 5, 9, tzinfo=UTC), lived=6, others=7, absent=1)
    report = selectors.report_for(first_day=date(2026, 4, 1), last_day=date(2026, 12, 31), today=date(2026, 12, 31))
    rows = {role: (cells, total) for role, cells, total in report.attendance.rows}
    assert [str(c) for c in rows["Parent carer"][0]][0] == "6"
    assert str(report.attendance.table.column_totals[2]) == "fewer than 5"  # one absent


def test_actions_are_counted_done_on_time_done_late_and_open_for_the_sessions_shown(group):
    session = held(group, datetime(2026, 5, 5, 9, tzinfo=UTC), lived=6, others=2)
    elsewhere = SessionFactory(starts_at=datetime(2026, 5, 6, 9, tzinfo=UTC))
    due = date(2026, 5, 20)
    ActionFactory(
        source_session=session, due_on=due, status=ActionStatus.DONE, updated_at=datetime(2026, 5, 20, 22, tzinfo=UTC)
    )
    ActionFactory(
        source_session=session, due_on=due, status=ActionStatus.DONE, updated_at=datetime(2026, 5, 21, 9, tzinfo=UTC)
    )
    ActionFactory(source_session=session, due_on=due, status=ActionStatus.IN_PROGRESS)
    ActionFactory(source_session=session, due_on=due, status=ActionStatus.DROPPED, drop_reason="Overtaken")
    ActionFactory(source_session=elsewhere, due_on=due)
    report = selectors.report_for(
        first_day=date(2026, 4, 1), last_day=date(2026, 12, 31), today=date(2026, 12, 31), group=group
    )
    # 22:00 UTC on 20 May is 23:00 in London, still the due date: on time. The next morning is late.
    assert report.actions == selectors.ActionOutcomes(on_time=1, late=1, open=1)


def test_a_report_whose_sessions_agreed_no_actions_says_so(group):
    held(group, datetime(2026, 5, 5, 9, tzinfo=UTC), lived=6, others=2)
    report = selectors.report_for(
        first_day=date(2026, 4, 1), last_day=date(2026, 12, 31), today=date(2026, 12, 31), group=group
    )
    assert report.actions is None


def test_the_chart_draws_a_bar_for_each_month_shown_and_none_where_numbers_are_hidden(group):
    held(group, datetime(2026, 5, 5, 9, tzinfo=UTC), lived=2, others=10)
    held(group, datetime(2026, 6, 5, 9, tzinfo=UTC), lived=6, others=6)
    held(group, datetime(2026, 7, 5, 9, tzinfo=UTC), lived=7, others=7)
    chart = selectors.report_for(
        first_day=date(2026, 4, 1), last_day=date(2026, 12, 31), today=date(2026, 12, 31)
    ).chart
    may, june, july = chart.bars  # May's 2 hidden, so one more is hidden with it (June's 6)
    assert may.percent is None and june.percent is None and july.percent == 50
    assert july.height == pytest.approx((chart.plot_bottom - chart.plot_top) / 2, abs=0.2)
    assert (may.month, may.year, june.year) == ("May", "2026", "")


def test_the_group_report_page_shows_the_chart_its_table_and_says_numbers_were_hidden(staff_client, staff, group):
    starts = timezone.now() - timedelta(days=30)
    held(group, starts, lived=2, others=10, title="Forum " + MARKUP)
    held(group, starts - timedelta(days=31), lived=6, others=6)
    page = staff_client(staff).get(reverse("coproduction:group-report", args=[group.pk])).content.decode()
    assert "<svg" in page and 'role="img"' in page and 'id="months"' in page
    assert "fewer than 5" in page and 'id="small-numbers"' in page
    assert "No actions recorded yet." in page
    assert MARKUP not in page and "Forum &lt;script&gt;" in page


def test_a_wrong_date_is_said_beside_it_and_the_default_range_is_shown(staff_client, staff):
    page = (
        staff_client(staff)
        .get(reverse("coproduction:report"), {"starts_0": "31", "starts_1": "2", "starts_2": "2026"})
        .content.decode()
    )
    assert "govuk-error-summary" in page and "must be a real date" in page
    first, last = selectors.last_twelve_months(timezone.localdate())
    assert f"{last.day} " in page


@pytest.mark.parametrize("sessions", [10, 300])
def test_the_report_s_query_count_is_flat(staff_client, staff, group, sessions, django_assert_max_num_queries):
    starts = timezone.now() - timedelta(days=2)
    people = [ParticipantFactory(role=ParticipantRole.YOUNG_PERSON) for _ in range(6)]
    for i in range(sessions):
        session = SessionFactory(group=group, starts_at=starts - timedelta(days=i % 360, hours=i % 7))
        RegisterEntryFactory(session=session, participant=people[i % 6], role=ParticipantRole.YOUNG_PERSON)
    client = staff_client(staff)
    # session, user, roles, teams; the group; levels and rungs, attendance, by session, by month
    with django_assert_max_num_queries(10):
        assert client.get(reverse("coproduction:group-report", args=[group.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("coproduction:report")).status_code == 200
