"""Staff record what a participant said at a held session; the nightly collation files it as feedback,
in the coding inbox. Every new page is axe-clean."""

from datetime import timedelta

from django.utils import timezone

from coproduction.models import SessionComment
from coproduction.tests.factories import ParticipationGroupFactory, SessionFactory
from feedback.collation import feedback_collate
from feedback.models import FeedbackItem, FeedbackSource

from .conftest import assert_accessible, follow, sign_in


def test_staff_record_a_participants_comment_and_it_reaches_the_inbox(page, staff):
    group = ParticipationGroupFactory(team=staff.teams.get(), name="Short Breaks Redesign")
    held = SessionFactory(group=group, title="Booking a short break", starts_at=timezone.now() - timedelta(days=1))

    sign_in(page, staff.email)
    page.goto(f"/staff/coproduction/sessions/{held.pk}/")
    follow(page, "button", "Record a comment")
    assert page.locator("h1").inner_text() == "Record a comment"
    assert_accessible(page, "coproduction-comment-form")
    page.get_by_label("What did they say?").fill("I fill in the same details three times.")
    follow(page, "button", "Record the comment")
    assert page.locator(".govuk-error-summary").get_by_role("link", name="Select who said it")
    assert page.get_by_label("What did they say?").input_value() == "I fill in the same details three times."
    assert_accessible(page, "coproduction-comment-form-errors")
    page.get_by_label("Parent carer").check()
    page.get_by_label("They agreed that their words may be quoted without their name").check()
    follow(page, "button", "Record the comment")
    assert "I fill in the same details three times." in page.locator("#comments ~ ul").first.inner_text()
    assert_accessible(page, "coproduction-session-with-comment")
    assert SessionComment.objects.get().consent_to_quote

    feedback_collate(moment=timezone.now())
    item = FeedbackItem.objects.get(source=FeedbackSource.COPRODUCTION_SESSION)
    assert item.team == held.team
    page.goto("/staff/feedback/inbox/")
    assert "I fill in the same details three times." in page.locator("main").inner_text()
