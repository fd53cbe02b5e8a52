"""The theme report's closed-case response rates and co-production actions, from known data, with
disclosure control as in every other section."""

from datetime import UTC, date, datetime, timedelta

import pytest

from coproduction.models import Action, ActionStatus
from coproduction.tests.factories import ActionFactory, SessionFactory
from feedback.models import CallAttempt, CallStatus, Channel, Disposition, FollowUpCall, FollowUpSample
from feedback.reports.exports import report_csv_rows
from feedback.reports.presentation import report_present
from feedback.reports.sections import Scope, closed_case_response_rates, coproduction_actions

from .factories import CaseFeedbackFactory, ClosedCaseFactory
from .report_factories import built_report

pytestmark = pytest.mark.django_db
FIRST, LAST = date(2026, 4, 1), date(2026, 9, 30)
IN_PERIOD = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
ALL = Scope(first_day=FIRST, last_day=LAST, audience_scope="all")


def section(report, key):
    return next(s for s in report_present(report).sections if s.key == key)


def figures(part):
    return {figure.label: figure.value for figure in part.figures}


def calls(sample, status, number, *, attempted=True):
    for _index in range(number):
        call = FollowUpCall.objects.create(
            sample=sample, case=ClosedCaseFactory(), due_on=sample.quarter_start + timedelta(days=30), status=status
        )
        if attempted:
            CallAttempt.objects.create(call=call, made_at=IN_PERIOD, disposition=Disposition.NO_ANSWER)


@pytest.fixture
def closed_cases():
    """12 letters in the period, 8 of those families answered (5 online, 2 on the young person's form,
    1 by letter); one more online answer to an earlier letter; two quarters' calls in the period."""
    written = ClosedCaseFactory.create_batch(12, letter_sent_on=date(2026, 5, 4))
    for case in written[:5]:
        CaseFeedbackFactory(case=case, received_at=IN_PERIOD)
    for case in written[5:7]:
        CaseFeedbackFactory(case=case, channel=Channel.ONLINE_CHILD, received_at=IN_PERIOD)
    CaseFeedbackFactory(case=written[7], channel=Channel.LETTER, received_at=IN_PERIOD)
    CaseFeedbackFactory(case=ClosedCaseFactory(letter_sent_on=date(2026, 3, 1)), received_at=IN_PERIOD)
    ClosedCaseFactory(letter_sent_on=date(2026, 10, 5))  # after the period
    CaseFeedbackFactory(received_at=datetime(2026, 10, 2, tzinfo=UTC))  # after the period
    moment = datetime(2026, 4, 1, tzinfo=UTC)
    spring, summer, earlier = (
        FollowUpSample.objects.create(quarter_start=day, seed="s", drawn_at=moment)
        for day in (date(2026, 4, 1), date(2026, 7, 1), date(2026, 1, 1))
    )
    calls(spring, CallStatus.COMPLETED, 4)
    calls(summer, CallStatus.COMPLETED, 2)
    calls(spring, CallStatus.DECLINED, 2)
    calls(summer, CallStatus.UNREACHABLE, 1)
    calls(summer, CallStatus.OPEN, 3, attempted=False)
    calls(earlier, CallStatus.COMPLETED, 5)  # a quarter before the period


def test_closed_case_figures_are_counted_in_the_database_for_the_period(closed_cases, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        counted = closed_case_response_rates(ALL)
    assert {key: value for key, value in counted.items() if key != "call_outcomes"} == {
        "letters": 12,
        "responded": 8,
        "online": 8,
        "child": 2,
        "calls_drawn": 12,
        "calls_made": 9,
    }
    assert {key: number for key, _label, number in counted["call_outcomes"]} == {
        "open": 3,
        "completed": 6,
        "declined": 2,
        "unreachable": 1,
        "not_needed": 0,
    }


def test_the_closed_case_section_hides_small_counts(closed_cases):
    shown = section(built_report(first_day=FIRST, last_day=LAST), "closed_case_response_rates")
    assert figures(shown) == {
        "Closure letters sent": "12",
        "Families written to who gave feedback": "8",
        "Response rate": "67%",
        "Feedback sent online": "8",
        "Of which on the young person\u2019s form": "fewer than 5",
        "Follow-up calls drawn": "12",
        "Calls made": "fewer than 5",
    }
    outcomes = {row.label: str(row.count) for row in shown.breakdowns[0].rows}
    assert outcomes == {
        "To call": "fewer than 5",
        "Completed": "6",
        "Declined": "fewer than 5",
        "Unreachable": "fewer than 5",
        "Not needed": "0",
    }
    assert str(shown.breakdowns[0].total) == "12"


def test_a_response_rate_on_a_hidden_count_is_not_shown():
    ClosedCaseFactory.create_batch(3, letter_sent_on=date(2026, 5, 4))
    shown = section(built_report(first_day=FIRST, last_day=LAST), "closed_case_response_rates")
    assert figures(shown)["Response rate"] == "not shown (a count is under 5)"
    assert not shown.breakdowns


def test_closed_case_and_action_sections_are_out_of_scope_for_child_protection_reports(closed_cases):
    report = built_report(audience_name="Child Protection Committee", first_day=FIRST, last_day=LAST)
    for key in ("closed_case_response_rates", "coproduction_actions"):
        assert "child-protection feedback only" in section(report, key).empty


@pytest.fixture
def actions():
    """Actions of sessions held in the period: 6 done on time, 2 done late, 5 open or in progress, 1
    dropped; and actions of a cancelled session and of one before the period, never counted."""
    held = SessionFactory(starts_at=IN_PERIOD)
    due = date(2026, 6, 20)
    for status, number in ((ActionStatus.DONE, 8), (ActionStatus.OPEN, 3), (ActionStatus.IN_PROGRESS, 2)):
        ActionFactory.create_batch(number, source_session=held, status=status, due_on=due)
    ActionFactory(source_session=held, status=ActionStatus.DROPPED, due_on=due, drop_reason="Merged")
    done = Action.objects.filter(status=ActionStatus.DONE).order_by("pk")
    Action.objects.filter(pk__in=list(done.values_list("pk", flat=True)[:6])).update(
        updated_at=datetime(2026, 6, 19, 12, tzinfo=UTC)
    )
    Action.objects.filter(pk__in=list(done.values_list("pk", flat=True)[6:])).update(
        updated_at=datetime(2026, 7, 2, 12, tzinfo=UTC)
    )
    ActionFactory(source_session=SessionFactory(starts_at=datetime(2026, 3, 1, tzinfo=UTC)))
    ActionFactory(
        source_session=SessionFactory(starts_at=IN_PERIOD, cancelled_at=IN_PERIOD, cancel_reason="Venue closed")
    )


def test_coproduction_actions_are_counted_over_the_periods_sessions(actions):
    assert coproduction_actions(ALL) == {"on_time": 6, "late": 2, "open": 5}
    shown = section(built_report(first_day=FIRST, last_day=LAST), "coproduction_actions")
    assert {row.label: str(row.count) for row in shown.breakdowns[0].rows} == {
        "Done by the due date": "6",
        "Done after the due date": "fewer than 5",
        "Still open": "fewer than 5",
    }
    assert str(shown.breakdowns[0].total) == "13"
    assert figures(shown) == {
        "Actions done": "fewer than 5",
        "Done by the due date, of those done": "not shown (a count is under 5)",
    }


def test_the_csv_hides_the_same_cells(closed_cases, actions):
    report = built_report(first_day=FIRST, last_day=LAST)
    lines = list(report_csv_rows(report, report_present(report)))
    assert ["Co-production actions", "Actions agreed at the period\u2019s sessions", "Done after the due date"] in [
        line[:3] for line in lines
    ]
    values = {(line[0], line[2]): line[4] for line in lines}
    assert values[("Co-production actions", "Done after the due date")] == "fewer than 5"
    assert values[("Closed-case response rates", "Declined")] == "fewer than 5"
    assert values[("Closed-case response rates", "Response rate")] == "67%"


def test_a_report_built_before_these_figures_existed_says_so(closed_cases):
    report = built_report(first_day=FIRST, last_day=LAST)
    report.figures["closed_case_response_rates"] = {"unavailable": True}
    report.figures["coproduction_actions"] = {"unavailable": True}
    for key in ("closed_case_response_rates", "coproduction_actions"):
        assert "when this report was built" in section(report, key).empty


def test_shares_and_calls_made_are_shown_when_nothing_beside_them_is_hidden():
    held = SessionFactory(starts_at=IN_PERIOD)
    for status, number in ((ActionStatus.DONE, 11), (ActionStatus.OPEN, 5)):
        ActionFactory.create_batch(number, source_session=held, status=status, due_on=date(2026, 6, 20))
    late = Action.objects.filter(status=ActionStatus.DONE).order_by("pk").values_list("pk", flat=True)[:5]
    Action.objects.filter(status=ActionStatus.DONE).update(updated_at=datetime(2026, 6, 19, 12, tzinfo=UTC))
    Action.objects.filter(pk__in=list(late)).update(updated_at=datetime(2026, 7, 2, 12, tzinfo=UTC))
    sample = FollowUpSample.objects.create(quarter_start=date(2026, 4, 1), seed="s", drawn_at=IN_PERIOD)
    calls(sample, CallStatus.COMPLETED, 6)
    calls(sample, CallStatus.DECLINED, 5)
    report = built_report(first_day=FIRST, last_day=LAST)
    assert figures(section(report, "coproduction_actions")) == {
        "Actions done": "11",
        "Done by the due date, of those done": "55%",
    }
    assert figures(section(report, "closed_case_response_rates"))["Calls made"] == "11"
