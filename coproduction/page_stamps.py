"""A session's staff page is drawn once for each state of what it shows, under ``Session.page_stamp``.

The page shows the session and what hangs from it (agenda, invitations and replies, the register,
outcomes, comments, minutes, actions), the names of its group, team and the people in it, and the
open actions carried from the group's earlier sessions. Whatever changes any of those draws the
sessions that show it a new stamp: through the signals below, and, for the few bulk updates that
signals do not see, by calling ``sessions_changed`` beside them.

A change to a session or to what hangs from it stamps that session in the same transaction: the
services hold its row already, so the stamp waits on nobody, and the change and its stamp commit
together. The page reads its session (and so the stamp) before anything else, so a drawing kept under
a stamp was drawn from what was true when the stamp was, and one made while a change was being written
is kept under a stamp nobody reads again.

Other sessions a change shows on (the group's later sessions, for an action or a session's title; every
session naming a person or a team) are stamped just after the commit (``others_changed``). Stamping
them inside the transaction would take their rows while holding one's own, and two such changes, or
a rename and that person's reply, could each wait on the other. For the moment between the commit and
their stamp they show what they showed; if that stamp is lost (the process ends), until the drawing's
ten minutes are up.
"""

import contextvars
from contextlib import contextmanager
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save

from accounts.models import Team

from .models import (
    Action,
    AgendaItem,
    AgreedOutcome,
    Invitation,
    Minutes,
    Participant,
    ParticipationGroup,
    RegisterEntry,
    Session,
    SessionComment,
    new_page_stamp,
)

# Inside sessions_changes_gathered(), the sessions to stamp: one update at the end, not one a row.
gathered: contextvars.ContextVar[list[Q] | None] = contextvars.ContextVar("page_stamps_gathered", default=None)


def sessions_changed(sessions: Q) -> None:
    """Draw a new stamp for the sessions `sessions` matches; one serves them all, as keys name the
    session too."""
    if (pending := gathered.get()) is not None:
        pending.append(sessions)
        return
    Session.objects.filter(sessions).update(page_stamp=new_page_stamp())


def others_changed(sessions: Q) -> None:
    """Stamp these sessions once the change commits, with no row lock held (see above)."""
    transaction.on_commit(partial(sessions_changed, sessions), robust=True)


@contextmanager
def sessions_changes_gathered():
    """Stamp the sessions the writes inside change once, at the end (for a register or invitations
    written a row at a time). Call it inside the writes' transaction."""
    if gathered.get() is not None:  # an outer gathering stamps them
        yield
        return
    pending: list[Q] = []
    token = gathered.set(pending)
    try:
        yield
    finally:
        gathered.reset(token)
        if pending:
            where = Q()
            for sessions in pending:
                where |= sessions
            sessions_changed(where)


# --- Which sessions show what -----------------------------------------------------------------------


def later_in_group(session_ids) -> Q:
    """The sessions of these sessions' groups, to which their open actions are carried."""
    return Q(group__in=Session.objects.filter(pk__in=session_ids).values("group_id"))


def showing_participant(participant: Participant) -> Q:
    owned = Action.objects.filter(owner_participant=participant).values("source_session_id")
    return (
        Q(pk__in=Invitation.objects.filter(participant=participant).values("session_id"))
        | Q(pk__in=RegisterEntry.objects.filter(participant=participant).values("session_id"))
        | Q(pk__in=owned)
        | later_in_group(owned)
    )


# --- What changes a page ----------------------------------------------------------------------------


def session_changing(sender, instance: Session, **kwargs):
    """Its own stamp is drawn by Session.save. The group's later sessions show its title and date
    beside the actions carried from it: those of the group it leaves, and of the one it joins."""
    if instance.pk is None:  # nothing is carried from a session not yet saved
        return
    groups = {instance.group_id, Session.objects.filter(pk=instance.pk).values_list("group_id", flat=True).first()}
    if groups := groups - {None}:
        others_changed(Q(group_id__in=groups))


def session_deleted(sender, instance: Session, **kwargs):
    if instance.group_id:
        others_changed(Q(group_id=instance.group_id))


def part_changed(sender, instance, **kwargs):
    """Agenda, replies, register, outcomes, comments and minutes: their session's page."""
    sessions_changed(Q(pk=instance.session_id))


def action_changed(sender, instance: Action, **kwargs):
    """An action's page rows show its status, owner and dates (a progress update saves the action)."""
    if instance.source_session_id:
        sessions_changed(Q(pk=instance.source_session_id))
        others_changed(later_in_group([instance.source_session_id]))


def participant_changed(sender, instance: Participant, created, update_fields, **kwargs):
    """A participant's name is on the pages of the sessions they were invited to, came to, or own
    actions of (each of which keeps them from being deleted)."""
    if not created and (update_fields is None or "full_name" in update_fields):
        others_changed(showing_participant(instance))


def group_renamed(sender, instance: ParticipationGroup, created, **kwargs):
    if not created:
        others_changed(Q(group=instance))


def team_renamed(sender, instance: Team, created, **kwargs):
    """A team's name is on its sessions and on any action it owns, wherever carried: a rare change,
    so every page is drawn again."""
    if not created:
        others_changed(Q())


def page_stamps_connect() -> None:
    pre_save.connect(session_changing, sender=Session, dispatch_uid="page_stamps.session")
    post_delete.connect(session_deleted, sender=Session, dispatch_uid="page_stamps.session_deleted")
    for model in (AgendaItem, Invitation, RegisterEntry, AgreedOutcome, SessionComment, Minutes):
        uid = f"page_stamps.{model._meta.model_name}"
        post_save.connect(part_changed, sender=model, dispatch_uid=f"{uid}.saved")
        post_delete.connect(part_changed, sender=model, dispatch_uid=f"{uid}.deleted")
    post_save.connect(action_changed, sender=Action, dispatch_uid="page_stamps.action.saved")
    post_delete.connect(action_changed, sender=Action, dispatch_uid="page_stamps.action.deleted")
    post_save.connect(participant_changed, sender=Participant, dispatch_uid="page_stamps.participant.saved")
    post_save.connect(group_renamed, sender=ParticipationGroup, dispatch_uid="page_stamps.group")
    post_save.connect(team_renamed, sender=Team, dispatch_uid="page_stamps.team")
