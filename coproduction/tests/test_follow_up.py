"""Outcomes, minutes and actions as services: who may record them and when, minutes sent once to those
present, actions with one owner and a reason to drop, carried to the group's next sessions, overdue
derived from the clock, and the weekly reminder at most once a week."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from coproduction import follow_up, tasks
from coproduction.models import Action, ActionStatus, Attendance
from notifications.models import Message
from notifications.services import message_render

from .conftest import codes
from .factories import (
    ActionFactory,
    AgreedOutcomeFactory,
    ParticipantFactory,
    RegisterEntryFactory,
    SessionFactory,
)

MARKUP = '<script>alert("x")</script>'
HELD = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)  # the factories' session starts then, for two hours
AFTER = HELD + timedelta(hours=3)


@pytest.fixture
def session(group):
    return SessionFactory(group=group, starts_at=HELD)


def present(session, *, email="present@example.com", consent=True, attendance=Attendance.ATTENDED):
    person = ParticipantFactory(
        email=email, contact_consent=consent, contact_consented_on=date(2026, 1, 1) if consent else None
    )
    RegisterEntryFactory(session=session, participant=person, attendance=attendance)
    return person


# --- Outcomes and minutes ---------------------------------------------------------------------------


def test_an_outcome_is_recorded_only_as_agreed_and_only_once_the_session_has_started(session, staff):
    with pytest.raises(ValidationError) as refused:
        follow_up.outcome_add(
            session=session, user=staff, text="One form", agreed=True, moment=HELD - timedelta(minutes=1)
        )
    assert codes(refused.value) == {"not_started"}
    with pytest.raises(ValidationError) as refused:
        follow_up.outcome_add(session=session, user=staff, text="One form", agreed=False, moment=AFTER)
    assert codes(refused.value) == {"not_agreed"}
    first = follow_up.outcome_add(session=session, user=staff, text="  One form  ", agreed=True, moment=AFTER)
    second = follow_up.outcome_add(session=session, user=staff, text="Five days", agreed=True, moment=AFTER)
    assert (first.text, first.position, second.position) == ("One form", 0, 1)


def test_another_team_cannot_record_for_a_session(session, other_staff):
    for call in (
        lambda: follow_up.outcome_add(session=session, user=other_staff, text="x", agreed=True, moment=AFTER),
        lambda: follow_up.minutes_save(session=session, user=other_staff, text="x", moment=AFTER),
        lambda: follow_up.minutes_approve(session=session, user=other_staff, moment=AFTER),
    ):
        with pytest.raises(ValidationError) as refused:
            call()
        assert codes(refused.value) == {"not_permitted"}


def test_a_cancelled_session_takes_no_outcomes(session, staff):
    session.cancelled_at, session.cancel_reason = HELD - timedelta(days=1), "Snow"
    session.save()
    with pytest.raises(ValidationError) as refused:
        follow_up.minutes_save(session=session, user=staff, text="x", moment=AFTER)
    assert codes(refused.value) == {"cancelled"}


def test_approving_minutes_emails_those_present_who_may_be_contacted_once(session, staff):
    present(session, email="Alex@Example.com")
    present(session, email="apologies@example.com", attendance=Attendance.APOLOGIES)
    present(session, email="no-consent@example.com", consent=False)
    present(session, email=None)
    follow_up.minutes_save(session=session, user=staff, text="We met.", moment=AFTER)
    minutes = follow_up.minutes_approve(session=session, user=staff, moment=AFTER)
    again = follow_up.minutes_approve(session=session, user=staff, moment=AFTER + timedelta(hours=1))
    assert again.approved_at == minutes.approved_at == AFTER
    sent = Message.objects.filter(template="coproduction/minutes_approved")
    assert list(sent.values_list("recipient", flat=True)) == ["alex@example.com"]


def test_approved_minutes_and_their_outcomes_are_kept_as_sent(session, staff):
    follow_up.minutes_save(session=session, user=staff, text="We met.", moment=AFTER)
    follow_up.minutes_approve(session=session, user=staff, moment=AFTER)
    with pytest.raises(ValidationError) as refused:
        follow_up.minutes_save(session=session, user=staff, text="Changed", moment=AFTER)
    assert codes(refused.value) == {"approved"}
    with pytest.raises(ValidationError) as refused:
        follow_up.outcome_add(session=session, user=staff, text="Late", agreed=True, moment=AFTER)
    assert codes(refused.value) == {"approved"}


def test_minutes_cannot_be_approved_before_they_are_written(session, staff):
    with pytest.raises(ValidationError) as refused:
        follow_up.minutes_approve(session=session, user=staff, moment=AFTER)
    assert codes(refused.value) == {"no_minutes"}


def test_the_minutes_email_shows_markup_as_text_in_both_parts(session, staff):
    present(session)
    AgreedOutcomeFactory(session=session, text=f"Outcome {MARKUP}")
    ActionFactory(source_session=session, description=f"Action {MARKUP}", due_on=date(2026, 4, 1))
    follow_up.minutes_save(session=session, user=staff, text=f"Minutes {MARKUP}", moment=AFTER)
    follow_up.minutes_approve(session=session, user=staff, moment=AFTER)
    email = message_render(Message.objects.get(template="coproduction/minutes_approved"))
    for text in (f"Minutes {MARKUP}", f"Outcome {MARKUP}", f"Action {MARKUP}"):
        assert text in email.body  # plain text: literally
    assert "due 1 April 2026" in email.body
    html = email.alternatives[0][0]
    assert MARKUP not in html and "&lt;script&gt;" in html


# --- Actions ------------------------------------------------------------------------------------------


def test_an_action_has_exactly_one_owner(session, staff, team):
    person = present(session)
    for owners in ({}, {"owner_participant": person, "owner_team": team}):
        with pytest.raises(ValidationError) as refused:
            follow_up.action_add(
                session=session, user=staff, description="x", due_on=date(2026, 4, 1), moment=AFTER, **owners
            )
        assert codes(refused.value) == {"one_owner"}
    with pytest.raises(IntegrityError):
        ActionFactory(source_session=session, owner_team=None)


def test_a_participant_owner_comes_from_the_group_or_the_register(session, staff):
    stranger = ParticipantFactory()
    with pytest.raises(ValidationError) as refused:
        follow_up.action_add(
            session=session,
            user=staff,
            description="x",
            due_on=date(2026, 4, 1),
            moment=AFTER,
            owner_participant=stranger,
        )
    assert codes(refused.value) == {"owner_not_at_session"}
    action = follow_up.action_add(
        session=session,
        user=staff,
        description="Send the form",
        due_on=date(2026, 4, 1),
        moment=AFTER,
        owner_participant=present(session),
    )
    assert (action.team_id, action.source_session_id, action.status) == (session.team_id, session.pk, "open")


def test_dropping_an_action_needs_a_reason_and_a_finished_action_takes_no_more_updates(session, staff):
    action = ActionFactory(source_session=session)
    with pytest.raises(ValidationError) as refused:
        follow_up.action_update(action=action, user=staff, text="Stop", status=ActionStatus.DROPPED, moment=AFTER)
    assert codes(refused.value) == {"reason_required"}
    follow_up.action_update(
        action=action, user=staff, text="Stop", status=ActionStatus.DROPPED, drop_reason="Not needed", moment=AFTER
    )
    action.refresh_from_db()
    assert (action.status, action.drop_reason, action.updated_at) == ("dropped", "Not needed", AFTER)
    update = action.updates.get()
    assert (update.written_by, update.written_at, update.text) == (staff, AFTER, "Stop")
    with pytest.raises(ValidationError) as refused:
        follow_up.action_update(action=action, user=staff, text="Again", status=ActionStatus.OPEN, moment=AFTER)
    assert codes(refused.value) == {"finished"}
    with pytest.raises(IntegrityError):
        Action.objects.filter(pk=action.pk).update(drop_reason="")


def test_only_the_actions_team_or_a_manager_updates_it(session, other_staff, make_user):
    action = ActionFactory(source_session=session)
    with pytest.raises(ValidationError) as refused:
        follow_up.action_update(action=action, user=other_staff, text="x", status=ActionStatus.DONE, moment=AFTER)
    assert codes(refused.value) == {"not_permitted"}
    follow_up.action_update(
        action=action, user=make_user(Role.MANAGER), text="x", status=ActionStatus.DONE, moment=AFTER
    )


def test_open_actions_carry_to_every_later_session_of_the_group_until_done_or_dropped(group, staff):
    first = SessionFactory(group=group, starts_at=HELD)
    second = SessionFactory(group=group, starts_at=HELD + timedelta(days=30))
    third = SessionFactory(group=group, starts_at=HELD + timedelta(days=60))
    elsewhere = SessionFactory(starts_at=HELD + timedelta(days=30))
    open_one = ActionFactory(source_session=first)
    in_progress = ActionFactory(source_session=first, status=ActionStatus.IN_PROGRESS)
    ActionFactory(source_session=first, status=ActionStatus.DONE)
    ActionFactory(source_session=first, status=ActionStatus.DROPPED, drop_reason="No longer needed")
    from_second = ActionFactory(source_session=second)
    assert set(Action.objects.carried_to(second)) == {open_one, in_progress}
    assert set(Action.objects.carried_to(third)) == {open_one, in_progress, from_second}
    assert not Action.objects.carried_to(first).exists()
    assert not Action.objects.carried_to(elsewhere).exists()
    follow_up.action_update(action=open_one, user=staff, text="Done", status=ActionStatus.DONE, moment=AFTER)
    assert set(Action.objects.carried_to(third)) == {in_progress, from_second}


def test_overdue_is_derived_from_the_due_date_and_status(session):
    due = date(2026, 3, 24)
    open_one = ActionFactory(source_session=session, due_on=due)
    done = ActionFactory(source_session=session, due_on=due, status=ActionStatus.DONE)
    dropped = ActionFactory(source_session=session, due_on=due, status=ActionStatus.DROPPED, drop_reason="x")
    assert not Action.objects.overdue_on(due).exists()  # due today is not late yet
    assert list(Action.objects.overdue_on(due + timedelta(days=1))) == [open_one]
    assert open_one.is_overdue_on(due + timedelta(days=1)) and not open_one.is_overdue_on(due)
    assert not done.is_overdue_on(due + timedelta(days=30)) and not dropped.is_overdue_on(due + timedelta(days=30))


# --- The weekly reminder ------------------------------------------------------------------------------


def reminders():
    return list(Message.objects.filter(template="coproduction/action_overdue").values_list("recipient", flat=True))


@pytest.fixture
def overdue(session):
    """A participant's action due on 24 March 2026, untouched since the session."""
    owner = ParticipantFactory(email="owner@example.com", contact_consent=True, contact_consented_on=date(2026, 1, 1))
    return ActionFactory(source_session=session, owner_participant=owner, due_on=date(2026, 3, 24))


def test_the_weekly_reminder_run_twice_sends_one_email_and_again_a_week_later(overdue):
    with time_machine.travel(datetime(2026, 3, 30, 8, 0, tzinfo=UTC), tick=False):
        assert tasks.overdue_action_reminders_send() == 1
        assert tasks.overdue_action_reminders_send() == 0
    assert reminders() == ["owner@example.com"]
    with time_machine.travel(datetime(2026, 4, 3, 8, 0, tzinfo=UTC), tick=False):
        assert tasks.overdue_action_reminders_send() == 0  # four days on: not yet a week
    with time_machine.travel(datetime(2026, 4, 6, 8, 0, tzinfo=UTC), tick=False):
        assert tasks.overdue_action_reminders_send() == 1
    assert reminders() == ["owner@example.com", "owner@example.com"]


def test_an_update_stops_the_reminders_for_a_week_and_finishing_stops_them(overdue, staff):
    follow_up.action_update(
        action=overdue,
        user=staff,
        text="Started",
        status=ActionStatus.IN_PROGRESS,
        moment=datetime(2026, 3, 28, tzinfo=UTC),
    )
    assert follow_up.overdue_reminders_send(moment=datetime(2026, 3, 30, tzinfo=UTC)) == 0
    assert follow_up.overdue_reminders_send(moment=datetime(2026, 4, 5, tzinfo=UTC)) == 1
    follow_up.action_update(
        action=overdue, user=staff, text="Done", status=ActionStatus.DONE, moment=datetime(2026, 4, 6, tzinfo=UTC)
    )
    assert follow_up.overdue_reminders_send(moment=datetime(2026, 5, 1, tzinfo=UTC)) == 0


def test_a_participant_without_consent_is_not_emailed_and_a_team_is_reminded_through_its_staff(session, staff, team):
    ParticipantFactory()  # someone else
    no_consent = ParticipantFactory(email="quiet@example.com", contact_consent=False)
    ActionFactory(source_session=session, owner_participant=no_consent, due_on=date(2026, 3, 24))
    ActionFactory(source_session=session, due_on=date(2026, 3, 24))  # owned by the session's team
    UserFactory(role=Role.PARTICIPANT, teams=[team])  # not staff
    UserFactory(role=Role.STAFF, teams=[team], is_active=False)
    assert follow_up.overdue_reminders_send(moment=datetime(2026, 3, 30, tzinfo=UTC)) == 2
    assert reminders() == [staff.email]


def test_the_reminder_shows_markup_as_text(session, staff):
    ActionFactory(source_session=session, description=f"Do {MARKUP}", due_on=date(2026, 3, 24))
    follow_up.overdue_reminders_send(moment=datetime(2026, 3, 30, tzinfo=UTC))
    email = message_render(Message.objects.get(template="coproduction/action_overdue"))
    assert f"Do {MARKUP}" in email.body
    assert MARKUP not in email.alternatives[0][0] and "&lt;script&gt;" in email.alternatives[0][0]


def test_changing_an_action_keeps_one_owner_and_counts_as_an_update(session, staff, team):
    member = present(session)
    action = ActionFactory(source_session=session)
    with pytest.raises(ValidationError) as refused:
        follow_up.action_change(
            action=action, user=staff, description="x", due_on=date(2026, 5, 1), moment=AFTER, owner_team=None
        )
    assert codes(refused.value) == {"one_owner"}
    with pytest.raises(ValidationError) as refused:
        follow_up.action_change(
            action=action,
            user=staff,
            description="x",
            due_on=date(2026, 5, 1),
            moment=AFTER,
            owner_participant=ParticipantFactory(),
        )
    assert codes(refused.value) == {"owner_not_at_session"}
    follow_up.action_change(
        action=action,
        user=staff,
        description=" Later ",
        due_on=date(2026, 5, 1),
        moment=AFTER,
        owner_participant=member,
    )
    action.refresh_from_db()
    assert (action.description, action.due_on, action.owner_participant, action.owner_team) == (
        "Later",
        date(2026, 5, 1),
        member,
        None,
    )
    assert action.updated_at == AFTER


def test_another_team_cannot_change_an_action(session, other_staff):
    action = ActionFactory(source_session=session)
    with pytest.raises(ValidationError) as refused:
        follow_up.action_change(
            action=action,
            user=other_staff,
            description="x",
            due_on=date(2026, 5, 1),
            moment=AFTER,
            owner_team=action.team,
        )
    assert codes(refused.value) == {"not_permitted"}


def test_an_outcome_recorded_by_mistake_is_removed_only_before_the_minutes_are_approved(session, staff):
    mistake = AgreedOutcomeFactory(session=session)
    follow_up.outcome_remove(outcome=mistake, user=staff, moment=AFTER)
    assert not session.outcomes.exists()
    kept = AgreedOutcomeFactory(session=session)
    follow_up.minutes_save(session=session, user=staff, text="We met.", moment=AFTER)
    follow_up.minutes_approve(session=session, user=staff, moment=AFTER)
    with pytest.raises(ValidationError) as refused:
        follow_up.outcome_remove(outcome=kept, user=staff, moment=AFTER)
    assert codes(refused.value) == {"approved"}
