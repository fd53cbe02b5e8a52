"""Every form of a response is limited per client address: starting one tightly (a script opened 300
drafts in six seconds), its pages generously (a person answering twenty pages is never refused)."""

import pytest
from django.test import Client

from consultations.models import QuestionKind, Response
from consultations.tests.factories import ConsultationFactory, QuestionFactory, page_url, start, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation():
    """Twenty pages of one required short question each, as long as a consultation gets."""
    consultation = ConsultationFactory()
    for page in range(1, 21):
        QuestionFactory(
            consultation=consultation, page=page, kind=QuestionKind.SHORT_TEXT, text=f"Question {page}", required=True
        )
    return consultation


def answer(consultation, page: int) -> dict:
    question = consultation.questions.get(page=page)
    return {f"question_{question.pk}": f"Answer to page {page}"}


def test_one_address_opening_draft_after_draft_is_refused(consultation, settings):
    settings.RESPONSE_START_RATE = "5/h"
    for _visitor in range(5):
        assert Client().post(url("respond", consultation)).status_code == 302
    refused = Client().post(url("respond", consultation))
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    assert Response.objects.count() == 5


def test_another_address_may_still_start_when_one_is_refused(consultation, settings):
    settings.RESPONSE_START_RATE = "1/h"
    Client(REMOTE_ADDR="203.0.113.1").post(url("respond", consultation))
    assert Client(REMOTE_ADDR="203.0.113.1").post(url("respond", consultation)).status_code == 429
    assert Client(REMOTE_ADDR="203.0.113.2").post(url("respond", consultation)).status_code == 302


def test_a_person_answering_twenty_pages_and_sending_is_never_refused_at_the_default_rates(client, consultation):
    start(client, consultation)
    for page in range(1, 21):
        assert client.post(page_url(consultation, page), answer(consultation, page)).status_code == 302
    # Going back to change every answer once more is still well inside the page rate.
    for page in range(1, 21):
        assert client.post(page_url(consultation, page) + "?change=1", answer(consultation, page)).status_code == 302
    assert client.post(url("respond-about-you", consultation), {"consent_to_quote": "no"}).status_code == 302
    sent = client.post(url("respond-check", consultation))
    assert sent.status_code == 302 and "/respond/done/" in sent["Location"]


def test_a_flood_of_question_page_posts_is_refused_and_the_refusal_shows_what_was_posted(
    client, consultation, settings
):
    settings.RESPONSE_PAGE_RATE = "3/h"
    start(client, consultation)
    for _post in range(3):
        client.post(page_url(consultation, 1), answer(consultation, 1))
    refused = client.post(page_url(consultation, 2), {**answer(consultation, 2), "csrfmiddlewaretoken": "x"})
    page = refused.content.decode()
    assert refused.status_code == 429
    # The answers-never-lost rule: what the refused page carried is shown back, under its question.
    assert "What you entered" in page
    assert "Question 2" in page and "Answer to page 2" in page
    assert "csrfmiddlewaretoken" not in page.split("What you entered")[1]


def test_about_you_and_sending_count_against_the_page_rate(client, consultation, settings):
    settings.RESPONSE_PAGE_RATE = "1/h"
    start(client, consultation)
    assert client.post(url("respond-about-you", consultation), {"consent_to_quote": "no"}).status_code == 302
    assert client.post(url("respond-about-you", consultation), {"consent_to_quote": "no"}).status_code == 429
    assert client.post(url("respond-check", consultation)).status_code == 429


def test_pages_posted_without_a_session_count_as_starts_since_each_makes_a_draft(consultation, settings):
    settings.RESPONSE_START_RATE = "2/h"
    for _visitor in range(2):
        assert Client().post(page_url(consultation, 1), answer(consultation, 1)).status_code == 302
    refused = Client().post(page_url(consultation, 1), answer(consultation, 1))
    assert refused.status_code == 429
    assert "Answer to page 1" in refused.content.decode()
    assert Client().post(url("respond-about-you", consultation), {"consent_to_quote": "no"}).status_code == 429
    assert Client().post(url("respond", consultation)).status_code == 429
    assert Response.objects.count() == 2


def test_reading_the_pages_is_never_limited(client, consultation, settings):
    settings.RESPONSE_PAGE_RATE = "1/h"
    settings.RESPONSE_START_RATE = "1/h"
    start(client, consultation)
    for _read in range(3):
        assert client.get(page_url(consultation, 1)).status_code == 200
        assert client.get(url("respond", consultation)).status_code == 200
