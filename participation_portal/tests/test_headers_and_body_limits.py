"""Headers on every response, and bodies too big refused early with a plain page (common/middleware.py).

Tested here, not in common/, because the sample pages belong to the portal's apps."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from consultations import services
from consultations.models import Document
from consultations.tests.factories import ConsultationFactory, QuestionFactory, ResponseFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DENIED_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort", "browsing-topics")


@pytest.fixture
def consultation(team, settings, tmp_path, make_user):
    settings.MEDIA_ROOT = tmp_path
    consultation = ConsultationFactory(team=team)
    QuestionFactory(consultation=consultation, page=1)
    services.document_add(
        consultation=consultation,
        title="Proposal",
        upload=SimpleUploadedFile("proposal.pdf", PDF, content_type="application/pdf"),
        easy_read=False,
        user=make_user(Role.STAFF, teams=[team]),
    )
    ResponseFactory(consultation=consultation)
    return consultation


def staff_pages(consultation) -> list[str]:
    document = consultation.documents.get()
    return [
        reverse("staff-dashboard"),
        reverse("consultations:staff-list"),
        reverse("consultations:staff-responses", kwargs={"pk": consultation.pk}),
        reverse("consultations:staff-document", kwargs={"pk": consultation.pk, "document_pk": document.pk}),
        reverse("consultations:staff-export-csv", kwargs={"pk": consultation.pk}),
        reverse("consultations:staff-export-xlsx", kwargs={"pk": consultation.pk}),
    ]


def public_pages(consultation) -> list[str]:
    return [
        reverse("home"),
        reverse("consultations:hub"),
        reverse("consultations:detail", kwargs={"slug": consultation.slug}),
        reverse("robots-txt"),
        "/no-such-page/",
    ]


def assert_never_stored(response, path):
    assert response.status_code == 200, path
    assert "no-store" in response["Cache-Control"], path


def test_staff_pages_documents_and_exports_are_never_stored(staff_client, make_user, team, consultation):
    client = staff_client(make_user(Role.STAFF, teams=[team]))
    for path in staff_pages(consultation):
        assert_never_stored(client.get(path), path)


def test_account_and_administration_pages_are_never_stored(staff_client, administrator):
    client = staff_client(administrator)
    for path in (reverse("accounts:account"), reverse("admin:index"), reverse("admin:accounts_user_changelist")):
        assert_never_stored(client.get(path), path)


def test_sign_in_and_a_response_in_progress_are_never_stored(client, consultation):
    assert_never_stored(client.get(reverse("accounts:sign-in")), "sign-in")
    client.post(reverse("consultations:respond", kwargs={"slug": consultation.slug}))
    page = reverse("consultations:respond-page", kwargs={"slug": consultation.slug, "page": 1})
    assert_never_stored(client.get(page), page)


def test_public_pages_showing_no_personal_data_may_be_stored(client, consultation):
    for path in public_pages(consultation):
        assert "no-store" not in client.get(path).get("Cache-Control", ""), path


def test_every_response_denies_the_browser_features_the_portal_does_not_use(
    client, staff_client, make_user, team, consultation
):
    responses = [client.get(path) for path in public_pages(consultation)]
    responses.append(client.post(reverse("accounts:sign-in"), {"username": "x@example.com", "password": "x"}))
    staff = staff_client(make_user(Role.STAFF, teams=[team]))
    responses += [staff.get(path) for path in staff_pages(consultation)]
    for response in responses:
        policy = response["Permissions-Policy"]
        for feature in DENIED_FEATURES:
            assert f"{feature}=()" in policy, (response.request["PATH_INFO"], feature)


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the oversized body was read")

    readline = read


def post_300_mb(client, path: str, content_type: str):
    """A post that says it carries 300 MB, none of which may be read."""
    length = str(300 * 1024 * 1024)
    return client.post(path, b"", content_type, CONTENT_LENGTH=length, **{"wsgi.input": UnreadableBody()})


def test_a_300_mb_anonymous_post_is_refused_on_its_headers_with_a_plain_page(client, consultation):
    path = reverse("consultations:respond", kwargs={"slug": consultation.slug})
    response = post_300_mb(client, path, "application/x-www-form-urlencoded")
    assert response.status_code == 413
    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">What you sent is too big</h1>' in page
    assert "2.5" in page and "nothing you sent has been saved" in page
    assert response["Permissions-Policy"]


def test_a_300_mb_post_to_a_staff_page_is_refused_too(client, consultation):
    path = reverse("consultations:staff-document-create", kwargs={"pk": consultation.pk})
    response = post_300_mb(client, path, "multipart/form-data; boundary=x")
    assert response.status_code == 413


def test_form_data_over_django_s_limit_gets_the_same_page_not_a_bad_request(client, consultation, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(reverse("accounts:sign-in"), {"username": "x" * 2000, "password": "x"})
    assert response.status_code == 413
    assert "What you sent is too big" in response.content.decode()


def test_staff_still_upload_a_document_of_nearly_20_mb(staff_client, make_user, team, consultation):
    client = staff_client(make_user(Role.STAFF, teams=[team]))
    big = PDF + b"0" * (20 * 1024 * 1024 - len(PDF) - 1024)
    response = client.post(
        reverse("consultations:staff-document-create", kwargs={"pk": consultation.pk}),
        {"title": "Full proposal", "file": SimpleUploadedFile("full.pdf", big, content_type="application/pdf")},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Document.objects.get(title="Full proposal").size == len(big)
