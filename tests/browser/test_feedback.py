"""A family gives feedback with the code from their closure letter; a young person with their own;
staff read both on the case. Every page is checked with axe."""

import io
import re

from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Team
from feedback import services
from feedback.models import CaseFeedback, Channel, LetterBatch
from feedback.tests.factories import ClosedCaseFactory

from .conftest import assert_accessible, assert_no_sideways_scrolling, follow, sign_in

CODE = re.compile(r"\b[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}\b")


def codes_from_the_letter(batch: LetterBatch, reference: str) -> list[str]:
    """The codes printed in the letter for one case, read back from the day's PDF."""
    with batch.pdf.open("rb") as file:
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(file.read())).pages)
    letter = next(part for part in text.split("Case reference:") if reference in part)
    return list(dict.fromkeys(CODE.findall(letter)))


def test_a_family_and_a_young_person_give_feedback_and_staff_read_it(page, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    team = Team.objects.get(slug="participation")
    ClosedCaseFactory(
        team=team, reference="CMS-700100", closed_on=timezone.localdate(), contact_name="Alex Morgan",
        child_age_band="16_17",
    )  # fmt: skip
    batch = services.letters_send(moment=timezone.now())
    family_code, child_code = codes_from_the_letter(batch, "CMS-700100")

    # The family types their code in small letters without the dash.
    page.goto("/feedback/")
    assert page.locator("h1").inner_text() == "Give feedback about our service"
    assert_accessible(page, "feedback-code")
    page.get_by_label("Enter the code from your letter").fill("k7pm")
    follow(page, "button", "Continue")
    assert "Check the code on your letter" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page, "feedback-code-mistyped")
    page.get_by_label("Enter the code from your letter").fill(family_code.lower().replace("-", ""))
    follow(page, "button", "Continue")
    assert page.locator("h1").inner_text() == "Tell us about our service"
    assert "worried about a child's safety" in page.locator("#safeguarding-notice").inner_text()
    assert_accessible(page, "feedback-form")
    follow(page, "button", "Send feedback")
    assert page.locator(".govuk-error-summary").get_by_role("link", name="Select how your experience was overall")
    assert_accessible(page, "feedback-form-errors")
    page.get_by_label("What worked well?").fill("Our caseworker always rang back.")
    page.get_by_label("Good", exact=True).check()
    page.get_by_role("group", name="Did you feel listened to?").get_by_label("Partly").check()
    page.get_by_role("group", name="May we quote what you wrote, without your name?").get_by_label("Yes").check()
    page.get_by_label("No, thank you").check()
    follow(page, "button", "Send feedback")
    assert page.locator("h1").inner_text() == "Thank you for your feedback"
    assert_accessible(page, "feedback-thanks")

    # The same code again says it was received.
    page.goto("/feedback/")
    page.get_by_label("Enter the code from your letter").fill(family_code)
    follow(page, "button", "Continue")
    assert page.locator("h1").inner_text() == "We have your feedback"
    assert_accessible(page, "feedback-received")

    # The young person's code opens the child-friendly form (the QR link fills the code in).
    page.goto(f"/feedback/?code={child_code.replace('-', '')}")
    assert page.get_by_label("Enter the code from your letter").input_value() == child_code
    follow(page, "button", "Continue")
    assert page.locator("h1").inner_text() == "Tell us what you think"
    assert_accessible(page, "feedback-young-people")
    assert_no_sideways_scrolling(page)
    page.set_viewport_size({"width": 1024, "height": 800})
    page.get_by_role("group", name="People listened to me").get_by_text("Agree", exact=True).click()
    page.get_by_label("What was good?").fill("My worker was kind.")
    page.get_by_label("Me", exact=True).check()
    page.get_by_role("group", name="Can we use your words? We will not say your name.").get_by_label("Yes").check()
    page.get_by_label("No, thank you").check()
    follow(page, "button", "Send")
    assert page.locator("h1").inner_text() == "Thank you for your feedback"
    child = CaseFeedback.objects.get(channel=Channel.ONLINE_CHILD)
    assert child.answered_by == "young_person" and child.picture_answers == {"listened": "agree"}

    # Staff see both on the case.
    sign_in(page, staff.email)
    with page.expect_navigation():
        page.get_by_role("navigation", name="Staff menu").get_by_role("link", name="Closed cases").click()
    assert page.locator("h1").inner_text() == "Closed cases"
    assert_accessible(page, "staff-feedback-cases")
    follow(page, "link", "CMS-700100")
    body = page.locator("main").inner_text()
    assert "Our caseworker always rang back." in body and "My worker was kind." in body
    assert "Online, the young person's form" in body
    assert_accessible(page, "staff-feedback-case")
    page.get_by_role("link", name="Open this feedback").first.click()
    page.wait_for_load_state()
    assert_accessible(page, "staff-feedback-item")
    for address, name in [
        ("/staff/feedback/cases/new/", "staff-feedback-case-form"),
        ("/staff/feedback/cases/upload/", "staff-feedback-upload"),
        ("/staff/feedback/letters/", "staff-feedback-letters"),
        ("/staff/feedback/record/", "staff-feedback-record"),
    ]:
        page.goto(address)
        assert_accessible(page, name)
