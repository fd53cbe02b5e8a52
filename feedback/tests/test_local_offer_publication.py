"""The annual Local Offer publication (regulation 56): built from coded feedback and "You said, we
did", leaving out what 56(4) allows and child-protection matters, with small counts hidden; edited,
published once at a public address, earlier years still readable; planted markup stays text."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from consultations.tests.factories import ConsultationFactory, OutcomeItemFactory, ServiceAreaFactory
from feedback.models import ExclusionReason, LocalOfferPublication, Polarity, PublicationExclusion
from feedback.reports import services
from feedback.reports.local_offer import publication_present

from .report_factories import FeedbackItemFactory, ThemeFactory, code

pytestmark = pytest.mark.django_db
PLANTED = '<script>alert("x")</script>'
AFTER_YEAR = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def year_of_feedback():
    transport = ServiceAreaFactory(name="Travel help for pupils")
    short_breaks = ServiceAreaFactory(name=f"Short breaks {PLANTED}")
    late, gaps = (
        ThemeFactory(name="Late buses", service_area=transport),
        ThemeFactory(name=f"No holiday clubs {PLANTED}", service_area=short_breaks),
    )
    items = [FeedbackItemFactory(received_on=date(2025, 6, 1)) for _ in range(9)]
    for item in items[:7]:
        code(item, late, Polarity.NEEDS_IMPROVING)
    for item in items[7:]:
        code(item, gaps, Polarity.MISSING)
    # Left out: vexatious, one person's own service, child protection, and outside the year.
    for reason in ExclusionReason.values:
        item = FeedbackItemFactory(received_on=date(2025, 6, 1))
        code(item, late, Polarity.NEEDS_IMPROVING)
        PublicationExclusion.objects.create(item=item, reason=reason, recorded_by=UserFactory(), recorded_at=AFTER_YEAR)
    code(FeedbackItemFactory(received_on=date(2025, 6, 1), child_protection=True), late, Polarity.NEEDS_IMPROVING)
    code(FeedbackItemFactory(received_on=date(2026, 4, 1)), late, Polarity.NEEDS_IMPROVING)
    consultation = ConsultationFactory(
        service_area=transport,
        opens_at=datetime(2025, 5, 1, tzinfo=UTC),
        closes_at=datetime(2025, 6, 1, tzinfo=UTC),
        published_at=datetime(2025, 4, 30, tzinfo=UTC),
    )
    consultation.outcomes_published_at = datetime(2025, 7, 1, tzinfo=UTC)
    consultation.save()
    OutcomeItemFactory(consultation=consultation, you_said="Buses are late", we_did="New routes from September")


def test_the_publication_groups_comments_by_area_and_polarity_leaving_out_what_56_4_allows(year_of_feedback):
    publication = services.publication_build(year=2025, user=UserFactory(role=Role.MANAGER), moment=AFTER_YEAR)
    areas, hidden = publication_present(publication.figures, {})
    by_name = {area.name: area for area in areas}
    transport = by_name["Travel help for pupils"]
    assert {label: str(cell) for label, cell in transport.counts}["Needs improving"] == "7"
    assert transport.themes == [("Needs improving", [("Late buses", transport.themes[0][1][0][1])])]
    assert str(transport.themes[0][1][0][1]) == "7"
    assert transport.outcomes[0]["we_did"] == "New routes from September"
    short_breaks = by_name[f"Short breaks {PLANTED}"]
    assert {label: str(cell) for label, cell in short_breaks.counts}["Missing"] == "fewer than 5"
    assert hidden


def test_a_published_year_is_public_locked_and_stays_readable(client, year_of_feedback, staff_client):
    manager = UserFactory(role=Role.MANAGER)
    publication = services.publication_build(year=2025, user=manager, moment=AFTER_YEAR)
    with pytest.raises(ValidationError) as refused:
        services.publication_publish(publication=publication, user=manager, moment=AFTER_YEAR)
    assert refused.value.code == "no_introduction"
    area_key = publication.figures["areas"][0]["key"]
    services.publication_edit(
        publication=publication,
        introduction=f"Thank you {PLANTED}",
        responses={area_key: f"We will act {PLANTED}"},
        user=manager,
    )
    public_url = reverse("feedback:local-offer-year", kwargs={"year": 2025})
    assert client.get(public_url).status_code == 404  # not yet published
    services.publication_publish(publication=publication, user=manager, moment=AFTER_YEAR)
    page = client.get(public_url).content.decode()
    assert PLANTED not in page
    assert "Thank you &lt;script&gt;" in page and "We will act &lt;script&gt;" in page
    assert "No holiday clubs &lt;script&gt;" in page and "fewer than 5" in page
    with pytest.raises(ValidationError):
        services.publication_build(year=2025, user=manager, moment=AFTER_YEAR)
    services.publication_build(year=2026, user=manager, moment=datetime(2027, 5, 1, tzinfo=UTC))
    index = client.get(reverse("feedback:local-offer")).content.decode()
    assert "1 April 2025 to 31 March 2026" in index and "2026 to 2027" not in index
    staff_page = staff_client(manager).post(
        reverse("feedback:publication", kwargs={"publication_pk": publication.pk}), {"introduction": "Changed"}
    )
    assert staff_page.status_code == 302
    assert LocalOfferPublication.objects.get(year=2025).introduction == f"Thank you {PLANTED}"


def test_a_year_not_ended_cannot_be_built():
    with pytest.raises(ValidationError) as refused:
        services.publication_build(year=2026, user=UserFactory(role=Role.MANAGER), moment=AFTER_YEAR)
    assert "year" in refused.value.error_dict


def test_managers_build_and_edit_through_the_pages(staff_client, year_of_feedback):
    manager = UserFactory(role=Role.MANAGER)
    client = staff_client(manager)
    response = client.post(reverse("feedback:publications"), {"year": "2025"})
    publication = LocalOfferPublication.objects.get(year=2025)
    assert response["Location"] == reverse("feedback:publication", kwargs={"publication_pk": publication.pk})
    page = client.get(response["Location"]).content.decode()
    assert "Our response and planned action: Travel help for pupils" in page
    assert staff_client(UserFactory(role=Role.STAFF)).get(response["Location"]).status_code == 403
