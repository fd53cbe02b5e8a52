"""Every public list of consultations stays short however many there are (the hub, "You said, we did",
your responses), and the data visitors share is never wrong about what is open."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from consultations.tests.factories import ConsultationFactory
from consultations.views.public import HUB_PER_PAGE, HUB_SECTION_CAP

pytestmark = pytest.mark.django_db

HUB = reverse("consultations:hub")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def rows(page: str) -> int:
    return len(re.findall(r'<li class="app-consultation-list__item">', page))


def test_open_and_upcoming_lists_are_capped_with_a_link_to_all_of_them(client):
    ConsultationFactory.create_batch(HUB_SECTION_CAP + 3)
    ConsultationFactory.create_batch(HUB_SECTION_CAP + 2, upcoming=True)
    ConsultationFactory.create_batch(HUB_PER_PAGE + 1, closed=True)

    page = client.get(HUB).content.decode()

    assert rows(page) == HUB_SECTION_CAP * 2 + HUB_PER_PAGE
    assert f"Open now ({HUB_SECTION_CAP + 3})" in page and f"See all {HUB_SECTION_CAP + 3} open consultations" in page
    assert f"See all {HUB_SECTION_CAP + 2} consultations coming up" in page
    assert "?status=open" in page and "?status=upcoming" in page


def test_one_status_is_paged_and_the_page_links_keep_the_filters(client):
    ConsultationFactory.create_batch(HUB_PER_PAGE + 5, for_parent_carers=True, title="Short breaks")

    first = client.get(HUB, {"status": "open", "audience": "parent_carers", "q": "short"}).content.decode()
    second = client.get(HUB, {"status": "open", "audience": "parent_carers", "q": "short", "page": 2}).content.decode()

    assert rows(first) == HUB_PER_PAGE and rows(second) == 5
    assert "Coming up (" not in first and "Closed (" not in first
    assert "?status=open&amp;audience=parent_carers&amp;q=short&amp;page=2" in first


def test_the_hub_says_when_an_unknown_status_is_asked_for(client):
    page = client.get(HUB, {"status": "nonsense"}).content.decode()
    assert "Select one of the options given" in page


def test_closed_consultations_are_paged(client):
    ConsultationFactory.create_batch(HUB_PER_PAGE + 1, closed=True)

    first, second = (client.get(HUB, {"page": page}).content.decode() for page in (1, 2))

    assert rows(first) == HUB_PER_PAGE and rows(second) == 1


def hub_titles(client) -> str:
    return client.get(HUB).content.decode()


def test_a_consultation_appears_in_the_shared_hub_at_the_minute_it_opens_and_leaves_when_it_closes(client):
    with time_machine.travel(NOW, tick=False) as clock:
        ConsultationFactory(title="Already open", opens_at=NOW - timedelta(days=1), closes_at=NOW + timedelta(hours=5))
        ConsultationFactory(
            title="Opens soon", opens_at=NOW + timedelta(minutes=7), closes_at=NOW + timedelta(minutes=30)
        )
        page = hub_titles(client)
        assert "Open now (1)" in page and "Coming up (1)" in page

        clock.move_to(NOW + timedelta(minutes=6, seconds=59))
        assert "Open now (1)" in hub_titles(client)  # shared, and still right

        clock.move_to(NOW + timedelta(minutes=7))
        page = hub_titles(client)
        assert "Open now (2)" in page and "Coming up (0)" in page

        clock.move_to(NOW + timedelta(minutes=30))
        page = hub_titles(client)
        assert "Open now (1)" in page and "Closed (1)" in page


def test_visitors_share_the_hub_for_a_minute_and_signed_in_people_never_wait(client, settings, staff_member):
    settings.REQUIRE_STAFF_2FA = False
    signed_in = Client()
    signed_in.force_login(staff_member)
    with time_machine.travel(NOW, tick=False) as clock:
        ConsultationFactory(title="First one", closes_at=NOW + timedelta(days=20))
        assert "First one" in hub_titles(client)
        ConsultationFactory(title="Published since", closes_at=NOW + timedelta(days=20))

        assert "Published since" not in hub_titles(client)  # a visitor may see it up to a minute late
        assert "Published since" in signed_in.get(HUB).content.decode()

        clock.move_to(NOW + timedelta(seconds=60))
        assert "Published since" in hub_titles(client)


def test_a_visitor_reading_the_shared_hub_costs_no_query_for_the_lists(client, django_assert_max_num_queries):
    ConsultationFactory.create_batch(3)
    client.get(HUB)
    with django_assert_max_num_queries(0):
        client.get(HUB)


def test_your_responses_shows_the_most_recent_of_each_list(client, participant):
    from consultations.tests.factories import ResponseFactory
    from consultations.views.public import YOUR_RESPONSES_SHOWN

    consultation = ConsultationFactory()
    ResponseFactory.create_batch(YOUR_RESPONSES_SHOWN + 2, consultation=consultation, user=participant)
    ResponseFactory.create_batch(YOUR_RESPONSES_SHOWN + 1, draft=True, consultation=consultation, user=participant)
    client.force_login(participant)

    page = client.get(reverse("consultations:your-responses")).content.decode()

    assert page.count('<tr class="govuk-table__row">') == YOUR_RESPONSES_SHOWN + 1  # and the heading row
    assert page.count('<div class="govuk-summary-list__row">') == YOUR_RESPONSES_SHOWN
    assert f"Your {YOUR_RESPONSES_SHOWN} most recent are shown" in page
    assert f"Your {YOUR_RESPONSES_SHOWN} most recently saved are shown" in page


def test_you_said_we_did_is_paged(client):
    from consultations.views.responses import OUTCOMES_PER_PAGE

    ConsultationFactory.create_batch(OUTCOMES_PER_PAGE + 1, closed=True, outcomes_published_at=NOW)

    first = client.get(reverse("consultations:outcome-list")).content.decode()
    second = client.get(reverse("consultations:outcome-list"), {"page": 2}).content.decode()

    assert first.count('class="app-outcome-group"') == OUTCOMES_PER_PAGE
    assert second.count('class="app-outcome-group"') == 1


def test_another_page_of_one_list_uses_the_counts_the_hub_shares(client, django_assert_max_num_queries):
    ConsultationFactory.create_batch(HUB_PER_PAGE + 1)
    client.get(HUB)
    with django_assert_max_num_queries(1):  # the page's rows
        page = client.get(HUB, {"status": "open", "page": 2}).content.decode()
    assert rows(page) == 1 and f"Open now ({HUB_PER_PAGE + 1})" in page


OUTCOME_LIST = reverse("consultations:outcome-list")


def test_a_newly_published_you_said_we_did_reaches_visitors_within_the_minute_and_signed_in_people_at_once(
    client, settings, staff_member
):
    settings.REQUIRE_STAFF_2FA = False
    signed_in = Client()
    signed_in.force_login(staff_member)
    with time_machine.travel(NOW, tick=False) as clock:
        ConsultationFactory(title="First published", closed=True, outcomes_published_at=NOW - timedelta(days=1))
        assert "First published" in client.get(OUTCOME_LIST).content.decode()
        ConsultationFactory(title="Published since", closed=True, outcomes_published_at=NOW)

        assert "Published since" not in client.get(OUTCOME_LIST).content.decode()  # up to a minute late
        assert "Published since" in signed_in.get(OUTCOME_LIST).content.decode()

        clock.move_to(NOW + timedelta(seconds=59))
        assert "Published since" not in client.get(OUTCOME_LIST).content.decode()
        clock.move_to(NOW + timedelta(seconds=60))
        assert "Published since" in client.get(OUTCOME_LIST).content.decode()


def test_a_visitor_reading_a_shared_page_of_you_said_we_did_costs_no_query(client, django_assert_max_num_queries):
    from consultations.views.responses import OUTCOMES_PER_PAGE

    ConsultationFactory.create_batch(OUTCOMES_PER_PAGE + 1, closed=True, outcomes_published_at=NOW)
    for page in ("1", "2"):
        client.get(OUTCOME_LIST, {"page": page})
        with django_assert_max_num_queries(0):
            assert client.get(OUTCOME_LIST, {"page": page}).status_code == 200


@pytest.mark.parametrize("page", ["0", "-1", "3", "two", "1" * 5000, "9" * 30])
def test_a_page_of_you_said_we_did_that_does_not_exist_is_not_found_and_not_kept(client, page):
    from django.core.cache import cache

    ConsultationFactory(closed=True, outcomes_published_at=NOW)

    assert client.get(OUTCOME_LIST, {"page": page}).status_code == 404
    assert not any("outcome-list" in key for key in getattr(cache, "_cache", {}))
