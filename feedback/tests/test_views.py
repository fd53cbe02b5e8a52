from datetime import date

import pytest
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from feedback.models import Coding, CodingChange, FeedbackSource, Polarity

from .factories import CodingFactory, FeedbackItemFactory, SuggestionFactory, ThemeFactory

pytestmark = pytest.mark.django_db
INBOX = reverse("feedback:inbox")
MARKUP = '<script>alert("x")</script>'


def item_url(item) -> str:
    return reverse("feedback:item", kwargs={"feedback_item_pk": item.pk})


def many_items(count: int):
    team, theme = TeamFactory(), ThemeFactory(name="Transport")
    coder = UserFactory(role=Role.STAFF)
    items = FeedbackItemFactory.create_batch(count, team=team)
    for item in items[::2]:
        CodingFactory(item=item, theme=theme, coded_by=coder)
        SuggestionFactory(item=item, theme=ThemeFactory(name="Short breaks"))


@pytest.mark.parametrize("count", [10, 500])
def test_the_inbox_query_count_is_flat(coder_client, django_assert_max_num_queries, count):
    many_items(count)
    # session, user, roles, teams for the filter, count, the page of items, their codings,
    # their suggestions, and the active themes for bulk coding
    with django_assert_max_num_queries(10):
        response = coder_client.get(INBOX, {"page": 2})
    assert response.status_code == 200


def test_the_inbox_filters_by_source_team_date_and_coded(coder_client):
    team = TeamFactory(name="Transport Team")
    letter = FeedbackItemFactory(text="From a letter", team=team, received_on=date(2026, 5, 1))
    FeedbackItemFactory(text="From an interview", source=FeedbackSource.INTERVIEW, received_on=date(2026, 5, 1))
    FeedbackItemFactory(text="Too early", team=team, received_on=date(2026, 3, 1))
    coded = FeedbackItemFactory(text="Already coded", team=team, received_on=date(2026, 5, 2))
    CodingFactory(item=coded)
    response = coder_client.get(
        INBOX,
        {
            "source": "letter",
            "team": team.pk,
            "received_from_0": "1",
            "received_from_1": "4",
            "received_from_2": "2026",
            "coded": "not_coded",
        },
    )
    assert [item.pk for item in response.context["items"]] == [letter.pk]


def test_a_date_range_the_wrong_way_round_is_explained(coder_client):
    response = coder_client.get(
        INBOX,
        {
            "received_from_0": "2",
            "received_from_1": "4",
            "received_from_2": "2026",
            "received_to_0": "1",
            "received_to_1": "4",
            "received_to_2": "2026",
        },
    )
    assert "Received to must be the same as or after received from" in response.content.decode()


def test_what_people_wrote_is_shown_as_text_with_its_direction_left_to_the_browser(coder_client):
    item = FeedbackItemFactory(text=f"Bad {MARKUP}")
    SuggestionFactory(item=item, reason=f"Matched the words: {MARKUP}")
    for url in (INBOX, item_url(item)):
        body = coder_client.get(url).content.decode()
        assert MARKUP not in body
        assert "&lt;script&gt;" in body
        assert 'dir="auto"' in body


def test_child_protection_items_stay_in_the_queue_marked(coder_client):
    FeedbackItemFactory(child_protection=True)
    assert "Child protection" in coder_client.get(INBOX).content.decode()


def test_bulk_coding_codes_the_selected_items_and_keeps_the_filters(coder_client, coder):
    first, second, third = FeedbackItemFactory.create_batch(3)
    theme = ThemeFactory()
    url = INBOX + "?coded=not_coded"
    response = coder_client.post(
        url, {"items": [first.pk, second.pk], "theme": theme.pk, "polarity": Polarity.NEEDS_IMPROVING}
    )
    assert response.status_code == 302 and response["Location"] == url
    assert set(Coding.objects.values_list("item_id", flat=True)) == {first.pk, second.pk}
    assert CodingChange.objects.filter(changed_by=coder).count() == 2


def test_bulk_coding_without_a_selection_shows_the_error_summary_and_keeps_the_choices(coder_client):
    FeedbackItemFactory()
    theme = ThemeFactory()
    response = coder_client.post(INBOX, {"theme": theme.pk, "polarity": "missing"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "Select the items to code" in body
    assert f'<option value="{theme.pk}" selected>' in body
    assert not Coding.objects.exists()


def test_coding_an_item_on_its_page(coder_client, coder):
    item, theme = FeedbackItemFactory(), ThemeFactory()
    response = coder_client.post(item_url(item), {"theme": theme.pk, "polarity": "works_well"})
    assert response.status_code == 302
    assert Coding.objects.get().coded_by == coder
    response = coder_client.post(item_url(item), {"theme": "", "polarity": ""})
    assert "Select a theme" in response.content.decode()


def test_a_suggestion_is_shown_with_its_reason_above_the_confidence_setting_only(coder_client, settings):
    settings.FEEDBACK_SUGGESTION_MIN_CONFIDENCE = 0.6
    item = FeedbackItemFactory()
    SuggestionFactory(item=item, theme=ThemeFactory(name="Transport"), confidence=0.8, reason="Matched the words: bus")
    SuggestionFactory(item=item, theme=ThemeFactory(name="Housing"), confidence=0.3, reason="Matched the words: flat")
    for url in (INBOX, item_url(item)):
        body = coder_client.get(url).content.decode()
        assert "Matched the words: bus" in body
        assert "Matched the words: flat" not in body


def test_applying_a_suggestion_codes_the_item_with_the_chosen_polarity(coder_client, coder):
    suggestion = SuggestionFactory()
    url = reverse(
        "feedback:suggestion-accept",
        kwargs={"feedback_item_pk": suggestion.item_id, "suggestion_pk": suggestion.pk},
    )
    coder_client.post(url, {f"s{suggestion.pk}-polarity": "missing"})
    coding = Coding.objects.get()
    assert (coding.theme, coding.polarity, coding.coded_by) == (suggestion.theme, "missing", coder)
    # Once applied, the suggestion is no longer offered.
    assert suggestion.reason not in coder_client.get(item_url(suggestion.item)).content.decode()


def test_removing_a_coding_from_its_page(coder_client, coder):
    coding = CodingFactory(coded_by=coder)
    url = reverse("feedback:coding-remove", kwargs={"feedback_item_pk": coding.item_id, "coding_pk": coding.pk})
    assert coder_client.post(url).status_code == 302
    assert not Coding.objects.exists()
    assert CodingChange.objects.get().action == "removed"


def test_the_theme_list_counts_codings(coder_client):
    CodingFactory.create_batch(2, theme=ThemeFactory(name="Transport", keywords="bus\ntaxi"))
    body = coder_client.get(reverse("feedback:themes")).content.decode()
    assert "Transport" in body and "bus, taxi" in body


def test_the_agreement_page_shows_precision_recall_and_kappa(coder_client, coder, manager):
    from django.utils import timezone

    from .labelled import labelled_items

    items = labelled_items(count=40, coder=coder)
    for item in items[:10]:
        for coding in item.codings.all():
            CodingFactory(item=item, theme=coding.theme, polarity=coding.polarity, coded_by=manager)
    today = timezone.localdate()
    response = coder_client.get(
        reverse("feedback:agreement"),
        {"since_0": today.day, "since_1": today.month, "since_2": today.year},
    )
    body = response.content.decode()
    assert response.context["suggestions"].held_out == sum(item.pk % 5 == 0 for item in items)
    assert response.context["coders"].items == 10
    assert "Precision" in body and "Cohen" in body and "1.00" in body


def test_the_agreement_page_asks_for_a_real_date(coder_client):
    response = coder_client.get(reverse("feedback:agreement"), {"since_0": "31", "since_1": "2", "since_2": "2026"})
    assert "govuk-error-summary" in response.content.decode()


@pytest.mark.parametrize("codings", [1, 20])
def test_an_items_page_query_count_is_flat(coder_client, django_assert_max_num_queries, codings):
    item = FeedbackItemFactory()
    for number in range(codings):
        CodingFactory(item=item, theme=ThemeFactory(name=f"Theme {number}"))
        SuggestionFactory(item=item, theme=ThemeFactory(name=f"Suggested {number}"))
    # session, user, roles, the item, its codings, its suggestions, the changes, the active themes
    with django_assert_max_num_queries(9):
        assert coder_client.get(item_url(item)).status_code == 200


def test_the_agreement_page_offers_the_start_of_the_half_year(coder_client):
    import time_machine

    with time_machine.travel("2026-11-24 12:00 +0000"):
        body = coder_client.get(reverse("feedback:agreement")).content.decode()
    assert 'name="since_0" value="1"' in body and 'name="since_1" value="10"' in body


def test_the_bulk_error_summary_links_to_the_first_items_checkbox(coder_client):
    FeedbackItemFactory.create_batch(2)
    body = coder_client.post(INBOX, {"polarity": "missing"}).content.decode()
    assert body.index('href="#id_items"') < body.index('href="#id_theme"')
    assert body.count('id="id_items"') == 1
