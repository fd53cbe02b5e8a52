"""One story from start to finish: a parent carer responds, staff read the response and its summary,
and when the consultation has closed they publish "You said, we did", which the parent is told of
and can read."""

import re
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import PASSWORD, TeamFactory, UserFactory
from consultations.models import Consultation, QuestionKind
from consultations.tests.factories import ConsultationFactory, QuestionFactory

from .conftest import AXE_SCRIPT, assert_accessible


@pytest.fixture
def staff_page(browser, live_server, settings):
    settings.REQUIRE_STAFF_2FA = False
    context = browser.new_context(base_url=live_server.url)
    context.add_init_script(path=str(AXE_SCRIPT))  # so staff pages can be checked with axe too
    staff = context.new_page()
    staff.console_errors = []
    staff.on("console", lambda msg: msg.type == "error" and staff.console_errors.append(msg.text))
    yield staff
    context.close()


def test_a_response_travels_from_a_parent_to_staff_and_back_as_you_said_we_did(page, staff_page):
    team = TeamFactory(name="Short breaks team")
    UserFactory(role=Role.STAFF, teams=[team], email="sam@example.gov.uk")
    consultation = ConsultationFactory(team=team, title="Booking short breaks")
    QuestionFactory(
        consultation=consultation,
        page=1,
        kind=QuestionKind.AGREEMENT,
        required=True,
        text="Booking short breaks is easy",
    )
    QuestionFactory(
        consultation=consultation, page=2, kind=QuestionKind.LONG_TEXT, text="What would make booking easier?"
    )

    # A parent carer responds and asks to hear what happens.
    page.goto("/consultations/")
    page.get_by_role("link", name="Booking short breaks").click()
    page.get_by_role("button", name="Respond online").click()
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Strongly disagree").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("What would make booking easier? (optional)").fill("One phone number that someone answers.")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Parent carer").check()
    page.get_by_label("Tell me what happened as a result").check()
    page.get_by_label("Email address").fill("jo.parent@example.com")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Send response").click()
    reference = page.locator(".govuk-panel__body strong").inner_text()

    # Staff find it, read it in full and see it counted in the summary.
    staff = staff_page
    staff.goto("/account/sign-in/")
    staff.get_by_label("Email address").fill("sam@example.gov.uk")
    staff.get_by_label("Password").fill(PASSWORD)
    staff.get_by_role("button", name="Sign in").click()
    staff.get_by_role("link", name="Consultations", exact=True).first.click()
    staff.get_by_role("link", name="Booking short breaks").click()
    staff.get_by_role("link", name="Responses (1)").click()
    staff.get_by_role("link", name=reference).click()
    expect(staff.locator("main")).to_contain_text("One phone number that someone answers.")
    expect(staff.locator("main")).to_contain_text("Strongly disagree")
    # The address is not beside the answers; looking it up is a step of its own, and recorded.
    expect(staff.locator("main")).not_to_contain_text("jo.parent@example.com")
    staff.get_by_role("link", name="Show contact details").click()
    expect(staff.locator("main")).not_to_contain_text("jo.parent@example.com")
    assert_accessible(staff, "staff-response-contact-warning")
    staff.get_by_role("button", name="Show contact details").click()
    expect(staff.locator("main")).to_contain_text("jo.parent@example.com")
    assert_accessible(staff, "staff-response-contact")
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == 1
    staff.get_by_role("link", name="Back to the response").click()
    staff.get_by_role("link", name="Back to all responses").click()
    staff.get_by_role("navigation", name="Responses and outcomes").get_by_role("link", name="Summary").click()
    expect(staff.locator("main")).to_contain_text(re.compile(r"Strongly disagree\s*100%\W*\(1\)"))

    # The consultation closes; staff say what changed and publish it.
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=timezone.now() - timedelta(minutes=20))
    staff.get_by_role("navigation", name="Responses and outcomes").get_by_role("link", name="You said, we did").click()
    staff.get_by_label("What did people say?").fill("Nobody answers the short breaks phone line.")
    staff.get_by_label("Yes", exact=True).check()
    staff.get_by_label("If something changed: what did you do?").fill("The line is now answered 9am to 5pm.")
    staff.get_by_role("button", name="Add this point").click()
    staff.get_by_role("button", name="Publish “You said, we did”").click()
    expect(staff.get_by_text("is published")).to_be_visible()
    assert [message.to for message in mail.outbox] == [["jo.parent@example.com"]]

    # The parent follows the e-mail's news to the public page.
    page.goto("/you-said-we-did/")
    expect(page.get_by_text("Nobody answers the short breaks phone line.")).to_be_visible()
    expect(page.get_by_text("The line is now answered 9am to 5pm.")).to_be_visible()
