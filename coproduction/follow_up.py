"""What comes out of a session, and following it up: agreed outcomes, minutes (approved once and then
e-mailed to those present), actions with their progress and the weekly reminder of overdue ones, and
participants' comments (the feedback app collates them as feedback).

Each function checks who is asking (rules.py), is atomic, and raises ValidationError with a code. The
e-mails go through the outbox, each with a key that makes a second queueing a no-op.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team, User
from accounts.roles import STAFF_ROLES
from common.dates import govuk_date, govuk_datetime
from notifications.services import message_queue

from .models import (
    Action,
    ActionStatus,
    ActionUpdate,
    AgreedOutcome,
    Attendance,
    Minutes,
    Overdue,
    Participant,
    ParticipantRole,
    Session,
    SessionComment,
)
from .services import refuse, register_people

REMINDER_INTERVAL = timedelta(days=7)
SHOWN_ON_SESSION = 100  # outcomes, actions and actions carried over, each; the actions list has the rest
TEXT_MAX = 10_000


def field_error(name: str, message: str, code: str) -> ValidationError:
    return ValidationError({name: ValidationError(message, code=code)})


def required_text(name: str, text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise field_error(name, message, "required")
    if len(text) > TEXT_MAX:
        raise field_error(name, _("Keep this to %(max)s characters or fewer") % {"max": TEXT_MAX}, "too_long")
    return text


def follow_up_check(*, session: Session, user: User, moment: datetime) -> None:
    """Outcomes, minutes and actions are recorded by the session's team (or a manager), once the
    session has started, and never for a cancelled session."""
    if not user.has_perm("coproduction.edit_session", session):
        refuse(_("Only the session's team or a manager can record what the session agreed."))
    if session.is_cancelled:
        refuse(_("This session was cancelled, so nothing was agreed at it."), code="cancelled")
    if not session.has_started_at(moment):
        refuse(_("Outcomes, minutes and actions can be recorded once the session has started."), code="not_started")


def minutes_approved_check(session: Session) -> None:
    if Minutes.objects.filter(session=session, approved_at__isnull=False).exists():
        refuse(_("The minutes are approved and were sent, so the outcomes are as agreed."), code="approved")


# --- Agreed outcomes -------------------------------------------------------------------------------------


@transaction.atomic
def outcome_add(*, session: Session, user: User, text: str, agreed: bool, moment: datetime) -> AgreedOutcome:
    """Record an outcome the group agreed, at the end of the list. Staff confirm that the group agreed
    it; once the minutes are approved the outcomes are kept as they were sent."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    follow_up_check(session=session, user=user, moment=moment)
    minutes_approved_check(session)
    text = required_text("text", text, _("Enter the outcome the group agreed"))
    if not agreed:
        raise field_error("agreed", _("Confirm that the group agreed this outcome"), "not_agreed")
    last = session.outcomes.order_by("-position").values_list("position", flat=True).first()
    return AgreedOutcome.objects.create(
        session=session, text=text, position=0 if last is None else last + 1, recorded_by=user, recorded_at=moment
    )


@transaction.atomic
def outcome_remove(*, outcome: AgreedOutcome, user: User, moment: datetime) -> None:
    """Remove an outcome recorded by mistake, while the minutes are not yet approved."""
    session = Session.objects.select_for_update().get(pk=outcome.session_id)
    follow_up_check(session=session, user=user, moment=moment)
    minutes_approved_check(session)
    AgreedOutcome.objects.filter(pk=outcome.pk).delete()


# --- Participants' comments ------------------------------------------------------------------------------


@transaction.atomic
def comment_add(
    *, session: Session, user: User, text: str, said_by: str, consent_to_quote: bool, moment: datetime
) -> SessionComment:
    """Record something a participant said at the session, with the role of who said it (never their
    name) and whether they agreed to be quoted. Unlike outcomes, comments may be added after the
    minutes are approved: they are what people said, not what the group agreed."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    follow_up_check(session=session, user=user, moment=moment)
    text = required_text("text", text, _("Enter what was said"))
    if said_by not in ParticipantRole.values:
        raise field_error("said_by", _("Select who said it"), "invalid")
    return SessionComment.objects.create(
        session=session,
        text=text,
        said_by=said_by,
        consent_to_quote=bool(consent_to_quote),
        recorded_by=user,
        recorded_at=moment,
    )


# --- Minutes ---------------------------------------------------------------------------------------------


@transaction.atomic
def minutes_save(*, session: Session, user: User, text: str, moment: datetime) -> Minutes:
    """Draft or redraft the minutes; approved minutes were sent, so they are not changed."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    follow_up_check(session=session, user=user, moment=moment)
    text = required_text("text", text, _("Enter the minutes"))
    minutes = Minutes.objects.filter(session=session).first()
    if minutes is None:
        return Minutes.objects.create(session=session, text=text, drafted_by=user, updated_at=moment)
    if minutes.is_approved:
        refuse(_("These minutes are approved and were sent, so they cannot be changed."), code="approved")
    minutes.text, minutes.drafted_by, minutes.updated_at = text, user, moment
    minutes.save(update_fields=["text", "drafted_by", "updated_at"])
    return minutes


def minutes_recipients(session: Session) -> list[str]:
    """Those present on the register who have an e-mail address and agreed to be contacted, once each."""
    people = Participant.objects.contactable().filter(
        email__isnull=False,
        register_entries__session=session,
        register_entries__attendance=Attendance.ATTENDED,
    )
    return sorted({email.strip().lower() for email in people.values_list("email", flat=True) if email})


@transaction.atomic
def minutes_approve(*, session: Session, user: User, moment: datetime) -> Minutes:
    """Approve the minutes, once, and e-mail them with the agreed outcomes to everyone present who may be
    contacted. Approving again changes nothing and sends nothing."""
    session = Session.objects.select_for_update(of=("self",)).select_related("group").get(pk=session.pk)
    follow_up_check(session=session, user=user, moment=moment)
    minutes = Minutes.objects.select_for_update().filter(session=session).first()
    if minutes is None or not minutes.text.strip():
        refuse(_("Write the minutes before approving them."), code="no_minutes")
    if minutes.is_approved:
        return minutes
    minutes.approved_at, minutes.approved_by = moment, user
    minutes.save(update_fields=["approved_at", "approved_by"])
    context = {
        "title": session.title,
        "group": session.group.name if session.group else "",
        "when_text": govuk_datetime(session.starts_at),
        "minutes": minutes.text,
        "outcomes": list(session.outcomes.values_list("text", flat=True)),
        "actions": [
            {"description": action.description, "owner": action.owner_name, "due_text": govuk_date(action.due_on)}
            for action in session.actions.for_list().order_by("due_on", "pk")[:SHOWN_ON_SESSION]
        ],
    }
    for email in minutes_recipients(session):
        message_queue(
            recipient=email,
            template="coproduction/minutes_approved",
            context=context,
            dedupe_key=f"session-minutes:{session.pk}:{email}"[:200],
        )
    return minutes


# --- Actions ---------------------------------------------------------------------------------------------


def action_owners_for(session: Session):
    """Who may own an action from a session: the group's members on the day and anyone on its register."""
    return Participant.objects.filter(
        Q(pk__in=register_people(session).values("pk")) | Q(pk__in=session.register_entries.values("participant_id"))
    )


def action_owner_check(
    *, owner_participant: Participant | None, owner_team: Team | None, session: Session | None, keep: int | None = None
) -> None:
    """Exactly one owner: a team, or a participant from the source session's group or register (or the
    one who owns it already)."""
    if (owner_participant is None) == (owner_team is None):
        raise field_error("owner_participant", _("Select one owner: a participant or a team"), "one_owner")
    if owner_participant is None or owner_participant.pk == keep or session is None:
        return
    if not action_owners_for(session).filter(pk=owner_participant.pk).exists():
        raise field_error(
            "owner_participant", _("Select someone from the group or the register"), "owner_not_at_session"
        )


@transaction.atomic
def action_add(
    *,
    session: Session,
    user: User,
    description: str,
    due_on: date,
    moment: datetime,
    owner_participant: Participant | None = None,
    owner_team: Team | None = None,
) -> Action:
    """Record an action agreed at a session, owned by exactly one participant (of the group or the
    register) or one team. The session's team follows it up."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    follow_up_check(session=session, user=user, moment=moment)
    description = required_text("description", description, _("Enter what is to be done"))
    action_owner_check(owner_participant=owner_participant, owner_team=owner_team, session=session)
    return Action.objects.create(
        description=description,
        owner_participant=owner_participant,
        owner_team=owner_team,
        due_on=due_on,
        team_id=session.team_id,
        source_session=session,
        created_by=user,
        created_at=moment,
        updated_at=moment,
    )


def action_edit_check(*, action: Action, user: User) -> None:
    if not user.has_perm("coproduction.edit_action", action):
        refuse(_("Only the action's team or a manager can update this action."))
    if action.is_finished:
        refuse(_("This action is finished, so it takes no more updates."), code="finished")


@transaction.atomic
def action_change(
    *,
    action: Action,
    user: User,
    description: str,
    due_on: date,
    moment: datetime,
    owner_participant: Participant | None = None,
    owner_team: Team | None = None,
) -> Action:
    """Change what an unfinished action is, who owns it or when it is due. A change counts as an update:
    the weekly reminder waits a week from it."""
    action = Action.objects.select_for_update(of=("self",)).select_related("source_session").get(pk=action.pk)
    action_edit_check(action=action, user=user)
    description = required_text("description", description, _("Enter what is to be done"))
    action_owner_check(
        owner_participant=owner_participant,
        owner_team=owner_team,
        session=action.source_session,
        keep=action.owner_participant_id,
    )
    action.description, action.due_on = description, due_on
    action.owner_participant, action.owner_team = owner_participant, owner_team
    action.updated_at = moment
    action.save(update_fields=["description", "due_on", "owner_participant", "owner_team", "updated_at"])
    return action


@transaction.atomic
def action_update(
    *, action: Action, user: User, text: str, status: str, moment: datetime, drop_reason: str = ""
) -> ActionUpdate:
    """Add a dated progress note, moving the action to ``status``. Dropping needs a reason. A done or
    dropped action is finished: it takes no more updates."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    action_edit_check(action=action, user=user)
    if status not in ActionStatus.values:
        raise field_error("status", _("Select the action's status"), "invalid")
    text = required_text("text", text, _("Enter what has happened"))
    drop_reason = (drop_reason or "").strip()
    if status == ActionStatus.DROPPED and not drop_reason:
        raise field_error("drop_reason", _("Enter why the action is dropped"), "reason_required")
    update = ActionUpdate.objects.create(action=action, text=text, status=status, written_by=user, written_at=moment)
    action.status = status
    action.drop_reason = drop_reason if status == ActionStatus.DROPPED else ""
    action.updated_at = moment
    action.save(update_fields=["status", "drop_reason", "updated_at"])
    return update


# --- The weekly reminder of overdue actions ------------------------------------------------------------


def team_staff_emails(team_id: int, cache: dict[int, list[str]]) -> list[str]:
    if team_id not in cache:
        cache[team_id] = sorted(
            User.objects.filter(teams=team_id, is_active=True, groups__name__in=STAFF_ROLES)
            .values_list("email", flat=True)
            .distinct()
        )
    return cache[team_id]


def overdue_reminders_send(*, moment: datetime) -> int:
    """Remind the owners of overdue actions: a participant by e-mail if they agreed to be contacted, a
    team through its staff. Each action is reminded at most once a week, however often this runs (a
    conditional update of ``last_reminded_at`` claims it), and not within a week of its last update:
    an owner who updated it has answered. Returns the number of actions reminded."""
    today = timezone.localdate(moment)
    week_ago = moment - REMINDER_INTERVAL
    due = (
        Action.objects.overdue_on(today)
        .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=week_ago), updated_at__lte=week_ago)
        .select_related("owner_participant", "owner_team", "source_session")
        .order_by("pk")
    )
    staff_cache: dict[int, list[str]] = {}
    reminded = 0
    for action in due.iterator(chunk_size=500):
        with transaction.atomic():
            claimed = (
                Action.objects.filter(pk=action.pk)
                .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=week_ago))
                .update(last_reminded_at=moment)
            )
            if not claimed:
                continue  # another run reminded it a moment ago
            reminded += 1
            for recipient, url in reminder_recipients(action, staff_cache):
                message_queue(
                    recipient=recipient,
                    template="coproduction/action_overdue",
                    context={
                        "description": action.description,
                        "owner": action.owner_name,
                        "due_text": govuk_date(action.due_on),
                        "session": action.source_session.title if action.source_session else "",
                        "action_url": url,
                    },
                    dedupe_key=f"action-overdue:{action.pk}:{moment:%Y%m%d%H%M}:{recipient}"[:200],
                )
    return reminded


def reminder_recipients(action: Action, staff_cache: dict[int, list[str]]) -> list[tuple[str, str]]:
    """(address, link) for each person to remind: staff get the action's page, a participant their account."""
    person = action.owner_participant
    if person is not None:
        if person.contact_consent and person.email:
            link = settings.SITE_URL + reverse("accounts:account") if person.user_id else ""
            return [(person.email, link)]
        return []
    link = settings.SITE_URL + reverse("coproduction:action", kwargs={"action_pk": action.pk})
    return [(email, link) for email in team_staff_emails(action.owner_team_id, staff_cache)]


# --- Reads for the pages -------------------------------------------------------------------------------


def overdue_marked(actions, today: date) -> list[Action]:
    """The actions, each with ``overdue`` set (derived from its due date and status, never stored)."""
    actions = list(actions)
    for action in actions:
        action.overdue = action.is_overdue_on(today)
    return actions


SESSION_FOLLOW_UP_READ = (
    "outcomes",
    "comments",
    "session_minutes",
    "session_actions",
    "more_session_actions",
    "carried_actions",
    "more_carried_actions",
)


def session_follow_up(session: Session, *, today: date) -> dict:
    """What a session page shows of its follow-up: outcomes, participants' comments, minutes, its own
    actions, and the open actions carried from earlier sessions of the group. Five queries, whatever
    the numbers."""
    own = overdue_marked(session.actions.for_list().order_by("due_on", "pk")[: SHOWN_ON_SESSION + 1], today)
    carried = overdue_marked(
        Action.objects.carried_to(session).for_list().order_by("due_on", "pk")[: SHOWN_ON_SESSION + 1], today
    )
    return {
        "outcomes": list(session.outcomes.all()[:SHOWN_ON_SESSION]),
        "comments": list(session.comments.all()[:SHOWN_ON_SESSION]),
        "session_minutes": Minutes.objects.filter(session=session).first(),
        "session_actions": own[:SHOWN_ON_SESSION],
        "more_session_actions": len(own) > SHOWN_ON_SESSION,
        "carried_actions": carried[:SHOWN_ON_SESSION],
        "more_carried_actions": len(carried) > SHOWN_ON_SESSION,
        "overdue_tag": Overdue.OVERDUE,
    }
