"""Pages present the services' refusals: a plain message or a page saying why, and nothing written."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from consultations import services
from consultations.models import Consultation
from consultations.tests.factories import ConsultationFactory, editor

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def staff_url(name, consultation, *args):
    return reverse(f"consultations:{name}", args=[consultation.pk, *args])


@pytest.fixture
def owner_client(staff_client, make_user):
    def of(consultation):
        return staff_client(make_user(Role.STAFF, teams=[consultation.team]))

    return of


def test_a_withdrawn_consultations_documents_cannot_be_added_or_removed_from_the_pages(owner_client):
    consultation = ConsultationFactory()
    upload = SimpleUploadedFile("proposal.pdf", PDF, content_type="application/pdf")
    document = services.document_add(
        user=editor(), consultation=consultation, title="Proposal", upload=upload, easy_read=False
    )
    Consultation.objects.filter(pk=consultation.pk).update(withdrawn_at=timezone.now())
    client = owner_client(consultation)
    overview = staff_url("staff-overview", consultation)

    for page in (
        staff_url("staff-document-create", consultation),
        staff_url("staff-document-delete", consultation, document.pk),
    ):
        assert client.get(page)["Location"] == overview
    new = SimpleUploadedFile("more.pdf", PDF, content_type="application/pdf")
    response = client.post(staff_url("staff-document-create", consultation), {"title": "More", "file": new})
    assert response["Location"] == overview
    response = client.post(staff_url("staff-document-delete", consultation, document.pk))
    assert response["Location"] == overview
    assert "A withdrawn consultation cannot be changed." in [str(m) for m in get_messages(response.wsgi_request)]
    assert list(consultation.documents.values_list("title", flat=True)) == ["Proposal"]


def test_the_record_page_of_a_withdrawn_consultation_says_why_and_records_nothing(owner_client):
    consultation = ConsultationFactory(withdrawn=True)
    client = owner_client(consultation)
    page = client.get(staff_url("staff-record-response", consultation)).content.decode()
    assert "This consultation has been withdrawn, so no responses can be recorded." in page
    today = timezone.localdate()
    response = client.post(
        staff_url("staff-record-response", consultation),
        {
            "channel": "paper",
            "received_on_0": today.day,
            "received_on_1": today.month,
            "received_on_2": today.year,
            "respondent_type": "",
        },
    )
    assert response.status_code == 200
    assert not consultation.responses.exists()
