"""Staff invite a group's members; an invitee replies on a phone with an access need; staff move the
session and the invitee's calendar file updates the same event. Every page is axe-clean."""

import re
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from coproduction.models import Arrangement, Invitation, Reply, Session
from coproduction.tests.factories import MembershipFactory, ParticipantFactory, ParticipationGroupFactory

from .conftest import AXE_SCRIPT, assert_accessible, assert_no_sideways_scrolling, follow, sign_in

CONSENTED = {"contact_consent": True, "contact_consented_on": date(2026, 1, 5)}


@pytest.fixture
def session(staff):
    group = ParticipationGroupFactory(team=staff.teams.get(), name="Parent Carer Forum")
    for name, extra in [("Priya Shah", CONSENTED), ("Tom Evans", CONSENTED), ("Sam Reid", {})]:
        person = ParticipantFactory(
            full_name=name, team=group.team, email=f"{name.split()[0].lower()}@example.com", **extra
        )
        MembershipFactory(group=group, participant=person, starts_on=date(2020, 1, 1))
    day = timezone.localdate() + timedelta(days=14)
    starts = timezone.make_aware(datetime.combine(day, time(10, 0)))
    return Session.objects.create(
        title="The Local Offer website",
        purpose="Test the new search with families.",
        group=group,
        team=group.team,
        bench_level="service",
        rung="coproduction",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        venue="Committee Room 2, County Hall",
        venue_access="Step-free entrance on Market Street",
        capacity=20,
        arrangements=[Arrangement.BSL, Arrangement.STEP_FREE, Arrangement.QUIET_ROOM],
    )


def calendar_in(email):
    (part,) = [a for a in email.attachments if a.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]


def test_staff_invite_an_invitee_replies_on_a_phone_and_a_move_updates_their_calendar(page, staff, session):
    sign_in(page, staff.email)
    page.goto(f"/staff/coproduction/sessions/{session.pk}/")
    assert "Nobody has been invited yet" in page.locator("main").inner_text()
    follow(page, "button", "Invite people")
    assert page.locator("h1").inner_text() == "Invite people"
    assert_accessible(page, "staff-coproduction-invite")
    follow(page, "button", "Invite the group's members")
    banner = page.locator("main").inner_text()
    assert "Invited 2 people." in banner
    assert "Not invited: Sam Reid (has not agreed to be contacted)." in banner
    assert_accessible(page, "staff-coproduction-session-invited")

    priya_mail = next(email for email in mail.outbox if email.to == ["priya@example.com"])
    assert "Date: " in priya_mail.body and "Time: 10am to midday (UK time)" in priya_mail.body
    first = calendar_in(priya_mail)
    link = re.search(r"https?://\S+/coproduction/invitations/\S+/", priya_mail.body).group(0)

    # The invitee, on a phone, with no account.
    phone = page.context.browser.new_context(
        base_url=page.url.split("/staff/")[0], viewport={"width": 390, "height": 844}
    )
    phone.add_init_script(path=str(AXE_SCRIPT))
    invitee = phone.new_page()
    invitee.console_errors = []
    invitee.goto(urlsplit(link).path)
    assert invitee.locator("h1").inner_text() == "The Local Offer website"
    assert_accessible(invitee, "public-coproduction-rsvp-phone")
    follow(invitee, "button", "Send reply")  # nothing chosen: the error summary says what to do
    assert invitee.locator(".govuk-error-summary").get_by_role("link", name="Select whether you can come").count()
    assert_accessible(invitee, "public-coproduction-rsvp-errors")
    invitee.get_by_label("Yes, I will come").check()
    invitee.get_by_label("British Sign Language interpreter").check()
    invitee.get_by_label("Anything else you need to take part (optional)").fill("A seat near the interpreter")
    invitee.get_by_label("Keep what I need for future invitations").check()
    follow(invitee, "button", "Send reply")
    assert "Your reply has been saved" in invitee.locator(".govuk-notification-banner").inner_text()
    assert "You said yes, and you have a place." in invitee.locator("#current-reply").inner_text()
    assert_accessible(invitee, "public-coproduction-rsvp-saved")
    assert_no_sideways_scrolling(invitee, width=390)
    invitation = Invitation.objects.get(participant__full_name="Priya Shah")
    assert invitation.reply == Reply.YES and invitation.arrangements == [Arrangement.BSL]

    # Staff see the reply as totals, and names only on their own page.
    page.reload()
    assert "British Sign Language interpreter: 1" in page.locator("#needs-totals").inner_text()
    follow(page, "link", "See who needs what")
    assert "A seat near the interpreter" in page.locator("table").inner_text()
    assert_accessible(page, "staff-coproduction-access-needs")
    follow(page, "link", "Back to the session")
    follow(page, "link", "See everyone invited and their replies")
    assert_accessible(page, "staff-coproduction-replies")

    # The session moves to the afternoon: the invitee's new calendar file replaces the event.
    page.goto(f"/staff/coproduction/sessions/{session.pk}/")
    follow(page, "button", "Change details")
    page.get_by_label("Start time").fill("14:00")
    page.get_by_label("End time").fill("16:00")
    sent_before = len(mail.outbox)
    follow(page, "button", "Save session")
    assert page.locator(".govuk-error-summary").count() == 0
    update = next(email for email in mail.outbox[sent_before:] if email.to == ["priya@example.com"])
    moved = calendar_in(update)
    assert moved["UID"] == first["UID"]
    assert moved["SEQUENCE"] > first["SEQUENCE"]
    assert moved.decoded("DTSTART").hour == 14
    assert "Time: 2pm to 4pm (UK time)" in update.body
    phone.close()
