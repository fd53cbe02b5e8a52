"""Staff read responses and their summary, then publish "You said, we did", which appears publicly."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import PASSWORD, TeamFactory, UserFactory
from consultations.models import Channel, QuestionKind, RespondentType
from consultations.tests.factories import (
    AnswerFactory,
    ConsultationFactory,
    QuestionFactory,
    RespondentContactFactory,
    ResponseFactory,
    ServiceAreaFactory,
    answer_choices,
)

from .conftest import assert_accessible, assert_no_sideways_scrolling, sign_in


@pytest.fixture
def team():
    return TeamFactory(name="Short breaks team", slug="short-breaks-team")


@pytest.fixture
def staff(settings, team):
    settings.REQUIRE_STAFF_2FA = False
    return UserFactory(role=Role.STAFF, teams=[team], email="sam@example.gov.uk", full_name="Sam Patel")


def consultation_with_responses(team):
    area = ServiceAreaFactory(name="Short breaks", slug="short-breaks")
    consultation = ConsultationFactory(team=team, service_area=area, title="Booking short breaks")
    when = QuestionFactory(
        consultation=consultation, kind=QuestionKind.SINGLE_CHOICE, text="When do you most need a break?", position=0
    )
    agree = QuestionFactory(
        consultation=consultation,
        kind=QuestionKind.AGREEMENT,
        text="Booking online would make things easier",
        position=1,
    )
    which = QuestionFactory(
        consultation=consultation,
        kind=QuestionKind.MULTIPLE_CHOICE,
        text="Which activities suit your child?",
        options=["Sport", "Art", "Music"],
        position=2,
    )
    why = QuestionFactory(
        consultation=consultation, kind=QuestionKind.LONG_TEXT, text="What would make booking easier?", position=3
    )
    answers = [
        (
            "Weekends",
            "Strongly agree",
            ["Sport"],
            "A website where I can see what is free.",
            RespondentType.PARENT_CARER,
        ),
        ("Holidays", "Agree", ["Sport", "Music"], "Fewer phone calls.", RespondentType.PARENT_CARER),
        ("Weekends", "Disagree", ["Art"], "I do not use the internet much, so please keep the phone line.", ""),
        ("After school", "Agree", ["Music"], "Knowing who to call.", RespondentType.YOUNG_PERSON),
    ]
    now = timezone.now()
    for number, (day, agreement, activities, text, respondent_type) in enumerate(answers):
        response = ResponseFactory(
            consultation=consultation,
            respondent_type=respondent_type,
            channel=Channel.PAPER if number == 2 else Channel.ONLINE,
            submitted_at=now - timedelta(hours=number),
            consent_to_quote=number % 2 == 0,
        )
        answer_choices(response=response, question=when, values=[day])
        answer_choices(response=response, question=agree, values=[agreement])
        answer_choices(response=response, question=which, values=activities)
        AnswerFactory(response=response, question=why, text=text)
    RespondentContactFactory(response=response, email="parent@example.com")
    return consultation


def test_staff_read_responses_see_the_summary_and_publish_you_said_we_did(
    page, staff, team, django_capture_on_commit_callbacks
):
    consultation = consultation_with_responses(team)
    sign_in(page, "sam@example.gov.uk")

    # The list of responses, newest first.
    page.goto(f"/staff/consultations/{consultation.pk}/responses/")
    expect(page.locator("h1")).to_have_text("Responses")
    expect(page.locator("tbody tr")).to_have_count(4)
    assert_accessible(page, "staff-responses")

    # Filtering by channel leaves the one paper response.
    page.get_by_label("Channel").select_option("paper")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Clear filters").first.click()

    # A bad date is explained beside the field.
    page.goto(
        f"/staff/consultations/{consultation.pk}/responses/?submitted_from_0=31&submitted_from_1=2&submitted_from_2=2025"
    )
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert page.title().startswith("Error: Responses")
    assert_accessible(page, "staff-responses-bad-date")

    # One response in full.
    page.goto(f"/staff/consultations/{consultation.pk}/responses/")
    page.locator("tbody tr").first.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text(re.compile(r"^Response "))
    expect(page.get_by_text("A website where I can see what is free.")).to_be_visible()
    assert_accessible(page, "staff-response")

    # Raising a safeguarding concern: the form, then the log on the response.
    page.get_by_role("link", name="Raise a safeguarding concern").click()
    assert_accessible(page, "staff-safeguarding")
    page.get_by_role("button", name="Raise the concern").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    page.get_by_label("What is the concern?").fill("The parent says they cannot cope and the child is at risk.")
    with django_capture_on_commit_callbacks(execute=True):
        page.get_by_role("button", name="Raise the concern").click()
    expect(page.get_by_text("The concern is logged")).to_be_visible()
    expect(page.get_by_text("The parent says they cannot cope")).to_be_visible()

    # The summary with its chart.
    page.get_by_role("link", name="Responses", exact=True).last.click()
    page.get_by_role("navigation", name="Responses and outcomes").get_by_role("link", name="Summary").click()
    expect(page.locator("h1")).to_have_text("Summary of responses")
    expect(page.locator(".app-bar-chart")).to_have_count(3)  # the two choice questions and the scale
    weekends = page.locator(".app-bar-chart").first.locator(".app-bar-chart__row").first
    assert weekends.locator("dt").inner_text() == "Weekends"
    value = " ".join(weekends.locator(".app-bar-chart__value").inner_text().split())
    assert value.startswith("50%") and value.endswith("(2)")  # the figures are text, not only a bar
    expect(page.get_by_text("Fewer phone calls.")).to_be_visible()
    assert_accessible(page, "staff-summary")

    # Recording a paper response.
    page.get_by_role("link", name="Record a response").click()
    assert_accessible(page, "staff-record-response")
    page.get_by_role("button", name="Record the response").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, "staff-record-response-errors")
    page.get_by_label("Paper").check()
    today = timezone.localdate()
    page.get_by_label("Day", exact=True).fill(str(today.day))
    page.get_by_label("Month", exact=True).fill(str(today.month))
    page.get_by_label("Year", exact=True).fill(str(today.year))
    page.get_by_label("4. What would make booking easier?").fill("Written on the paper form at the library.")
    page.get_by_role("button", name="Record the response").click()
    expect(page.get_by_text("You can record another below.")).to_be_visible()


def test_staff_publish_you_said_we_did_and_it_appears_publicly(page, staff, team, django_capture_on_commit_callbacks):
    closed = ConsultationFactory(closed=True, team=team, title="Short breaks review", slug="short-breaks-review")
    RespondentContactFactory(response=ResponseFactory(consultation=closed), email="parent@example.com")
    sign_in(page, "sam@example.gov.uk")

    page.goto(f"/staff/consultations/{closed.pk}/you-said-we-did/")
    expect(page.locator("h1")).to_have_text("You said, we did")
    assert_accessible(page, "staff-outcomes")

    # Nothing chosen: each problem is explained.
    page.get_by_role("button", name="Add this point").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, "staff-outcomes-errors")

    # Something changed: say what.
    page.get_by_label("What did people say?").fill("Booking short breaks takes too many phone calls.")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("If something changed: what did you do?").fill(
        "You can now book online, and a named worker calls you back."
    )
    page.get_by_role("button", name="Add this point").click()
    expect(page.get_by_text("The point is added.")).to_be_visible()

    # Nothing changed: say why.
    page.get_by_label("What did people say?").fill("Open the centre on Sundays.")
    page.get_by_label("No", exact=True).check()
    page.get_by_label("If nothing changed: what did you decide, and why?").fill(
        "We cannot staff Sundays this year; we will ask again in 2026."
    )
    page.get_by_role("button", name="Add this point").click()
    expect(page.locator(".app-outcome")).to_have_count(2)
    assert_accessible(page, "staff-outcomes-with-points")

    page.get_by_label("Summary (optional)").fill("Thank you to the 40 families who told us about booking.")
    with django_capture_on_commit_callbacks(execute=True):
        page.get_by_role("button", name="Publish “You said, we did”").click()
    expect(page.get_by_text("is published")).to_be_visible()
    assert [message.to for message in mail.outbox] == [["parent@example.com"]]

    # The public pages.
    page.goto("/you-said-we-did/")
    expect(page.locator("h1")).to_have_text("You said, we did")
    expect(page.get_by_text("Booking short breaks takes too many phone calls.")).to_be_visible()
    expect(page.get_by_text("What we decided and why", exact=True)).to_be_visible()
    assert_accessible(page, "outcomes-list")
    assert_no_sideways_scrolling(page)
    page.set_viewport_size({"width": 1024, "height": 800})

    page.get_by_role("link", name="Short breaks review").click()
    expect(page.locator("h1")).to_have_text("Short breaks review")
    expect(page.get_by_text("You can now book online, and a named worker calls you back.")).to_be_visible()
    assert_accessible(page, "outcomes-detail")
    assert_no_sideways_scrolling(page)
    page.screenshot(path="test-results/screenshots/outcomes-detail-320.png", full_page=True)


def test_a_participant_chooses_emails_about_consultations(page):
    ServiceAreaFactory(name="Short breaks", slug="short-breaks")
    ServiceAreaFactory(name="Education, health and care plans", slug="ehcp")
    UserFactory(role=Role.PARTICIPANT, email="parent@example.com")
    page.goto("/account/sign-in/")
    page.get_by_label("Email address").fill("parent@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/account/consultation-updates/")
    assert_accessible(page, "subscriptions")
    page.get_by_label("Short breaks").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your choices are saved.")).to_be_visible()
    assert page.get_by_label("Short breaks").is_checked()
    assert_no_sideways_scrolling(page)
