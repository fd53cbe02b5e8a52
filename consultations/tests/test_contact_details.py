"""The contact-details promise: "About you" says people reading the answers do not see the e-mail
address, only the consultation's team and their managers can look it up, and each look is recorded."""

from datetime import UTC, datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import TeamFactory
from consultations import services
from consultations.tests.factories import (
    ConsultationFactory,
    RespondentContactFactory,
    ResponseFactory,
    consultation_staff_url,
)

pytestmark = pytest.mark.django_db

EMAIL = "parent@example.com"


@pytest.fixture
def consultation(team):
    return ConsultationFactory(team=team)


@pytest.fixture
def response(consultation):
    response = ResponseFactory(consultation=consultation)
    RespondentContactFactory(response=response, email=EMAIL, wants_receipt=False, wants_outcome=True)
    return response


def contact_url(response):
    return consultation_staff_url("staff-response-contact", response.consultation, response_pk=response.pk)


def access_entries():
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS)


@pytest.mark.parametrize("role", [Role.STAFF, Role.MANAGER, Role.ADMINISTRATOR])
def test_the_response_page_never_shows_the_address_with_the_answers(staff_client, make_user, team, response, role):
    user = make_user(role, teams=[team])
    html = staff_client(user).get(
        consultation_staff_url("staff-response", response.consultation, response_pk=response.pk)
    )
    assert EMAIL not in html.content.decode()
    assert not access_entries().exists()


def test_the_team_sees_the_address_only_after_asking_and_the_viewing_is_recorded(
    staff_client, make_user, team, response
):
    member = make_user(Role.STAFF, teams=[team])
    client = staff_client(member)

    warning = client.get(contact_url(response))
    assert warning.status_code == 200
    assert EMAIL not in warning.content.decode()
    assert "Show contact details" in warning.content.decode()
    assert not access_entries().exists()  # reading the warning is not viewing the address

    shown = client.post(contact_url(response))
    assert shown.status_code == 200
    assert EMAIL in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    entry = access_entries().get()
    assert entry.actor == member
    assert entry.additional_data["response"] == response.pk
    assert entry.additional_data["reference"] == response.reference
    assert EMAIL not in entry.object_repr  # the record names the response, not the address

    client.post(contact_url(response))
    assert access_entries().count() == 2  # every viewing, not just the first


@pytest.mark.parametrize("who", ["other_team", "participant"])
def test_those_who_do_not_act_on_the_response_cannot_see_the_address(staff_client, make_user, response, who):
    user = {
        "other_team": lambda: make_user(Role.STAFF, teams=[TeamFactory()]),
        "participant": lambda: make_user(Role.PARTICIPANT),
    }[who]()
    client = staff_client(user)
    for answer in (client.get(contact_url(response)), client.post(contact_url(response))):
        assert answer.status_code == 403
        assert EMAIL not in answer.content.decode()
    assert not access_entries().exists()


def test_nobody_may_look_up_an_address_the_person_did_not_give_to_be_contacted(staff_client, manager, consultation):
    # Allowed anonymously and nothing asked for: an address left over is not offered (the model's
    # save step drops it; this guards a consultation changed since).
    response = ResponseFactory(consultation=consultation)
    RespondentContactFactory(response=response, email=EMAIL, wants_receipt=False, wants_outcome=False)
    client = staff_client(manager)
    page = client.get(consultation_staff_url("staff-response", consultation, response_pk=response.pk))
    assert contact_url(response) not in page.content.decode()
    assert client.post(contact_url(response)).status_code == 404
    assert not access_entries().exists()


def test_an_address_a_consultation_required_may_be_looked_up(staff_client, manager, team):
    consultation = ConsultationFactory(team=team, anonymous_allowed=False)
    response = ResponseFactory(consultation=consultation)
    RespondentContactFactory(response=response, email=EMAIL, wants_receipt=False, wants_outcome=False)
    shown = staff_client(manager).post(contact_url(response))
    assert EMAIL in shown.content.decode()
    assert access_entries().count() == 1


def test_the_service_records_who_looked_and_when(make_user, team, response):
    member = make_user(Role.STAFF, teams=[team])
    moment = datetime(2026, 12, 14, 17, 30, tzinfo=UTC)
    contact = services.respondent_contact_view(response=response, viewer=member, moment=moment)
    assert contact.email == EMAIL
    entry = access_entries().get()
    assert (entry.actor, entry.timestamp, entry.object_pk) == (member, moment, str(contact.pk))


def test_the_service_refuses_staff_of_another_team_and_writes_nothing(make_user, response):
    outsider = make_user(Role.STAFF, teams=[TeamFactory()])
    with pytest.raises(ValidationError) as refused:
        services.respondent_contact_view(response=response, viewer=outsider, moment=datetime.now(UTC))
    assert refused.value.code == "not_permitted"
    assert not access_entries().exists()


def test_the_service_refuses_a_draft(manager, consultation):
    draft = ResponseFactory(consultation=consultation, draft=True)
    RespondentContactFactory(response=draft, email=EMAIL)
    with pytest.raises(ValidationError) as refused:
        services.respondent_contact_view(response=draft, viewer=manager, moment=datetime.now(UTC))
    assert refused.value.code == "no_contact"


def test_about_you_promises_exactly_what_happens(client, consultation):
    client.post(reverse("consultations:respond", kwargs={"slug": consultation.slug}))
    page = client.get(reverse("consultations:respond-about-you", kwargs={"slug": consultation.slug}))
    html = page.content.decode()
    assert "people reading your answers do not see it" in html
    assert "Only the team running this consultation, and their managers, can look it up" in html
    assert "we record each time they do" in html
