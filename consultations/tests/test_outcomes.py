"""\"You said, we did\": staff add, remove and publish points; the public pages; the e-mail to those who
asked to hear back, once."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import TeamFactory
from consultations import services
from consultations.models import Consultation, OutcomeItem
from consultations.tests.factories import (
    ConsultationFactory,
    OutcomeItemFactory,
    RespondentContactFactory,
    ResponseFactory,
    editor,
)
from consultations.tests.factories import consultation_staff_url as url
from notifications.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(team):
    return ConsultationFactory(closed=True, team=team, title="Short breaks review", slug="short-breaks-review")


@pytest.fixture
def signed_in(staff_client, make_user, team):
    return staff_client(make_user(Role.STAFF, teams=[team]))


# --- Staff: adding and removing points ----------------------------------------------------------------


def test_the_page_lists_points_with_you_said_and_we_did_or_why_not(signed_in, closed):
    OutcomeItemFactory(consultation=closed, you_said="More places", we_did="We added 20 places")
    OutcomeItemFactory(
        consultation=closed, you_said="Free transport", changed=False, we_did="", why_not="The budget is fixed"
    )
    html = signed_in.get(url("staff-outcomes", closed)).content.decode()
    assert html.index("More places") < html.index("We added 20 places") < html.index("Free transport")
    assert "What we decided and why" in html and "The budget is fixed" in html
    assert html.count(">Remove<") == 2


def test_a_point_where_something_changed_is_added(signed_in, closed):
    result = signed_in.post(
        url("staff-outcomes", closed),
        {"you_said": " Booking is hard ", "changed": "yes", "we_did": "Online booking", "why_not": "ignored"},
    )
    item = OutcomeItem.objects.get()
    assert result.status_code == 302 and result.url.endswith(f"#item-{item.pk}")
    assert (item.you_said, item.changed, item.we_did, item.why_not) == ("Booking is hard", True, "Online booking", "")


def test_a_point_where_nothing_changed_says_why(signed_in, closed):
    signed_in.post(
        url("staff-outcomes", closed),
        {"you_said": "Open on Sundays", "changed": "no", "we_did": "left over", "why_not": "No staff on Sundays"},
    )
    item = OutcomeItem.objects.get()
    assert (item.changed, item.we_did, item.why_not) == (False, "", "No staff on Sundays")


def test_points_go_in_the_order_they_were_added(signed_in, closed):
    for text in ("First", "Second"):
        signed_in.post(url("staff-outcomes", closed), {"you_said": text, "changed": "yes", "we_did": "Done"})
    assert list(closed.outcome_items.values_list("you_said", flat=True)) == ["First", "Second"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"changed": "yes", "we_did": "x"}, "you_said", "Enter what people said"),
        ({"you_said": "x", "we_did": "x"}, "changed", "Select yes if something changed because of what people said"),
        ({"you_said": "x", "changed": "maybe"}, "changed", "Select yes or no"),
        ({"you_said": "x", "changed": "yes", "we_did": "  "}, "we_did", "Enter what you did"),
        ({"you_said": "x", "changed": "no"}, "why_not", "Enter what you decided and why nothing changed"),
        (
            {"you_said": "y" * 3001, "changed": "yes", "we_did": "x"},
            "you_said",
            "What people said must be 3,000 characters or fewer",
        ),
        (
            {"you_said": "x", "changed": "yes", "we_did": "y" * 3001},
            "we_did",
            "What you did must be 3,000 characters or fewer",
        ),
        (
            {"you_said": "x", "changed": "no", "why_not": "y" * 3001},
            "why_not",
            "Why nothing changed must be 3,000 characters or fewer",
        ),
    ],
)
def test_bad_points_are_explained_and_what_was_typed_is_kept(signed_in, closed, data, field, message):
    page = signed_in.post(url("staff-outcomes", closed), data)
    assert page.status_code == 200
    assert page.context["form"].errors[field] == [message]
    html = page.content.decode()
    assert "There is a problem" in html and f'href="#id_{field}' in html
    assert html.startswith("<!DOCTYPE html>") and "<title>Error: You said, we did" in html
    for value in data.values():
        if len(value.strip()) > 1 and value not in ("yes", "no", "maybe"):
            assert value in html
    assert not OutcomeItem.objects.exists()


def test_removing_a_point_asks_first(signed_in, closed):
    item = OutcomeItemFactory(consultation=closed, you_said="Remove me")
    delete = url("staff-outcome-delete", closed, item_pk=item.pk)
    page = signed_in.get(delete)
    assert "Remove this point?" in page.content.decode() and "Remove me" in page.content.decode()
    assert OutcomeItem.objects.exists()
    result = signed_in.post(delete)
    assert result.status_code == 302 and not OutcomeItem.objects.exists()


def test_another_consultations_point_cannot_be_removed_through_this_one(signed_in, closed):
    elsewhere = OutcomeItemFactory()
    assert signed_in.post(url("staff-outcome-delete", closed, item_pk=elsewhere.pk)).status_code == 404
    assert OutcomeItem.objects.filter(pk=elsewhere.pk).exists()


def test_the_last_point_of_a_published_page_stays(signed_in, closed):
    item = OutcomeItemFactory(consultation=closed)
    Consultation.objects.filter(pk=closed.pk).update(outcomes_published_at=timezone.now())
    result = signed_in.post(url("staff-outcome-delete", closed, item_pk=item.pk), follow=True)
    assert OutcomeItem.objects.filter(pk=item.pk).exists()
    assert "Add another point before removing it." in result.content.decode()


# --- Staff: publishing --------------------------------------------------------------------------------


def test_publishing_after_closing_makes_the_page_public_and_emails_those_who_asked_once(
    signed_in, closed, django_capture_on_commit_callbacks
):
    OutcomeItemFactory(consultation=closed)
    wants = RespondentContactFactory(response=ResponseFactory(consultation=closed), email="a@example.com")
    RespondentContactFactory(response=ResponseFactory(consultation=closed), email="A@example.com ")  # same person
    RespondentContactFactory(response=ResponseFactory(consultation=closed), email="b@example.com", wants_outcome=False)
    RespondentContactFactory(response=ResponseFactory(consultation=closed, draft=True), email="c@example.com")
    RespondentContactFactory(response=ResponseFactory(), email="d@example.com")  # another consultation's

    with django_capture_on_commit_callbacks(execute=True):
        result = signed_in.post(url("staff-outcomes-publish", closed), {"summary": "We changed booking."})
    with django_capture_on_commit_callbacks(execute=True):
        again = signed_in.post(url("staff-outcomes-publish", closed), {"summary": "Updated summary."})

    assert result.status_code == 302 and again.status_code == 302
    closed.refresh_from_db()
    assert closed.outcomes_published_at and closed.outcomes_summary == "Updated summary."
    assert [message.to for message in mail.outbox] == [[wants.email]]
    assert reverse("consultations:outcomes", kwargs={"slug": closed.slug}) in mail.outbox[0].body
    assert "Short breaks review" in mail.outbox[0].subject
    page = signed_in.get(url("staff-outcomes", closed)).content.decode()
    assert "View the public page" in page and "Update the published page" in page


def test_publishing_before_closing_is_refused_with_a_clear_message(signed_in, team):
    open_now = ConsultationFactory(team=team)
    OutcomeItemFactory(consultation=open_now)
    page = signed_in.get(url("staff-outcomes", open_now)).content.decode()
    assert "You can publish once the consultation has closed." in page
    result = signed_in.post(url("staff-outcomes-publish", open_now), {"summary": "Too early"})
    assert result.status_code == 200
    html = result.content.decode()
    assert "There is a problem" in html
    assert "Publish what happened next once the consultation has closed." in html
    assert "Too early" in html
    open_now.refresh_from_db()
    assert open_now.outcomes_published_at is None


def test_publishing_with_no_points_is_refused(signed_in, closed):
    assert "Add at least one point before you publish." in signed_in.get(url("staff-outcomes", closed)).content.decode()
    result = signed_in.post(url("staff-outcomes-publish", closed), {"summary": ""})
    assert "Add at least one point people raised before publishing." in result.content.decode()
    closed.refresh_from_db()
    assert closed.outcomes_published_at is None


def test_a_summary_that_is_too_long_is_explained(signed_in, closed):
    OutcomeItemFactory(consultation=closed)
    result = signed_in.post(url("staff-outcomes-publish", closed), {"summary": "s" * 3001})
    assert result.context["form"].errors["summary"] == ["The summary must be 3,000 characters or fewer"]
    closed.refresh_from_db()
    assert closed.outcomes_published_at is None


def test_publishing_is_only_by_post(signed_in, closed):
    assert signed_in.get(url("staff-outcomes-publish", closed)).status_code == 405


@pytest.mark.parametrize(
    ("who", "status"),
    [("participant", 403), ("other_team", 403), ("own_team", 302), ("manager", 302), ("administrator", 302)],
)
def test_who_may_publish_and_change_points(client, settings, make_user, team, closed, who, status):
    settings.REQUIRE_STAFF_2FA = False
    role, teams = {
        "participant": (Role.PARTICIPANT, []),
        "other_team": (Role.STAFF, [TeamFactory()]),
        "own_team": (Role.STAFF, [team]),
        "manager": (Role.MANAGER, []),
        "administrator": (Role.ADMINISTRATOR, []),
    }[who]
    client.force_login(make_user(role, teams=teams))
    item = OutcomeItemFactory(consultation=closed)
    add = client.post(url("staff-outcomes", closed), {"you_said": "x", "changed": "yes", "we_did": "y"})
    publish = client.post(url("staff-outcomes-publish", closed), {"summary": ""})
    confirm = client.get(url("staff-outcome-delete", closed, item_pk=item.pk))
    remove = client.post(url("staff-outcome-delete", closed, item_pk=item.pk))
    assert [add.status_code, publish.status_code, remove.status_code] == [status] * 3
    assert confirm.status_code == (200 if status == 302 else status)


def test_anonymous_visitors_are_sent_to_sign_in(client, closed):
    result = client.post(url("staff-outcomes-publish", closed), {"summary": ""})
    assert result.status_code == 302 and result.url.startswith(reverse("accounts:sign-in"))


# --- Services -----------------------------------------------------------------------------------------


def test_a_point_changed_to_no_change_forgets_what_was_done():
    item = OutcomeItemFactory()
    item.changed, item.why_not = False, "Not possible"
    services.outcome_item_save(user=editor(), item=item)
    item.refresh_from_db()
    assert item.we_did == "" and item.why_not == "Not possible"


def test_a_point_without_its_explanation_is_refused_by_the_service():
    with pytest.raises(ValidationError):
        services.outcome_item_save(
            user=editor(), item=OutcomeItem(consultation=ConsultationFactory(closed=True), you_said="x")
        )


def test_publishing_twice_at_the_service_sends_nothing_more(django_capture_on_commit_callbacks):
    item = OutcomeItemFactory()
    RespondentContactFactory(response=ResponseFactory(consultation=item.consultation))
    with django_capture_on_commit_callbacks(execute=True):
        services.outcomes_publish(user=editor(), consultation=item.consultation, summary="", moment=timezone.now())
        Consultation.objects.filter(pk=item.consultation.pk).update(outcomes_published_at=None)  # as if never sent
        services.outcomes_publish(user=editor(), consultation=item.consultation, summary="", moment=timezone.now())
    assert Message.objects.filter(template="consultations/outcomes_published").count() == 1
    assert len(mail.outbox) == 1


# --- Public pages -------------------------------------------------------------------------------------


def publish(consultation, when=None):
    Consultation.objects.filter(pk=consultation.pk).update(
        outcomes_published_at=when or timezone.now(), outcomes_summary="What happened next."
    )


def test_the_public_list_shows_every_published_outcome_newest_first(client):
    older = OutcomeItemFactory(you_said="Older point").consultation
    newer = OutcomeItemFactory(you_said="Newer point", changed=False, we_did="", why_not="Because").consultation
    unpublished = OutcomeItemFactory(you_said="Not yet public").consultation
    withdrawn = ConsultationFactory(closed=True, withdrawn=True)
    OutcomeItemFactory(consultation=withdrawn, you_said="Withdrawn point")
    publish(older, timezone.now() - timedelta(days=10))
    publish(newer)
    publish(withdrawn)
    page = client.get(reverse("consultations:outcome-list"))
    assert page.status_code == 200
    assert list(page.context["consultations"]) == [newer, older]
    html = page.content.decode()
    assert html.index("Newer point") < html.index("Older point")
    assert "What we decided and why" in html and "Because" in html
    assert "Not yet public" not in html and "Withdrawn point" not in html
    assert unpublished.title not in html
    assert reverse("consultations:outcomes", kwargs={"slug": newer.slug}) in html


def test_the_public_list_says_when_nothing_is_published(client):
    assert "Nothing has been published yet." in client.get(reverse("consultations:outcome-list")).content.decode()


@pytest.mark.parametrize("count", [10, 1000])
def test_the_public_list_makes_the_same_queries_for_10_or_1000_points(client, count, django_assert_num_queries):
    consultations = ConsultationFactory.create_batch(4, closed=True)
    OutcomeItem.objects.bulk_create(
        [
            OutcomeItem(consultation=consultations[n % 4], position=n, you_said=f"Point {n}", we_did="Done")
            for n in range(count)
        ]
    )
    for consultation in consultations:
        publish(consultation)
    # count for pagination, consultations (with their service areas), their points
    with django_assert_num_queries(3):
        page = client.get(reverse("consultations:outcome-list"))
    assert page.content.decode().count('class="app-outcome"') == count


def test_the_public_list_is_paginated(client):
    for _number in range(12):
        publish(OutcomeItemFactory().consultation)
    first = client.get(reverse("consultations:outcome-list"))
    assert len(first.context["consultations"]) == 10 and "?page=2" in first.content.decode()
    assert len(client.get(reverse("consultations:outcome-list"), {"page": 2}).context["consultations"]) == 2
    assert client.get(reverse("consultations:outcome-list"), {"page": 9}).status_code == 404


def test_one_consultations_outcomes_page(client):
    item = OutcomeItemFactory(you_said="Booking is hard", we_did="Online booking")
    consultation = item.consultation
    for _number in range(6):
        ResponseFactory(consultation=consultation)
    publish(consultation)
    page = client.get(reverse("consultations:outcomes", kwargs={"slug": consultation.slug}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "You said" in html and "Booking is hard" in html and "We did" in html and "Online booking" in html
    assert "What happened next." in html
    assert "6 people answered." in html
    assert consultation.get_absolute_url() in html


def test_small_numbers_of_respondents_are_not_shown(client):
    item = OutcomeItemFactory()
    ResponseFactory.create_batch(3, consultation=item.consultation)
    publish(item.consultation)
    html = client.get(reverse("consultations:outcomes", kwargs={"slug": item.consultation.slug})).content.decode()
    assert "Fewer than 5 people answered." in html and "3 people" not in html


def test_an_unpublished_outcome_page_says_when_to_expect_it_and_links_to_the_consultation(client):
    consultation = ConsultationFactory(closed=True, feedback_due=date(2027, 3, 14))
    OutcomeItemFactory(consultation=consultation, you_said="A point not yet public")
    page = client.get(reverse("consultations:outcomes", kwargs={"slug": consultation.slug}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "is not published yet" in html and "We expect to publish it by 14 March 2027." in html
    assert f'href="{consultation.get_absolute_url()}"' in html
    assert "A point not yet public" not in html


def test_an_open_consultations_outcome_page_says_it_comes_after_closing(client):
    consultation = ConsultationFactory()
    html = client.get(reverse("consultations:outcomes", kwargs={"slug": consultation.slug})).content.decode()
    assert "The consultation closes at" in html and "We expect to publish" not in html


def test_outcomes_of_a_draft_withdrawn_or_unknown_consultation_are_not_found(client):
    for consultation in (ConsultationFactory(draft=True), ConsultationFactory(withdrawn=True)):
        assert client.get(reverse("consultations:outcomes", kwargs={"slug": consultation.slug})).status_code == 404
    assert client.get(reverse("consultations:outcomes", kwargs={"slug": "no-such-thing"})).status_code == 404


def test_a_child_friendly_consultations_outcomes_use_the_child_friendly_presentation(client):
    consultation = ConsultationFactory(closed=True, for_children=True)
    OutcomeItemFactory(consultation=consultation)
    publish(consultation)
    html = client.get(reverse("consultations:outcomes", kwargs={"slug": consultation.slug})).content.decode()
    assert 'class="app-child-friendly"' in html
    assert "Who decided: The SEND partnership board." in html
