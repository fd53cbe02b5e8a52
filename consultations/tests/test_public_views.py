"""The public hub, a consultation's page, and "your responses", through the test client."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import TeamFactory
from common.dates import govuk_datetime
from consultations.models import Consultation, Document
from consultations.tests.factories import ConsultationFactory, ResponseFactory, ServiceAreaFactory, editor
from consultations.views.public import detail_context

pytestmark = pytest.mark.django_db

HUB = reverse("consultations:hub")


def detail_url(consultation):
    return reverse("consultations:detail", kwargs={"slug": consultation.slug})


# --- Hub ----------------------------------------------------------------------------------------------------


def test_hub_lists_open_upcoming_and_closed_with_their_dates_and_hides_drafts_and_withdrawn(client):
    open_now = ConsultationFactory(title="Short breaks booking", service_area__name="Short breaks")
    upcoming = ConsultationFactory(upcoming=True, title="Transport to school")
    closed = ConsultationFactory(closed=True, title="Local Offer website", outcomes_published_at=timezone.now())
    ConsultationFactory(draft=True, title="A secret draft")
    ConsultationFactory(withdrawn=True, title="A withdrawn idea")

    page = client.get(HUB).content.decode()

    assert "Short breaks booking" in page and "Transport to school" in page and "Local Offer website" in page
    assert "A secret draft" not in page and "A withdrawn idea" not in page
    assert page.index("Short breaks booking") < page.index("Transport to school") < page.index("Local Offer website")
    local = timezone.localtime
    assert f'Closes:</dt>\n      <dd class="app-meta__value">{govuk_datetime(open_now.closes_at)}</dd>' in page
    assert f"{local(upcoming.opens_at):%-d %B %Y}" in page
    assert f"{local(closed.closes_at):%-d %B %Y}" in page
    assert "Parent carers" in page and "Short breaks" in page
    assert reverse("consultations:outcomes", kwargs={"slug": closed.slug}) in page
    assert open_now.summary in page


def test_hub_filters_by_audience(client):
    ConsultationFactory(title="For parents only", for_parent_carers=True)
    ConsultationFactory(title="For young people", for_parent_carers=False, for_young_people=True)

    page = client.get(HUB, {"audience": "young_people"}).content.decode()

    assert "For young people" in page and "For parents only" not in page
    assert "1 consultation found" in page and "for children and young people" in page


def test_hub_filters_by_service_area(client):
    speech = ServiceAreaFactory(name="Speech therapy", slug="speech-therapy")
    ConsultationFactory(title="Therapy in school", service_area=speech)
    ConsultationFactory(title="Short breaks booking")

    page = client.get(HUB, {"area": "speech-therapy"}).content.decode()

    assert "Therapy in school" in page and "Short breaks booking" not in page
    assert "in Speech therapy" in page
    assert '<option value="speech-therapy" selected>Speech therapy</option>' in page


def test_hub_searches_title_summary_and_proposal(client):
    ConsultationFactory(title="Transport to school", summary="Buses and taxis", proposal="Change the routes")
    ConsultationFactory(title="Short breaks booking", proposal="Book online, with a taxi if needed")
    ConsultationFactory(title="Local Offer website")

    page = client.get(HUB, {"q": "taxi"}).content.decode()

    assert "Transport to school" in page and "Short breaks booking" in page
    assert "Local Offer website" not in page
    assert "2 consultations found matching ‘taxi’" in page
    assert 'value="taxi"' in page  # what was typed stays in the box


def test_hub_ignores_a_tampered_filter_and_says_so(client):
    ConsultationFactory(title="Short breaks booking")

    response = client.get(HUB, {"audience": "aliens", "area": "nowhere", "q": "x" * 101})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Select one of the options given" in page
    assert "Search must be 100 characters or fewer" in page
    assert "<title>Error: Consultations" in page
    assert "Short breaks booking" in page  # bad filters are dropped, the list still shows


def test_hub_with_nothing_to_show_says_so_once_without_empty_headings(client):
    page = client.get(HUB).content.decode()
    assert "There are no consultations at the moment" in page
    assert "(0)" not in page and "Open now" not in page

    ConsultationFactory(title="Short breaks booking")
    page = client.get(HUB, {"q": "nothing like this"}).content.decode()
    assert "No consultations match your search" in page and "0 consultations found" in page
    assert "(0)" not in page and "Open now" not in page


def test_hub_with_some_results_keeps_its_sections_and_their_empty_states(client):
    ConsultationFactory(title="Short breaks booking")
    page = client.get(HUB).content.decode()
    assert "Open now (1)" in page and "No consultations are planned to open soon" in page


def test_hub_filters_fold_on_a_phone_only_while_no_filter_is_applied(client):
    ConsultationFactory(title="Short breaks booking")
    assert "data-app-fold-on-phone" in client.get(HUB).content.decode()
    assert "data-app-fold-on-phone" not in client.get(HUB, {"q": "short"}).content.decode()


def test_hub_works_without_javascript_as_a_get_form(client):
    page = client.get(HUB).content.decode()
    assert f'<form method="get" action="{HUB}"' in page
    assert 'name="q"' in page and 'name="audience"' in page and 'name="area"' in page
    assert "Apply filters" in page


def many_consultations(count: int) -> None:
    area, team = ServiceAreaFactory(), TeamFactory()
    now = timezone.now()
    states = [
        {"opens_at": now - timedelta(days=3), "closes_at": now + timedelta(days=20)},
        {"opens_at": now + timedelta(days=3), "closes_at": now + timedelta(days=20)},
        {"opens_at": now - timedelta(days=30), "closes_at": now - timedelta(days=2)},
    ]
    Consultation.objects.bulk_create(
        [
            Consultation(
                title=f"Consultation {n}",
                slug=f"consultation-{n}",
                summary="A summary",
                proposal="A proposal",
                for_parent_carers=True,
                service_area=area,
                team=team,
                published_at=now - timedelta(days=40),
                **states[n % 3],
            )
            for n in range(count)
        ]
    )


@pytest.mark.parametrize("count", [10, 1000])
def test_hub_query_count_does_not_grow_with_consultations(client, count, django_assert_max_num_queries):
    many_consultations(count)
    # 1 service areas for the filter, 2 the three lists' counts, 3 open, 4 upcoming, 5 a page of closed
    with django_assert_max_num_queries(5):
        response = client.get(HUB, {"audience": "parent_carers"})
    assert response.status_code == 200


def test_hub_makes_the_same_queries_for_10_and_1000_consultations(client):
    many_consultations(10)
    with CaptureQueriesContext(connection) as few:
        client.get(HUB)
    Consultation.objects.all().delete()
    many_consultations(1000)
    cache.clear()  # visitors share the unfiltered hub's data for a minute: measure a fresh read
    with CaptureQueriesContext(connection) as lots:
        client.get(HUB)
    assert len(few) == len(lots)


def test_older_closed_consultations_are_paged_not_hidden(client):
    ConsultationFactory.create_batch(25, closed=True)
    oldest = ConsultationFactory(
        closed=True,
        title="The oldest one",
        closes_at=timezone.now() - timedelta(days=400),
        opens_at=timezone.now() - timedelta(days=500),
        published_at=timezone.now() - timedelta(days=501),
    )
    first = client.get(HUB).content.decode()
    assert "Closed (26)" in first and "Showing 1 to 20 of 26" in first and oldest.title not in first
    second = client.get(HUB, {"page": 2}).content.decode()
    assert oldest.title in second and "Showing 21 to 26 of 26" in second


# --- A consultation's page -------------------------------------------------------------------------------


def test_an_open_consultation_shows_what_the_public_needs(client):
    consultation = ConsultationFactory(
        title="Short breaks booking",
        proposal="We propose booking online.\n\nBecause phoning is hard.",
        other_ways_to_respond="Fill in a paper form at any library.",
        contact_details="Call 01234 567890.",
        decision_informed="The cabinet decides the booking system in September.",
        anonymous_allowed=False,
    )

    page = client.get(detail_url(consultation)).content.decode()

    assert '<h1 class="govuk-heading-xl">Short breaks booking</h1>' in page
    assert consultation.summary in page
    assert "<p>We propose booking online.</p>" in page
    assert "Fill in a paper form at any library." in page and "Call 01234 567890." in page
    assert "The cabinet decides the booking system in September." in page
    assert consultation.service_area.name in page and "Parent carers" in page
    assert reverse("consultations:respond", kwargs={"slug": consultation.slug}) in page
    assert "Respond online" in page
    assert "You will need to give an email address to respond." in page
    assert "This is a preview" not in page


def test_documents_show_title_format_size_and_easy_read_tag(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    consultation = ConsultationFactory()
    document = Document(consultation=consultation, title="Easy read guide", content_type="application/pdf")
    document.file.save("guide.pdf", ContentFile(b"%PDF" + b"x" * 2044), save=False)
    document.size, document.easy_read = 2048, True
    document.save()

    page = client.get(detail_url(consultation)).content.decode()

    assert f'href="{reverse("consultations:document", args=[document.consultation.slug, document.pk])}"' in page
    assert "Easy read guide" in page and "Easy read</strong>" in page
    assert "PDF, 2.0\xa0KB" in page


def test_an_upcoming_consultation_says_when_it_opens_and_has_no_start_button(client):
    consultation = ConsultationFactory(upcoming=True)
    page = client.get(detail_url(consultation)).content.decode()
    assert "This consultation opens at" in page
    assert f"{timezone.localtime(consultation.opens_at):%-d %B %Y}" in page
    assert reverse("consultations:respond", kwargs={"slug": consultation.slug}) not in page


def test_a_closed_consultation_says_so_and_links_to_you_said_we_did_once_published(client):
    consultation = ConsultationFactory(closed=True)
    page = client.get(detail_url(consultation)).content.decode()
    assert "This consultation closed on" in page
    assert reverse("consultations:respond", kwargs={"slug": consultation.slug}) not in page
    outcomes = reverse("consultations:outcomes", kwargs={"slug": consultation.slug})
    assert outcomes not in page
    assert "We will publish what we heard" in page

    Consultation.objects.filter(pk=consultation.pk).update(outcomes_published_at=timezone.now())
    # Visitors share the page's data for up to a minute.
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert outcomes in client.get(detail_url(consultation)).content.decode()


def test_a_withdrawn_consultation_gives_its_reason(client):
    consultation = ConsultationFactory(withdrawn=True, withdrawal_reason="The government changed the rules.")
    page = client.get(detail_url(consultation)).content.decode()
    assert "This consultation has been withdrawn" in page
    assert "The government changed the rules." in page
    assert reverse("consultations:respond", kwargs={"slug": consultation.slug}) not in page


def test_a_draft_is_not_found_by_the_public(client, staff_member):
    consultation = ConsultationFactory(draft=True)
    assert client.get(detail_url(consultation)).status_code == 404
    client.force_login(staff_member)  # staff use the preview, not the public page
    assert client.get(detail_url(consultation)).status_code == 404
    assert client.get(reverse("consultations:detail", kwargs={"slug": "no-such-thing"})).status_code == 404


def test_a_consultation_for_children_says_who_decides_and_when_they_hear_back_in_plain_words(client):
    consultation = ConsultationFactory(for_children=True, who_decides="The youth council and the head of SEND")
    page = client.get(detail_url(consultation)).content.decode()
    assert 'class="app-consultation app-child-friendly"' in page
    assert "The youth council and the head of SEND" in page
    assert "When you will hear back" in page and f"{consultation.feedback_due:%-d %B %Y}" in page
    assert "What is this about?" in page
    assert 'src="/static/images/symbols/calendar.svg" alt=""' in page


def test_the_staff_preview_shows_a_banner_and_a_disabled_start_button(rf):
    consultation = ConsultationFactory(draft=True)
    request = rf.get("/")
    html = render_to_string(
        "consultations/public/detail.html",
        detail_context(consultation, moment=timezone.now(), preview=True),
        request=request,
    )
    assert "This is a preview. The public cannot see this page yet." in html
    assert "govuk-notification-banner" in html
    assert 'disabled aria-disabled="true"' in html
    assert reverse("consultations:respond", kwargs={"slug": consultation.slug}) not in html
    assert "Open</strong>" in html  # shown as the public will see it once published, not as "draft"


@pytest.mark.parametrize("count", [10, 1000])
def test_a_consultation_page_query_count_does_not_grow_with_documents(client, count, django_assert_max_num_queries):
    consultation = ConsultationFactory()
    Document.objects.bulk_create(
        [
            Document(consultation=consultation, title=f"Paper {n}", file=f"c/{n}.pdf", content_type="x", size=n)
            for n in range(count)
        ]
    )
    # 1 the consultation with its service area, 2 its documents
    with django_assert_max_num_queries(2):
        response = client.get(detail_url(consultation))
    assert response.status_code == 200


# --- Your responses ----------------------------------------------------------------------------------------


YOURS = reverse("consultations:your-responses")


def test_your_responses_needs_signing_in(client):
    response = client.get(YOURS)
    assert response.status_code == 302 and reverse("accounts:sign-in") in response["Location"]


def test_your_responses_lists_your_drafts_with_continue_links_and_what_you_sent(client, participant, make_user):
    open_now = ConsultationFactory(title="Short breaks booking")
    closed = ConsultationFactory(closed=True, title="Local Offer website")
    draft = ResponseFactory(draft=True, consultation=open_now, user=participant)
    ResponseFactory(draft=True, consultation=closed, user=participant, started_at=timezone.now() - timedelta(days=9))
    sent = ResponseFactory(consultation=closed, user=participant, reference="ABCD-EFGH")
    ResponseFactory(consultation=open_now, user=make_user(), reference="SOME-ONEE")
    client.force_login(participant)

    page = client.get(YOURS).content.decode()

    assert "Short breaks booking" in page and "Local Offer website" in page
    assert "Continue<span" in page and f"/consultations/{open_now.slug}/resume/" in page
    assert "The consultation has closed. This response was not sent." in page
    assert sent.reference in page and "SOME-ONEE" not in page
    assert draft.reference is None


@pytest.mark.parametrize("count", [10, 500])
def test_your_responses_query_count_does_not_grow(client, participant, count, django_assert_max_num_queries):
    consultation = ConsultationFactory()
    ResponseFactory.create_batch(count // 2, consultation=consultation, user=participant)
    ResponseFactory.create_batch(count // 2, draft=True, consultation=consultation, user=participant)
    client.force_login(participant)
    # 1 session, 2 user, 3 the user's roles for the header, 4 drafts with their consultations,
    # 5 sent responses with their consultations
    with django_assert_max_num_queries(5):
        response = client.get(YOURS)
    assert response.status_code == 200


@pytest.mark.django_db
def test_published_documents_can_be_read_and_drafts_cannot(client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from consultations import services

    settings.MEDIA_ROOT = tmp_path
    published, draft = ConsultationFactory(), ConsultationFactory(draft=True)
    documents = {
        c.slug: services.document_add(
            user=editor(),
            consultation=c,
            title="Proposal",
            easy_read=False,
            upload=SimpleUploadedFile("p.pdf", b"%PDF-1.4 test", "application/pdf"),
        )
        for c in (published, draft)
    }
    ok = client.get(reverse("consultations:document", args=[published.slug, documents[published.slug].pk]))
    assert ok.status_code == 200 and b"".join(ok.streaming_content) == b"%PDF-1.4 test"
    assert ok.headers["Content-Type"] == "application/pdf"
    assert client.get(reverse("consultations:document", args=[draft.slug, documents[draft.slug].pk])).status_code == 404
    # A document of one consultation is not reachable under another's address.
    wrong = reverse("consultations:document", args=[published.slug, documents[draft.slug].pk])
    assert client.get(wrong).status_code == 404
    page = client.get(published.get_absolute_url()).content.decode()
    assert reverse("consultations:document", args=[published.slug, documents[published.slug].pk]) in page


def test_a_downloaded_document_is_named_after_its_title(client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from consultations import services

    settings.MEDIA_ROOT = tmp_path
    consultation = ConsultationFactory()
    upload = lambda: SimpleUploadedFile("scan 0042.DOCX", b"PK\x03\x04 word", "application/msword")  # noqa: E731
    services.document_add(
        consultation=consultation, title="Short breaks: easy-read guide", easy_read=True, upload=upload(), user=editor()
    )
    # The second upload of the same file name is stored under a name with a random suffix.
    second = services.document_add(
        consultation=consultation, title="Booking & costs", easy_read=False, upload=upload(), user=editor()
    )
    assert second.file.name != f"consultations/{consultation.pk}/scan 0042.DOCX"
    first = consultation.documents.first()
    for document, expected in ((first, "short-breaks-easy-read-guide.docx"), (second, "booking-costs.docx")):
        got = client.get(reverse("consultations:document", args=[consultation.slug, document.pk]))
        assert got["Content-Disposition"] == f'attachment; filename="{expected}"'


def test_what_staff_wrote_about_a_consultation_is_shown_in_its_own_direction(client):
    consultation = ConsultationFactory(
        summary="\u0645\u0644\u062e\u0635", proposal="\u0627\u0642\u062a\u0631\u0627\u062d"
    )
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert '<p class="govuk-body-l" dir="auto">\u0645\u0644\u062e\u0635</p>' in page
    assert '<div dir="auto"><p>\u0627\u0642\u062a\u0631\u0627\u062d</p></div>' in page
    hub = client.get(HUB).content.decode()
    assert 'dir="auto">\u0645\u0644\u062e\u0635</p>' in hub
