"""A manager reviews the safeguarding flags and records what was done; the feedback then returns to the
coding inbox. axe on each page."""

from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from feedback import services
from feedback.collation import feedback_collate
from feedback.models import CaseFeedback, FeedbackItem
from feedback.tests.factories import CaseFeedbackFactory

from .conftest import assert_accessible, follow, sign_in


def test_a_manager_handles_a_safeguarding_flag(page, settings):
    settings.REQUIRE_STAFF_2FA = False
    feedback = CaseFeedbackFactory(case__reference="CMS-900300", worked_well="Nobody listened at home.")
    services.flag_raise(feedback, by=None, reason="Uses words from the safeguarding list.", moment=timezone.now())
    feedback_collate(moment=timezone.now())
    assert not FeedbackItem.objects.in_coding_queue().filter(case_feedback=feedback).exists()
    manager = UserFactory(role=Role.MANAGER, email="morgan@example.gov.uk")

    sign_in(page, manager.email)
    page.goto("/staff/feedback/safeguarding-flags/")
    assert page.locator("h1").inner_text() == "Safeguarding flags"
    assert "CMS-900300" in page.locator("main").inner_text()
    assert_accessible(page, "staff-feedback-flags")
    page.get_by_role("link", name="Review").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Mark a safeguarding concern as handled"
    assert_accessible(page, "staff-feedback-flag-handle")
    follow(page, "button", "Mark the concern as handled")
    assert page.locator(".govuk-error-summary").get_by_role("link", name="Say what was done about the concern")
    assert_accessible(page, "staff-feedback-flag-handle-errors")
    page.get_by_label("What was done?").fill("Referred to the MASH the same day.")
    follow(page, "button", "Mark the concern as handled")
    assert "No safeguarding flags are awaiting review." in page.locator("main").inner_text()
    assert_accessible(page, "staff-feedback-flags-handled")
    feedback.refresh_from_db()
    assert not feedback.flag_is_open and feedback.flag_handled_by == manager
    assert FeedbackItem.objects.in_coding_queue().filter(case_feedback=feedback).exists()
    assert CaseFeedback.objects.flag_handled().count() == 1
