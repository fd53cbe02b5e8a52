"""What a participant with an account sees of co-production on their account page (found by
accounts.views.account_sections): the upcoming sessions they are invited to with their reply and a
link to change it, their sessions and the actions they own, only their own."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .follow_up import overdue_marked
from .models import Action, Invitation, Overdue, Participant, RegisterEntry, Session
from .services import rsvp_token_for

SHOWN = 20


def sessions_on_register(participant: Participant):
    return RegisterEntry.objects.filter(participant=participant).values("session_id")


# Each source names the sessions a person has a part in, as a query of session ids. Invitations add
# theirs here (the sessions they were invited to), and the page shows them with the rest.
def sessions_invited_to(participant: Participant):
    return Invitation.objects.filter(participant=participant).values("session_id")


SESSION_SOURCES = [sessions_on_register, sessions_invited_to]


def participant_sessions(participant: Participant):
    """The sessions the participant has a part in, from every source, each once."""
    wanted = Q()
    for source in SESSION_SOURCES:
        wanted |= Q(pk__in=source(participant))
    return Session.objects.filter(wanted)


def account_section(user) -> dict | None:
    participant = Participant.objects.filter(user=user).first() if user.is_authenticated else None
    if participant is None:
        return None
    now = timezone.now()
    sessions = list(participant_sessions(participant).select_related("group").order_by("-starts_at", "pk")[:SHOWN])
    for session in sessions:
        session.status = session.status_at(now)
    invitations = list(
        Invitation.objects.filter(participant=participant, session__ends_at__gt=now)
        .select_related("session__group")
        .order_by("session__starts_at", "pk")[:SHOWN]
    )
    for invitation in invitations:
        invitation.session.status = invitation.session.status_at(now)
        if invitation.session.cancelled_at is None:
            invitation.change_url = reverse("coproduction:rsvp", kwargs={"rsvp_token": rsvp_token_for(invitation)})
    actions = Action.objects.filter(owner_participant=participant).select_related("source_session")
    actions = actions.unfinished_first()[:SHOWN]
    return {
        "template": "coproduction/account/_section.html",
        "invitations": invitations,
        "sessions": sessions,
        "actions": overdue_marked(actions, timezone.localdate(now)),
        "shown": SHOWN,
        "overdue_tag": Overdue.OVERDUE,
    }
