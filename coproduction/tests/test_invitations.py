"""Invitations by e-mail with a calendar file, replies with a waiting list, updates, cancellations,
reminders once, and a group's calendar feed."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from coproduction import services
from coproduction.calendar import LONDON
from coproduction.models import Arrangement, Invitation, Reply
from coproduction.tasks import session_reminders_send
from notifications.models import Attachment, Message

from .conftest import codes
from .factories import InvitationFactory, MembershipFactory, ParticipantFactory, SessionFactory

NOW = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
CONSENTED = {"contact_consent": True, "contact_consented_on": date(2026, 1, 5)}
MARKUP = '<b>Carers\' "forum"</b> & <script>alert(1)</script>'


@pytest.fixture
def session(group):
    return SessionFactory(
        group=group,
        title="Short breaks review",
        starts_at=datetime(2026, 10, 25, 10, 0, tzinfo=LONDON),
        ends_at=datetime(2026, 10, 25, 12, 0, tzinfo=LONDON),
        venue="Committee Room 2, County Hall",
        venue_access="Step-free entrance on Market Street",
        online_link="https://meet.example.gov.uk/forum",
        arrangements=[Arrangement.BSL, Arrangement.STEP_FREE],
    )


def member(group, **kwargs):
    return MembershipFactory(group=group, participant=ParticipantFactory(team=group.team, **kwargs)).participant


def invite(session, user, people=None, moment=NOW):
    people = services.register_people(session) if people is None else people
    return services.invitations_send(session=session, participants=people, user=user, moment=moment)


def calendar_of(email) -> tuple[Calendar, str]:
    (part,) = [a for a in email.attachments if a.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_payload(decode=True)), part["Content-Type"]


def event_of(email):
    calendar, _content_type = calendar_of(email)
    return calendar.walk("VEVENT")[0]


# --- Invitations --------------------------------------------------------------------------------------


def test_members_who_may_be_contacted_are_invited_and_the_others_named_with_why(
    session, staff, group, django_capture_on_commit_callbacks
):
    ana = member(group, full_name="Ana Silva", **CONSENTED)
    member(group, full_name="Ben Okafor", contact_consent=False)
    member(group, full_name="Cat Jones", email=None, preferred_contact="phone", **CONSENTED)
    with django_capture_on_commit_callbacks(execute=True):
        result = invite(session, staff)
    assert result.invited == ["Ana Silva"]
    assert result.skipped == [("Ben Okafor", "has not agreed to be contacted"), ("Cat Jones", "has no email address")]
    assert Invitation.objects.get().participant == ana
    assert [email.to for email in mail.outbox] == [[ana.email]]


def test_inviting_twice_never_doubles_an_invitation_or_its_email(
    session, staff, group, django_capture_on_commit_callbacks
):
    member(group, **CONSENTED)
    with django_capture_on_commit_callbacks(execute=True):
        invite(session, staff)
        again = invite(session, staff)
    assert again.invited == [] and [reason for _name, reason in again.skipped] == ["was invited already"]
    assert Invitation.objects.count() == 1 and len(mail.outbox) == 1


def test_the_invitation_says_when_and_where_in_uk_time_with_a_link_and_a_calendar_request(
    session, staff, group, django_capture_on_commit_callbacks
):
    member(group, full_name="Ana Silva", **CONSENTED)
    with django_capture_on_commit_callbacks(execute=True):
        invite(session, staff)
    (email,) = mail.outbox
    assert email.subject == "Invitation: Short breaks review, Sunday 25 October 2026"
    for line in (
        "Date: Sunday 25 October 2026",
        "Time: 10am to midday (UK time)",
        "Where: Committee Room 2, County Hall",
        "Getting there and access: Step-free entrance on Market Street",
        "Join online: https://meet.example.gov.uk/forum",
        "On offer: British Sign Language interpreter, Step-free access",
    ):
        assert line in email.body
    invitation = Invitation.objects.get()
    assert services.rsvp_url(invitation).split("/invitations/")[0] in email.body
    calendar, content_type = calendar_of(email)
    assert content_type.startswith("text/calendar;") and content_type.endswith("; method=REQUEST")
    assert calendar["METHOD"] == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == services.calendar.session_uid(session)
    assert "mailto:participation@example.gov.uk" in str(event["ORGANIZER"]).lower()
    assert str(event["ATTENDEE"]) == f"mailto:{invitation.participant.email}"
    assert event["ATTENDEE"].params["CN"] == "Ana Silva"
    assert "/coproduction/invitations/" in str(event["DESCRIPTION"])
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [(date(2026, 10, 24), 9), (date(2026, 10, 25), 10), (date(2026, 10, 26), 10)],
    ids=["saturday-summer-time", "clock-change-sunday", "monday-winter-time"],
)
def test_calendar_times_are_right_across_the_october_clock_change(group, day, utc_hour):
    starts = datetime(day.year, day.month, day.day, 10, 0, tzinfo=LONDON)
    session = SessionFactory(group=group, starts_at=starts, ends_at=starts + timedelta(hours=2))
    invitation = InvitationFactory(session=session, participant=ParticipantFactory(**CONSENTED))
    data = services.calendar.invitation_calendar(
        invitation=invitation, method="REQUEST", rsvp_url="https://portal.example/r", moment=NOW
    )
    event = Calendar.from_ical(data).walk("VEVENT")[0]
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert (start.hour, end.hour) == (10, 12)  # as planned, in UK time
    assert str(start.tzinfo) == "Europe/London"
    assert start.astimezone(UTC).hour == utc_hour
    assert event["DTSTART"].params["TZID"] == "Europe/London"


def test_moving_a_session_sends_an_update_with_the_same_uid_and_a_higher_sequence(
    session, staff, group, django_capture_on_commit_callbacks
):
    member(group, **CONSENTED)
    with django_capture_on_commit_callbacks(execute=True):
        invite(session, staff)
    first = event_of(mail.outbox[0])
    session.refresh_from_db()
    session.starts_at += timedelta(days=1)
    session.ends_at += timedelta(days=1)
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.session_save(session=session, user=staff)
    update = mail.outbox[1]
    assert update.subject.startswith("Changed: Short breaks review, now Monday 26 October 2026")
    moved = event_of(update)
    assert moved["UID"] == first["UID"]
    assert moved["SEQUENCE"] > first["SEQUENCE"]
    assert moved.decoded("DTSTART").day == 26
    session.refresh_from_db()
    assert session.calendar_sequence == 1
    # A change that is not of time or place sends nothing.
    session.purpose = "A new purpose"
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.session_save(session=session, user=staff)
    assert len(mail.outbox) == 2


def test_cancelling_sends_a_calendar_cancel_for_the_same_event(
    session, staff, group, django_capture_on_commit_callbacks
):
    member(group, **CONSENTED)
    with django_capture_on_commit_callbacks(execute=True):
        invite(session, staff)
        services.session_cancel(session=session, user=staff, reason="The room flooded", moment=NOW)
    cancel = mail.outbox[1]
    calendar, content_type = calendar_of(cancel)
    assert content_type.endswith("; method=CANCEL")
    assert calendar["METHOD"] == "CANCEL"
    event = calendar.walk("VEVENT")[0]
    assert event["STATUS"] == "CANCELLED" and event["UID"] == event_of(mail.outbox[0])["UID"]
    assert event["SEQUENCE"] == 1
    assert "The room flooded" in cancel.body


def test_markup_in_a_title_is_escaped_in_the_html_email_and_kept_as_typed_in_the_text(
    session, staff, group, django_capture_on_commit_callbacks
):
    session.title = MARKUP
    session.save()
    member(group, full_name=MARKUP, **CONSENTED)
    with django_capture_on_commit_callbacks(execute=True):
        invite(session, staff)
    (email,) = mail.outbox
    html = email.alternatives[0][0]
    assert MARKUP in email.body and MARKUP in email.subject
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert str(event_of(email)["SUMMARY"]) == MARKUP


def test_a_retry_sends_the_same_calendar_bytes_and_they_go_once_sent(session, staff, group):
    member(group, **CONSENTED)
    invite(session, staff)  # no commit callbacks run: the message waits in the outbox
    message = Message.objects.get()
    stored = bytes(Attachment.objects.get(message=message).content)
    from notifications.services import message_render, message_send

    assert message_render(message).attachments[0].get_payload(decode=True) == stored
    message_send(message_id=message.pk, moment=datetime.now(UTC))
    assert mail.outbox[0].attachments[0].get_payload(decode=True) == stored
    assert not Attachment.objects.exists()  # in the mailbox now, as the message's context is


def test_a_cancelled_or_past_session_takes_no_invitations(session, staff, group):
    member(group, **CONSENTED)
    with pytest.raises(Exception) as past:
        invite(session, staff, moment=session.ends_at)
    assert codes(past.value) == {"past"}
    services.session_cancel(session=session, user=staff, reason="x", moment=NOW)
    with pytest.raises(Exception) as cancelled:
        invite(session, staff)
    assert codes(cancelled.value) == {"cancelled"}


def test_another_team_cannot_invite(session, other_staff, group):
    member(group, **CONSENTED)
    with pytest.raises(Exception) as refused:
        invite(session, other_staff)
    assert codes(refused.value) == {"not_permitted"}


# --- Replies and the waiting list ----------------------------------------------------------------------


def reply(invitation, answer, *, moment=NOW, arrangements=(), needs="", keep=False):
    return services.invitation_reply(
        invitation=invitation,
        reply=answer,
        arrangements=list(arrangements),
        access_needs=needs,
        keep_needs=keep,
        moment=moment,
    )


def test_a_full_session_puts_further_yeses_on_a_waiting_list_and_a_freed_place_goes_to_the_next(
    session, django_capture_on_commit_callbacks
):
    session.capacity = 1
    session.save()
    first, second, third = (InvitationFactory(session=session) for _n in range(3))
    assert reply(first, Reply.YES).holds_place
    assert reply(second, Reply.YES, moment=NOW + timedelta(minutes=1)).is_waiting
    assert reply(third, Reply.YES, moment=NOW + timedelta(minutes=2)).is_waiting
    with django_capture_on_commit_callbacks(execute=True):
        reply(first, Reply.NO)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.holds_place and third.is_waiting
    (offer,) = mail.outbox
    assert offer.to == [second.participant.email] and offer.subject.startswith("A place is now yours")
    # Saying yes again to a session with no free place joins the end of the list.
    assert reply(first, Reply.YES, moment=NOW + timedelta(minutes=5)).is_waiting
    assert list(session.invitations.waiting()) == [third, first]


def test_raising_the_capacity_gives_places_to_those_waiting(session, staff, django_capture_on_commit_callbacks):
    session.capacity = 1
    session.save()
    first, second = (InvitationFactory(session=session) for _n in range(2))
    reply(first, Reply.YES)
    reply(second, Reply.YES)
    session.refresh_from_db()
    session.capacity = 2
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.session_save(session=session, user=staff)
    second.refresh_from_db()
    assert second.holds_place and len(mail.outbox) == 1


def test_needs_are_kept_on_the_person_s_record_only_with_their_consent(session):
    invitation = InvitationFactory(session=session)
    reply(invitation, Reply.YES, arrangements=[Arrangement.BSL], needs="Large print papers")
    person = invitation.participant
    person.refresh_from_db()
    assert person.access_needs == "" and not person.access_needs_consent
    invitation.refresh_from_db()
    assert invitation.access_needs == "Large print papers" and invitation.arrangements == [Arrangement.BSL]
    reply(invitation, Reply.YES, needs="Large print papers", keep=True)
    person.refresh_from_db()
    assert person.access_needs == "Large print papers" and person.access_needs_consent
    reply(invitation, Reply.YES, needs="Large print papers", keep=False)  # consent withdrawn: forgotten
    person.refresh_from_db()
    assert person.access_needs == "" and not person.access_needs_consent


def test_a_reply_is_refused_once_the_session_has_started_or_was_cancelled_and_offers_only_what_is_offered(
    session, staff
):
    invitation = InvitationFactory(session=session)
    with pytest.raises(Exception) as unknown:
        reply(invitation, Reply.YES, arrangements=[Arrangement.CHILDCARE])
    assert codes(unknown.value) == {"invalid"}
    with pytest.raises(Exception) as started:
        reply(invitation, Reply.YES, moment=session.starts_at)
    assert codes(started.value) == {"started"}
    services.session_cancel(session=session, user=staff, reason="x", moment=NOW)
    with pytest.raises(Exception) as cancelled:
        reply(invitation, Reply.YES)
    assert codes(cancelled.value) == {"cancelled"}


def test_replies_are_counted_and_needs_totalled_without_names(session):
    session.capacity = 2
    session.save()
    people = [InvitationFactory(session=session) for _n in range(6)]
    reply(people[0], Reply.YES, arrangements=[Arrangement.BSL, Arrangement.STEP_FREE])
    reply(people[1], Reply.MAYBE, arrangements=[Arrangement.BSL])
    reply(people[2], Reply.YES, needs="A break every hour")
    reply(people[3], Reply.YES, arrangements=[Arrangement.STEP_FREE])  # waiting: not counted as coming
    reply(people[4], Reply.NO, arrangements=[Arrangement.BSL])
    replies = services.replies_for(session)
    assert (replies.invited, replies.yes, replies.maybe, replies.no, replies.waiting, replies.no_reply) == (
        6, 2, 1, 1, 1, 1,
    )  # fmt: skip
    assert replies.needs == [("British Sign Language interpreter", 2), ("Step-free access", 1)]
    assert replies.other_needs == 1


# --- Reminders ----------------------------------------------------------------------------------------


def test_reminders_go_once_to_those_coming_or_maybe_however_often_the_job_runs(
    session, settings, django_capture_on_commit_callbacks
):
    settings.COPRODUCTION_REMINDER_DAYS = 2
    coming, maybe, no, silent = (InvitationFactory(session=session) for _n in range(4))
    reply(coming, Reply.YES)
    reply(maybe, Reply.MAYBE)
    reply(no, Reply.NO)
    with time_machine.travel(session.starts_at - timedelta(days=3), tick=False):
        assert session_reminders_send() == 0  # too early
    with time_machine.travel(session.starts_at - timedelta(days=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert session_reminders_send() == 2
            assert session_reminders_send() == 0
    assert sorted(email.to[0] for email in mail.outbox) == sorted([coming.participant.email, maybe.participant.email])
    assert mail.outbox[0].subject.startswith("Reminder: ")
    assert Message.objects.filter(template="coproduction/reminder").count() == 2
    silent.refresh_from_db()
    assert silent.reminded_at is None


def test_no_reminder_for_a_cancelled_session(session, staff):
    invitation = InvitationFactory(session=session)
    reply(invitation, Reply.YES)
    services.session_cancel(session=session, user=staff, reason="x", moment=NOW)
    assert services.session_reminders_send(moment=session.starts_at - timedelta(days=1)) == 0
    assert not Message.objects.filter(template="coproduction/reminder").exists()


def test_a_reminder_already_taken_by_another_run_is_not_sent_again(session):
    invitation = InvitationFactory(session=session)
    reply(invitation, Reply.YES)
    moment = session.starts_at - timedelta(days=1)
    Invitation.objects.filter(pk=invitation.pk).update(reminded_at=moment)  # the other run got there first
    assert services.invitation_remind(invitation_id=invitation.pk, moment=moment) is False


# --- The group's calendar feed ------------------------------------------------------------------------


def test_the_feed_publishes_the_group_s_sessions_with_nobody_in_it(client, session, group, staff):
    invitation = InvitationFactory(session=session)
    cancelled = SessionFactory(group=group, starts_at=session.starts_at + timedelta(days=7))
    services.session_cancel(session=cancelled, user=staff, reason="x", moment=NOW)
    token = services.feed_token_for(group)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("coproduction:calendar-feed", args=[token]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [session.title, cancelled.title]
    assert events[1]["STATUS"] == "CANCELLED"
    text = response.content.decode()
    assert "ATTENDEE" not in text and "ORGANIZER" not in text
    assert invitation.participant.email not in text and "/invitations/" not in text


@pytest.mark.parametrize("token", ["1-abc", "nothing", "1-" + "x" * 27])
def test_a_feed_address_that_was_guessed_or_changed_is_not_found(client, group, token):
    assert client.get(reverse("coproduction:calendar-feed", args=[token])).status_code == 404
    other = services.feed_token_for(group).replace(str(group.pk), str(group.pk + 1), 1)
    assert client.get(reverse("coproduction:calendar-feed", args=[other])).status_code == 404


def test_correcting_a_session_that_has_taken_place_tells_no_one(session, staff, django_capture_on_commit_callbacks):
    InvitationFactory(session=session)
    with time_machine.travel(session.ends_at + timedelta(days=1), tick=False):
        session.refresh_from_db()
        session.ends_at += timedelta(minutes=30)
        with django_capture_on_commit_callbacks(execute=True):
            services.session_save(session=session, user=staff)
    session.refresh_from_db()
    assert session.calendar_sequence == 0 and mail.outbox == []
