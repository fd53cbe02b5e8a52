"""Staff filter the coding inbox, see a suggestion with its reason, apply it on the item's page, and
code two items at once from the inbox."""

from datetime import timedelta

from django.utils import timezone

from feedback.models import Coding, CodingChange, FeedbackSource, Polarity
from feedback.tests.factories import FeedbackItemFactory, SuggestionFactory, ThemeFactory

from .conftest import assert_accessible, assert_no_sideways_scrolling, follow, sign_in


def test_staff_filter_the_inbox_apply_a_suggestion_and_bulk_code(page, staff):
    today = timezone.localdate()
    transport = ThemeFactory(name="Transport", keywords="bus\ntaxi")
    ThemeFactory(name="Communication", keywords="called back")
    late_bus = FeedbackItemFactory(
        text="The bus was late every morning and the escort changed <b>again</b>.",
        received_on=today - timedelta(days=3),
    )
    SuggestionFactory(item=late_bus, theme=transport, confidence=0.85, reason="Matched the words: bus")
    first, second = FeedbackItemFactory.create_batch(
        2, text="Nobody called back for weeks.", received_on=today - timedelta(days=1)
    )
    FeedbackItemFactory(source=FeedbackSource.INTERVIEW, text="An interview about respite.", received_on=today)
    FeedbackItemFactory(text="Something worrying was said.", child_protection=True, received_on=today)

    sign_in(page, staff.email)
    with page.expect_navigation():
        page.get_by_role("navigation", name="Staff menu").get_by_role("link", name="Feedback").click()
    assert page.locator("h1").inner_text() == "Coding inbox"
    assert page.get_by_text("Child protection").count() == 1
    assert_accessible(page, "staff-feedback-inbox")

    # Letters only: the interview drops out of the list.
    page.get_by_label("Source").select_option("letter")
    follow(page, "button", "Apply filters")
    assert "4 items match the filters" in page.locator("#items-heading").inner_text()
    assert page.get_by_text("An interview about respite.").count() == 0
    # What was written is shown as text, markup and all.
    assert page.get_by_text("the escort changed <b>again</b>.").count() == 1
    suggestion = page.locator(".app-suggestions")
    assert "Suggested: Transport" in suggestion.inner_text()
    assert "Matched the words: bus" in suggestion.inner_text()

    # The item's page: the suggestion with its reason, applied with the polarity the person chose.
    follow(page, "link", f"Code item {late_bus.pk}")
    assert page.locator(".app-suggestion__reason").inner_text() == "Matched the words: bus"
    assert_accessible(page, "staff-feedback-item")
    page.locator(".app-suggestion").get_by_label("Needs improving").check()
    follow(page, "button", "Apply suggestion Transport")
    assert "Coded as Transport (Needs improving)." in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator(".app-suggestion").count() == 0
    coding = Coding.objects.get(item=late_bus)
    assert (coding.theme, coding.polarity, coding.coded_by) == (transport, Polarity.NEEDS_IMPROVING, staff)
    assert_accessible(page, "staff-feedback-item-coded")

    # Back in the inbox, not coded yet: two items coded together.
    page.goto("/staff/feedback/inbox/?coded=not_coded&source=letter")
    follow(page, "button", "Code selected items")
    assert page.locator(".govuk-error-summary").get_by_role("link", name="Select the items to code").count() == 1
    assert_accessible(page, "staff-feedback-inbox-errors")
    page.get_by_label(f"Select item {first.pk}").check()
    page.get_by_label(f"Select item {second.pk}").check()
    page.get_by_label("Theme for the selected items").select_option(label="Communication")
    page.locator(".app-bulk-coding").get_by_label("Needs improving").check()
    follow(page, "button", "Code selected items")
    assert (
        "Coded 2 items as Communication (Needs improving)." in page.locator(".govuk-notification-banner").inner_text()
    )
    assert set(Coding.objects.filter(theme__name="Communication").values_list("item_id", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert CodingChange.objects.filter(changed_by=staff).count() == 3
    assert page.get_by_text("Nobody called back for weeks.").count() == 0  # coded now, so filtered out
    assert_accessible(page, "staff-feedback-inbox-coded")

    follow(page, "link", "Themes")
    assert_accessible(page, "staff-feedback-themes")
    follow(page, "link", "Agreement")
    page.locator("#id_since_0").fill(str(today.day))
    page.locator("#id_since_1").fill(str(today.month))
    page.locator("#id_since_2").fill(str(today.year))
    follow(page, "button", "Measure")
    assert page.get_by_role("heading", name="Two people coding the same items").count() == 1
    assert_accessible(page, "staff-feedback-agreement")
    page.goto("/staff/feedback/inbox/")
    assert_no_sideways_scrolling(page)
