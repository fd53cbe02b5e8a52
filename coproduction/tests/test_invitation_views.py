"""The invitation pages: staff invite and read replies; an invitee replies from the link in their
e-mail, with plain pages for links that do not work, a rate limit, and nothing typed ever lost."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduction import services
from coproduction.models import Arrangement, Invitation, Membership, Participant, Reply

from .factories import InvitationFactory, MembershipFactory, ParticipantFactory, SessionFactory

CONSENTED = {"contact_consent": True, "contact_consented_on": date(2026, 1, 5)}
MARKUP = '<script>alert("x")</script>'
TYPED = "A hearing loop, please"


@pytest.fixture
def upcoming(group):
    starts = timezone.now() + timedelta(days=7)
    return SessionFactory(
        group=group, starts_at=starts, capacity=10, arrangements=[Arrangement.BSL, Arrangement.STEP_FREE]
    )


@pytest.fixture
def invitation(upcoming):
    person = ParticipantFactory(
        team=upcoming.team, access_needs="Large print papers", access_needs_consent=True, **CONSENTED
    )
    return InvitationFactory(session=upcoming, participant=person)


def rsvp(invitation) -> str:
    return reverse("coproduction:rsvp", args=[services.rsvp_token_for(invitation)])


def test_staff_invite_the_group_s_members_and_are_told_who_was_skipped(
    staff_client, staff, upcoming, group, django_capture_on_commit_callbacks
):
    for name, extra in [("Ana Silva", CONSENTED), ("Ben Okafor", {})]:
        MembershipFactory(group=group, participant=ParticipantFactory(full_name=name, team=group.team, **extra))
    client = staff_client(staff)
    url = reverse("coproduction:invite", args=[upcoming.pk])
    page = client.get(url)
    assert page.status_code == 200 and "2 people are members on the day of the session" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"members": "1"}, follow=True)
    text = response.content.decode()
    assert "Invited 1 person." in text
    assert "Not invited: Ben Okafor (has not agreed to be contacted)." in text
    assert len(mail.outbox) == 1


def test_staff_invite_chosen_people_found_by_name(staff_client, staff, upcoming, django_capture_on_commit_callbacks):
    chosen = ParticipantFactory(full_name="Chris Doyle", team=upcoming.team, **CONSENTED)
    ParticipantFactory(full_name="Chris Lowe", team=upcoming.team)
    client = staff_client(staff)
    url = reverse("coproduction:invite", args=[upcoming.pk])
    found = client.get(url, {"q": "Chris"}).content.decode()
    assert "Chris Doyle\n" in found and "Chris Lowe (has not agreed to be contacted)" in found
    assert "Select the people to invite" in client.post(url, {}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"participants": [chosen.pk]}).status_code == 302
    assert Invitation.objects.get().participant == chosen


def test_another_team_cannot_open_the_invite_page_and_a_past_session_says_why(staff_client, staff, other_staff, group):
    past = SessionFactory(group=group, starts_at=timezone.now() - timedelta(days=2))
    assert staff_client(other_staff).get(reverse("coproduction:invite", args=[past.pk])).status_code == 403
    response = staff_client(staff).get(reverse("coproduction:invite", args=[past.pk]), follow=True)
    assert "This session has taken place, so no one can be invited." in response.content.decode()


def test_the_reply_page_shows_the_session_and_what_they_told_us_before(client, invitation):
    response = client.get(rsvp(invitation))
    text = response.content.decode()
    assert response.status_code == 200
    assert invitation.session.title in text and "(UK time)" in text
    assert "Large print papers</textarea>" in text  # kept with consent, so filled in
    assert re.search(r'<input[^>]*name="keep_needs"[^>]*checked', text)  # and their consent to keep them


def test_a_yes_with_a_need_is_saved_and_shown_back(client, invitation):
    response = client.post(
        rsvp(invitation),
        {"reply": Reply.YES, "arrangements": [Arrangement.BSL], "access_needs": TYPED, "keep_needs": "on"},
        follow=True,
    )
    assert "Your reply has been saved" in response.content.decode()
    assert "You said yes, and you have a place." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.reply == Reply.YES and invitation.arrangements == [Arrangement.BSL]
    invitation.participant.refresh_from_db()
    assert invitation.participant.access_needs == TYPED


def test_a_reply_without_a_choice_is_shown_again_with_the_error_and_what_was_typed(client, invitation):
    response = client.post(rsvp(invitation), {"access_needs": TYPED})
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text and "Select whether you can come" in text
    assert f"{TYPED}</textarea>" in text


@pytest.mark.parametrize(
    ("token", "title"),
    [
        ("nothing-here", "This link does not work"),
        ("MTIz:1abcde:tampered-signature", "This link does not work"),
        ("\u202egnp.exe", "This link does not work"),
    ],
)
def test_a_link_that_does_not_work_gets_a_plain_page(client, token, title):
    response = client.get(reverse("coproduction:rsvp", args=[token]))
    assert response.status_code == 404 and title in response.content.decode()


def test_a_tampered_link_and_an_expired_link_get_plain_pages(client, invitation):
    token = services.rsvp_token_for(invitation)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(reverse("coproduction:rsvp", args=[tampered])).status_code == 404
    with time_machine.travel(timezone.now() + services.RSVP_LINK_MAX_AGE + timedelta(days=1)):
        response = client.get(reverse("coproduction:rsvp", args=[token]))
    assert response.status_code == 410 and "This link has expired" in response.content.decode()


def test_a_cancelled_session_gets_a_plain_page_that_shows_back_what_was_posted(client, invitation, staff):
    services.session_cancel(session=invitation.session, user=staff, reason="x", moment=timezone.now())
    assert "This session has been cancelled" in client.get(rsvp(invitation)).content.decode()
    response = client.post(rsvp(invitation), {"reply": Reply.YES, "access_needs": TYPED})
    assert response.status_code == 410 and TYPED in response.content.decode()


def test_a_session_that_has_started_gets_a_plain_page(client, invitation):
    with time_machine.travel(invitation.session.starts_at + timedelta(minutes=1)):
        response = client.get(rsvp(invitation))
    assert response.status_code == 410 and "Replies to this session are closed" in response.content.decode()


def test_replies_are_rate_limited_and_the_refusal_shows_what_was_typed(client, invitation, settings):
    settings.COPRODUCTION_RSVP_RATE = "2/h"
    for _post in range(2):
        client.post(rsvp(invitation), {"reply": Reply.MAYBE})
    refused = client.post(rsvp(invitation), {"reply": Reply.YES, "access_needs": TYPED})
    assert refused.status_code == 429 and TYPED in refused.content.decode()
    assert Client(REMOTE_ADDR="203.0.113.9").get(rsvp(invitation)).status_code == 200


def test_a_reply_posted_without_its_csrf_cookie_is_shown_again_holding_what_was_typed(invitation):
    client = Client(enforce_csrf_checks=True)
    refused = client.post(rsvp(invitation), {"reply": Reply.NO, "access_needs": TYPED})
    text = refused.content.decode()
    assert refused.status_code == 403
    assert "What you entered has not been saved yet" in text and f"{TYPED}</textarea>" in text
    assert re.search(r'<input[^>]*value="no"[^>]*checked', text, re.S)
    invitation.refresh_from_db()
    assert invitation.reply == ""
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    client.post(rsvp(invitation), {"reply": Reply.NO, "access_needs": TYPED, "csrfmiddlewaretoken": token})
    invitation.refresh_from_db()
    assert invitation.reply == Reply.NO


def test_markup_in_the_session_is_escaped_on_the_reply_page(client, invitation):
    invitation.session.title = MARKUP
    invitation.session.venue = MARKUP
    invitation.session.save()
    text = client.get(rsvp(invitation)).content.decode()
    assert MARKUP not in text and "&lt;script&gt;" in text


def test_the_session_page_shows_counts_totals_and_the_waiting_list_and_names_only_on_their_own_page(
    staff_client, staff, other_staff, upcoming
):
    upcoming.capacity = 1
    upcoming.save()
    first, second = (
        InvitationFactory(session=upcoming, participant=ParticipantFactory(full_name=n, **CONSENTED))
        for n in ("Ana Silva", "Ben Okafor")
    )
    moment = timezone.now()
    services.invitation_reply(
        invitation=first,
        reply=Reply.YES,
        arrangements=[Arrangement.BSL],
        access_needs="",
        keep_needs=False,
        moment=moment,
    )
    services.invitation_reply(
        invitation=second, reply=Reply.YES, arrangements=[], access_needs="", keep_needs=False, moment=moment
    )
    text = staff_client(staff).get(reverse("coproduction:session", args=[upcoming.pk])).content.decode()
    assert "British Sign Language interpreter: 1" in text
    assert '<li dir="auto">Ben Okafor</li>' in text  # the waiting list
    needs_url = reverse("coproduction:access-needs", args=[upcoming.pk])
    assert staff_client(other_staff).get(needs_url).status_code == 403
    needs = staff_client(staff).get(needs_url).content.decode()
    assert "Ana Silva" in needs and "Ben Okafor" not in needs
    assert LogEntry.objects.filter(object_repr__startswith="Access needs of the invitees").count() == 1


def bulk_invite(session, rows):
    people = Participant.objects.bulk_create(
        Participant(
            full_name=f"Person {n}", role="parent_carer", email=f"p{n}@example.com", team=session.team, **CONSENTED
        )
        for n in range(rows)
    )
    Membership.objects.bulk_create(
        Membership(group=session.group, participant=person, role="member", starts_on=date(2020, 1, 1))
        for person in people
    )
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    Invitation.objects.bulk_create(
        Invitation(
            session=session,
            participant=person,
            invited_at=moment,
            reply=[Reply.YES, Reply.MAYBE, Reply.NO, ""][n % 4],
            replied_at=moment,
            waiting_since=moment if n % 4 == 0 and n > rows // 2 else None,
            arrangements=[Arrangement.BSL] if n % 3 == 0 else [],
        )
        for n, person in enumerate(people)
    )


@pytest.mark.parametrize("rows", [10, 200])
def test_session_page_query_count_is_flat_with_invitees(
    staff_client, staff, upcoming, rows, django_assert_max_num_queries
):
    bulk_invite(upcoming, rows)
    client = staff_client(staff)
    # session, user, its permissions (2), roles, session with group and team, user's teams, agenda,
    # register, the share, the replies' counts, what those coming need, the waiting list; outcomes,
    # minutes, its actions, actions carried to it
    with django_assert_max_num_queries(17):
        assert client.get(reverse("coproduction:session", args=[upcoming.pk])).status_code == 200


@pytest.mark.parametrize("rows", [10, 200])
def test_replies_and_needs_pages_query_counts_are_flat(
    staff_client, staff, upcoming, rows, django_assert_max_num_queries
):
    bulk_invite(upcoming, rows)
    client = staff_client(staff)
    # session, user, its permissions (2), roles, session with group and team, user's teams, count, page
    with django_assert_max_num_queries(9):
        assert client.get(reverse("coproduction:replies", args=[upcoming.pk])).status_code == 200
    # the same, and the audit log entry (its content type) for the viewing
    with django_assert_max_num_queries(12):
        assert client.get(reverse("coproduction:access-needs", args=[upcoming.pk])).status_code == 200


@pytest.mark.parametrize("rows", [10, 200])
def test_the_reply_page_query_count_is_flat(client, upcoming, rows, django_assert_max_num_queries):
    bulk_invite(upcoming, rows)
    invitation = Invitation.objects.first()
    # the invitation with its person; the session and whether it is full, shared with the others invited
    with django_assert_max_num_queries(3):
        assert client.get(rsvp(invitation)).status_code == 200
    another = Invitation.objects.exclude(pk=invitation.pk).first()
    with django_assert_max_num_queries(1):
        assert Client().get(rsvp(another)).status_code == 200


def test_a_session_cancelled_while_its_reply_page_is_shared_refuses_the_reply(client, invitation, staff):
    """What a reply page shows of a session may be a minute old; the reply is checked against the session now."""
    assert "Can you come?" in client.get(rsvp(invitation)).content.decode()
    services.session_cancel(session=invitation.session, user=staff, reason="x", moment=timezone.now())
    response = client.post(rsvp(invitation), {"reply": Reply.YES, "access_needs": TYPED})
    assert response.status_code == 410 and TYPED in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.reply == ""


def test_a_full_session_is_said_to_be_full_to_those_who_have_not_replied(client, upcoming):
    bulk_invite(upcoming, 12)
    Invitation.objects.filter(session=upcoming).update(reply="", replied_at=None, waiting_since=None)
    first_ten = list(Invitation.objects.filter(session=upcoming).order_by("pk")[:10])
    Invitation.objects.filter(pk__in=[each.pk for each in first_ten]).update(reply=Reply.YES, replied_at=timezone.now())
    waiting = Invitation.objects.filter(session=upcoming).order_by("pk").last()
    assert "The session is full" in client.get(rsvp(waiting)).content.decode()
    assert "The session is full" not in Client().get(rsvp(first_ten[0])).content.decode()
    assert Invitation.objects.filter(session=upcoming).are_full(10)
    assert not Invitation.objects.filter(session=upcoming).are_full(11)
    assert not Invitation.objects.filter(session=upcoming).are_full(None)
