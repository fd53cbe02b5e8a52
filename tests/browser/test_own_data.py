import json

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import PASSWORD, UserFactory
from consultations.models import Response
from consultations.tests.factories import ConsultationFactory, RespondentContactFactory, ResponseFactory

from .conftest import assert_accessible, assert_no_sideways_scrolling


def test_a_participant_downloads_their_data_then_deletes_their_account(page):
    person = UserFactory(role=Role.PARTICIPANT, email="pat@example.com", full_name="Pat Parent")
    sent = ResponseFactory(user=person, consultation=ConsultationFactory(title="Short breaks review"))
    RespondentContactFactory(response=sent, email="pat-contact@example.com")

    page.goto("/account/sign-in/")
    page.get_by_label("Email address").fill("pat@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/account/")
    assert_accessible(page, "account")

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download your data").click()
    data = json.loads(open(waiting.value.path(), encoding="utf-8").read())
    assert data["accounts"]["email"] == "pat@example.com"
    assert data["consultations"]["responses"][0]["consultation"] == "Short breaks review"
    assert data["consultations"]["responses"][0]["contact_details"]["email"] == "pat-contact@example.com"

    page.get_by_role("link", name="Delete your account").click()
    assert page.locator("h1").inner_text() == "Delete your account"
    assert page.locator(".govuk-warning-text").is_visible()
    assert_accessible(page, "account-delete")
    assert_no_sideways_scrolling(page)

    page.get_by_role("button", name="Delete your account").click()  # no password yet
    assert page.title().startswith("Error: Delete your account")
    assert_accessible(page, "account-delete-errors")

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete your account").click()
    assert page.locator("h1").inner_text() == "Your account has been deleted"
    assert_accessible(page, "account-deleted")

    assert not User.objects.filter(email="pat@example.com").exists()
    sent = Response.objects.get(pk=sent.pk)
    assert sent.user is None and not hasattr(sent, "contact")
