"""The pages for outcomes, minutes and actions, through the client: the session's team records and
another team reads (or is refused, as on the other co-production pages); forms keep what was typed;
markup stays text; the actions list filters and pages with a flat query budget; a participant sees
their own sessions and actions on their account page, and nobody else's."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from coproduction.models import Action, ActionStatus, AgreedOutcome, Reply, SessionComment
from coproduction.services import invitation_for_token
from notifications.models import Message

from .factories import (
    ActionFactory,
    AgreedOutcomeFactory,
    InvitationFactory,
    MembershipFactory,
    MinutesFactory,
    ParticipantFactory,
    RegisterEntryFactory,
    SessionCommentFactory,
    SessionFactory,
)

MARKUP = '<script>alert("x")</script>'


@pytest.fixture
def next_meeting(group):
    return SessionFactory(group=group, starts_at=timezone.now() + timedelta(days=14))


def url(name, **kwargs):
    return reverse(f"coproduction:{name}", kwargs=kwargs)


def test_staff_record_an_outcome_minutes_and_approve_them_once(staff_client, staff, held):
    person = ParticipantFactory(email="alex@example.com", contact_consent=True, contact_consented_on=date(2026, 1, 1))
    RegisterEntryFactory(session=held, participant=person)
    client = staff_client(staff)
    response = client.post(url("outcome-add", session_pk=held.pk), {"text": f"One form {MARKUP}", "agreed": "on"})
    assert response.status_code == 302
    response = client.post(url("minutes", session_pk=held.pk), {"text": f"We met {MARKUP}"})
    assert response.status_code == 302
    page = client.get(url("minutes-approve", session_pk=held.pk))
    assert "1 person who was present" in page.content.decode()
    assert client.post(url("minutes-approve", session_pk=held.pk)).status_code == 302
    assert client.post(url("minutes-approve", session_pk=held.pk)).status_code == 302  # sent on, nothing sent
    assert Message.objects.filter(template="coproduction/minutes_approved").count() == 1
    page = client.get(url("session", session_pk=held.pk)).content.decode()
    assert MARKUP not in page and "One form &lt;script&gt;" in page and "We met &lt;script&gt;" in page
    assert "Approved and sent" in page
    # Approved minutes are not changed: their page sends back to the session with a message.
    assert client.get(url("minutes", session_pk=held.pk)).status_code == 302


def test_an_outcome_not_confirmed_as_agreed_is_refused_beside_the_field_keeping_the_text(staff_client, staff, held):
    response = staff_client(staff).post(url("outcome-add", session_pk=held.pk), {"text": "Keep me"})
    assert response.status_code == 200
    assert "Confirm that the group agreed this outcome" in response.content.decode()
    assert "Keep me" in response.content.decode()
    assert not AgreedOutcome.objects.exists()


def test_pages_that_record_are_refused_before_the_session_starts(staff_client, staff, next_meeting):
    client = staff_client(staff)
    for name in ("outcome-add", "minutes", "action-add"):
        response = client.get(url(name, session_pk=next_meeting.pk), follow=True)
        assert "once the session has started" in response.content.decode()


@pytest.mark.parametrize("name", ["outcome-add", "minutes", "minutes-approve", "action-add"])
def test_another_team_is_refused_the_pages_that_record(staff_client, other_staff, held, name):
    MinutesFactory(session=held)
    assert staff_client(other_staff).get(url(name, session_pk=held.pk)).status_code == 403


def test_the_sessions_team_removes_an_outcome_and_another_team_cannot(staff_client, staff, other_staff, held):
    outcome = AgreedOutcomeFactory(session=held)
    path = url("outcome-remove", session_pk=held.pk, agreed_outcome_pk=outcome.pk)
    assert staff_client(other_staff).post(path).status_code == 403
    assert AgreedOutcome.objects.exists()
    assert staff_client(staff).post(path).status_code == 302
    assert not AgreedOutcome.objects.exists()


def test_another_sessions_outcome_is_not_found_by_id(staff_client, staff, held):
    elsewhere = AgreedOutcomeFactory(session=SessionFactory(group=held.group, starts_at=held.starts_at))
    path = url("outcome-remove", session_pk=held.pk, agreed_outcome_pk=elsewhere.pk)
    assert staff_client(staff).get(path).status_code == 404


def test_staff_record_an_action_owned_by_a_member_and_it_shows_on_the_next_meeting(
    staff_client, staff, held, next_meeting, group
):
    member = ParticipantFactory(full_name="Priya Shah", team=group.team)
    MembershipFactory(group=group, participant=member, starts_on=date(2020, 1, 1))
    client = staff_client(staff)
    due = timezone.localdate() + timedelta(days=10)
    data = {
        "description": f"Send the form {MARKUP}",
        "owner_participant": member.pk,
        "owner_team": "",
        "due_on_0": due.day,
        "due_on_1": due.month,
        "due_on_2": due.year,
    }
    assert client.post(url("action-add", session_pk=held.pk), data).status_code == 302
    action = Action.objects.get()
    assert (action.owner_participant, action.due_on, action.source_session) == (member, due, held)
    page = client.get(url("session", session_pk=next_meeting.pk)).content.decode()
    assert "Actions carried from earlier meetings" in page and "Send the form &lt;script&gt;" in page
    assert MARKUP not in page


def test_an_action_with_two_owners_or_none_is_refused_keeping_what_was_typed(staff_client, staff, held, team):
    member = ParticipantFactory()
    RegisterEntryFactory(session=held, participant=member)
    client = staff_client(staff)
    for owners in ({"owner_participant": member.pk, "owner_team": team.pk}, {}):
        response = client.post(
            url("action-add", session_pk=held.pk),
            {"description": "Keep this text", "due_on_0": "1", "due_on_1": "4", "due_on_2": "2026", **owners},
        )
        assert response.status_code == 200
        assert "Select one owner: a participant or a team" in response.content.decode()
        assert "Keep this text" in response.content.decode()
    assert not Action.objects.exists()


def test_the_actions_team_updates_progress_and_another_team_reads_it(staff_client, staff, other_staff, held):
    action = ActionFactory(source_session=held)
    client = staff_client(staff)
    response = client.post(url("action-update", action_pk=action.pk), {"status": "dropped", "text": "Stopping"})
    assert response.status_code == 200 and "Enter why the action is dropped" in response.content.decode()
    response = client.post(
        url("action-update", action_pk=action.pk),
        {"status": "in_progress", "text": f"Started {MARKUP}"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    other = staff_client(other_staff)
    page = other.get(url("action", action_pk=action.pk))
    assert page.status_code == 200
    assert MARKUP not in page.content.decode() and "Started &lt;script&gt;" in page.content.decode()
    assert other.get(url("action-update", action_pk=action.pk)).status_code == 403
    assert other.get(url("action-change", action_pk=action.pk)).status_code == 403


def test_the_actions_team_moves_its_due_date_keeping_what_was_typed_when_wrong(staff_client, staff, held):
    action = ActionFactory(source_session=held)
    client = staff_client(staff)
    page = client.get(url("action-change", action_pk=action.pk))
    assert page.status_code == 200 and action.description in page.content.decode()
    data = {
        "description": "Moved on",
        "owner_team": action.team_id,
        "due_on_0": "31",
        "due_on_1": "2",
        "due_on_2": "2027",
    }
    response = client.post(url("action-change", action_pk=action.pk), data)
    assert response.status_code == 200 and "Moved on" in response.content.decode()
    response = client.post(url("action-change", action_pk=action.pk), data | {"due_on_0": "28"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.description, action.due_on) == ("Moved on", date(2027, 2, 28))


def test_a_finished_action_has_no_update_page(staff_client, staff, held):
    action = ActionFactory(source_session=held, status=ActionStatus.DONE)
    response = staff_client(staff).get(url("action-update", action_pk=action.pk), follow=True)
    assert "finished" in response.content.decode()


def test_the_actions_list_filters_by_team_owner_status_and_overdue(staff_client, staff, held, other_team):
    soon = timezone.localdate() + timedelta(days=5)
    late = ActionFactory(source_session=held, description="Late one", due_on=timezone.localdate() - timedelta(days=2))
    ActionFactory(
        source_session=held,
        description="Done one",
        due_on=timezone.localdate() - timedelta(days=2),
        status=ActionStatus.DONE,
    )
    owned = ActionFactory(
        source_session=held,
        description="Priya's",
        owner_participant=ParticipantFactory(full_name="Priya Shah"),
        due_on=soon,
    )
    elsewhere = ActionFactory(
        source_session=SessionFactory(group__team=other_team), description="Elsewhere", due_on=soon
    )
    client = staff_client(staff)

    def listed(**query):
        page = client.get(url("actions"), query)
        assert page.status_code == 200
        return [action.pk for action in page.context["actions"]]

    assert listed(overdue="yes") == [late.pk]
    assert listed(owner="priya") == [owned.pk]
    assert listed(q="late") == [late.pk]
    assert listed(team=other_team.pk) == [elsewhere.pk]
    assert listed(status="done") != [] and late.pk not in listed(status="done")
    assert len(listed(team="not-a-number", status="nonsense")) == 4  # a tampered filter is ignored
    assert "Overdue" in client.get(url("actions"), {"overdue": "yes"}).content.decode()


@pytest.mark.parametrize("rows", [10, 500])
def test_actions_list_query_count_is_flat(staff_client, staff, held, rows, django_assert_max_num_queries):
    Action.objects.bulk_create(
        [ActionFactory.build(source_session=held, description=f"Action {n}") for n in range(rows)]
    )
    client = staff_client(staff)
    # session, user, its permissions (2), roles, teams for the filter, count, the page of actions with
    # owners, team and session
    with django_assert_max_num_queries(10):
        assert client.get(url("actions"), {"page": 1}).status_code == 200


@pytest.mark.parametrize("rows", [10, 500])
def test_session_page_with_outcomes_and_actions_query_count_is_flat(
    staff_client, staff, held, next_meeting, rows, django_assert_max_num_queries
):
    AgreedOutcome.objects.bulk_create([AgreedOutcomeFactory.build(session=held) for _n in range(rows)])
    Action.objects.bulk_create([ActionFactory.build(source_session=held) for _n in range(rows)])
    SessionComment.objects.bulk_create([SessionCommentFactory.build(session=held) for _n in range(rows)])
    MinutesFactory(session=held)
    client = staff_client(staff)
    for session in (held, next_meeting):
        with django_assert_max_num_queries(15):  # one more than before: the participants' comments
            assert client.get(url("session", session_pk=session.pk)).status_code == 200


@pytest.mark.parametrize("rows", [10, 500])
def test_action_page_query_count_is_flat(staff_client, staff, held, rows, django_assert_max_num_queries):
    action = ActionFactory(source_session=held)
    from coproduction.models import ActionUpdate

    ActionUpdate.objects.bulk_create(
        [ActionUpdate(action=action, text="Progress", status="open", written_by=staff, written_at=held.ends_at)] * 1
        + [
            ActionUpdate(action=action, text=f"Progress {n}", status="open", written_by=staff, written_at=held.ends_at)
            for n in range(rows)
        ]
    )
    client = staff_client(staff)
    # session, user, permissions (2), roles, action with owners, user's teams, updates with writers
    with django_assert_max_num_queries(9):
        assert client.get(url("action", action_pk=action.pk)).status_code == 200


# --- The account page ---------------------------------------------------------------------------------


def test_a_participant_sees_their_own_sessions_and_actions_on_their_account_page(client, make_user, held):
    user = make_user(Role.PARTICIPANT)
    me = ParticipantFactory(user=user, full_name="Tom Evans")
    RegisterEntryFactory(session=held, participant=me)
    ActionFactory(source_session=held, owner_participant=me, description=f"Mine {MARKUP}")
    someone = ParticipantFactory()
    other_session = SessionFactory(title="Not my session")
    RegisterEntryFactory(session=other_session, participant=someone)
    ActionFactory(source_session=other_session, owner_participant=someone, description="Not my action")
    client.force_login(user)
    page = client.get(reverse("accounts:account")).content.decode()
    assert "Your co-production sessions" in page and held.title in page
    assert "Mine &lt;script&gt;" in page and MARKUP not in page
    assert "Not my session" not in page and "Not my action" not in page


def test_a_participant_sees_their_upcoming_invitations_with_their_reply_and_a_link_to_change_it(
    client, make_user, next_meeting, held
):
    user = make_user(Role.PARTICIPANT)
    me = ParticipantFactory(user=user)
    mine = InvitationFactory(session=next_meeting, participant=me, reply=Reply.MAYBE)
    InvitationFactory(session=held, participant=me, reply=Reply.YES)  # over: not an invitation to act on
    theirs = InvitationFactory(session=SessionFactory(title=f"Theirs {MARKUP}", starts_at=next_meeting.starts_at))
    client.force_login(user)
    page = client.get(reverse("accounts:account")).content.decode()
    invitations = page.split('id="your-invitations"')[1].split('id="your-sessions"')[0]
    assert next_meeting.title in invitations and "Your reply: Maybe" in invitations
    assert held.title not in invitations and "Theirs" not in page and theirs.session.title not in page
    link = invitations.split('href="')[1].split('"')[0]
    assert invitation_for_token(link.rstrip("/").rsplit("/", 1)[1]) == mine
    assert client.get(link).status_code == 200
    # the session they are invited to is among their sessions too
    assert next_meeting.title in page.split('id="your-sessions"')[1]


def test_an_invitation_not_replied_to_or_to_a_cancelled_session_says_so(client, make_user, next_meeting):
    user = make_user(Role.PARTICIPANT)
    me = ParticipantFactory(user=user)
    InvitationFactory(session=next_meeting, participant=me)
    cancelled = SessionFactory(
        title="Called off", starts_at=next_meeting.starts_at, cancelled_at=timezone.now(), cancel_reason="Venue closed"
    )
    InvitationFactory(session=cancelled, participant=me, reply=Reply.YES)
    client.force_login(user)
    invitations = client.get(reverse("accounts:account")).content.decode().split('id="your-invitations"')[1]
    invitations = invitations.split('id="your-sessions"')[0]
    assert "You have not replied yet" in invitations and "Called off" in invitations
    assert invitations.count("href=") == 1  # no reply link to a cancelled session


def test_someone_who_is_not_a_participant_sees_no_coproduction_section(client, make_user):
    client.force_login(make_user(Role.PARTICIPANT))
    assert "Your co-production sessions" not in client.get(reverse("accounts:account")).content.decode()


@pytest.mark.parametrize("rows", [2, 100])
def test_account_page_query_count_is_flat(client, make_user, rows, django_assert_max_num_queries):
    user = make_user(Role.PARTICIPANT)
    me = ParticipantFactory(user=user)
    for _n in range(rows):
        session = SessionFactory()
        RegisterEntryFactory(session=session, participant=me)
        ActionFactory(source_session=session, owner_participant=me)
        upcoming = SessionFactory(starts_at=timezone.now() + timedelta(days=_n + 1))
        InvitationFactory(session=upcoming, participant=me, reply=Reply.YES)
    client.force_login(user)
    # session, user, roles (capabilities), participant, sessions with groups, invitations with sessions,
    # actions with sessions
    with django_assert_max_num_queries(9):
        assert client.get(reverse("accounts:account")).status_code == 200


def test_every_new_page_shows_text_from_people_as_text(staff_client, staff, held, next_meeting, group):
    owner = ParticipantFactory(full_name=f"Pat {MARKUP}")
    RegisterEntryFactory(session=held, participant=owner)
    held.title = f"Meeting {MARKUP}"
    held.save()
    AgreedOutcomeFactory(session=held, text=f"Outcome {MARKUP}")
    MinutesFactory(session=held, text=f"Minutes {MARKUP}")
    action = ActionFactory(source_session=held, owner_participant=owner, description=f"Action {MARKUP}")
    ActionFactory(source_session=held, description="Dropped", status=ActionStatus.DROPPED, drop_reason=f"Why {MARKUP}")
    client = staff_client(staff)
    pages = [
        url("session", session_pk=held.pk),
        url("session", session_pk=next_meeting.pk),
        url("outcome-add", session_pk=held.pk),
        url("outcome-remove", session_pk=held.pk, agreed_outcome_pk=held.outcomes.get().pk),
        url("minutes", session_pk=held.pk),
        url("minutes-approve", session_pk=held.pk),
        url("action-add", session_pk=held.pk),
        url("actions"),
        url("action", action_pk=action.pk),
        url("action-update", action_pk=action.pk),
        url("action-change", action_pk=action.pk),
        url("action", action_pk=Action.objects.get(status=ActionStatus.DROPPED).pk),
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert MARKUP not in response.content.decode(), path
        assert "&lt;script&gt;" in response.content.decode(), path
