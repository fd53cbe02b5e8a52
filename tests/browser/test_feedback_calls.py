"""A caller works the quarter's telephone sample; a manager reads the quarter's rates. axe on each page."""

from datetime import date

from django.utils import timezone

from accounts.models import Team
from accounts.roles import Role
from accounts.tests.factories import UserFactory
from feedback import calls
from feedback.models import CallStatus, FollowUpCall
from feedback.tests.factories import ClosedCaseFactory

from .conftest import assert_accessible, follow, sign_in


def test_a_caller_records_calls_and_a_manager_sees_the_quarter(page, staff):
    team = Team.objects.get(slug="participation")
    ClosedCaseFactory(team=team, reference="CMS-800200", closed_on=date(2026, 8, 3), contact_name="Robin Shah")
    calls.sample_draw_for_quarter(quarter_start=date(2026, 7, 1), moment=timezone.now())
    call = FollowUpCall.objects.get()
    assert call.caller == staff

    sign_in(page, staff.email)
    page.goto("/staff/feedback/calls/")
    assert page.locator("h1").inner_text() == "Calls to make"
    assert_accessible(page, "staff-feedback-calls")
    follow(page, "link", "CMS-800200")
    assert "Robin Shah" in page.locator("main").inner_text()
    assert_accessible(page, "staff-feedback-call")
    follow(page, "button", "Record the call")
    assert page.locator(".govuk-error-summary").get_by_role("link", name="Select what happened on the call")
    assert_accessible(page, "staff-feedback-call-errors")
    # No answer now; a second no answer at the same time of day is refused, the notes kept.
    page.get_by_label("No answer").check()
    follow(page, "button", "Record the call")
    untried = page.locator("tbody tr").first.locator("td").last.inner_text()
    assert len(untried.split(", ")) == 2  # the list: two times of day left to try
    follow(page, "link", "CMS-800200")
    page.get_by_label("No answer").check()
    page.get_by_label("Notes (optional)").fill("Rang again straight away.")
    follow(page, "button", "Record the call")
    assert "Try again at another time of day" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("Notes (optional)").input_value() == "Rang again straight away."
    assert_accessible(page, "staff-feedback-call-time-of-day-tried")
    assert call.attempts.count() == 1
    page.get_by_label("Complete: feedback given").check()
    page.get_by_label("What worked well?").fill("Quick to answer the phone.")
    page.get_by_label("Very good").check()
    follow(page, "button", "Record the call")
    assert page.locator("h1").inner_text() == "Calls to make"
    call.refresh_from_db()
    assert call.status == CallStatus.COMPLETED

    manager = UserFactory(role=Role.MANAGER, email="morgan@example.gov.uk")
    page.context.clear_cookies()
    sign_in(page, manager.email)
    page.goto("/staff/feedback/calls/quarters/")
    assert page.locator("h1").inner_text() == "Telephone follow-up by quarter"
    assert "100%" in page.locator("main").inner_text()
    assert_accessible(page, "staff-feedback-quarters")
