"""The session pages: planning, the agenda, the register with its share and warning, who may do what,
and query budgets that stay flat however long the register."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coproduction.models import (
    Attendance,
    LadderRung,
    Membership,
    Participant,
    ParticipantRole,
    RegisterEntry,
    Session,
)

from .factories import AgendaItemFactory, MembershipFactory, ParticipantFactory, SessionFactory

MARKUP = '<script>alert("x")</script>'


@pytest.fixture
def started(group):
    """A session of the team's group that began half an hour ago."""
    return SessionFactory(group=group, starts_at=timezone.now() - timedelta(minutes=30))


@pytest.fixture
def upcoming(group):
    return SessionFactory(group=group, starts_at=timezone.now() + timedelta(days=7))


def member(group, role=ParticipantRole.PARENT_CARER, name=None):
    person = ParticipantFactory(role=role, team=group.team, **({"full_name": name} if name else {}))
    MembershipFactory(group=group, participant=person, starts_on=date(2020, 1, 1))
    return person


def plan_data(group, **changes):
    return {
        "title": "Short breaks review",
        "purpose": "Agree next year's offer.",
        "group": group.pk,
        "bench_level": "service",
        "rung": "coproduction",
        "day_0": "12",
        "day_1": "3",
        "day_2": "2027",
        "starts": "10:00",
        "ends": "12:30",
        "venue": "County Hall",
        "arrangements": ["bsl", "step_free"],
        "team": group.team_id,
    } | changes


def test_staff_plan_a_session_in_uk_time(staff_client, staff, group):
    client = staff_client(staff)
    response = client.post(reverse("coproduction:session-create"), plan_data(group, day_1="7"))
    session = Session.objects.get()
    assert response.status_code == 302
    # 10:00 on 12 July 2027 in London is 09:00 UTC (British Summer Time)
    assert session.starts_at.hour == 9 and timezone.localtime(session.starts_at).hour == 10
    assert session.arrangements == ["bsl", "step_free"]


def test_an_end_before_the_start_and_no_venue_are_said_beside_the_fields(staff_client, staff, group):
    client = staff_client(staff)
    response = client.post(reverse("coproduction:session-create"), plan_data(group, ends="09:00", venue=""))
    assert response.status_code == 200
    content = response.content.decode()
    assert "The end time must be after the start time" in content
    assert "Enter a venue or an online link" in content
    assert "govuk-error-summary" in content
    assert not Session.objects.exists()


def test_every_session_page_answers_and_shows_text_as_text(staff_client, staff, group, started):
    started.title = MARKUP
    started.purpose = MARKUP
    started.save()
    item = AgendaItemFactory(session=started, title=MARKUP)
    member(group, name=MARKUP)
    client = staff_client(staff)
    for name, args in [
        ("sessions", []),
        ("session-create", []),
        ("session", [started.pk]),
        ("session-edit", [started.pk]),
        ("session-cancel", [started.pk]),
        ("agenda-add", [started.pk]),
        ("agenda-edit", [started.pk, item.pk]),
        ("agenda-delete", [started.pk, item.pk]),
        ("register", [started.pk]),
        ("walk-in", [started.pk]),
    ]:
        response = client.get(reverse(f"coproduction:{name}", args=args))
        assert response.status_code == 200, name
        assert MARKUP.encode() not in response.content, name


def test_the_register_of_a_session_not_started_is_a_plain_message(staff_client, staff, upcoming):
    client = staff_client(staff)
    response = client.get(reverse("coproduction:register", args=[upcoming.pk]), follow=True)
    assert "The register can be taken once the session has started." in response.content.decode()


def test_another_team_reads_a_session_but_cannot_take_its_register(staff_client, other_staff, started):
    client = staff_client(other_staff)
    assert client.get(reverse("coproduction:session", args=[started.pk])).status_code == 200
    assert client.get(reverse("coproduction:register", args=[started.pk])).status_code == 403
    assert client.get(reverse("coproduction:session-edit", args=[started.pk])).status_code == 403


def test_taking_the_register_shows_the_share_and_the_warning(staff_client, staff, group, started):
    parent = member(group, ParticipantRole.PARENT_CARER)
    professionals = [member(group, ParticipantRole.PROFESSIONAL) for _ in range(3)]
    absent = member(group, ParticipantRole.YOUNG_PERSON)
    data = {"rung": "coproduction", f"attendance_{parent.pk}": "attended", f"role_{parent.pk}": "parent_carer"}
    data |= {f"attendance_{absent.pk}": "absent", f"role_{absent.pk}": "young_person"}
    for person in professionals:
        data |= {f"attendance_{person.pk}": "attended", f"role_{person.pk}": "professional"}
    client = staff_client(staff)
    response = client.post(reverse("coproduction:register", args=[started.pk]), data, follow=True)
    content = response.content.decode()
    assert "1 of the 4 people present were parent carers or young people (25%)" in content
    assert "fewer than two parent carers or young people were present" in content
    assert "less than 33% of the people present" in content
    assert RegisterEntry.objects.filter(session=started).count() == 5


def test_a_missing_mark_is_named_in_the_error_summary_and_nothing_is_saved(staff_client, staff, group, started):
    parent = member(group, name="Ana Parent")
    client = staff_client(staff)
    response = client.post(
        reverse("coproduction:register", args=[started.pk]),
        {"rung": "coproduction", f"role_{parent.pk}": "parent_carer"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in content and "Select whether Ana Parent attended" in content
    assert f'href="#id_attendance_{parent.pk}_1"' in content
    assert not RegisterEntry.objects.exists()


def test_coproduction_with_none_present_is_refused_and_participation_offered(staff_client, staff, group, started):
    person = member(group, ParticipantRole.PROFESSIONAL)
    data = {"rung": "coproduction", f"attendance_{person.pk}": "attended", f"role_{person.pk}": "professional"}
    client = staff_client(staff)
    response = client.post(reverse("coproduction:register", args=[started.pk]), data)
    assert "cannot be recorded as co-production" in response.content.decode()
    assert not RegisterEntry.objects.exists()
    response = client.post(reverse("coproduction:register", args=[started.pk]), data | {"rung": "participation"})
    assert response.status_code == 302
    started.refresh_from_db()
    assert started.rung == LadderRung.PARTICIPATION


def test_a_walk_in_joins_the_register(staff_client, staff, team, started):
    visitor = ParticipantFactory(full_name="Wendy Walkin", team=team, role=ParticipantRole.YOUNG_PERSON)
    client = staff_client(staff)
    response = client.get(reverse("coproduction:walk-in", args=[started.pk]), {"q": "Wendy"})
    assert "Wendy Walkin" in response.content.decode()
    response = client.post(
        reverse("coproduction:walk-in", args=[started.pk]), {"participant": visitor.pk, "role": "young_person"}
    )
    assert response.status_code == 302
    entry = RegisterEntry.objects.get()
    assert entry.walk_in and entry.attendance == Attendance.ATTENDED


def test_cancelling_keeps_the_session_with_its_reason(staff_client, staff, upcoming):
    client = staff_client(staff)
    response = client.post(reverse("coproduction:session-cancel", args=[upcoming.pk]), {"reason": "Venue flooded"})
    assert response.status_code == 302
    response = client.get(reverse("coproduction:session", args=[upcoming.pk]))
    assert "Venue flooded" in response.content.decode() and "Cancelled" in response.content.decode()
    response = client.get(reverse("coproduction:register", args=[upcoming.pk]), follow=True)
    assert "This session was cancelled, so it has no register." in response.content.decode()


def test_agenda_items_are_added_moved_and_removed(staff_client, staff, upcoming):
    client = staff_client(staff)
    for title in ("Welcome", "Budget"):
        client.post(reverse("coproduction:agenda-add", args=[upcoming.pk]), {"title": title, "minutes": "10"})
    budget = upcoming.agenda_items.get(title="Budget")
    client.post(reverse("coproduction:agenda-move", args=[upcoming.pk, budget.pk]), {"direction": "up"})
    assert [item.title for item in upcoming.agenda_items.all()] == ["Budget", "Welcome"]
    client.post(reverse("coproduction:agenda-delete", args=[upcoming.pk, budget.pk]))
    assert [item.title for item in upcoming.agenda_items.all()] == ["Welcome"]


def test_the_list_filters_by_rung_and_when(staff_client, staff, group, upcoming):
    started = SessionFactory(group=group, starts_at=timezone.now() - timedelta(days=3), title="Held last week")
    upcoming.rung = LadderRung.CONSULTATION
    upcoming.title = "Consulting soon"
    upcoming.save()
    client = staff_client(staff)
    content = client.get(reverse("coproduction:sessions"), {"rung": "consultation"}).content.decode()
    assert "Consulting soon" in content and started.title not in content
    content = client.get(reverse("coproduction:sessions"), {"when": "upcoming"}).content.decode()
    assert "Consulting soon" in content and started.title not in content


# --- Query budgets ---


def bulk_register(session, rows):
    people = Participant.objects.bulk_create(
        Participant(full_name=f"Person {n}", role="parent_carer", email=f"p{n}@example.com", team=session.team)
        for n in range(rows)
    )
    Membership.objects.bulk_create(
        Membership(group=session.group, participant=person, role="member", starts_on=date(2020, 1, 1))
        for person in people
    )
    RegisterEntry.objects.bulk_create(
        RegisterEntry(
            session=session,
            participant=person,
            attendance="attended",
            role="parent_carer",
            recorded_at=session.starts_at,
        )
        for person in people[: rows // 2]
    )


@pytest.mark.parametrize("rows", [10, 1000])
def test_session_list_query_count_is_flat(staff_client, staff, group, rows, django_assert_max_num_queries):
    start = timezone.now()
    Session.objects.bulk_create(
        Session(
            title=f"Session {n}",
            purpose="x",
            group=group,
            team=group.team,
            bench_level="service",
            rung="participation",
            starts_at=start + timedelta(days=n),
            ends_at=start + timedelta(days=n, hours=2),
            venue="Hall",
        )
        for n in range(rows)
    )
    client = staff_client(staff)
    # session, user, its permissions (2), roles, filter's groups (user's teams, groups), count, page of
    # sessions with groups and teams
    with django_assert_max_num_queries(9):
        assert client.get(reverse("coproduction:sessions")).status_code == 200


@pytest.mark.parametrize("rows", [2, 200])
def test_session_page_query_count_is_flat(staff_client, staff, started, rows, django_assert_max_num_queries):
    bulk_register(started, rows)
    client = staff_client(staff)
    # session, user, its permissions (2), roles, session with group and team, user's teams, agenda,
    # register with participants, the share, the replies' counts (no one invited: nothing more);
    # outcomes, participants' comments, minutes, its actions, actions carried to it
    with django_assert_max_num_queries(16):
        assert client.get(reverse("coproduction:session", args=[started.pk])).status_code == 200


@pytest.mark.parametrize("rows", [2, 200])
def test_register_page_query_count_is_flat(staff_client, staff, started, rows, django_assert_max_num_queries):
    bulk_register(started, rows)
    client = staff_client(staff)
    # session, user, its permissions (2), roles, session with group and team, user's teams, entries with
    # participants, the group's other members, the share
    with django_assert_max_num_queries(10):
        assert client.get(reverse("coproduction:register", args=[started.pk])).status_code == 200
