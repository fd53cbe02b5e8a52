"""The quarterly telephone sample and the calls it makes.

Every quarter a random sample of the quarter's closed cases that gave no feedback is telephoned. The
draw is reproducible: it keeps its seed and the cases it considered (by team), and the same seed and
cases always draw the same sample (``sample_pick``). It happens once per quarter (a unique key on the
quarter), however often the job runs, and the job catches up quarters it missed.
"""

import random
import secrets
from collections import defaultdict
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import STAFF_ROLES
from common.dates import govuk_date
from coproduction.services import refuse
from notifications.services import message_queue

from .models import (
    CallAttempt,
    CallStatus,
    Channel,
    ClosedCase,
    Disposition,
    FollowUpCall,
    FollowUpSample,
    TimeOfDay,
)

CATCH_UP_QUARTERS = 4  # a job stopped for longer than a year draws the last four quarters only
MAX_ATTEMPTS = 3  # no answers before a call is unreachable: one in each part of the day (TimeOfDay)


def quarter_start_of(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_after(start: date) -> date:
    return date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)


def quarter_before(start: date) -> date:
    return date(start.year - (start.month == 1), (start.month - 4) % 12 + 1, 1)


def size_rule_now() -> dict:
    """The sample size rule the settings give: FEEDBACK_SAMPLE_PERCENT, _MIN and _MAX."""
    return {
        "percent": settings.FEEDBACK_SAMPLE_PERCENT,
        "minimum": settings.FEEDBACK_SAMPLE_MIN,
        "maximum": settings.FEEDBACK_SAMPLE_MAX,
    }


def sample_size(eligible: int, rule: dict) -> int:
    """How many of a team's eligible cases to call: the percentage, within the minimum and maximum."""
    wanted = round(eligible * rule["percent"] / 100)
    return min(eligible, max(rule["minimum"], min(rule["maximum"], wanted)))


def sample_pick(*, seed: str, considered: dict[str, list[int]], rule: dict) -> list[int]:
    """The drawn cases: for each team, a seeded random choice from its considered cases. The same seed,
    cases and size rule always give the same result, on any machine."""
    drawn = []
    for team_id in sorted(considered, key=int):
        cases = sorted(considered[team_id])
        # A seeded generator on purpose: the draw must be reproducible; the seed itself is from secrets.
        generator = random.Random(f"{seed}:{team_id}")  # noqa: S311
        drawn += sorted(generator.sample(cases, sample_size(len(cases), rule)))
    return drawn


def cases_eligible(*, quarter_start: date):
    """The quarter's closed cases that may be called: no feedback, no do-not-contact flag, and not
    drawn in a sample of the twelve months before. A safeguarding flag is raised on feedback, so a
    case with a flag, open or handled, is never called: the call asks for feedback it already gave."""
    end = quarter_after(quarter_start)
    year_before = date(quarter_start.year - 1, quarter_start.month, 1)
    recently_called = FollowUpCall.objects.filter(sample__quarter_start__gte=year_before).values("case_id")
    return (
        ClosedCase.objects.contactable()
        .filter(closed_on__gte=quarter_start, closed_on__lt=end, feedback__isnull=True)
        .exclude(pk__in=recently_called)
        .exclude(phone="")
    )


def callers_by_team(team_ids) -> dict[int, list[int]]:
    callers: dict[int, list[int]] = defaultdict(list)
    staff = User.objects.filter(is_active=True, groups__name__in=STAFF_ROLES, teams__in=team_ids).distinct()
    for user_id, team_id in staff.values_list("pk", "teams").order_by("pk"):
        if team_id in team_ids and user_id not in callers[team_id]:
            callers[team_id].append(user_id)
    return callers


@transaction.atomic
def sample_draw_for_quarter(*, quarter_start: date, moment: datetime, rule: dict | None = None) -> FollowUpSample:
    """Draw the quarter's sample and make its calls, once: a second run (or a second worker at the same
    time) returns the first draw. The size rule is the settings' unless given. Calls are spread over
    each team's staff in turn, due FEEDBACK_CALL_DUE_DAYS after the draw."""
    quarter_start = quarter_start_of(quarter_start)
    if existing := FollowUpSample.objects.filter(quarter_start=quarter_start).first():
        return existing
    try:
        with transaction.atomic():
            sample = FollowUpSample.objects.create(
                quarter_start=quarter_start,
                seed=secrets.token_hex(8),
                considered={},
                size_rule=rule or size_rule_now(),
                drawn_at=moment,
            )
    except IntegrityError:
        return FollowUpSample.objects.get(quarter_start=quarter_start)
    considered: dict[str, list[int]] = defaultdict(list)
    for case_id, team_id in cases_eligible(quarter_start=quarter_start).values_list("pk", "team_id"):
        considered[str(team_id)].append(case_id)
    sample.considered = dict(considered)
    sample.save(update_fields=["considered"])
    drawn = set(sample_pick(seed=sample.seed, considered=sample.considered, rule=sample.size_rule))
    team_of = {case_id: int(team) for team, cases in considered.items() for case_id in cases}
    callers = callers_by_team({int(team) for team in considered})
    turns: dict[int, int] = defaultdict(int)
    due_on = timezone.localdate(moment) + timedelta(days=settings.FEEDBACK_CALL_DUE_DAYS)
    calls = []
    for case_id in sorted(drawn):
        team = team_of[case_id]
        people = callers.get(team) or [None]
        calls.append(
            FollowUpCall(sample=sample, case_id=case_id, caller_id=people[turns[team] % len(people)], due_on=due_on)
        )
        turns[team] += 1
    FollowUpCall.objects.bulk_create(calls, batch_size=1000)
    return sample


def samples_catch_up(*, moment: datetime) -> list[FollowUpSample]:
    """Draw every ended quarter that has no sample yet (the last few), oldest first."""
    last_ended = quarter_before(quarter_start_of(timezone.localdate(moment)))
    quarters = [last_ended]
    for _step in range(CATCH_UP_QUARTERS - 1):
        quarters.insert(0, quarter_before(quarters[0]))
    first_case = ClosedCase.objects.order_by("closed_on").values_list("closed_on", flat=True).first()
    if first_case is None:
        return []
    drawn = set(FollowUpSample.objects.filter(quarter_start__in=quarters).values_list("quarter_start", flat=True))
    return [
        sample_draw_for_quarter(quarter_start=quarter, moment=moment)
        for quarter in quarters
        if quarter not in drawn and quarter_after(quarter) > first_case
    ]


def times_untried(no_answers: list[datetime]) -> list[TimeOfDay]:
    """The parts of the day a family that did not answer at ``no_answers`` has not been tried in yet."""
    tried = {TimeOfDay.of(moment) for moment in no_answers}
    return [part for part in TimeOfDay if part not in tried]


def no_answer_time_check(call: FollowUpCall, moment: datetime) -> None:
    """A family that did not answer is tried again at another time of day: a no answer in a part of the
    day tried already is refused beside the outcome, so the caller tries later instead."""
    earlier = list(call.attempts.filter(disposition=Disposition.NO_ANSWER).values_list("made_at", flat=True))
    part = TimeOfDay.of(moment)
    if part in times_untried(earlier):
        return
    untried = ", ".join(str(other.label) for other in times_untried(earlier))
    message = _("They did not answer in the %(part)s before. Try again at another time of day: %(untried)s.") % {
        "part": part.label,
        "untried": untried,
    }
    raise ValidationError({"disposition": ValidationError(message, code="time_of_day_tried")})


CLOSING = {
    Disposition.COMPLETE: CallStatus.COMPLETED,
    Disposition.PARTIAL: CallStatus.COMPLETED,
    Disposition.REFUSED: CallStatus.DECLINED,
    Disposition.WRONG_NUMBER: CallStatus.UNREACHABLE,
    Disposition.NOT_ELIGIBLE: CallStatus.NOT_NEEDED,
}


@transaction.atomic
def call_attempt_record(
    *, call: FollowUpCall, user: User, disposition: str, moment: datetime, notes: str = "", answers: dict | None = None
) -> FollowUpCall:
    """One attempt at a call, by its caller (or a manager). Feedback given is recorded as telephone
    feedback on the case; no answer is tried again at another time of day (morning, afternoon,
    evening: a no answer in a part of the day tried already is refused, code ``time_of_day_tried``),
    and after three no answers the call is closed as unreachable. A closed call takes no more attempts."""
    from .services import feedback_record

    call = FollowUpCall.objects.select_for_update(of=("self",)).select_related("case__team").get(pk=call.pk)
    if call.caller_id != user.pk and not user.has_perm("accounts.work_across_teams"):
        refuse(_("This call is another caller's. Ask a manager to pass it to you."))
    if call.status != CallStatus.OPEN:
        refuse(_("This call is closed."), code="closed")
    if disposition not in Disposition.values:
        raise ValidationError({"disposition": ValidationError(_("Select the outcome of the call"), code="invalid")})
    if disposition == Disposition.NO_ANSWER:
        no_answer_time_check(call, moment)
    CallAttempt.objects.create(call=call, made_at=moment, made_by=user, disposition=disposition, notes=notes.strip())
    if disposition in (Disposition.COMPLETE, Disposition.PARTIAL):
        feedback_record(
            user=user, channel=Channel.TELEPHONE, team=None, case=call.case, received_at=moment, answers=answers or {}
        )
    status = CLOSING.get(disposition)
    if disposition == Disposition.NO_ANSWER and call.attempts.filter(disposition=disposition).count() >= MAX_ATTEMPTS:
        status = CallStatus.UNREACHABLE
    if status:
        call.status, call.closed_at = status, moment
        call.save(update_fields=["status", "closed_at"])
    return call


def calls_not_needed(*, case: ClosedCase, moment: datetime) -> int:
    """Feedback came another way: the case's open calls are closed as not needed."""
    return FollowUpCall.objects.filter(case=case, status=CallStatus.OPEN).update(
        status=CallStatus.NOT_NEEDED, closed_at=moment
    )


REMINDER_DAYS_AHEAD = 3


def call_reminders_send(*, moment: datetime) -> int:
    """E-mail each caller the calls they still have to make that are due within three days or overdue:
    one e-mail per caller per day, however often it runs (the outbox's dedupe key)."""
    today = timezone.localdate(moment)
    due = (
        FollowUpCall.objects.open()
        .filter(caller__isnull=False, caller__is_active=True, due_on__lte=today + timedelta(days=REMINDER_DAYS_AHEAD))
        .select_related("caller", "case")
        .order_by("caller_id", "due_on", "pk")
    )
    by_caller: dict[int, list[FollowUpCall]] = defaultdict(list)
    for call in due:
        by_caller[call.caller_id].append(call)
    queued = 0
    for caller_calls in by_caller.values():
        caller = caller_calls[0].caller
        message = message_queue(
            recipient=caller.email,
            template="feedback/calls_due",
            context={
                "full_name": caller.full_name,
                "calls": [
                    {
                        "reference": call.case.reference,
                        "due_on": govuk_date(call.due_on),
                        "overdue": call.due_on < today,
                    }
                    for call in caller_calls
                ],
                "calls_url": settings.SITE_URL + reverse("feedback:calls"),
            },
            dedupe_key=f"feedback-calls-due-{caller.pk}-{today:%Y-%m-%d}",
        )
        queued += message is not None
    return queued
