"""Staff draft a consultation with every kind of question, preview it and publish it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from consultations.models import Consultation
from consultations.tests.factories import ConsultationFactory, ServiceAreaFactory

from .conftest import assert_accessible, assert_no_sideways_scrolling, fill_date, follow, sign_in

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

QUESTIONS = [
    # (type label, question, choices, page)
    ("Agreement scale", "Booking a short break is easy.", "", "1"),
    ("Yes or no", "Have you used a short break this year?", "", "1"),
    ("Single choice", "When do you most need a break?", "After school\nWeekends\nSchool holidays", "2"),
    ("Multiple choice", "Which kinds of break suit your family?", "Day activities\nOvernight stays", "2"),
    ("Short text", "In a few words, what is hardest?", "", "3"),
    ("Long text", "What would make short breaks better?", "", "3"),
]


@pytest.fixture
def staff(settings, tmp_path):
    settings.REQUIRE_STAFF_2FA = False
    settings.MEDIA_ROOT = tmp_path
    team = TeamFactory(name="Short Breaks Team", slug="short-breaks-team")
    area = ServiceAreaFactory(name="Short breaks", slug="short-breaks")
    transport = TeamFactory(name="Home to School Transport Team", slug="transport-team")
    ConsultationFactory(team=transport, service_area=area, title="Travel support for students aged 16 to 25")
    ConsultationFactory(team=transport, service_area=area, title="Bus passes: a new policy", draft=True)
    return UserFactory(role=Role.STAFF, teams=[team], email="sam@example.gov.uk", full_name="Sam Patel")


def add_question(page, kind: str, text: str, choices: str, number: str) -> None:
    follow(page, "button", "Add a question")
    assert page.locator("h1").inner_text() == "Add a question"
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("Question", exact=True).fill(text)
    # Choices are asked for only for the kinds that have choices to type.
    assert page.get_by_label("Choices (for single and multiple choice questions)").is_visible() == bool(choices)
    if choices:
        page.get_by_label("Choices (for single and multiple choice questions)").fill(choices)
    page.locator("#id_required_1").check()  # yes, an answer is required
    page.get_by_label("Page", exact=True).fill(number)
    follow(page, "button", "Save question")
    assert "Question added." in page.locator(".govuk-notification-banner").inner_text()


def test_staff_draft_preview_and_publish_a_consultation(page, staff):
    sign_in(page, staff.email)
    with page.expect_navigation():
        page.get_by_role("navigation", name="Staff menu").get_by_role("link", name="Consultations").click()
    assert page.locator("h1").inner_text() == "Consultations"
    assert_accessible(page, "staff-consultations-list")

    # An empty form: every problem is listed once at the top and once beside its field.
    follow(page, "button", "Create a consultation")
    assert_accessible(page, "staff-consultation-form")
    follow(page, "button", "Save consultation")
    assert page.title().startswith("Error: Create a consultation")
    summary = page.locator(".govuk-error-summary")
    assert summary.count() == 1
    assert summary.get_by_role("link", name="Enter a title").count() == 1
    assert page.locator(".govuk-error-message", has_text="Enter a title").count() == 1
    assert_accessible(page, "staff-consultation-form-errors")
    summary.get_by_role("link", name="Select who the consultation is for").click()  # moves focus, no new page
    assert page.evaluate("document.activeElement.id") == "id_audiences_1"
    assert_no_sideways_scrolling(page)
    page.screenshot(path="test-results/screenshots/staff-consultation-form-errors-320.png", full_page=True)
    page.set_viewport_size({"width": 1024, "height": 800})

    today = timezone.localdate()
    page.get_by_label("Title", exact=True).fill("How short breaks are booked")
    page.get_by_label("Summary in plain language").fill("We want to make booking short breaks easier.")
    page.get_by_label("What is proposed and why").fill("Families told us booking takes too many calls.")
    page.get_by_label("The decision it informs").fill("How short breaks are booked from April.")
    page.get_by_label("Parent carers").check()
    page.get_by_label("Children and young people").check()
    page.get_by_label("Service area").select_option(label="Short breaks")
    page.get_by_label("Team that runs it").select_option(label="Short Breaks Team")
    fill_date(page, "opens_on", today)
    page.get_by_label("Time it opens").fill("0:00")
    fill_date(page, "closes_on", today + timedelta(days=30))
    page.get_by_label("Time it closes").fill("23:59")
    page.locator("#id_anonymous_allowed_1").check()
    page.get_by_label("Who will decide").fill("The SEND partnership board")
    fill_date(page, "feedback_due", today + timedelta(days=60))
    page.get_by_label("Show the easy-read, child-friendly version, with larger text and pictures").check()
    follow(page, "button", "Save consultation")

    assert page.locator("h1").inner_text() == "How short breaks are booked"
    assert "Consultation saved as a draft" in page.locator(".govuk-notification-banner").inner_text()
    consultation = Consultation.objects.get(title="How short breaks are booked")
    assert consultation.slug == "how-short-breaks-are-booked"

    # The question form, with its errors shown.
    follow(page, "button", "Add a question")
    assert not page.get_by_label("Choices (for single and multiple choice questions)").is_visible()
    assert_accessible(page, "staff-question-form")
    follow(page, "button", "Save question")
    assert page.locator(".govuk-error-summary").count() == 1
    assert_accessible(page, "staff-question-form-errors")
    follow(page, "link", "Cancel")
    for kind, text, choices, number in QUESTIONS:
        add_question(page, kind, text, choices, number)
    assert [q.kind for q in consultation.questions.all()] == [
        "agreement",
        "yes_no",
        "single_choice",
        "multiple_choice",
        "short_text",
        "long_text",
    ]

    follow(page, "button", "Move down question 1")
    assert list(consultation.questions.values_list("text", flat=True))[:2] == [QUESTIONS[1][1], QUESTIONS[0][1]]

    follow(page, "button", "Upload a document")
    page.get_by_label("Title", exact=True).fill("Easy-read guide")
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "guide.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("This is an easy-read version").check()
    follow(page, "button", "Upload document")
    assert "Document uploaded." in page.locator(".govuk-notification-banner").inner_text()
    main = page.locator("main").inner_text()
    assert "Easy-read guide" in main and "Easy read" in main and "PDF, 45" in main
    assert_accessible(page, "staff-consultation-overview-draft")
    assert_no_sideways_scrolling(page)
    page.screenshot(path="test-results/screenshots/staff-consultation-overview-320.png", full_page=True)
    page.set_viewport_size({"width": 1024, "height": 800})

    follow(page, "button", "Preview")
    assert "This is a preview" in page.locator("main").inner_text()
    assert page.locator("h1").inner_text() == "How short breaks are booked"
    assert_accessible(page, "staff-consultation-preview")
    page.go_back()

    follow(page, "button", "Publish consultation")
    assert "It is open for responses now" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator(".govuk-tag", has_text="Open").count() == 1
    assert page.get_by_role("button", name="Add a question").count() == 1  # nobody has responded yet
    assert_accessible(page, "staff-consultation-overview-published")

    page.goto("/consultations/how-short-breaks-are-booked/")
    assert page.locator("h1").inner_text() == "How short breaks are booked"
    assert "This is a preview" not in page.locator("main").inner_text()

    page.goto("/staff/consultations/")
    table = page.locator("table").inner_text()
    assert "How short breaks are booked" in table and "Bus passes: a new policy" in table
    assert_accessible(page, "staff-consultations-list-with-rows")
    assert_no_sideways_scrolling(page)
    page.screenshot(path="test-results/screenshots/staff-consultations-list-320.png", full_page=True)
