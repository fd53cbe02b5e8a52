"""The home page's lists are capped, shared between visitors for a minute at most, and right at the
minute a consultation opens or closes."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consultations.tests.factories import ConsultationFactory
from participation_portal.selectors import HOME_LIST_LENGTH

pytestmark = pytest.mark.django_db

HOME = reverse("home")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def home(client) -> str:
    return client.get(HOME).content.decode()


def test_home_lists_are_capped(client):
    ConsultationFactory.create_batch(HOME_LIST_LENGTH + 3)
    ConsultationFactory.create_batch(HOME_LIST_LENGTH + 2, closed=True, outcomes_published_at=timezone.now())

    page = home(client)

    assert page.count('<li class="govuk-!-margin-bottom-4">') == HOME_LIST_LENGTH * 2


def test_a_consultation_appears_on_the_home_page_at_the_minute_it_opens_and_leaves_when_it_closes(client):
    with time_machine.travel(NOW, tick=False) as clock:
        ConsultationFactory(
            title="Short breaks", opens_at=NOW + timedelta(minutes=3), closes_at=NOW + timedelta(hours=1)
        )
        assert "Short breaks" not in home(client)

        clock.move_to(NOW + timedelta(minutes=2, seconds=59))
        assert "Short breaks" not in home(client)
        clock.move_to(NOW + timedelta(minutes=3))
        assert "Short breaks" in home(client)

        clock.move_to(NOW + timedelta(minutes=59, seconds=59))
        assert "Short breaks" in home(client)
        clock.move_to(NOW + timedelta(hours=1))
        assert "Short breaks" not in home(client)


def test_visitors_share_the_home_page_for_a_minute_and_signed_in_people_never_wait(client, settings, staff_member):
    settings.REQUIRE_STAFF_2FA = False
    signed_in = Client()
    signed_in.force_login(staff_member)
    with time_machine.travel(NOW, tick=False) as clock:
        assert "There are no open consultations" in home(client)
        ConsultationFactory(title="Published since", closes_at=NOW + timedelta(days=20))

        assert "Published since" not in home(client)
        assert "Published since" in home(signed_in)

        clock.move_to(NOW + timedelta(seconds=60))
        assert "Published since" in home(client)


def test_a_visitor_reading_the_shared_home_page_makes_no_query(client, django_assert_max_num_queries):
    ConsultationFactory.create_batch(3)
    home(client)
    with django_assert_max_num_queries(0):
        home(client)


def test_a_signed_in_home_page_makes_no_more_queries_than_before(client, participant, django_assert_max_num_queries):
    client.force_login(participant)
    ConsultationFactory.create_batch(3)
    home(client)
    # session, user, open consultations, recent outcomes, and what the user may do
    with django_assert_max_num_queries(5):
        home(client)
