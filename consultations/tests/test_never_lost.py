"""What a person typed is never lost: a page posted after the session ended, the CSRF cookie went,
or the draft was deleted keeps what it carried and says plainly what happened."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from common.kept_answers import SESSION_RENEW_EVERY
from consultations import services
from consultations.models import Answer, QuestionKind, Response
from consultations.tests.factories import (
    ConsultationFactory,
    QuestionFactory,
    ResponseFactory,
    draft_of,
    page_url,
    start,
    two_page_consultation,
    url,
)

pytestmark = pytest.mark.django_db

TYPED = "Booking takes three phone calls, and nobody rings back."


@pytest.fixture
def consultation():
    return two_page_consultation()


def field_on(consultation, page: int) -> str:
    return f"question_{consultation.questions.get(page=page).pk}"


def sessions_end() -> None:
    """What a session's expiry does on the server: gone from the database and the cache in front of it."""
    for key in Session.objects.values_list("session_key", flat=True):
        SessionStore(key).delete()


def answered_first_page(client, consultation) -> Response:
    start(client, consultation)
    client.post(page_url(consultation, 1), {field_on(consultation, 1): "Kind staff"})
    return draft_of(client, consultation)


def assert_kept_in_a_new_draft(client, consultation, response, earlier: Response) -> Response:
    assert response.status_code == 302 and response["Location"] == url("respond-kept", consultation)
    kept = draft_of(client, consultation)
    assert kept.pk != earlier.pk and not kept.is_submitted
    assert kept.answers.get().text == TYPED
    page = client.get(response["Location"]).content.decode()
    assert "We kept your answers in a new response" in page
    assert "We could not find the response you started on this device" in page
    # The first page's required answer is not in the new draft, so carrying on asks for it.
    assert f'href="{page_url(consultation, 1)}"' in page
    return kept


# --- The session ---------------------------------------------------------------------------------------


def test_the_start_page_gives_the_time_limit_in_plain_words(client, consultation):
    page = client.get(url("respond", consultation)).content.decode()
    assert "if you do not use these pages for 8 hours" in page
    assert "Save and come back later" in page


def test_each_page_used_while_responding_renews_the_session(client, consultation):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        answered_first_page(client, consultation)
    with time_machine.travel(now + timedelta(hours=7), tick=False):
        client.get(page_url(consultation, 2))
    session = Session.objects.get()
    # Renewed for the time limit people are told and the few minutes until it is next renewed.
    renewed_for = timedelta(seconds=settings.SESSION_COOKIE_AGE) + SESSION_RENEW_EVERY
    assert session.expire_date == now + timedelta(hours=7) + renewed_for
    # Nine hours after "Start now", two after the last page: still the same draft.
    with time_machine.travel(now + timedelta(hours=9), tick=False):
        response = client.post(page_url(consultation, 2), {field_on(consultation, 2): TYPED})
    assert response["Location"] == url("respond-about-you", consultation)
    assert Response.objects.count() == 1


def test_a_page_posted_after_the_session_ended_is_kept_in_a_new_draft(client, consultation):
    earlier = answered_first_page(client, consultation)
    sessions_end()

    response = client.post(page_url(consultation, 2), {field_on(consultation, 2): TYPED})

    assert_kept_in_a_new_draft(client, consultation, response, earlier)
    assert earlier.answers.get().text == "Kind staff"  # the earlier draft is neither changed nor reachable


def test_a_page_posted_after_the_draft_was_deleted_is_kept_in_a_new_draft(client, consultation):
    earlier = answered_first_page(client, consultation)
    Response.objects.filter(pk=earlier.pk).delete()  # for example as a stale draft

    response = client.post(page_url(consultation, 2), {field_on(consultation, 2): TYPED})

    kept = assert_kept_in_a_new_draft(client, consultation, response, earlier)
    assert list(Response.objects.all()) == [kept]


def test_a_draft_id_posted_from_another_session_reaches_nothing(client, consultation):
    theirs = ResponseFactory(draft=True, consultation=consultation)
    Answer.objects.create(response=theirs, question=consultation.questions.get(page=1), text="Their private answer")

    response = client.post(
        page_url(consultation, 2),
        {field_on(consultation, 2): TYPED, "response": theirs.pk, "draft": theirs.pk, "pk": theirs.pk},
    )

    kept = assert_kept_in_a_new_draft(client, consultation, response, theirs)
    assert list(theirs.answers.values_list("text", flat=True)) == ["Their private answer"]
    assert "Their private answer" not in client.get(url("respond-check", consultation)).content.decode()
    assert kept.answers.count() == 1


def test_about_you_posted_after_the_session_ended_is_kept_in_a_new_draft(client, consultation):
    answered_first_page(client, consultation)
    sessions_end()

    response = client.post(
        url("respond-about-you", consultation),
        {"respondent_type": "parent_carer", "contact": ["receipt"], "email": "jo@example.com"},
    )

    assert response["Location"] == url("respond-kept", consultation)
    kept = draft_of(client, consultation)
    assert kept.respondent_type == "parent_carer" and kept.contact.email == "jo@example.com"


def test_a_page_with_errors_posted_without_a_draft_shows_them_and_keeps_the_text_unsaved(client, consultation):
    response = client.post(page_url(consultation, 1), {field_on(consultation, 1): "x" * 501})
    page = response.content.decode()
    assert response.status_code == 200 and "x" * 501 in page and "500 characters or fewer" in page
    assert not Response.objects.exists()


def close(consultation) -> None:
    consultation.closes_at = timezone.now() - timedelta(days=1)
    consultation.opens_at = consultation.closes_at - timedelta(days=30)
    consultation.save()


def test_a_page_posted_after_closing_starts_nothing_and_shows_what_was_typed(client, consultation):
    close(consultation)
    typed = "<b>Weekends</b>\nand holidays"
    response = client.post(page_url(consultation, 2), {field_on(consultation, 2): typed, "question_999": "not asked"})
    page = response.content.decode()
    assert "This consultation has closed" in page
    assert "What you entered" in page and "&lt;b&gt;Weekends&lt;/b&gt;<br>and holidays" in page
    assert "<b>Weekends" not in page and "not asked" not in page
    assert not Response.objects.exists()


def test_choices_posted_after_closing_are_shown_by_their_labels_and_only_if_offered(client):
    consultation = ConsultationFactory(closed=True)
    question = QuestionFactory(
        consultation=consultation, kind=QuestionKind.MULTIPLE_CHOICE, options=["Weekends", "Holidays"]
    )
    page = client.post(page_url(consultation, 1), {f"question_{question.pk}": ["Holidays", "Never offered"]})
    page = page.content.decode()
    assert "Holidays" in page and "Never offered" not in page


def test_the_kept_page_is_only_for_the_browser_whose_post_was_kept(client, consultation):
    answered_first_page(client, consultation)
    response = client.get(url("respond-kept", consultation))
    assert response["Location"] == page_url(consultation, 2)


def test_the_service_keeps_a_page_in_a_new_draft_checked_as_any_page_is(consultation):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import ValidationError

    other = QuestionFactory(consultation=ConsultationFactory())
    with pytest.raises(ValidationError) as refused:
        services.answers_save_to_new_draft(
            consultation=consultation, user=AnonymousUser(), answers={other.pk: "Hello"}, moment=timezone.now()
        )
    assert refused.value.code == "wrong_question"
    assert not Response.objects.exists()  # the new draft went with the refusal


# --- The CSRF cookie -----------------------------------------------------------------------------------


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def token_of(client) -> str:
    return client.cookies[settings.CSRF_COOKIE_NAME].value


def test_a_page_posted_without_its_csrf_cookie_is_shown_again_holding_the_answer(consultation):
    client = csrf_client()
    client.get(url("respond", consultation))
    client.post(url("respond", consultation), {"csrfmiddlewaretoken": token_of(client)})
    draft = draft_of(client, consultation)
    token = token_of(client)
    del client.cookies[settings.CSRF_COOKIE_NAME]

    refused = client.post(page_url(consultation, 1), {field_on(consultation, 1): TYPED, "csrfmiddlewaretoken": token})

    page = refused.content.decode()
    assert refused.status_code == 403
    assert "What you entered has not been saved yet" in page and f'value="{TYPED}"' in page
    assert "Go back" not in page
    assert not Answer.objects.exists()  # nothing is written on a refused post
    # The page came with a new cookie; sending it again saves to the same draft.
    response = client.post(
        page_url(consultation, 1), {field_on(consultation, 1): TYPED, "csrfmiddlewaretoken": token_of(client)}
    )
    assert response["Location"] == page_url(consultation, 2)
    assert draft.answers.get().text == TYPED


def test_with_every_cookie_gone_the_answer_is_shown_again_then_kept_in_a_new_draft(client, consultation):
    earlier = answered_first_page(client, consultation)
    stranger = csrf_client()  # what a browser with its cookies cleared looks like

    refused = stranger.post(page_url(consultation, 2), {field_on(consultation, 2): TYPED})
    assert refused.status_code == 403 and TYPED in refused.content.decode()

    response = stranger.post(
        page_url(consultation, 2), {field_on(consultation, 2): TYPED, "csrfmiddlewaretoken": token_of(stranger)}
    )
    assert_kept_in_a_new_draft(stranger, consultation, response, earlier)


def test_start_now_refused_for_its_csrf_cookie_says_what_happened_and_how_to_go_on(consultation):
    response = csrf_client().post(url("respond", consultation))
    page = response.content.decode()
    assert response.status_code == 403 and "Your form could not be sent" in page
    assert f'href="{url("respond", consultation)}">Open the form again</a>' in page
    assert not Response.objects.exists()
