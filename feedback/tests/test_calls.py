"""The quarterly telephone sample: once per quarter, reproducible, exclusions respected, sizes per team;
and the calls: attempts, outcomes, and who may record them."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role
from feedback import calls, services
from feedback.models import (
    CallStatus,
    CaseFeedback,
    Channel,
    ContactWish,
    Disposition,
    FollowUpCall,
    FollowUpSample,
    TimeOfDay,
)
from notifications.models import Message

from .factories import CaseFeedbackFactory, ClosedCaseFactory, FeedbackCodeFactory

LONDON = ZoneInfo("Europe/London")
QUARTER = date(2026, 7, 1)
IN_QUARTER = date(2026, 8, 15)
MOMENT = datetime(2026, 10, 2, 7, tzinfo=UTC)


@pytest.fixture(autouse=True)
def sizes(settings):
    settings.FEEDBACK_SAMPLE_PERCENT = 20
    settings.FEEDBACK_SAMPLE_MIN = 2
    settings.FEEDBACK_SAMPLE_MAX = 5


def test_sizes_respect_the_percentage_minimum_and_maximum():
    assert [calls.sample_size(n, calls.size_rule_now()) for n in (0, 1, 2, 10, 20, 100)] == [0, 1, 2, 2, 4, 5]


def test_a_sample_is_drawn_once_per_quarter_per_team_sizes(team, other_team):
    ClosedCaseFactory.create_batch(20, team=team, closed_on=IN_QUARTER)
    ClosedCaseFactory.create_batch(3, team=other_team, closed_on=IN_QUARTER)
    first = calls.sample_draw_for_quarter(quarter_start=QUARTER, moment=MOMENT)
    again = calls.sample_draw_for_quarter(quarter_start=date(2026, 9, 30), moment=MOMENT + timedelta(days=1))
    assert again.pk == first.pk and FollowUpSample.objects.count() == 1
    drawn = FollowUpCall.objects.filter(sample=first)
    assert drawn.filter(case__team=team).count() == 4 and drawn.filter(case__team=other_team).count() == 2


def test_the_seed_reproduces_the_draw(team):
    ClosedCaseFactory.create_batch(30, team=team, closed_on=IN_QUARTER)
    sample = calls.sample_draw_for_quarter(quarter_start=QUARTER, moment=MOMENT)
    stored = FollowUpSample.objects.get(pk=sample.pk)
    again = calls.sample_pick(seed=stored.seed, considered=stored.considered, rule=stored.size_rule)
    assert again == sorted(sample.calls.values_list("case_id", flat=True))
    assert calls.sample_pick(seed="another", considered=stored.considered, rule=stored.size_rule) != again


def test_excluded_cases_are_never_drawn(team, settings):
    settings.FEEDBACK_SAMPLE_MIN = 100
    settings.FEEDBACK_SAMPLE_MAX = 100
    eligible = ClosedCaseFactory(team=team, closed_on=IN_QUARTER)
    ClosedCaseFactory(team=team, closed_on=IN_QUARTER, do_not_contact=True, do_not_contact_reason="Asked")
    CaseFeedbackFactory(case=ClosedCaseFactory(team=team, closed_on=IN_QUARTER))
    ClosedCaseFactory(team=team, closed_on=IN_QUARTER, phone="")
    ClosedCaseFactory(team=team, closed_on=date(2026, 10, 1))  # the next quarter
    earlier = ClosedCaseFactory(team=team, closed_on=IN_QUARTER)
    FollowUpCall.objects.create(
        sample=FollowUpSample.objects.create(quarter_start=date(2026, 4, 1), seed="x", drawn_at=MOMENT),
        case=earlier,
        due_on=date(2026, 8, 1),
    )
    sample = calls.sample_draw_for_quarter(quarter_start=QUARTER, moment=MOMENT)
    assert list(sample.calls.values_list("case_id", flat=True)) == [eligible.pk]


def test_calls_are_spread_over_the_teams_staff(make_user, team):
    callers = [make_user(Role.STAFF, teams=[team]) for _ in range(2)]
    ClosedCaseFactory.create_batch(20, team=team, closed_on=IN_QUARTER)
    sample = calls.sample_draw_for_quarter(quarter_start=QUARTER, moment=MOMENT)
    assert sorted(sample.calls.values_list("caller_id", flat=True)) == sorted([callers[0].pk, callers[1].pk] * 2)


def test_the_job_catches_up_missed_quarters(team):
    ClosedCaseFactory(team=team, closed_on=date(2026, 2, 1))
    drawn = calls.samples_catch_up(moment=MOMENT)
    assert [s.quarter_start for s in drawn] == [date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1)]
    assert calls.samples_catch_up(moment=MOMENT) == []


def a_call(team, caller) -> FollowUpCall:
    ClosedCaseFactory(team=team, closed_on=IN_QUARTER)
    calls.sample_draw_for_quarter(quarter_start=QUARTER, moment=MOMENT)
    call = FollowUpCall.objects.get()
    call.caller = caller
    call.save()
    return call


def test_no_answer_three_times_closes_the_call_as_unreachable(staff, team):
    call = a_call(team, staff)
    for hour in (9, 13, 18):
        call = calls.call_attempt_record(
            call=call, user=staff, disposition=Disposition.NO_ANSWER, moment=MOMENT.replace(hour=hour)
        )
    assert call.status == CallStatus.UNREACHABLE and call.attempts.count() == 3
    with pytest.raises(ValidationError):
        calls.call_attempt_record(call=call, user=staff, disposition=Disposition.NO_ANSWER, moment=MOMENT)


def test_feedback_given_on_the_phone_is_recorded_with_its_channel(staff, team):
    call = a_call(team, staff)
    answers = {"worked_well": "Helpful", "experience": "good", "contact_wish": ContactWish.NO}
    call = calls.call_attempt_record(
        call=call, user=staff, disposition=Disposition.COMPLETE, moment=MOMENT, answers=answers
    )
    assert call.status == CallStatus.COMPLETED
    assert CaseFeedback.objects.get().channel == Channel.TELEPHONE


def test_an_outcome_for_another_callers_call_is_refused(staff, other_staff, make_user, team):
    call = a_call(team, staff)
    with pytest.raises(ValidationError):
        calls.call_attempt_record(call=call, user=other_staff, disposition=Disposition.REFUSED, moment=MOMENT)
    call = calls.call_attempt_record(
        call=call, user=make_user(Role.MANAGER), disposition=Disposition.REFUSED, moment=MOMENT
    )
    assert call.status == CallStatus.DECLINED


def test_feedback_online_before_the_call_closes_it_as_not_needed(staff, team):
    call = a_call(team, staff)
    code = FeedbackCodeFactory(case=call.case, expires_at=MOMENT + timedelta(days=30))
    answers = {"experience": "good", "contact_wish": ContactWish.NO}
    services.feedback_submit(typed_code=code.code, answers=answers, for_child_form=False, moment=MOMENT)
    call.refresh_from_db()
    assert call.status == CallStatus.NOT_NEEDED


def test_callers_are_reminded_of_calls_due_once_a_day(staff, team):
    call = a_call(team, staff)
    call.due_on = date(2026, 10, 4)
    call.save()
    assert calls.call_reminders_send(moment=MOMENT) == 1
    assert calls.call_reminders_send(moment=MOMENT + timedelta(hours=2)) == 0
    message = Message.objects.get(template="feedback/calls_due")
    assert message.recipient == staff.email and message.context["calls"][0]["reference"] == call.case.reference
    calls.call_attempt_record(call=call, user=staff, disposition=Disposition.REFUSED, moment=MOMENT)
    assert calls.call_reminders_send(moment=MOMENT + timedelta(days=1)) == 0


# --- Times of day -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("local", "part"),
    [
        (datetime(2026, 10, 2, 0, 30, tzinfo=LONDON), TimeOfDay.MORNING),
        (datetime(2026, 10, 2, 11, 59, tzinfo=LONDON), TimeOfDay.MORNING),
        (datetime(2026, 10, 2, 12, 0, tzinfo=LONDON), TimeOfDay.AFTERNOON),
        (datetime(2026, 10, 2, 16, 59, tzinfo=LONDON), TimeOfDay.AFTERNOON),
        (datetime(2026, 10, 2, 17, 0, tzinfo=LONDON), TimeOfDay.EVENING),
        (datetime(2026, 12, 2, 21, 0, tzinfo=LONDON), TimeOfDay.EVENING),
    ],
)
def test_the_part_of_the_day_is_read_in_local_time(local, part):
    assert TimeOfDay.of(local) == part
    assert TimeOfDay.of(local.astimezone(UTC)) == part


def test_a_second_no_answer_in_the_same_part_of_the_day_is_refused_beside_the_outcome(staff, team):
    call = a_call(team, staff)
    calls.call_attempt_record(call=call, user=staff, disposition=Disposition.NO_ANSWER, moment=MOMENT.replace(hour=8))
    next_morning = MOMENT.replace(hour=9) + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        calls.call_attempt_record(call=call, user=staff, disposition=Disposition.NO_ANSWER, moment=next_morning)
    assert refused.value.error_dict["disposition"][0].code == "time_of_day_tried"
    assert "afternoon, evening" in refused.value.messages[0]
    assert call.attempts.count() == 1
    # Reaching them in the morning is fine: only a no answer needs another time of day.
    call = calls.call_attempt_record(call=call, user=staff, disposition=Disposition.REFUSED, moment=next_morning)
    assert call.status == CallStatus.DECLINED


def test_three_no_answers_at_three_times_of_day_close_the_call_and_each_shows_what_is_left(staff, team):
    call = a_call(team, staff)
    tried = []
    for hour, left in ((9, ["afternoon", "evening"]), (14, ["evening"]), (19, [])):  # 10am, 3pm, 8pm in London
        moment = MOMENT.replace(hour=hour)
        call = calls.call_attempt_record(call=call, user=staff, disposition=Disposition.NO_ANSWER, moment=moment)
        tried.append(moment)
        assert calls.times_untried(tried) == left
    assert call.status == CallStatus.UNREACHABLE and call.closed_at == MOMENT.replace(hour=19)
