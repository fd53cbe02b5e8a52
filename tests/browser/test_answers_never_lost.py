"""A parent carer's cookies go mid-response; what they typed is kept and a clear page says why."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from common.cache import shared_forget
from consultations import services
from consultations.models import Answer, Response
from consultations.tests.factories import two_page_consultation

from .conftest import assert_accessible

TYPED = "A named worker who rings back the same day."


def start_and_answer_the_first_page(page, consultation) -> None:
    page.goto(f"/consultations/{consultation.slug}/respond/")
    assert page.get_by_text("if you do not use these pages for 8 hours").is_visible()
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("What works well about short breaks now?").fill("The staff know my son well.")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("What would make booking easier? (optional)").fill(TYPED)


def test_an_answer_typed_after_the_session_ended_is_kept_in_a_new_response(page):
    consultation = two_page_consultation()
    start_and_answer_the_first_page(page, consultation)

    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)  # the session ends while they type
    page.get_by_role("button", name="Continue").click()

    assert page.locator("h1").inner_text() == "We kept your answers in a new response"
    assert "We could not find the response you started on this device" in page.locator("main").inner_text()
    assert_accessible(page, "respond-kept-in-new-response")
    kept = Response.objects.exclude(answers__text="The staff know my son well.").get()
    assert kept.answers.get().text == TYPED

    # Carrying on asks again for the first page's required answer, then shows the kept one.
    page.get_by_role("button", name="Continue your response").click()
    page.get_by_label("What works well about short breaks now?").fill("Kind staff.")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_label("What would make booking easier? (optional)").input_value() == TYPED


def test_an_answer_typed_after_the_csrf_cookie_went_is_shown_again_and_saved(page):
    consultation = two_page_consultation()
    start_and_answer_the_first_page(page, consultation)

    page.context.clear_cookies(name=settings.CSRF_COOKIE_NAME)
    page.get_by_role("button", name="Continue").click()

    banner = page.locator(".govuk-notification-banner")
    assert "What you entered has not been saved yet" in banner.inner_text()
    assert page.get_by_label("What would make booking easier? (optional)").input_value() == TYPED
    assert_accessible(page, "respond-kept-after-csrf-failure")
    assert not Answer.objects.filter(text=TYPED).exists()

    page.get_by_role("button", name="Continue").click()
    assert page.locator("h1").inner_text() == "About you"
    assert Response.objects.get().answers.filter(text=TYPED).exists()  # the same response, no second one


def test_with_every_cookie_cleared_the_typed_answer_is_shown_again_then_kept(page):
    consultation = two_page_consultation()
    start_and_answer_the_first_page(page, consultation)

    page.context.clear_cookies()
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_label("What would make booking easier? (optional)").input_value() == TYPED
    page.get_by_role("button", name="Continue").click()

    assert page.locator("h1").inner_text() == "We kept your answers in a new response"
    assert Response.objects.count() == 2 and Answer.objects.filter(text=TYPED).count() == 1


def test_a_form_that_keeps_nothing_says_how_to_go_on(page):
    page.goto("/account/sign-in/")
    page.context.clear_cookies()
    page.get_by_label("Email address").fill("parent@example.com")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    assert page.locator("h1").inner_text() == "Your form could not be sent"
    assert page.get_by_text("Go back").count() == 0
    assert_accessible(page, "csrf-failure")
    page.get_by_role("link", name="Open the form again").click()
    assert page.locator("h1").inner_text() == "Sign in"


def test_coming_back_to_a_question_page_after_the_session_ended_says_why_on_the_start_page(page):
    consultation = two_page_consultation()
    start_and_answer_the_first_page(page, consultation)

    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    page.get_by_role("link", name="Back").click()

    assert page.locator("h1").inner_text() == "Before you start"
    assert "We could not find your response on this device" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page, "respond-start-response-not-found")


def test_an_answer_sent_after_the_consultation_closed_is_shown_back_to_copy(page):
    consultation = two_page_consultation()
    start_and_answer_the_first_page(page, consultation)

    consultation.closes_at = timezone.now() - timedelta(days=1)
    consultation.opens_at = consultation.closes_at - timedelta(days=30)
    consultation.save()
    # Changed directly here; a staff edit through the service forgets the reading pages share at once.
    shared_forget(services.respond_reading_key_for(consultation.slug))
    page.get_by_role("button", name="Continue").click()

    assert page.locator("h1").inner_text() == "This consultation has closed"
    assert TYPED in page.locator(".govuk-summary-list").inner_text()
    assert_accessible(page, "respond-closed-with-typed-answer")


def test_a_page_refused_by_the_rate_limit_shows_back_what_was_typed(page, settings):
    settings.RESPONSE_PAGE_RATE = "1/h"  # the first page's post is the one allowed
    consultation = two_page_consultation()
    start_and_answer_the_first_page(page, consultation)

    page.get_by_role("button", name="Continue").click()

    assert page.locator("h1").inner_text() == "Too many attempts"
    main = page.locator("main").inner_text()
    assert "What you entered" in main and TYPED in main
    assert_accessible(page, "respond-page-refused-by-rate-limit")
    assert not Answer.objects.filter(text=TYPED).exists()
