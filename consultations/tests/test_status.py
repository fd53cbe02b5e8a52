"""A consultation's status is one type with one look: the same tag colour and label on every page."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from consultations.models import CONSULTATION_STATUS_COLOURS, Consultation, ConsultationStatus
from consultations.tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db

TAG = re.compile(r'<strong class="govuk-tag govuk-tag--([a-z-]+)">([^<]*)</strong>')
TRAITS = {
    ConsultationStatus.DRAFT: {"draft": True},
    ConsultationStatus.UPCOMING: {"upcoming": True},
    ConsultationStatus.OPEN: {},
    ConsultationStatus.CLOSED: {"closed": True},
    ConsultationStatus.WITHDRAWN: {"withdrawn": True},
}
PUBLIC = {ConsultationStatus.UPCOMING, ConsultationStatus.OPEN, ConsultationStatus.CLOSED, ConsultationStatus.WITHDRAWN}
IN_THE_HUB = {ConsultationStatus.UPCOMING, ConsultationStatus.OPEN, ConsultationStatus.CLOSED}


def status_tags(response) -> set[tuple[str, str]]:
    """(colour, label) of every tag on the page that names a consultation status."""
    labels = {str(status.label) for status in ConsultationStatus}
    return {(colour, label) for colour, label in TAG.findall(response.content.decode()) if label in labels}


@pytest.mark.parametrize("status", list(ConsultationStatus))
def test_each_status_has_one_colour_and_label_on_every_page_that_shows_it(staff_client, make_user, team, status):
    consultation = ConsultationFactory(team=team, **TRAITS[status])
    assert consultation.status_at(timezone.now()) == status
    pages = [
        reverse("consultations:staff-list"),
        reverse("consultations:staff-overview", kwargs={"pk": consultation.pk}),
    ]
    if status in PUBLIC:
        pages.append(consultation.get_absolute_url())
    if status in IN_THE_HUB:
        pages.append(reverse("consultations:hub"))
    client = staff_client(make_user(Role.STAFF, teams=[team]))
    for page in pages:
        assert status_tags(client.get(page)) == {(CONSULTATION_STATUS_COLOURS[status], status.label)}, page


def test_a_draft_previewed_shows_the_status_it_will_have_once_published(staff_client, make_user, team):
    consultation = ConsultationFactory(team=team, draft=True)
    client = staff_client(make_user(Role.STAFF, teams=[team]))
    response = client.get(reverse("consultations:staff-preview", kwargs={"pk": consultation.pk}))
    assert status_tags(response) == {(CONSULTATION_STATUS_COLOURS[ConsultationStatus.OPEN], "Open")}


@pytest.mark.parametrize("status", list(ConsultationStatus))
def test_the_staff_list_filter_and_status_at_agree(team, status):
    for traits in TRAITS.values():
        ConsultationFactory(team=team, **traits)
    moment = timezone.now()
    found = Consultation.objects.with_status_at(status, moment)
    assert [consultation.status_at(moment) for consultation in found] == [status]
