"""Participants' e-mails about consultations opening and closing soon, their subscriptions, and retention."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from consultations import services
from consultations.models import Answer, RespondentContact, Response, Subscription
from consultations.tests.factories import (
    AnswerFactory,
    ConsultationFactory,
    RespondentContactFactory,
    ResponseFactory,
    ServiceAreaFactory,
)
from notifications.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def area():
    return ServiceAreaFactory(name="Short breaks", slug="short-breaks")


@pytest.fixture
def subscriber(make_user, area):
    user = make_user(Role.PARTICIPANT, email="follower@example.com", full_name="Sam Follower")
    Subscription.objects.create(user=user, service_area=area)
    return user


def sent(template: str) -> list[str]:
    return sorted(Message.objects.filter(template=f"consultations/{template}").values_list("recipient", flat=True))


def just_opened(area, now, **fields):
    return ConsultationFactory(
        service_area=area, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=20), **fields
    )


def closing_in(area, now, days: float, **fields):
    return ConsultationFactory(
        service_area=area,
        opens_at=now - timedelta(days=30),
        published_at=now - timedelta(days=31),
        closes_at=now + timedelta(days=days),
        **fields,
    )


# --- Opened ---------------------------------------------------------------------------------------------


def test_subscribers_hear_once_when_a_consultation_opens_in_their_area(
    subscriber, area, now, make_user, django_capture_on_commit_callbacks
):
    consultation = just_opened(area, now, title="Short breaks review")
    other_area_follower = make_user(Role.PARTICIPANT, email="other@example.com")
    Subscription.objects.create(user=other_area_follower, service_area=ServiceAreaFactory())
    inactive = make_user(Role.PARTICIPANT, email="gone@example.com", is_active=False)
    Subscription.objects.create(user=inactive, service_area=area)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.notices_send(moment=now) == 1
        assert services.notices_send(moment=now) == 0  # run twice: nothing more
        assert services.notices_send(moment=now + timedelta(days=1)) == 0  # and the next day

    assert sent("opened") == ["follower@example.com"]
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.subject == "New consultation: Short breaks review"
    assert "Dear Sam Follower" in email.body
    assert "http" in email.body and consultation.get_absolute_url() in email.body
    assert timezone.localtime(consultation.closes_at).strftime("%-d %B %Y") in email.body
    assert reverse("consultations:subscriptions") in email.body
    assert "&#x27;" not in email.body and "&amp;" not in email.body  # plain text is not HTML-escaped


@pytest.mark.parametrize(
    "fields",
    [
        {"draft": True},
        {"withdrawn": True},
        {"upcoming": True},
        {"closed": True},
    ],
)
def test_no_notice_for_consultations_that_are_not_open(subscriber, area, now, fields):
    ConsultationFactory(service_area=area, **fields)
    assert services.notices_send(moment=now) == 0
    assert not Message.objects.exists()


def test_a_consultation_open_for_weeks_is_not_announced_as_new(subscriber, area, now):
    closing_in(area, now, days=20)
    assert services.notices_send(moment=now) == 0


def test_a_consultation_published_after_its_opening_date_is_announced_when_published(subscriber, area, now):
    ConsultationFactory(
        service_area=area,
        opens_at=now - timedelta(days=20),
        published_at=now - timedelta(hours=2),
        closes_at=now + timedelta(days=20),
    )
    assert services.notices_send(moment=now) == 1
    assert sent("opened") == ["follower@example.com"]


# --- Closing soon ---------------------------------------------------------------------------------------


def test_closing_soon_goes_only_to_subscribers_who_have_not_responded(
    subscriber, area, now, make_user, django_capture_on_commit_callbacks
):
    consultation = closing_in(area, now, days=2, title="Transport review")
    answered = make_user(Role.PARTICIPANT, email="answered@example.com")
    still_drafting = make_user(Role.PARTICIPANT, email="drafting@example.com")
    for user in (answered, still_drafting):
        Subscription.objects.create(user=user, service_area=area)
    ResponseFactory(consultation=consultation, user=answered)
    ResponseFactory(consultation=consultation, user=still_drafting, draft=True)
    ResponseFactory(consultation=closing_in(area, now, days=2), user=subscriber)  # answered a different one

    with django_capture_on_commit_callbacks(execute=True):
        services.notices_send(moment=now)
        services.notices_send(moment=now + timedelta(hours=12))

    closing = Message.objects.filter(template="consultations/closing_soon", dedupe_key__contains=f":{consultation.pk}:")
    assert sorted(closing.values_list("recipient", flat=True)) == ["drafting@example.com", "follower@example.com"]
    transport = [email for email in mail.outbox if "Transport review" in email.subject]
    assert len(transport) == 2
    assert transport[0].subject == "Closing soon: Transport review"


@pytest.mark.parametrize(("days", "expected"), [(0.1, 1), (2.9, 1), (3, 1), (3.1, 0), (10, 0)])
def test_closing_soon_is_only_within_three_days_of_closing(subscriber, area, now, days, expected):
    closing_in(area, now, days=days)
    services.notices_send(moment=now)
    assert len(sent("closing_soon")) == expected


def test_the_daily_job_sends_closing_soon_once_across_the_three_days(subscriber, area, now):
    closing_in(area, now, days=2.5)
    for day in range(3):
        services.notices_send(moment=now + timedelta(days=day))
    assert sent("closing_soon") == ["follower@example.com"]


def test_reads_do_not_grow_with_subscribers(area, now, django_assert_max_num_queries):
    just_opened(area, now)
    closing_in(area, now, days=2)
    people = User.objects.bulk_create(
        [User(email=f"person{number}@example.com", full_name=f"Person {number}") for number in range(30)]
    )
    Subscription.objects.bulk_create([Subscription(user=person, service_area=area) for person in people])
    with CaptureQueriesContext(connection) as first:
        assert services.notices_send(moment=now) == 60
    # Writing 60 e-mails: a savepoint, an insert and a release each, on top of the reads.
    assert len(first.captured_queries) <= 6 + 3 * 60
    # subscriptions (with users), open consultations, who answered the one closing soon, e-mails already
    # queued for each of the two consultations
    with django_assert_max_num_queries(5):
        assert services.notices_send(moment=now) == 0


def test_the_scheduled_task_runs_the_service(subscriber, area, now):
    from consultations.tasks import notices_send

    just_opened(area, now)
    assert notices_send() == 1


# --- Subscriptions --------------------------------------------------------------------------------------


SUBSCRIPTIONS = "/account/consultation-updates/"


def test_the_subscriptions_address_is_as_promised():
    assert reverse("consultations:subscriptions") == SUBSCRIPTIONS


def test_a_participant_chooses_the_service_areas_to_hear_about(client, participant, area):
    education = ServiceAreaFactory(name="Education", slug="education")
    Subscription.objects.create(user=participant, service_area=education)
    client.force_login(participant)
    page = client.get(SUBSCRIPTIONS)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Short breaks" in html and "Education" in html
    assert list(page.context["form"]["service_areas"].value()) == [education.pk]

    result = client.post(SUBSCRIPTIONS, {"service_areas": [area.pk]})
    assert result.status_code == 302 and result.url == SUBSCRIPTIONS
    assert list(Subscription.objects.filter(user=participant).values_list("service_area", flat=True)) == [area.pk]
    assert "Your choices are saved." in client.get(SUBSCRIPTIONS).content.decode()

    client.post(SUBSCRIPTIONS, {})
    assert not Subscription.objects.filter(user=participant).exists()


@pytest.mark.parametrize("tampered", ["999999", "not-a-number"])
def test_a_tampered_service_area_is_explained(client, participant, area, tampered):
    client.force_login(participant)
    page = client.post(SUBSCRIPTIONS, {"service_areas": [area.pk, tampered]})
    assert page.status_code == 200
    assert page.context["form"].errors["service_areas"] == ["Select a service area from the list"]
    assert "There is a problem" in page.content.decode()
    assert not Subscription.objects.exists()


def test_visitors_must_sign_in_and_staff_are_refused(client, staff_member):
    result = client.get(SUBSCRIPTIONS)
    assert result.status_code == 302 and result.url.startswith(reverse("accounts:sign-in"))
    client.force_login(staff_member)
    assert client.get(SUBSCRIPTIONS).status_code == 403


def test_setting_subscriptions_is_safe_to_repeat(participant, area):
    other = ServiceAreaFactory()
    services.subscriptions_set(user=participant, service_areas=[area, other])
    services.subscriptions_set(user=participant, service_areas=[area, other])
    assert Subscription.objects.filter(user=participant).count() == 2
    kept = services.subscriptions_set(user=participant, service_areas=[other])
    assert [subscription.service_area for subscription in kept] == [other]


# --- Retention ------------------------------------------------------------------------------------------


def test_retention_deletes_stale_drafts_and_keeps_recent_ones_and_submitted_responses(settings, now):
    settings.CONSULTATION_DRAFT_RETENTION_DAYS = 30
    stale = ResponseFactory(draft=True)
    AnswerFactory.create_batch(3, response=stale)  # answers go with the draft but are not counted as drafts
    recent = ResponseFactory(draft=True)
    old_submitted = ResponseFactory()
    Response.objects.filter(pk__in=[stale.pk, old_submitted.pk]).update(updated_at=now - timedelta(days=31))
    Response.objects.filter(pk=recent.pk).update(updated_at=now - timedelta(days=29))

    result = services.retention_apply(moment=now)

    assert result["drafts"] == 1
    assert set(Response.objects.values_list("pk", flat=True)) == {recent.pk, old_submitted.pk}
    assert not Answer.objects.filter(response_id=stale.pk).exists()


def test_retention_removes_contact_details_after_the_period_but_keeps_what_was_said(settings, now):
    settings.CONSULTATION_CONTACT_RETENTION_DAYS = 365
    long_closed = ConsultationFactory(
        opens_at=now - timedelta(days=500), closes_at=now - timedelta(days=366), published_at=now - timedelta(days=501)
    )
    recently_closed = ConsultationFactory(closed=True)
    old = RespondentContactFactory(response=ResponseFactory(consultation=long_closed))
    kept = RespondentContactFactory(response=ResponseFactory(consultation=recently_closed))

    result = services.retention_apply(moment=now)

    assert result == {"drafts": 0, "contacts": 1}
    assert list(RespondentContact.objects.all()) == [kept]
    assert Response.objects.filter(pk=old.response_id).exists()  # the answers stay, anonymous now
    assert services.retention_apply(moment=now) == {"drafts": 0, "contacts": 0}  # safe to repeat
