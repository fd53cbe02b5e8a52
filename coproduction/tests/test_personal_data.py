"""A participant's co-production data in their download, and what deleting their account does to it:
the participant record is unlinked and kept for the team, with its registers, actions and recognition."""

import json
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from accounts import services as account_services
from accounts.roles import Role
from accounts.tests.factories import PASSWORD
from coproduction.models import Participant, RegisterEntry, Reply

from .factories import (
    ActionFactory,
    InvitationFactory,
    MembershipFactory,
    ParticipantFactory,
    ParticipationGroupFactory,
    RecognitionFactory,
    RegisterEntryFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db
MOMENT = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
PLANTED = '<b onmouseover="alert(1)">Step-free</b> access'


@pytest.fixture
def person(make_user):
    return make_user(Role.PARTICIPANT, email="person@example.org")


@pytest.fixture
def me(person):
    me = ParticipantFactory(
        user=person, full_name="Tom Evans", email="tom@example.org", access_needs=PLANTED, access_needs_consent=True
    )
    session = SessionFactory(title="Short breaks workshop")
    MembershipFactory(participant=me, group=ParticipationGroupFactory(name="Parent carer forum"))
    InvitationFactory(session=session, participant=me, reply=Reply.YES, access_needs=PLANTED, arrangements=["bsl"])
    RegisterEntryFactory(session=session, participant=me)
    ActionFactory(source_session=session, owner_participant=me, description="Send the survey to the forum")
    RecognitionFactory(session=session, participant=me, voucher_code="VOUCH-1")
    return me


@pytest.fixture
def someone_elses():
    other = ParticipantFactory(full_name="Someone Else", email="other@example.org")
    session = SessionFactory(title="Someone else's session")
    InvitationFactory(session=session, participant=other, access_needs="Someone else's needs")
    RegisterEntryFactory(session=session, participant=other)
    ActionFactory(source_session=session, owner_participant=other, description="Someone else's action")
    RecognitionFactory(session=session, participant=other, voucher_code="OTHER-1")
    return other


def download(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("accounts:data-download"))
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_download_holds_their_record_memberships_invitations_registers_actions_and_recognition(
    client, person, me, someone_elses
):
    data = download(client, person)["coproduction"]

    record = data["participant"]
    assert (record["full_name"], record["email"], record["role"]) == ("Tom Evans", "tom@example.org", "Parent carer")
    assert record["access_needs"] == PLANTED  # text is data, as typed
    assert data["memberships"] == [
        {"group": "Parent carer forum", "role": "Member", "from": "2026-01-05", "until": None}
    ]
    [invitation] = data["invitations"]
    assert (invitation["session"], invitation["reply"], invitation["access_needs"]) == (
        "Short breaks workshop",
        "Yes, I will come",
        PLANTED,
    )
    assert invitation["arrangements_needed"] == ["British Sign Language interpreter"]
    [entry] = data["registers"]
    assert entry["session"] == "Short breaks workshop" and entry["attendance"]
    assert data["actions_owned"][0]["action"] == "Send the survey to the forum"
    assert data["recognition"][0] | {"voucher_code": "VOUCH-1", "amount": "25.00"} == data["recognition"][0]
    assert "Someone" not in json.dumps(data) and "OTHER-1" not in json.dumps(data)


def test_someone_with_no_participant_record_has_none_in_the_download(client, person, someone_elses):
    assert download(client, person)["coproduction"] == {"participant": None}


def test_the_download_costs_the_same_number_of_queries_however_much_there_is(
    client, person, me, django_assert_max_num_queries
):
    for _n in range(10):
        session = SessionFactory()
        InvitationFactory(session=session, participant=me)
        RegisterEntryFactory(session=session, participant=me)
        ActionFactory(source_session=session, owner_participant=me)
        RecognitionFactory(session=session, participant=me)
    client.force_login(person)
    # session, user, teams, consultations (3), notifications (1), and co-production's participant,
    # memberships, invitations, registers, actions, recognition (6)
    with django_assert_max_num_queries(14):
        client.get(reverse("accounts:data-download"))


def test_deleting_the_account_unlinks_the_participant_record_and_keeps_the_teams_records(person, me, someone_elses):
    erased = account_services.account_delete(user=person, password=PASSWORD, moment=MOMENT)

    assert erased["coproduction"] == {"participants": 1}
    me.refresh_from_db()
    assert me.user is None and me.full_name == "Tom Evans"
    assert RegisterEntry.objects.filter(participant=me).count() == 1
    assert me.actions_owned.count() == 1 and me.recognitions.count() == 1
    assert Participant.objects.filter(pk=someone_elses.pk).exists()
    assert date(2026, 1, 5) == me.memberships.get().starts_on
