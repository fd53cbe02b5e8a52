"""Calendar files (.ics, RFC 5545) for sessions, made with the icalendar library.

An invitation carries ``METHOD:REQUEST`` with the organiser and the one attendee it is for; a change
of time or place sends the same UID with a higher SEQUENCE, and a cancellation ``METHOD:CANCEL``,
so a calendar updates the event it has instead of adding another. A group's feed is
``METHOD:PUBLISH`` with no attendee and nothing personal in it. Times are written in Europe/London
with its VTIMEZONE, so a session after the October clock change shows at the hour it was planned.
"""

from datetime import datetime
from email.utils import parseaddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Invitation, Reply, Session

LONDON = ZoneInfo("Europe/London")
PRODUCT = "-//SEND Participation Portal//Co-production sessions//EN"
REQUEST, CANCEL, PUBLISH = "REQUEST", "CANCEL", "PUBLISH"
# The MIME type a mail client needs to offer "accept" or to update the event it has.
INVITATION_CONTENT_TYPES = {REQUEST: "text/calendar; method=REQUEST", CANCEL: "text/calendar; method=CANCEL"}
PARTSTAT = {Reply.YES: "ACCEPTED", Reply.MAYBE: "TENTATIVE", Reply.NO: "DECLINED"}


def session_uid(session: Session) -> str:
    """The same for every file about one session, on every portal address this site is known by."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"coproduction-session-{session.pk}@{host}"


def session_location(session: Session) -> str:
    return " ".join(session.venue.split()) or session.online_link


def calendar_new(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def session_event(session: Session, *, moment: datetime, description: str, url: str = "") -> Event:
    event = Event()
    event.add("uid", session_uid(session))
    event.add("sequence", session.calendar_sequence)
    event.add("dtstamp", moment)
    event.add("dtstart", session.starts_at.astimezone(LONDON))
    event.add("dtend", session.ends_at.astimezone(LONDON))
    event.add("summary", session.title)
    event.add("description", description)
    if location := session_location(session):
        event.add("location", location)
    if url:
        event.add("url", url)
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def finished(calendar: Calendar) -> bytes:
    calendar.add_missing_timezones()  # the VTIMEZONE for Europe/London
    return calendar.to_ical()


def description_for(session: Session, *, url: str = "") -> str:
    parts = [session.purpose.strip()]
    if session.venue_access.strip():
        parts.append(f"Getting there and access: {session.venue_access.strip()}")
    if session.online_link:
        parts.append(f"Join online: {session.online_link}")
    if url:
        parts.append(f"Your reply, and the session's details: {url}")
    return "\n\n".join(part for part in parts if part)


def invitation_calendar(*, invitation: Invitation, method: str, rsvp_url: str, moment: datetime) -> bytes:
    """The .ics for one invitee: the session as an event, its organiser (the sender of the portal's
    e-mail, named as the session's team), and the invitee as its one attendee. RSVP is FALSE: replies
    come through the link in DESCRIPTION, which needs no account, not through a calendar's reply."""
    session = invitation.session
    calendar = calendar_new(method)
    event = session_event(session, moment=moment, description=description_for(session, url=rsvp_url), url=rsvp_url)
    organiser = vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    organiser.params["cn"] = vText(session.team.name)
    event.add("organizer", organiser)
    attendee = vCalAddress(f"mailto:{invitation.participant.email}")
    attendee.params["cn"] = vText(invitation.participant.full_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText(PARTSTAT.get(invitation.reply, "NEEDS-ACTION"))
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee)
    calendar.add_component(event)
    return finished(calendar)


def group_feed(*, group_name: str, sessions, moment: datetime) -> bytes:
    """A group's sessions for a calendar to subscribe to: no organiser's or attendee's address, no
    reply link, nothing about anyone; a cancelled session stays in, marked cancelled, so a
    subscribed calendar drops it."""
    calendar = calendar_new(PUBLISH)
    calendar.add("x-wr-calname", group_name)
    calendar.add("x-wr-timezone", "Europe/London")
    for session in sessions:
        calendar.add_component(session_event(session, moment=moment, description=description_for(session)))
    return finished(calendar)
