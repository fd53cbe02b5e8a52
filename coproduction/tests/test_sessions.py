"""The rules of sessions, their agenda and the register, called directly."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from coproduction import services
from coproduction.models import (
    Arrangement,
    Attendance,
    BenchLevel,
    LadderRung,
    ParticipantRole,
    RegisterEntry,
    Session,
    SessionStatus,
)
from coproduction.services import Mark

from .conftest import codes
from .factories import (
    AgendaItemFactory,
    MembershipFactory,
    ParticipantFactory,
    RegisterEntryFactory,
    SessionFactory,
)

STARTS = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
DURING = STARTS + timedelta(minutes=30)
BEFORE = STARTS - timedelta(days=1)
AFTER = STARTS + timedelta(days=1)


@pytest.fixture
def session(group):
    return SessionFactory(group=group, starts_at=STARTS)


def member(group, role=ParticipantRole.PARENT_CARER, **kwargs):
    return MembershipFactory(
        group=group, participant=ParticipantFactory(role=role, **kwargs), starts_on=date(2026, 1, 5)
    )


def new_session(team, group=None, **changes):
    fields = {
        "title": " Short breaks review ",
        "purpose": "Agree the next year's offer.",
        "group": group,
        "bench_level": BenchLevel.SERVICE,
        "rung": LadderRung.COPRODUCTION,
        "starts_at": STARTS,
        "ends_at": STARTS + timedelta(hours=2),
        "venue": "County Hall",
        "team": team,
        "arrangements": [Arrangement.BSL, Arrangement.STEP_FREE, Arrangement.BSL],
    }
    return Session(**(fields | changes))


# --- Planning ---


def test_staff_plan_a_session_for_their_group(staff, team, group):
    session = services.session_save(session=new_session(team, group), user=staff)
    assert session.pk and session.title == "Short breaks review"
    assert session.arrangements == [Arrangement.BSL, Arrangement.STEP_FREE]


def test_a_session_ends_after_it_starts(staff, team):
    with pytest.raises(ValidationError) as error:
        services.session_save(session=new_session(team, ends_at=STARTS), user=staff)
    assert "ends_before_start" in codes(error.value)


def test_the_database_refuses_an_end_before_the_start(team):
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFactory(group=None, team=team, ends_at=STARTS - timedelta(hours=1))


def test_a_session_needs_a_venue_or_an_online_link(staff, team):
    with pytest.raises(ValidationError) as error:
        services.session_save(session=new_session(team, venue=" "), user=staff)
    assert "no_venue_or_link" in codes(error.value)
    online = services.session_save(
        session=new_session(team, venue="", online_link="https://meet.example.com/x"), user=staff
    )
    assert online.pk


def test_staff_cannot_plan_for_another_team_or_its_group(staff, other_team):
    with pytest.raises(ValidationError) as error:
        services.session_save(session=new_session(other_team), user=staff)
    assert "not_your_team" in codes(error.value)


def test_staff_of_another_team_cannot_change_a_session(other_staff, session):
    session.title = "Taken over"
    with pytest.raises(ValidationError) as error:
        services.session_save(session=session, user=other_staff)
    assert "not_permitted" in codes(error.value)


def test_status_is_derived_from_the_time(session):
    assert session.status_at(BEFORE) == SessionStatus.UPCOMING
    assert session.status_at(DURING) == SessionStatus.IN_PROGRESS
    assert session.status_at(AFTER) == SessionStatus.PAST


def test_cancelling_needs_a_reason_and_happens_once(staff, session):
    with pytest.raises(ValidationError) as error:
        services.session_cancel(session=session, user=staff, reason=" ", moment=BEFORE)
    assert "required" in codes(error.value)
    cancelled = services.session_cancel(session=session, user=staff, reason="Venue flooded", moment=BEFORE)
    assert cancelled.status_at(DURING) == SessionStatus.CANCELLED
    again = services.session_cancel(session=session, user=staff, reason="Other", moment=DURING)
    assert again.cancelled_at == BEFORE and again.cancel_reason == "Venue flooded"


def test_a_cancelled_session_cannot_be_changed(staff, session):
    services.session_cancel(session=session, user=staff, reason="Venue flooded", moment=BEFORE)
    session.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.session_save(session=session, user=staff)
    assert "cancelled" in codes(error.value)


def test_a_past_session_cannot_be_cancelled(staff, session):
    with pytest.raises(ValidationError) as error:
        services.session_cancel(session=session, user=staff, reason="Too late", moment=AFTER)
    assert "past" in codes(error.value)


# --- Agenda ---


def test_agenda_items_are_added_at_the_end_and_move(staff, session):
    first = services.agenda_item_save(item=session.agenda_items.model(session=session, title="Welcome"), user=staff)
    second = services.agenda_item_save(item=session.agenda_items.model(session=session, title="Budget"), user=staff)
    assert (first.position, second.position) == (0, 1)
    services.agenda_item_move(item=second, user=staff, up=True)
    assert [item.title for item in session.agenda_items.all()] == ["Budget", "Welcome"]
    services.agenda_item_move(item=second, user=staff, up=True)  # already first: stays
    assert [item.title for item in session.agenda_items.all()] == ["Budget", "Welcome"]
    services.agenda_item_delete(item=second, user=staff)
    assert [item.title for item in session.agenda_items.all()] == ["Welcome"]


def test_another_team_cannot_touch_the_agenda(other_staff, session):
    item = AgendaItemFactory(session=session)
    with pytest.raises(ValidationError):
        services.agenda_item_delete(item=item, user=other_staff)


# --- The register ---


def test_the_register_waits_for_the_session_to_start(staff, session, group):
    person = member(group).participant
    with pytest.raises(ValidationError) as error:
        services.register_record(
            session=session, user=staff, marks={person.pk: Mark(Attendance.ATTENDED, person.role)}, moment=BEFORE
        )
    assert "not_started" in codes(error.value)
    assert not RegisterEntry.objects.exists()


def test_a_cancelled_session_has_no_register(staff, session, group):
    person = member(group).participant
    services.session_cancel(session=session, user=staff, reason="Venue flooded", moment=BEFORE)
    with pytest.raises(ValidationError) as error:
        services.register_record(
            session=session, user=staff, marks={person.pk: Mark(Attendance.ATTENDED, person.role)}, moment=AFTER
        )
    assert "cancelled" in codes(error.value)


def test_the_register_is_recorded_for_everyone_at_once_and_twice_changes_nothing(staff, session, group):
    parents = [member(group).participant for _ in range(2)]
    professional = member(group, ParticipantRole.PROFESSIONAL).participant
    marks = {p.pk: Mark(Attendance.ATTENDED, p.role) for p in parents} | {
        professional.pk: Mark(Attendance.APOLOGIES, professional.role)
    }
    services.register_record(session=session, user=staff, marks=marks, moment=DURING)
    services.register_record(session=session, user=staff, marks=marks, moment=AFTER)
    entries = list(session.register_entries.all())
    assert len(entries) == 3 and {entry.recorded_at for entry in entries} == {DURING}
    share = services.share_of(entries=entries, rung=session.rung)
    assert (share.present, share.lived_experience, share.percent, share.warned) == (2, 2, 100, False)


def test_only_members_and_walk_ins_are_on_the_register(staff, session):
    stranger = ParticipantFactory()
    with pytest.raises(ValidationError) as error:
        services.register_record(
            session=session, user=staff, marks={stranger.pk: Mark(Attendance.ATTENDED, stranger.role)}, moment=DURING
        )
    assert "not_on_register" in codes(error.value)


def test_another_team_cannot_take_the_register(other_staff, session, group):
    person = member(group).participant
    with pytest.raises(ValidationError):
        services.register_record(
            session=session, user=other_staff, marks={person.pk: Mark(Attendance.ATTENDED, person.role)}, moment=DURING
        )


def test_a_walk_in_is_added_as_attended_with_the_role_of_the_day(staff, session):
    visitor = ParticipantFactory(role=ParticipantRole.PARENT_CARER)
    entry = services.walk_in_add(
        session=session, user=staff, participant=visitor, role=ParticipantRole.PROFESSIONAL, moment=DURING
    )
    assert entry.walk_in and entry.attendance == Attendance.ATTENDED and entry.role == ParticipantRole.PROFESSIONAL
    with pytest.raises(ValidationError) as error:
        services.walk_in_add(session=session, user=staff, participant=visitor, role=visitor.role, moment=DURING)
    assert "already_on_register" in codes(error.value)
    with pytest.raises(ValidationError) as error:
        services.register_record(
            session=session, user=staff, marks={visitor.pk: Mark(Attendance.ABSENT, visitor.role)}, moment=DURING
        )
    assert "walk_in_attended" in codes(error.value)


def test_a_walk_in_waits_for_the_start_too(staff, session):
    with pytest.raises(ValidationError) as error:
        services.walk_in_add(
            session=session,
            user=staff,
            participant=ParticipantFactory(),
            role=ParticipantRole.PARENT_CARER,
            moment=BEFORE,
        )
    assert "not_started" in codes(error.value)


# --- The share and the warning ---


def share(session, roles):
    entries = [RegisterEntryFactory.build(session=session, participant=None, role=role) for role in roles]
    return services.share_of(entries=entries, rung=session.rung)


def test_fewer_than_two_parent_carers_or_young_people_is_warned(session):
    warned = share(session, [ParticipantRole.PARENT_CARER])
    assert warned.too_few and warned.warned


def test_below_the_meaningful_share_is_warned(session, settings):
    settings.COPRODUCTION_MEANINGFUL_SHARE = 1 / 3
    roles = [ParticipantRole.YOUNG_PERSON] * 2 + [ParticipantRole.PROFESSIONAL] * 5
    below = share(session, roles)
    assert (below.present, below.lived_experience, below.percent) == (7, 2, 29)
    assert below.below_meaningful and not below.too_few
    exactly = share(session, [ParticipantRole.YOUNG_PERSON] * 2 + [ParticipantRole.PROFESSIONAL] * 4)
    assert not exactly.warned


def test_the_meaningful_share_is_a_setting(session, settings):
    settings.COPRODUCTION_MEANINGFUL_SHARE = 0.5
    roles = [ParticipantRole.PARENT_CARER] * 2 + [ParticipantRole.COUNCILLOR] * 3
    assert share(session, roles).below_meaningful


def test_only_coproduction_sessions_are_warned(session):
    session.rung = LadderRung.PARTICIPATION
    assert not share(session, [ParticipantRole.PROFESSIONAL]).warned


def test_a_session_with_no_parent_carer_or_young_person_cannot_be_coproduction(staff, session, group):
    professional = member(group, ParticipantRole.PROFESSIONAL).participant
    marks = {professional.pk: Mark(Attendance.ATTENDED, professional.role)}
    with pytest.raises(ValidationError) as error:
        services.register_record(session=session, user=staff, marks=marks, moment=DURING)
    assert "coproduction_without_lived_experience" in codes(error.value)
    assert not RegisterEntry.objects.exists()  # nothing half-saved
    services.register_record(session=session, user=staff, marks=marks, moment=DURING, rung=LadderRung.PARTICIPATION)
    session.refresh_from_db()
    assert session.rung == LadderRung.PARTICIPATION
    session.rung = LadderRung.COPRODUCTION
    with pytest.raises(ValidationError) as error:
        services.session_save(session=session, user=staff)
    assert "coproduction_without_lived_experience" in codes(error.value)


def test_the_role_on_the_day_counts_not_the_recorded_role(staff, session, group):
    parent = member(group).participant
    marks = {parent.pk: Mark(Attendance.ATTENDED, ParticipantRole.PROFESSIONAL)}
    with pytest.raises(ValidationError):
        services.register_record(session=session, user=staff, marks=marks, moment=DURING)
