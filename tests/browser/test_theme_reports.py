"""A manager reads a six-monthly theme report, adds commentary and an improvement action, reviews
and approves it, downloads its PDF (read back here), and finds the action in the next period's
report; every page is axe-clean."""

import io
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone
from pypdf import PdfReader

from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from coproduction.models import ActionStatus
from coproduction.tests.factories import ActionFactory, SessionFactory
from feedback.models import CallStatus, FollowUpCall, FollowUpSample, Polarity, ThemeReport
from feedback.reports import services
from feedback.tests.factories import CaseFeedbackFactory, ClosedCaseFactory
from feedback.tests.report_factories import FeedbackItemFactory, ThemeFactory, audiences_ensure, built_report, code

from .conftest import SCREENSHOTS, assert_accessible, fill_date, follow, sign_in


@pytest.fixture
def manager(settings):
    settings.REQUIRE_STAFF_2FA = False
    audiences_ensure()
    return UserFactory(role=Role.MANAGER, email="morgan@example.gov.uk", full_name="Morgan Reid")


@pytest.fixture
def report(manager):
    team = TeamFactory(name="Children with Disabilities Team")
    waiting, listening = ThemeFactory(name="Waiting times"), ThemeFactory(name="Being listened to")
    for index in range(8):
        item = FeedbackItemFactory(team=team, received_on=date(2026, 5, 1 + index), consent_to_quote=True)
        code(item, listening if index < 5 else waiting, Polarity.WORKS_WELL if index < 5 else Polarity.NEEDS_IMPROVING)
    # Closure letters, their feedback and a quarter's calls; a session's actions.
    in_period = datetime(2026, 6, 1, 10, tzinfo=UTC)
    sample = FollowUpSample.objects.create(quarter_start=date(2026, 4, 1), seed="s", drawn_at=in_period)
    for index, case in enumerate(ClosedCaseFactory.create_batch(10, team=team, letter_sent_on=date(2026, 5, 4))):
        if index < 6:
            CaseFeedbackFactory(case=case, received_at=in_period)
        else:
            FollowUpCall.objects.create(sample=sample, case=case, due_on=date(2026, 6, 30), status=CallStatus.OPEN)
    ActionFactory.create_batch(6, source_session=SessionFactory(starts_at=in_period), status=ActionStatus.OPEN)
    return built_report(first_day=date(2026, 4, 1), last_day=date(2026, 9, 30))


def test_a_manager_annotates_approves_and_downloads_a_report(page, manager, report):
    sign_in(page, manager.email)
    with page.expect_navigation():
        page.get_by_role("link", name="Theme reports").first.click()
    assert page.locator("h1").inner_text() == "Theme reports"
    assert_accessible(page, "staff-theme-reports")
    follow(page, "link", "Senior Management Team")
    assert "Theme report" in page.locator("h1").inner_text()
    assert page.locator("svg[role=img] title").first.text_content() == "Feedback by source"
    assert_accessible(page, "staff-theme-report-draft")
    closed_cases = page.locator("section[aria-labelledby=closed_case_response_rates]")
    assert "Closure letters sent" in closed_cases.inner_text() and "60%" in closed_cases.inner_text()
    closed_cases.screenshot(path=str(SCREENSHOTS / "staff-theme-report-closed-cases.png"))
    assert "Still open" in page.locator("section[aria-labelledby=coproduction_actions]").inner_text()

    follow(page, "link", "Add commentary")
    assert_accessible(page, "staff-theme-report-commentary")
    page.get_by_label("Add commentary").fill("Waiting times need the board's attention.")
    follow(page, "button", "Add commentary")
    assert page.get_by_text("Waiting times need the board's attention.").count() == 1

    follow(page, "link", "Add an improvement action")
    follow(page, "button", "Add improvement action")
    assert page.locator(".govuk-error-summary").get_by_role("link", name="Enter the improvement action").count() == 1
    assert_accessible(page, "staff-theme-report-action-errors")
    page.get_by_label("What should improve?").fill("Publish waiting times monthly")
    page.get_by_label("Team that owns it").select_option(label="Children with Disabilities Team")
    fill_date(page, "due_on", date(2027, 1, 31))
    follow(page, "button", "Add improvement action")
    assert page.get_by_role("link", name="Publish waiting times monthly").count() == 1

    follow(page, "button", "Mark as reviewed")
    follow(page, "button", "Approve and lock the report")
    assert page.get_by_text("Report approved").count() == 1
    assert page.get_by_role("link", name="Add commentary").count() == 0
    assert_accessible(page, "staff-theme-report-approved")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    pdf = PdfReader(io.BytesIO(open(download_info.value.path(), "rb").read()))  # noqa: SIM115
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Waiting times need the board's attention." in text
    assert "Publish waiting times monthly" in text and "Feedback by source" in text

    # The next period's report, built the day after it ends, carries the open action.
    services.theme_reports_create_due(moment=datetime(2027, 4, 2, 6, tzinfo=UTC))
    later = ThemeReport.objects.get(audience__name="Senior Management Team", first_day=date(2026, 10, 1))
    services.theme_report_build(report_id=later.pk, moment=timezone.now())
    page.goto(f"/staff/reports/{later.pk}/")
    carried = page.locator("#actions").locator("..")
    assert carried.get_by_role("link", name="Publish waiting times monthly").count() == 1
    assert_accessible(page, "staff-theme-report-next-period")

    follow(page, "link", "Publish waiting times monthly")
    page.get_by_label("In progress").check()
    page.get_by_label("Note (optional)").fill("First month published")
    follow(page, "button", "Save the status")
    assert page.get_by_text("First month published").count() == 1
    assert_accessible(page, "staff-theme-report-action")


def test_a_manager_publishes_the_local_offer_year_and_the_public_reads_it(page, manager):
    from consultations.tests.factories import ServiceAreaFactory

    area = ServiceAreaFactory(name="Short breaks and holiday clubs")
    theme = ThemeFactory(name="Holiday clubs", service_area=area)
    for index in range(6):
        code(FeedbackItemFactory(received_on=date(2025, 6, 1 + index)), theme, Polarity.MISSING)
    sign_in(page, manager.email)
    page.goto("/staff/reports/local-offer/")
    assert_accessible(page, "staff-local-offer-publications")
    page.get_by_label("Year starting in April").fill("2025")
    follow(page, "button", "Build the publication")
    assert_accessible(page, "staff-local-offer-publication-draft")
    page.get_by_label("Introduction").fill("What you told us about the Local Offer this year.")
    page.get_by_label("Our response and planned action: Short breaks and holiday clubs").fill(
        "We will commission holiday clubs for older children."
    )
    follow(page, "button", "Save the publication")
    follow(page, "button", "Publish for everyone")
    assert page.locator("h1").inner_text() == "What you told us about the Local Offer"
    assert page.get_by_text("We will commission holiday clubs for older children.").count() == 1
    assert_accessible(page, "public-local-offer-year")
    follow(page, "link", "Every year")
    assert_accessible(page, "public-local-offer-index")
