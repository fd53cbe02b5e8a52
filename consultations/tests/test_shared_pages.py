"""The public pages visitors share (common.cache.shared_with_drawing): a consultation's page, the start
page, a "You said, we did", and any page of the hub, searches included. Each is read and drawn once a
minute at most for visitors who are not signed in, yet is never wrong about what is open, never shows
one visitor's own state or CSRF token to another, and is always fresh for people signed in."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache, caches
from django.test import Client
from django.urls import reverse

from consultations.tests.factories import ConsultationFactory, OutcomeItemFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HUB = reverse("consultations:hub")


def page_of(client, url: str) -> str:
    return client.get(url).content.decode()


def test_a_consultation_page_changes_at_the_minute_it_opens_and_closes_though_visitors_share_it(client):
    with time_machine.travel(NOW, tick=False) as clock:
        consultation = ConsultationFactory(opens_at=NOW + timedelta(minutes=7), closes_at=NOW + timedelta(minutes=30))
        url = consultation.get_absolute_url()
        respond = reverse("consultations:respond", kwargs={"slug": consultation.slug})
        assert "This consultation opens at" in page_of(client, url)

        clock.move_to(NOW + timedelta(minutes=6, seconds=59))
        assert respond not in page_of(client, url)
        clock.move_to(NOW + timedelta(minutes=7))
        assert respond in page_of(client, url)
        clock.move_to(NOW + timedelta(minutes=30))
        assert "This consultation closed on" in page_of(client, url)


def shared_page_urls() -> list[str]:
    """A consultation's page and start page, a "You said, we did" and its list, and a searched hub."""
    consultation = ConsultationFactory()
    said_did = ConsultationFactory(closed=True, outcomes_published_at=NOW)
    OutcomeItemFactory(consultation=said_did)
    return [
        consultation.get_absolute_url(),
        reverse("consultations:respond", kwargs={"slug": consultation.slug}),
        reverse("consultations:outcomes", kwargs={"slug": said_did.slug}),
        reverse("consultations:outcome-list"),
        HUB + "?q=transport&audience=young_people",
    ]


def test_a_visitor_reading_a_shared_consultation_page_start_page_or_you_said_we_did_costs_no_query(
    client, django_assert_max_num_queries
):
    for url in shared_page_urls():
        assert client.get(url).status_code == 200
        with django_assert_max_num_queries(0):
            assert Client().get(url).status_code == 200


def test_each_process_keeps_its_own_drawing_of_a_shared_page_and_the_shared_cache_only_the_data(client):
    # A drawing follows from the shared reading its key names, so each process can draw it once; only
    # the data goes to the cache every process reads (Redis in production), not tens of kilobytes of
    # drawing fetched on every request.
    for url in shared_page_urls():
        assert client.get(url).status_code == 200
    shared_keys = list(cache._cache)  # the tests' shared cache is in memory (conftest.py)
    assert [key for key in shared_keys if "shared-with-visitors" in key]
    assert not [key for key in shared_keys if "template.cache" in key]
    drawn = [key for key in caches["drawings"]._cache if "template.cache" in key]
    for name in ("consultation_page", "respond_start", "outcomes_page", "outcome_list", "hub_results", "hub_filters"):
        assert any(f"template.cache.{name}." in key for key in drawn), name


def test_a_change_by_staff_reaches_visitors_within_the_minute_and_signed_in_people_at_once(client, staff_member):
    signed_in = Client()
    signed_in.force_login(staff_member)
    with time_machine.travel(NOW, tick=False) as clock:
        consultation = ConsultationFactory(title="Short breaks", closes_at=NOW + timedelta(days=20))
        url = consultation.get_absolute_url()
        assert "Short breaks" in page_of(client, url)
        type(consultation).objects.filter(pk=consultation.pk).update(title="Short breaks review")

        assert "Short breaks review" not in page_of(client, url)  # up to a minute late
        assert "Short breaks review" in page_of(signed_in, url)
        clock.move_to(NOW + timedelta(seconds=60))
        assert "Short breaks review" in page_of(client, url)


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_the_shared_start_page_carries_each_visitors_own_token_and_state(client):
    consultation = ConsultationFactory()
    start = reverse("consultations:respond", kwargs={"slug": consultation.slug})
    first, second = Client(), Client()
    first_page, second_page = page_of(first, start), page_of(second, start)
    assert "Before you start" in first_page and "Before you start" in second_page
    assert csrf_token(first_page) != csrf_token(second_page)
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value

    lost = page_of(Client(), start + "?lost=1")
    assert "We could not find your response on this device" in lost
    assert "We could not find your response on this device" not in page_of(Client(), start)

    # A visitor who has started sees their own response, not the shared "Start now".
    first.post(start, {"csrfmiddlewaretoken": csrf_token(first_page)})
    assert "Continue your response" in page_of(first, start)
    assert "Continue your response" not in page_of(Client(), start)


def test_a_shared_search_stays_right_as_consultations_close(client):
    with time_machine.travel(NOW, tick=False) as clock:
        ConsultationFactory(title="Transport to school", closes_at=NOW + timedelta(minutes=5))
        ConsultationFactory(title="Short breaks", closes_at=NOW + timedelta(days=5))
        open_search = HUB + "?q=transport&status=open"
        assert "Transport to school" in page_of(client, open_search)
        assert "Short breaks" not in page_of(client, open_search)

        clock.move_to(NOW + timedelta(minutes=4, seconds=59))
        assert "Transport to school" in page_of(Client(), open_search)
        clock.move_to(NOW + timedelta(minutes=5))
        assert "Transport to school" not in page_of(Client(), open_search)


def test_a_search_typed_with_markup_is_shown_back_as_text(client):
    planted = '<script>alert("x")</script>'
    for _visit in range(2):  # drawn afresh, then from the shared drawing
        page = client.get(HUB, {"q": planted}).content.decode()
        assert planted not in page
        assert "&lt;script&gt;" in page
