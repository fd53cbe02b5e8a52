"""Every public journey works with JavaScript switched off, as GOV.UK services must."""

import pytest

from consultations.models import QuestionKind, Response
from consultations.tests.factories import ConsultationFactory, QuestionFactory


@pytest.fixture
def page_without_javascript(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def test_a_parent_carer_responds_with_javascript_switched_off(page_without_javascript):
    page = page_without_javascript
    consultation = ConsultationFactory(title="Booking short breaks")
    QuestionFactory(
        consultation=consultation, page=1, kind=QuestionKind.AGREEMENT, text="Booking is easy", required=True
    )
    QuestionFactory(
        consultation=consultation,
        page=2,
        kind=QuestionKind.MULTIPLE_CHOICE,
        text="Which would suit you?",
        options=["Weekends", "Holidays"],
    )

    page.goto("/consultations/?audience=parent_carers")
    assert page.locator("body.js-enabled").count() == 0  # GOV.UK Frontend's script did not run
    page.get_by_role("link", name="Booking short breaks").click()
    page.get_by_role("button", name="Respond online").click()
    page.get_by_role("button", name="Start now").click()
    page.get_by_role("button", name="Continue").click()  # nothing chosen: the server explains
    assert "Select how much you agree" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Disagree", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Holidays").check()
    page.get_by_role("button", name="Continue").click()
    assert page.locator("h1").inner_text() == "About you"
    # Without JavaScript the address is simply shown under the contact choices, pointed at by nothing.
    assert page.get_by_label("Email address").is_visible()
    assert page.locator("[aria-controls]").count() == 0
    page.get_by_role("button", name="Continue").click()
    assert page.locator("h1").inner_text() == "Check your answers before sending your response"
    page.get_by_role("button", name="Send response").click()
    assert page.locator("h1").inner_text() == "Response sent"
    assert Response.objects.submitted().get(consultation=consultation).answers.count() == 2
