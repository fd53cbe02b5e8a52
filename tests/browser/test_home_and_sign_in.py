import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from accounts.tests.factories import PASSWORD, UserFactory

from .conftest import assert_accessible, assert_no_sideways_scrolling


def test_home_page_is_accessible_and_works_by_keyboard(page):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Have your say on SEND services"
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")  # GOV.UK JS ran
    assert_accessible(page, "home")
    page.keyboard.press("Tab")
    skip_link = page.locator(":focus")
    assert skip_link.inner_text() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main-content"
    assert_no_sideways_scrolling(page)
    page.screenshot(path="test-results/screenshots/home-320.png", full_page=True)


@pytest.mark.parametrize(
    "path",
    [
        "/accessibility/",
        "/privacy/",
        "/cookies/",
        "/contact/",
        "/account/sign-in/",
        "/account/register/",
        "/account/password-reset/",
        "/no-such-page/",
    ],
)
def test_public_pages_are_accessible(page, path):
    page.goto(path)
    assert_accessible(page, "page" + path.replace("/", "-").rstrip("-"))
    assert_no_sideways_scrolling(page)


def test_sign_in_errors_are_summarised_and_linked_to_their_field(page):
    page.goto("/account/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")  # focus moves there
    assert page.title().startswith("Error: Sign in")
    assert_accessible(page, "sign-in-errors")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_username"


def test_staff_sign_in_with_a_second_factor_reaches_the_dashboard(page, settings):
    settings.REQUIRE_STAFF_2FA = True
    staff = UserFactory(role=Role.STAFF, email="sam@example.gov.uk")
    page.goto("/staff/")
    page.get_by_label("Email address").fill("sam@example.gov.uk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.locator("h1").inner_text() == "Set up your authenticator app"
    assert_accessible(page, "two-factor-setup")
    device = TOTPDevice.objects.get(user=staff)
    page.get_by_label("Code from your authenticator app").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Confirm and continue").click()
    assert page.locator("h1").inner_text() == "Staff dashboard"
    assert page.get_by_role("navigation", name="Staff menu").is_visible()
    assert_accessible(page, "staff-dashboard")
