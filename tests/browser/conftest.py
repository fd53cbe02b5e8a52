"""Journeys in a real Chromium (Debian's), driven by Playwright, checked with axe-core.

Browser tests run when Chromium is installed; with REQUIRE_BROWSER=1 (CI) a missing browser or
axe-core fails the run instead of skipping it.
"""

import json
import os
import shutil
from pathlib import Path

import pytest

from accounts.roles import Role
from accounts.tests.factories import PASSWORD, TeamFactory, UserFactory

PROJECT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = PROJECT / "test-results" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Chromium here has no network beyond this machine: keep it from calling home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def browser_missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
    if not AXE_SCRIPT.exists():
        return f"axe-core is not installed at {AXE_SCRIPT} (npm ci)"
    return None


@pytest.fixture(scope="session")
def browser():
    if reason := browser_missing():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    # Playwright's sync API runs an event loop in this thread; Django's ORM, used by the tests
    # here, is still called synchronously.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 800})
    # Added through the DevTools protocol, so axe runs without loosening the page's CSP.
    context.add_init_script(path=str(AXE_SCRIPT))
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    yield page
    context.close()


@pytest.fixture
def staff(settings):
    """Sam, of the Participation Team, signing in without a second factor (co-production journeys)."""
    settings.REQUIRE_STAFF_2FA = False
    team = TeamFactory(name="Participation Team", slug="participation")
    return UserFactory(role=Role.STAFF, teams=[team], email="sam@example.gov.uk", full_name="Sam Patel")


def assert_accessible(page, name: str) -> None:
    """axe-core finds no WCAG 2.2 A/AA violation; the page is saved as a screenshot for review."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    results = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    violations = [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results["violations"]
    ]
    assert violations == [], f"{name}: " + json.dumps(violations, indent=2)
    csp_errors = [e for e in page.console_errors if "Content Security Policy" in e]
    assert csp_errors == [], csp_errors


def assert_no_sideways_scrolling(page, width: int = 320) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page is {scroll_width}px wide on a {width}px screen"


def sign_in(page, email: str) -> None:
    """Sign in as a member of staff (two-factor off) and land on the staff dashboard."""
    page.goto("/account/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    follow(page, "button", "Sign in")
    assert page.locator("h1").inner_text() == "Staff dashboard"


def follow(page, role: str, name: str) -> None:
    """Click a button or link and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_role(role, name=name).click()


def fill_date(page, name: str, day) -> None:
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))
