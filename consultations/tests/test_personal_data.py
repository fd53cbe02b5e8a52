"""A participant's consultation data in their download, and what deleting their account does to it."""

import json
from datetime import UTC, datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from accounts import services as account_services
from accounts.roles import Role
from accounts.tests.factories import PASSWORD
from consultations.models import Answer, RespondentContact, RespondentType, Response, Subscription

from .factories import (
    AnswerFactory,
    ConsultationFactory,
    QuestionFactory,
    RespondentContactFactory,
    ResponseFactory,
    ServiceAreaFactory,
    answer_choices,
)

pytestmark = pytest.mark.django_db
MOMENT = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
PLANTED = '<b onmouseover="alert(1)">Booking</b> is hard'


@pytest.fixture
def person(make_user):
    return make_user(Role.PARTICIPANT, email="person@example.org")


@pytest.fixture
def their_things(person):
    consultation = ConsultationFactory(title="Short breaks for disabled children")
    sent = ResponseFactory(
        consultation=consultation, user=person, reference="SB12-ABCD", respondent_type=RespondentType.PARENT_CARER
    )
    AnswerFactory(response=sent, question=QuestionFactory(consultation=consultation, text="What works?"), text=PLANTED)
    choice = QuestionFactory(consultation=consultation, kind="multiple_choice", text="When?")
    answer_choices(response=sent, question=choice, values=["Weekends", "Holidays"])
    RespondentContactFactory(response=sent, email="contact-they-gave@example.org")
    draft = ResponseFactory(draft=True, user=person, consultation=ConsultationFactory(title="Transport to school"))
    AnswerFactory(response=draft, text="Half finished")
    Subscription.objects.create(user=person, service_area=ServiceAreaFactory(name="Short breaks"))
    return {"sent": sent, "draft": draft}


@pytest.fixture
def someone_elses(make_user):
    other = make_user(Role.PARTICIPANT, email="other@example.org")
    theirs = ResponseFactory(user=other, consultation=ConsultationFactory(title="Someone else's consultation"))
    AnswerFactory(response=theirs, text="Someone else's answer")
    RespondentContactFactory(response=theirs, email="other-contact@example.org")
    Subscription.objects.create(user=other, service_area=ServiceAreaFactory(name="Someone else's area"))
    anonymous = ResponseFactory(consultation=theirs.consultation)
    AnswerFactory(response=anonymous, text="An anonymous answer")
    return other


def download(client, user):
    client.force_login(user)
    response = client.get(reverse("accounts:data-download"))
    assert response.status_code == 200
    return response


def test_the_download_holds_their_responses_answers_contact_details_and_subscriptions(
    client, person, their_things, someone_elses
):
    data = json.loads(download(client, person).content)["consultations"]

    sent, draft = sorted(data["responses"], key=lambda r: r["state"] != "sent")
    assert sent["consultation"] == "Short breaks for disabled children"
    assert (sent["reference"], sent["state"], sent["you_are"]) == ("SB12-ABCD", "sent", "Parent carer")
    assert sent["sent"] and sent["started"]
    assert {"question": "What works?", "answer": PLANTED, "choices": []} in sent["answers"]
    assert {"question": "When?", "answer": "", "choices": ["Weekends", "Holidays"]} in sent["answers"]
    assert sent["contact_details"]["email"] == "contact-they-gave@example.org"
    assert (draft["consultation"], draft["state"], draft["reference"]) == ("Transport to school", "draft", None)
    assert draft["answers"][0]["answer"] == "Half finished"
    assert data["subscriptions"] == [{"service_area": "Short breaks"}]


def test_another_persons_data_is_never_in_the_download(client, person, their_things, someone_elses):
    body = download(client, person).content.decode()

    for theirs in ("other@example.org", "Someone else", "other-contact@example.org", "An anonymous answer"):
        assert theirs not in body


def test_the_download_costs_the_same_number_of_queries_however_much_there_is(
    client, person, their_things, django_assert_max_num_queries
):
    for _n in range(10):
        AnswerFactory.create_batch(3, response=ResponseFactory(user=person))
    client.force_login(person)
    # session, user, teams, responses with consultation and contact, answers with questions, selections,
    # subscriptions, e-mails to the address, co-production's participant record (none here)
    with django_assert_max_num_queries(9):
        client.get(reverse("accounts:data-download"))


def test_deleting_the_account_keeps_sent_responses_anonymised_and_removes_the_rest(person, their_things, someone_elses):
    sent, draft = their_things["sent"], their_things["draft"]

    erased = account_services.account_delete(user=person, password=PASSWORD, moment=MOMENT)

    assert erased["consultations"] == {"drafts": 1, "contacts": 1, "responses": 1, "subscriptions": 1}
    sent.refresh_from_db()
    assert sent.user is None and sent.reference == "SB12-ABCD"
    assert sent.respondent_type == RespondentType.PARENT_CARER  # what reports count stays
    assert Answer.objects.filter(response=sent).count() == 2
    assert not RespondentContact.objects.filter(response=sent).exists()
    assert not Response.objects.filter(pk=draft.pk).exists()
    assert not Subscription.objects.filter(user_id=person.pk).exists()
    # Someone else's things are untouched.
    assert Response.objects.filter(user=someone_elses).count() == 1
    assert RespondentContact.objects.filter(response__user=someone_elses).exists()
    assert Subscription.objects.filter(user=someone_elses).count() == 1
    # The contact details went without their address being copied into the audit log.
    assert "contact-they-gave@example.org" not in " ".join(
        f"{e.object_repr} {e.changes} {e.additional_data}" for e in LogEntry.objects.all()
    )
