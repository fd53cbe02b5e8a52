"""A parent carer finds an open consultation and responds to it, in Chromium, checked with axe-core."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from consultations.models import QuestionKind, Response
from consultations.tests.factories import ConsultationFactory, QuestionFactory, ServiceAreaFactory

from .conftest import SCREENSHOTS, assert_accessible, assert_no_sideways_scrolling


def check_page(page, name: str) -> None:
    """No accessibility failures at desktop width, no sideways scrolling on a 320px phone (saved too)."""
    assert_accessible(page, name)
    assert_no_sideways_scrolling(page)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-320.png"), full_page=True)
    page.set_viewport_size({"width": 1024, "height": 800})


def short_breaks_consultation():
    area = ServiceAreaFactory(name="Short breaks and respite", slug="short-breaks-and-respite")
    consultation = ConsultationFactory(
        title="Booking short breaks",
        slug="booking-short-breaks",
        summary="We want to make booking short breaks easier. Tell us what works and what does not.",
        proposal="We propose an online booking system, because families told us phoning takes too long.",
        service_area=area,
        other_ways_to_respond="Ask for a paper copy at any library, or call 01632 960000.",
        contact_details="Email shortbreaks@example.gov.uk",
        decision_informed="The short breaks statement for next year.",
    )
    QuestionFactory(
        consultation=consultation,
        page=1,
        kind=QuestionKind.SHORT_TEXT,
        text="What works well about short breaks now?",
        required=True,
    )
    QuestionFactory(
        consultation=consultation,
        page=2,
        kind=QuestionKind.LONG_TEXT,
        text="What would make booking easier?",
        help_text="Tell us as much as you like.",
    )
    QuestionFactory(
        consultation=consultation,
        page=3,
        kind=QuestionKind.SINGLE_CHOICE,
        text="When do you most need a short break?",
        options=["Weekends", "School holidays", "After school"],
        required=True,
    )
    QuestionFactory(
        consultation=consultation,
        page=3,
        kind=QuestionKind.MULTIPLE_CHOICE,
        text="Which activities would your child enjoy?",
        options=["Swimming", "Art and crafts", "Sport", "Days out"],
    )
    QuestionFactory(
        consultation=consultation,
        page=4,
        kind=QuestionKind.AGREEMENT,
        text="Families should be able to book short breaks online",
        required=True,
    )
    QuestionFactory(
        consultation=consultation,
        page=5,
        kind=QuestionKind.YES_NO,
        text="Have you used short breaks in the last year?",
        required=True,
    )
    return consultation


def test_a_parent_carer_finds_a_consultation_answers_every_question_type_and_sends_it(page):
    consultation = short_breaks_consultation()
    ConsultationFactory(title="Transport to school for young people", for_parent_carers=False, for_young_people=True)
    ConsultationFactory(upcoming=True, title="The Local Offer website")
    closed = ConsultationFactory(closed=True, title="Preparing for adulthood")

    # The hub: filter to consultations for parent carers.
    page.goto("/consultations/")
    assert page.locator("h1").inner_text() == "Consultations"
    check_page(page, "consultations-hub")
    page.get_by_label("Who it is for").select_option("parent_carers")
    page.get_by_role("button", name="Apply filters").click()
    assert "audience=parent_carers" in page.url
    assert page.get_by_role("link", name="Transport to school for young people").count() == 0
    page.get_by_role("link", name="Booking short breaks").click()

    # The consultation's page.
    assert page.locator("h1").inner_text() == "Booking short breaks"
    check_page(page, "consultation-page")
    page.get_by_role("button", name="Respond online").click()

    # Before you start: the safeguarding notice comes before any question.
    assert page.locator("h1").inner_text() == "Before you start"
    assert page.get_by_text("we will pass it on to the people whose job is to keep children safe").is_visible()
    check_page(page, "respond-start")
    page.get_by_role("button", name="Start now").click()

    # A short answer: first forgotten, then given.
    assert page.locator("h1").inner_text() == "What works well about short breaks now?"
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible() and "Enter your answer" in summary.inner_text()
    assert page.title().startswith("Error: What works well about short breaks now?")
    check_page(page, "question-short-text-error")
    summary.get_by_role("link", name="Enter your answer").click()
    assert page.evaluate("document.activeElement.tagName") == "INPUT"
    page.get_by_label("What works well about short breaks now?").fill("The staff know my son well.")
    page.get_by_role("button", name="Continue").click()

    # A long answer.
    assert page.locator("h1").inner_text() == "What would make booking easier? (optional)"
    check_page(page, "question-long-text")
    page.get_by_label("What would make booking easier? (optional)").fill(
        "Booking online.\nA named worker who calls back."
    )
    page.get_by_role("button", name="Continue").click()

    # A page of two questions: single and multiple choice.
    assert page.locator("h1").inner_text() == "Questions: page 3 of 5"
    check_page(page, "question-single-and-multiple-choice")
    page.get_by_label("School holidays").check()
    page.get_by_label("Swimming").check()
    page.get_by_label("Days out").check()
    page.get_by_role("button", name="Continue").click()

    # An agreement scale.
    assert page.locator("h1").inner_text() == "Families should be able to book short breaks online"
    check_page(page, "question-agreement")
    page.get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Continue").click()

    # Yes or no.
    assert page.locator("h1").inner_text() == "Have you used short breaks in the last year?"
    check_page(page, "question-yes-no")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()

    # About you.
    assert page.locator("h1").inner_text() == "About you"
    page.get_by_label("Parent carer").check()
    # The address is asked for only once contact is ticked, under the checkboxes (GOV.UK's reveal).
    email = page.get_by_label("Email address")
    assert not email.is_visible()
    check_page(page, "about-you")
    page.get_by_label("Email me a receipt").check()
    assert email.is_visible()
    assert page.get_by_label("Email me a receipt").get_attribute("aria-controls") == "contact-email"
    check_page(page, "about-you-email-revealed")
    page.get_by_label("Email me a receipt").uncheck()
    assert not email.is_visible()
    page.get_by_label("Email me a receipt").check()
    page.get_by_role("button", name="Continue").click()
    assert "Enter your email address so we can contact you" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("Email address").is_visible()
    check_page(page, "about-you-error")
    page.get_by_label("Email address").fill("sam.parent@example.com")
    page.get_by_role("button", name="Continue").click()

    # Check your answers, and change one.
    assert page.locator("h1").inner_text() == "Check your answers before sending your response"
    check_page(page, "check-answers")
    page.get_by_role("link", name="Change your answer to: Families should be able to book short breaks online").click()
    page.get_by_label("Strongly agree").check()
    page.get_by_role("button", name="Save and go back to check your answers").click()
    assert page.locator("h1").inner_text() == "Check your answers before sending your response"
    row = page.locator(".govuk-summary-list__row", has_text="Families should be able to book short breaks online")
    assert "Strongly agree" in row.inner_text()
    assert "Swimming" in page.locator("main").inner_text()

    page.get_by_role("button", name="Send response").click()

    # The confirmation with its reference.
    assert page.locator("h1").inner_text() == "Response sent"
    reference = page.locator(".govuk-panel__body strong").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", reference)
    assert "sam.parent@example.com" in page.locator("main").inner_text()
    check_page(page, "respond-confirmation")
    sent = Response.objects.submitted().get(consultation=consultation)
    assert sent.reference == reference and sent.answers.count() == 6

    # Going back and sending again changes nothing.
    page.go_back()
    page.goto(f"/consultations/{consultation.slug}/respond/check/")
    assert page.locator("h1").inner_text() == "Response sent"
    assert Response.objects.filter(consultation=consultation).count() == 1

    # A closed consultation's respond page.
    page.goto(f"/consultations/{closed.slug}/respond/")
    assert page.locator("h1").inner_text() == "This consultation has closed"
    check_page(page, "respond-closed")


def test_the_child_friendly_version_of_a_question_page(page):
    consultation = ConsultationFactory(
        for_children=True,
        for_parent_carers=False,
        title="What makes a good club?",
        summary="We want to know what you like about after-school clubs.",
    )
    QuestionFactory(consultation=consultation, page=1, kind=QuestionKind.AGREEMENT, text="Clubs after school are fun")
    QuestionFactory(consultation=consultation, page=2, kind=QuestionKind.YES_NO, text="Do you go to a club?")

    page.goto(consultation.get_absolute_url())
    check_page(page, "child-friendly-consultation-page")
    page.get_by_role("button", name="Respond online").click()
    check_page(page, "child-friendly-start")
    page.get_by_role("button", name="Start now").click()

    # Waits for the page to finish loading: counting at once can catch it half parsed.
    expect(page.locator(".app-child-friendly img.app-choice-picture")).to_have_count(5)
    check_page(page, "child-friendly-question-agreement")
    page.get_by_label("Strongly agree").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".app-child-friendly img.app-choice-picture")).to_have_count(2)
    check_page(page, "child-friendly-question-yes-no")


def test_an_upcoming_consultation_and_a_withdrawn_one_say_so(page):
    upcoming = ConsultationFactory(
        opens_at=timezone.now() + timedelta(days=3), closes_at=timezone.now() + timedelta(days=30)
    )
    withdrawn = ConsultationFactory(withdrawn=True, withdrawal_reason="The proposal was replaced by a new plan.")
    page.goto(upcoming.get_absolute_url())
    assert page.get_by_text("This consultation opens at").is_visible()
    check_page(page, "consultation-page-upcoming")
    page.goto(f"/consultations/{withdrawn.slug}/respond/")
    assert page.locator("h1").inner_text() == "This consultation has been withdrawn"
    check_page(page, "respond-withdrawn")


def test_on_a_phone_the_hub_shows_results_first_with_the_filters_folded(page):
    ConsultationFactory(title="Booking short breaks")
    ConsultationFactory(upcoming=True, title="The Local Offer website")
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto("/consultations/")
    filters = page.locator("details.app-filters-details")
    assert filters.get_attribute("open") is None
    assert not page.get_by_label("Who it is for").is_visible()
    # The first consultation is on the first screen.
    link = page.get_by_role("link", name="Booking short breaks")
    assert link.bounding_box()["y"] + link.bounding_box()["height"] < 667
    page.screenshot(path=str(SCREENSHOTS / "consultations-hub-375.png"))
    assert_accessible(page, "consultations-hub-phone")
    page.get_by_text("Search and filters").click()
    assert page.get_by_label("Who it is for").is_visible()
    page.get_by_label("Who it is for").select_option("parent_carers")
    page.get_by_role("button", name="Apply filters").click()
    # With a filter applied the filters stay open, so the person sees what they chose.
    assert page.get_by_label("Who it is for").is_visible()
