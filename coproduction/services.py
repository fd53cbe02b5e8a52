"""Every write about groups, participants and memberships, with its rules.

Each function checks who is asking (rules.py), is atomic, and raises ValidationError with a code,
so a page can say what went wrong and nothing is half-saved.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Team, User
from accounts.roles import team_ids
from common.audit import personal_data_viewed
from common.csv_import import (
    NO,
    YES,
    as_reason,
    bad_rows_refuse,
    choice_from_text,
    csv_rows,
    date_from_text,
    file_problems_refuse,
    import_text,
    template_csv,
)
from common.dates import govuk_time
from common.prepared import PreparedRead
from notifications.services import File, message_queue

from . import calendar
from .models import (
    LIVED_EXPERIENCE_ROLES,
    AgeBand,
    AgendaItem,
    Arrangement,
    Attendance,
    ContactMethod,
    Invitation,
    LadderRung,
    Membership,
    MembershipRole,
    Participant,
    ParticipantRole,
    ParticipationGroup,
    RegisterEntry,
    Reply,
    Session,
)
from .page_stamps import sessions_changed, sessions_changes_gathered

logger = logging.getLogger(__name__)


def refuse(message: str, code: str = "not_permitted"):
    raise ValidationError(message, code=code)


def team_check(*, team: Team | None, user: User) -> None:
    """Staff work for their own teams; managers and administrators for any (or none)."""
    if user.has_perm("accounts.work_across_teams"):
        return
    if team is None:
        raise ValidationError({"team": ValidationError(_("Select the team"), code="required")})
    if team.pk not in team_ids(user):
        raise ValidationError({"team": ValidationError(_("Select one of your teams"), code="not_your_team")})


# --- Groups ------------------------------------------------------------------------------------------


@transaction.atomic
def group_save(*, group: ParticipationGroup, user: User) -> ParticipationGroup:
    """Create or change a group. Only its owning team (or a manager) may; a closed group is kept as
    it was; a team has one group of each name."""
    if group.pk:
        stored = ParticipationGroup.objects.select_for_update().get(pk=group.pk)
        if not user.has_perm("coproduction.edit_group", stored):
            refuse(_("Only the group's team or a manager can change this group."))
        if stored.is_closed:
            refuse(_("This group is closed, so it cannot be changed."), code="closed")
    elif not user.has_perm("coproduction.read_group"):
        refuse(_("Only staff can create groups."))
    team_check(team=group.team if group.team_id else None, user=user)
    group.full_clean(validate_constraints=False)
    same_name = ParticipationGroup.objects.filter(team_id=group.team_id, name__iexact=group.name.strip())
    if same_name.exclude(pk=group.pk).exists():
        raise ValidationError(
            {"name": ValidationError(_("The team already has a group with this name"), code="name_taken")}
        )
    group.name = group.name.strip()
    group.save()
    return group


@transaction.atomic
def group_close(*, group: ParticipationGroup, user: User, moment: datetime) -> ParticipationGroup:
    """Close a group, once: memberships still open end on the closing day; memberships that were to
    start later are removed, since they never began. Closing a closed group changes nothing."""
    group = ParticipationGroup.objects.select_for_update().get(pk=group.pk)
    if not user.has_perm("coproduction.edit_group", group):
        refuse(_("Only the group's team or a manager can close this group."))
    if group.is_closed:
        return group
    today = timezone.localdate(moment)
    group.memberships.filter(starts_on__gt=today).delete()
    group.memberships.open_ended().update(ends_on=today)
    group.memberships.filter(ends_on__gt=today).update(ends_on=today)
    group.closed_at = moment
    group.save(update_fields=["closed_at"])
    return group


# --- Participants --------------------------------------------------------------------------------------


def participant_clean(participant: Participant) -> None:
    """The rules a participant's record keeps, whoever writes it (form or import), as field errors."""
    participant.full_name = participant.full_name.strip()
    participant.email = (participant.email or "").strip().lower() or None
    participant.reference = (participant.reference or "").strip() or None
    errors: dict[str, list[ValidationError]] = {}

    def add(name: str, message: str, code: str) -> None:
        errors.setdefault(name, []).append(ValidationError(message, code=code))

    try:
        participant.full_clean(exclude=["user", "team"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, field_errors in error.error_dict.items():
            errors.setdefault(name, []).extend(field_errors)
    if participant.age_band and participant.role != ParticipantRole.YOUNG_PERSON:
        add("age_band", _("Give an age band only for a young person"), "age_band_not_young_person")
    if participant.access_needs.strip() and not participant.access_needs_consent:
        add(
            "access_needs_consent",
            _("Access needs can only be kept with the person's consent. Record their consent or remove the needs"),
            "access_needs_without_consent",
        )
    if participant.preferred_contact == ContactMethod.EMAIL and not participant.email:
        add("email", _("Enter an email address, or choose another way to contact them"), "email_required")
    if participant.preferred_contact in (ContactMethod.PHONE, ContactMethod.TEXT) and not participant.phone.strip():
        add("phone", _("Enter a phone number, or choose another way to contact them"), "phone_required")
    others = Participant.objects.exclude(pk=participant.pk)
    if participant.email and others.with_email(participant.email).exists():
        add("email", _("Another participant already has this email address"), "email_taken")
    if participant.reference and others.filter(reference__iexact=participant.reference).exists():
        add("reference", _("Another participant already has this reference"), "reference_taken")
    if participant.user_id and others.filter(user_id=participant.user_id).exists():
        add("user", _("This account is already linked to another participant"), "user_taken")
    if errors:
        raise ValidationError(errors)


def consents_date(participant: Participant, *, today: date) -> None:
    """Consent to contact carries its date (today unless given); without consent there is no date."""
    if participant.contact_consent:
        participant.contact_consented_on = participant.contact_consented_on or today
    else:
        participant.contact_consented_on = None
    if not participant.access_needs.strip():
        participant.access_needs = ""
        participant.access_needs_review_on = None


@transaction.atomic
def participant_save(*, participant: Participant, user: User, moment: datetime) -> Participant:
    """Create or change a participant. A new one belongs to one of the user's teams; an existing one
    may be changed by those who may see their details (rules.py)."""
    if participant.pk:
        stored = Participant.objects.select_for_update().get(pk=participant.pk)
        if not user.has_perm("coproduction.edit_participant", stored):
            refuse(_("Only a team that works with this person, or a manager, can change their details."))
        if stored.team_id != participant.team_id:
            team_check(team=participant.team, user=user)
    else:
        if not user.has_perm("coproduction.read_participant"):
            refuse(_("Only staff can add participants."))
        team_check(team=participant.team if participant.team_id else None, user=user)
    consents_date(participant, today=timezone.localdate(moment))
    participant_clean(participant)
    participant.save()
    return participant


def participant_details_view(*, participant: Participant, viewer: User, moment: datetime) -> Participant:
    """A participant's contact details and access needs, for someone who may see them; the viewing is
    recorded (who, when, whom) as an access entry in the audit log. The entry names the participant's
    record, never the details."""
    if not viewer.has_perm("coproduction.view_participant_details", participant):
        refuse(_("Only a team that works with this person, or a manager, can see their details."))
    personal_data_viewed(
        record=participant,
        viewer=viewer,
        moment=moment,
        described_as=f"Personal details of participant {participant.pk}",
        participant=participant.pk,
    )
    return participant


# --- Memberships ---------------------------------------------------------------------------------------


@transaction.atomic
def membership_add(
    *, group: ParticipationGroup, participant: Participant, role: str, starts_on: date, user: User
) -> Membership:
    """Add a participant to a group from a day, with a role. The group's team adds people whose details
    it may see; a person is in a group once at a time; a closed group takes no one."""
    group = ParticipationGroup.objects.select_for_update().get(pk=group.pk)
    if not user.has_perm("coproduction.edit_group", group):
        refuse(_("Only the group's team or a manager can add members."))
    if group.is_closed:
        refuse(_("This group is closed, so no one can join it."), code="closed")
    if not user.has_perm("coproduction.edit_participant", participant):
        refuse(_("You can add only people your team works with. Ask a manager to add this person."))
    if role not in MembershipRole.values:
        raise ValidationError({"role": ValidationError(_("Select the role in the group"), code="invalid")})
    earlier = group.memberships.filter(participant=participant)
    if earlier.open_ended().exists() or earlier.filter(ends_on__gte=starts_on).exists():
        raise ValidationError(
            {
                "participant": ValidationError(
                    _("%(name)s is already a member of this group on that day") % {"name": participant.full_name},
                    code="already_member",
                )
            }
        )
    return Membership.objects.create(group=group, participant=participant, role=role, starts_on=starts_on)


@transaction.atomic
def membership_end(*, membership: Membership, ends_on: date, user: User) -> Membership:
    """End a membership on a day (the last day as a member), once, and not before it began."""
    membership = Membership.objects.select_for_update(of=("self",)).select_related("group").get(pk=membership.pk)
    if not user.has_perm("coproduction.edit_group", membership.group):
        refuse(_("Only the group's team or a manager can end a membership."))
    if membership.ends_on is not None:
        refuse(_("This membership has already ended."), code="already_ended")
    if ends_on < membership.starts_on:
        raise ValidationError(
            {"ends_on": ValidationError(_("The last day must be on or after the day they joined"), code="before_start")}
        )
    membership.ends_on = ends_on
    membership.save(update_fields=["ends_on"])
    return membership


# --- Importing participants from CSV ------------------------------------------------------------------

# The template's columns, in order, with what each takes. full_name and role are required; every row
# needs an email address or a reference, the key that makes a second import update the same person.
IMPORT_COLUMNS: list[tuple[str, str]] = [
    ("full_name", gettext_lazy("Required. The person's full name.")),
    (
        "role",
        gettext_lazy("Required. One of: parent carer, young person, professional, partner organisation, councillor."),
    ),
    ("email", gettext_lazy("Their email address. Matches an earlier import when there is no reference.")),
    ("reference", gettext_lazy("Optional. Your own identifier for the person; when given, rows are matched by it.")),
    ("phone", gettext_lazy("Optional. Their phone number.")),
    ("organisation", gettext_lazy("Optional. The organisation they belong to or speak for.")),
    ("preferred_contact", gettext_lazy("Optional. email (the default), phone or text.")),
    ("age_band", gettext_lazy("Young people only. One of: under 11, 11 to 15, 16 to 17, 18 to 25.")),
    ("access_needs", gettext_lazy("Optional. Access and communication needs, kept only with consent.")),
    ("access_needs_consent", gettext_lazy("yes if they agreed that we keep their access needs; otherwise no.")),
    ("access_needs_review_on", gettext_lazy("Optional. When to review their access needs, as 2026-03-31.")),
    ("contact_consent", gettext_lazy("yes if they agreed to be contacted; otherwise no.")),
    ("contact_consented_on", gettext_lazy("Optional. The date they agreed, as 2026-03-31 (the import day if empty).")),
    ("group_role", gettext_lazy("Optional, when importing into a group: member (the default), chair or co-chair.")),
]
IMPORT_COLUMN_NAMES = [name for name, _help in IMPORT_COLUMNS]
IMPORT_EXAMPLE_ROWS = [
    [
        "Alex Morgan",
        "parent carer",
        "alex.morgan@example.com",
        "",
        "07700 900123",
        "",
        "email",
        "",
        "",
        "no",
        "",
        "yes",
        "",
        "member",
    ],  # fmt: skip
    [
        "Jordan Lee",
        "young person",
        "",
        "YF-014",
        "07700 900456",
        "",
        "text",
        "16 to 17",
        "Prefers written agendas",
        "yes",
        "2026-09-30",
        "yes",
        "",
        "co-chair",
    ],  # fmt: skip
]
IMPORT_MAX_BYTES = 2 * 1024 * 1024
IMPORT_MAX_ROWS = 5000


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    joined: int = 0
    rows: int = 0


@dataclass
class ImportRow:
    line: int
    participant: Participant
    group_role: str
    problems: list[str] = field(default_factory=list)


def import_row_read(values: dict[str, str], *, line: int, team: Team | None, today: date) -> ImportRow:
    """One row as a participant (found by its key, or new) with every problem it has, in words."""
    problems: list[str] = []
    email = values.get("email", "").strip().lower()
    reference = values.get("reference", "").strip()
    if reference:
        found = Participant.objects.filter(reference__iexact=reference).first()
    elif email:
        found = Participant.objects.with_email(email).first()
    else:
        found = None
        problems.append(_("give an email address or a reference, so a second import updates the same person"))
    participant = found or Participant(team=team)
    participant.full_name = values.get("full_name", "")
    participant.organisation = values.get("organisation", "").strip()
    participant.email = email or None
    participant.reference = reference or (participant.reference if found else None)
    participant.phone = values.get("phone", "").strip()
    participant.access_needs = values.get("access_needs", "").strip()
    if (role := choice_from_text(values.get("role", ""), ParticipantRole)) is None:
        problems.append(
            _("the role must be parent carer, young person, professional, partner organisation or councillor")
        )
    else:
        participant.role = role
    contact = values.get("preferred_contact", "").strip()
    if (method := choice_from_text(contact, ContactMethod) if contact else ContactMethod.EMAIL) is None:
        problems.append(_("the preferred contact must be email, phone or text"))
    else:
        participant.preferred_contact = method
    band = values.get("age_band", "").strip()
    if band and (age_band := choice_from_text(band, AgeBand)) is None:
        problems.append(_("the age band must be under 11, 11 to 15, 16 to 17 or 18 to 25"))
    else:
        participant.age_band = age_band if band else ""
    for name in ("access_needs_consent", "contact_consent"):
        answer = values.get(name, "").strip().lower()
        if answer not in YES | NO:
            problems.append(_("%(column)s must be yes or no") % {"column": name})
        setattr(participant, name, answer in YES)
    for name in ("access_needs_review_on", "contact_consented_on"):
        text = values.get(name, "").strip()
        try:
            setattr(participant, name, date_from_text(text) if text else None)
        except ValueError:
            problems.append(_("%(column)s must be a date like 2026-03-31") % {"column": name})
            setattr(participant, name, None)
    group_role = choice_from_text(values.get("group_role", "") or MembershipRole.MEMBER, MembershipRole)
    if group_role is None:
        problems.append(_("the group role must be member, chair or co-chair"))
    if not problems:
        consents_date(participant, today=today)
        try:
            participant_clean(participant)
        except ValidationError as error:
            problems.extend(as_reason(message) for message in error.messages)
    return ImportRow(line=line, participant=participant, group_role=group_role or "", problems=problems)


@transaction.atomic
def participants_import(
    *, data: bytes, team: Team | None, user: User, moment: datetime, group: ParticipationGroup | None = None
) -> ImportResult:
    """Create or update a participant for each row of a CSV file (columns: IMPORT_COLUMNS), and add each
    to ``group`` if given.

    A row is matched to an earlier one by its reference when it has one, else by its email address
    (ignoring case), so importing the same file twice updates and never duplicates. A file with any
    bad row is refused whole (code ``bad_rows``), each bad row named by its line number (the header is
    line 1) and reason; nothing of it is saved. A matched person the user may not change is a bad row.
    """
    if group is not None:
        group = ParticipationGroup.objects.select_for_update().get(pk=group.pk)
        if not user.has_perm("coproduction.edit_group", group):
            refuse(_("Only the group's team or a manager can add members."))
        if group.is_closed:
            refuse(_("This group is closed, so no one can join it."), code="closed")
        team = team or group.team
    if not user.has_perm("coproduction.read_participant"):
        refuse(_("Only staff can import participants."))
    team_check(team=team, user=user)
    if len(data) > IMPORT_MAX_BYTES:
        refuse(_("The file is larger than 2 MB. Split it and import each part."), code="too_big")
    header_problems, raw_rows = csv_rows(
        import_text(data), column_names=IMPORT_COLUMN_NAMES, required=("full_name", "role"), max_rows=IMPORT_MAX_ROWS
    )
    file_problems_refuse(header_problems)
    today = timezone.localdate(moment)
    rows = [import_row_read(values, line=line, team=team, today=today) for line, values in raw_rows]
    seen: dict[str, int] = {}
    for row in rows:
        person = row.participant
        if person.pk and not user.has_perm("coproduction.edit_participant", person):
            row.problems.append(_("this person is already recorded by another team; ask a manager to add them"))
        keys = [f"r:{person.reference.lower()}" if person.reference else "", f"e:{person.email or ''}"]
        for key in (key for key in keys if key not in ("", "e:")):
            if key in seen:
                row.problems.append(_("repeats a person already on line %(line)s") % {"line": seen[key]})
                break
            seen[key] = row.line
    bad_rows_refuse([(row.line, row.problems) for row in rows if row.problems])
    result = ImportResult(rows=len(rows))
    for row in rows:
        person = row.participant
        if person.pk:
            result.updated += 1
        else:
            result.created += 1
        person.save()
        if group is not None and not group.memberships.current_on(today).filter(participant=person).exists():
            if not group.memberships.filter(participant=person).open_ended().exists():
                Membership.objects.create(group=group, participant=person, role=row.group_role, starts_on=today)
                result.joined += 1
    return result


def import_template_csv() -> str:
    """The template: the column names, then two example rows to replace."""
    return template_csv(IMPORT_COLUMN_NAMES, IMPORT_EXAMPLE_ROWS)


# --- Sessions ------------------------------------------------------------------------------------------


def session_edit_check(*, session: Session, user: User) -> None:
    if not user.has_perm("coproduction.edit_session", session):
        refuse(_("Only the session's team or a manager can change this session."))
    if session.is_cancelled:
        refuse(_("This session was cancelled, so it cannot be changed."), code="cancelled")


@dataclass(frozen=True)
class Share:
    """Who was in the room: the count and share of parent carers and young people present.

    Exact counts are for staff pages only; public or report views must suppress counts from 1 to 4.
    """

    present: int
    lived_experience: int
    rung: str

    @property
    def proportion(self) -> Fraction | None:
        return Fraction(self.lived_experience, self.present) if self.present else None

    @property
    def percent(self) -> int | None:
        return round(self.proportion * 100) if self.proportion is not None else None

    @property
    def too_few(self) -> bool:
        return self.rung == LadderRung.COPRODUCTION and self.present > 0 and self.lived_experience < 2

    @property
    def below_meaningful(self) -> bool:
        meaningful = Fraction(settings.COPRODUCTION_MEANINGFUL_SHARE).limit_denominator(1000)
        return self.rung == LadderRung.COPRODUCTION and self.present > 0 and self.proportion < meaningful

    @property
    def warned(self) -> bool:
        return self.too_few or self.below_meaningful

    @property
    def meaningful_percent(self) -> int:
        return round(settings.COPRODUCTION_MEANINGFUL_SHARE * 100)


def share_of(*, entries, rung: str) -> Share:
    """The share from register entries already in memory (so a page with 200 on the register asks
    the database nothing more)."""
    present = [entry for entry in entries if entry.attendance == Attendance.ATTENDED]
    lived = sum(1 for entry in present if entry.role in LIVED_EXPERIENCE_ROLES)
    return Share(present=len(present), lived_experience=lived, rung=rung)


def share_for(session: Session) -> Share:
    """The share counted by the database, in one query whatever the size of the register."""
    present = session.register_entries.filter(attendance=Attendance.ATTENDED)
    counts = present.aggregate(
        present=Count("pk"), lived_experience=Count("pk", filter=Q(role__in=LIVED_EXPERIENCE_ROLES))
    )
    return Share(present=counts["present"], lived_experience=counts["lived_experience"], rung=session.rung)


def coproduction_check(*, session: Session, rung: str) -> None:
    """A session none of whose attendees were parent carers or young people is not co-production."""
    if rung != LadderRung.COPRODUCTION:
        return
    share = share_of(entries=list(session.register_entries.all()) if session.pk else [], rung=rung)
    if share.present and not share.lived_experience:
        raise ValidationError(
            {
                "rung": ValidationError(
                    _(
                        "No parent carer or young person attended, so this cannot be recorded as "
                        "co-production. Choose participation instead"
                    ),
                    code="coproduction_without_lived_experience",
                )
            }
        )


@transaction.atomic
def session_save(*, session: Session, user: User) -> Session:
    """Plan a session or change one. Its team's staff (or a manager) may; a cancelled session is kept
    as it was; the end comes after the start; it has a venue or an online link (or both); a session
    whose register has no parent carer or young person present cannot be co-production."""
    stored = None
    if session.pk:
        stored = Session.objects.select_for_update().get(pk=session.pk)
        session_edit_check(session=stored, user=user)
    elif not user.has_perm("coproduction.read_session"):
        refuse(_("Only staff can plan sessions."))
    team_check(team=session.team if session.team_id else None, user=user)
    session.title = session.title.strip()
    session.venue = session.venue.strip()
    session.online_link = session.online_link.strip()
    session.arrangements = sorted(set(session.arrangements or []))
    session.full_clean(validate_constraints=False, exclude=["team", "arrangements"])
    errors: dict[str, list[ValidationError]] = {}
    if session.ends_at <= session.starts_at:
        errors["ends_at"] = [ValidationError(_("The end must be after the start"), code="ends_before_start")]
    if not session.venue and not session.online_link:
        errors["venue"] = [ValidationError(_("Enter a venue or an online link"), code="no_venue_or_link")]
    if (
        session.group_id
        and session.group.team_id != session.team_id
        and not user.has_perm("accounts.work_across_teams")
    ):
        errors["group"] = [ValidationError(_("Select one of your team's groups"), code="not_your_group")]
    if any(value not in Arrangement.values for value in session.arrangements):
        errors["arrangements"] = [ValidationError(_("Select arrangements from the list"), code="invalid")]
    if errors:
        raise ValidationError(errors)
    coproduction_check(session=session, rung=session.rung)
    if stored is not None:
        session.calendar_sequence = stored.calendar_sequence
    session.save()
    if stored is not None:
        session_changes_tell(stored=stored, session=session, moment=timezone.now())
    return session


@transaction.atomic
def session_cancel(*, session: Session, user: User, reason: str, moment: datetime) -> Session:
    """Cancel a session, with a reason, once. Cancelling a cancelled session changes nothing."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if not user.has_perm("coproduction.edit_session", session):
        refuse(_("Only the session's team or a manager can cancel this session."))
    if session.is_cancelled:
        return session
    if not reason.strip():
        raise ValidationError({"reason": ValidationError(_("Enter why the session is cancelled"), code="required")})
    if moment >= session.ends_at:
        refuse(_("This session has already taken place, so it cannot be cancelled."), code="past")
    session.cancelled_at = moment
    session.cancel_reason = reason.strip()
    session.calendar_sequence += 1
    session.save(update_fields=["cancelled_at", "cancel_reason", "calendar_sequence"])
    invitees_tell(session=session, template="coproduction/invitation_cancelled", method=calendar.CANCEL, moment=moment)
    return session


# --- Agenda --------------------------------------------------------------------------------------------


@transaction.atomic
def agenda_item_save(*, item: AgendaItem, user: User) -> AgendaItem:
    """Add an item (at the end) or change one."""
    session = Session.objects.select_for_update().get(pk=item.session_id)
    session_edit_check(session=session, user=user)
    item.title = item.title.strip()
    item.lead = item.lead.strip()
    item.full_clean(exclude=["session", "position"])
    if not item.pk:
        last = session.agenda_items.order_by("-position").values_list("position", flat=True).first()
        item.position = 0 if last is None else last + 1
    item.save()
    return item


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, user: User, up: bool) -> AgendaItem:
    """Swap an item with the one before (or after) it; the first item moved up stays first."""
    session = Session.objects.select_for_update().get(pk=item.session_id)
    session_edit_check(session=session, user=user)
    items = list(session.agenda_items.all())
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if up else index + 1
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items):
        if other.position != position:
            other.position = position
            other.save(update_fields=["position"])
    return next(other for other in items if other.pk == item.pk)


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem, user: User) -> None:
    session = Session.objects.select_for_update().get(pk=item.session_id)
    session_edit_check(session=session, user=user)
    item.delete()


# --- The register --------------------------------------------------------------------------------------


def held_session_check(
    *, session: Session, user: User, moment: datetime, not_permitted: str, cancelled: str, not_started: str
) -> None:
    """Work recorded about what happened at a session (its register, what people were paid): by its team
    or a manager, for a session not cancelled that has started; each refusal in the caller's words."""
    if not user.has_perm("coproduction.edit_session", session):
        refuse(not_permitted)
    if session.is_cancelled:
        refuse(cancelled, code="cancelled")
    if not session.has_started_at(moment):
        refuse(not_started, code="not_started")


def register_check(*, session: Session, user: User, moment: datetime) -> None:
    held_session_check(
        session=session,
        user=user,
        moment=moment,
        not_permitted=_("Only the session's team or a manager can take this register."),
        cancelled=_("This session was cancelled, so it has no register."),
        not_started=_("The register can be taken once the session has started."),
    )


def register_people(session: Session):
    """Who the register lists: the group's members on the day of the session."""
    if not session.group_id:
        return Participant.objects.none()
    day = timezone.localdate(session.starts_at)
    return Participant.objects.filter(
        pk__in=Membership.objects.filter(group_id=session.group_id).current_on(day).values("participant_id")
    )


@dataclass(frozen=True)
class Mark:
    attendance: str
    role: str


@transaction.atomic
def register_record(
    *, session: Session, user: User, marks: dict[int, Mark], moment: datetime, rung: str | None = None
) -> Session:
    """Record the register for a whole list of people at once; recording the same marks twice changes
    nothing. Each person is a member of the session's group on the day or a walk-in already added.
    ``rung`` lets the same form record the session as participation where no parent carer or young
    person came (co-production is refused then, saying why)."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    register_check(session=session, user=user, moment=moment)
    existing = {entry.participant_id: entry for entry in session.register_entries.all()}
    allowed = set(register_people(session).values_list("pk", flat=True)) | set(existing)
    unknown = set(marks) - allowed
    if unknown:
        refuse(_("Someone on this register is not a member of the group or a walk-in."), code="not_on_register")
    with sessions_changes_gathered():
        register_marks_write(session=session, existing=existing, marks=marks, moment=moment)
        rung = rung or session.rung
        if rung not in LadderRung.values:
            raise ValidationError({"rung": ValidationError(_("Select a ladder rung"), code="invalid")})
        coproduction_check(session=session, rung=rung)
        if rung != session.rung:
            session.rung = rung
            session.save(update_fields=["rung"])
    return session


def register_marks_write(*, session: Session, existing: dict, marks: dict[int, Mark], moment: datetime) -> None:
    for participant_id, mark in marks.items():
        if mark.attendance not in Attendance.values or mark.role not in ParticipantRole.values:
            refuse(_("Select attendance and a role for everyone on the register."), code="invalid")
        entry = existing.get(participant_id)
        if entry and entry.walk_in and mark.attendance != Attendance.ATTENDED:
            refuse(_("A walk-in came to the session, so they are marked as attended."), code="walk_in_attended")
        if entry is None:
            existing[participant_id] = RegisterEntry.objects.create(
                session=session, participant_id=participant_id, recorded_at=moment, **vars(mark)
            )
        elif (entry.attendance, entry.role) != (mark.attendance, mark.role):
            entry.attendance, entry.role, entry.recorded_at = mark.attendance, mark.role, moment
            entry.save(update_fields=["attendance", "role", "recorded_at"])


@transaction.atomic
def walk_in_add(
    *, session: Session, user: User, participant: Participant, role: str, moment: datetime
) -> RegisterEntry:
    """Add someone who came without being invited, as attended, with the role they held on the day."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    register_check(session=session, user=user, moment=moment)
    if role not in ParticipantRole.values:
        raise ValidationError({"role": ValidationError(_("Select the role they held on the day"), code="invalid")})
    if session.register_entries.filter(participant=participant).exists():
        raise ValidationError(
            {"participant": ValidationError(_("This person is already on the register"), code="already_on_register")}
        )
    return RegisterEntry.objects.create(
        session=session,
        participant=participant,
        attendance=Attendance.ATTENDED,
        role=role,
        walk_in=True,
        recorded_at=moment,
    )


# --- Invitations, replies and reminders ---------------------------------------------------------------
# A session's invitees get an e-mail with the session's details, a link to reply (no account needed)
# and a calendar file. A change of time or place, and a cancellation, are sent to them with the same
# calendar UID and a higher SEQUENCE (calendar.py). Each e-mail is an outbox row with a dedupe key, so
# no job or double click sends one twice.

RSVP_SALT = "coproduction.rsvp"
# A reply link stops working this long after it was sent (and whenever its session has started).
RSVP_LINK_MAX_AGE = timedelta(days=400)
INVITE_MAX = 500  # people invited in one go; a bigger group is invited in parts
REMINDER_BATCH = 1000
# What makes invitees' calendars out of date: a change to any of these sends them an update.
TIME_AND_PLACE = ("starts_at", "ends_at", "venue", "venue_access", "online_link")


def rsvp_token_for(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=RSVP_SALT)


def rsvp_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("coproduction:rsvp", kwargs={"rsvp_token": rsvp_token_for(invitation)})


def invitation_for_token(token: str, *, with_session: bool = True) -> Invitation:
    """The invitation a reply link names, with its participant (and its session, unless the caller
    has it already); ValidationError "expired" for an old link, "bad_link" for one that was changed,
    cut short or never made."""
    try:
        pk = signing.loads(token, salt=RSVP_SALT, max_age=RSVP_LINK_MAX_AGE)
    except signing.SignatureExpired:
        refuse(_("This link has expired."), code="expired")
    except signing.BadSignature:
        refuse(_("This link does not work."), code="bad_link")
    read = invitation_with_session_read if with_session else invitation_read
    invitation = read.one(pk) if isinstance(pk, int) and not isinstance(pk, bool) else None
    if invitation is None:
        refuse(_("This link does not work."), code="bad_link")
    return invitation


# Every reply page reads its invitation: the reads' SQL is built once (common.prepared).
invitation_read = PreparedRead(lambda pk: Invitation.objects.select_related("participant").filter(pk=pk))
invitation_with_session_read = PreparedRead(
    lambda pk: Invitation.objects.select_related("session", "participant").filter(pk=pk)
)


def reply_page_reading(session_pk: int, moment: datetime) -> tuple[dict, datetime]:
    """What a reply page shows of a session, the same for everyone invited: the session, and whether
    its places are all taken; right until the session starts, when replies close."""
    session = Session.objects.get(pk=session_pk)
    return {"session": session, "full": session.invitations.are_full(session.capacity)}, session.starts_at


def session_details(session: Session) -> dict:
    """What every e-mail about a session says of it, in words, in UK time."""
    starts = timezone.localtime(session.starts_at)
    return {
        "title": session.title,
        "day": date_format(starts.date(), "l j F Y"),
        "time": _("%(start)s to %(end)s")
        % {"start": govuk_time(session.starts_at), "end": govuk_time(session.ends_at)},
        "venue": session.venue,
        "venue_access": session.venue_access,
        "online_link": session.online_link,
        "arrangements": ", ".join(str(label) for label in session.arrangement_labels),
        "team": session.team.name,
    }


def invitation_email_queue(*, invitation: Invitation, template: str, method: str, moment: datetime) -> None:
    """One e-mail about a session to one invitee, with their calendar file, once per SEQUENCE."""
    session = invitation.session
    link = rsvp_url(invitation)
    calendar_file = calendar.invitation_calendar(invitation=invitation, method=method, rsvp_url=link, moment=moment)
    message_queue(
        recipient=invitation.participant.email,
        template=template,
        context=session_details(session)
        | {"name": invitation.participant.full_name, "rsvp_url": link, "cancel_reason": session.cancel_reason},
        dedupe_key=f"coproduction-invitation:{invitation.pk}:{session.calendar_sequence}",
        files=[File("session.ics", calendar_file, calendar.INVITATION_CONTENT_TYPES[method])],
    )


def reachable(participant: Participant) -> bool:
    return bool(participant.contact_consent and participant.email)


@dataclass
class Invited:
    invited: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def invitation_send_check(*, session: Session, user: User, moment: datetime) -> None:
    if not user.has_perm("coproduction.edit_session", session):
        refuse(_("Only the session's team or a manager can invite people to this session."))
    if session.is_cancelled:
        refuse(_("This session was cancelled, so no one can be invited."), code="cancelled")
    if moment >= session.ends_at:
        refuse(_("This session has taken place, so no one can be invited."), code="past")


@transaction.atomic
def invitations_send(*, session: Session, participants, user: User, moment: datetime) -> Invited:
    """Invite people to a session by e-mail, each once: those already invited, those who have not
    agreed to be contacted and those without an e-mail address are skipped, each with the reason."""
    session = Session.objects.select_for_update(of=("self",)).select_related("team", "group").get(pk=session.pk)
    invitation_send_check(session=session, user=user, moment=moment)
    people = list(participants.order_by("full_name", "pk")[: INVITE_MAX + 1])
    if len(people) > INVITE_MAX:
        refuse(_("Invite at most %(count)s people at a time.") % {"count": INVITE_MAX}, code="too_many")
    already = set(session.invitations.filter(participant__in=people).values_list("participant_id", flat=True))
    with sessions_changes_gathered():
        return invitations_write(session=session, people=people, already=already, moment=moment)


def invitations_write(*, session: Session, people: list[Participant], already: set[int], moment: datetime) -> Invited:
    result = Invited()
    for person in people:
        if person.pk in already:
            result.skipped.append((person.full_name, _("was invited already")))
        elif not person.contact_consent:
            result.skipped.append((person.full_name, _("has not agreed to be contacted")))
        elif not person.email:
            result.skipped.append((person.full_name, _("has no email address")))
        else:
            invitation = Invitation.objects.create(session=session, participant=person, invited_at=moment)
            invitation_email_queue(
                invitation=invitation, template="coproduction/invitation", method=calendar.REQUEST, moment=moment
            )
            result.invited.append(person.full_name)
    return result


def invitees_tell(*, session: Session, template: str, method: str, moment: datetime) -> int:
    """Send every invitee who may still be contacted the session's new calendar file (the SEQUENCE
    raised by the caller); returns how many e-mails were queued."""
    sent = 0
    for invitation in session.invitations.select_related("participant").order_by("pk").iterator():
        if reachable(invitation.participant):
            invitation.session = session
            invitation_email_queue(invitation=invitation, template=template, method=method, moment=moment)
            sent += 1
    return sent


def session_changes_tell(*, stored: Session, session: Session, moment: datetime) -> None:
    """After a session was saved: a change of time or place goes to its invitees as an update, and a
    larger capacity gives places to those waiting. Correcting a session that has taken place tells
    no one."""
    if max(stored.ends_at, session.ends_at) <= moment or not session.invitations.exists():
        return
    if any(getattr(stored, name) != getattr(session, name) for name in TIME_AND_PLACE):
        session.calendar_sequence = stored.calendar_sequence + 1
        session.save(update_fields=["calendar_sequence"])
        invitees_tell(
            session=session, template="coproduction/invitation_changed", method=calendar.REQUEST, moment=moment
        )
    places_fill(session=session, moment=moment)


def places_fill(*, session: Session, moment: datetime) -> list[Invitation]:
    """Give free places to those waiting longest, and tell each by e-mail. The caller holds the
    session's row lock, so two replies never give away one place twice. Once the session has
    started, no place is given."""
    if moment >= session.starts_at:
        return []
    if session.capacity is None:
        free = None
    else:
        free = session.capacity - session.invitations.holding_places().count()
        if free <= 0:
            return []
    given = list(session.invitations.waiting().select_related("participant")[:free])
    for invitation in given:
        invitation.waiting_since = None
        invitation.save(update_fields=["waiting_since"])
        if reachable(invitation.participant):
            message_queue(
                recipient=invitation.participant.email,
                template="coproduction/place_offered",
                context=session_details(session)
                | {"name": invitation.participant.full_name, "rsvp_url": rsvp_url(invitation)},
            )
    return given


def reply_check(*, session: Session, moment: datetime) -> None:
    if session.is_cancelled:
        refuse(_("This session has been cancelled."), code="cancelled")
    if moment >= session.starts_at:
        refuse(_("This session has started, so replies are closed."), code="started")


@transaction.atomic
def invitation_reply(
    *,
    invitation: Invitation,
    reply: str,
    arrangements: list[str],
    access_needs: str,
    keep_needs: bool,
    moment: datetime,
) -> Invitation:
    """Record an invitee's reply (it may be changed until the session starts).

    A yes to a full session joins the waiting list; a place given up goes to the person waiting
    longest. What they need is kept on the invitation for this session; it is kept on their record
    for later invitations only with their consent, and ticking consent off forgets what was kept.
    """
    session = Session.objects.select_for_update(of=("self",)).select_related("team").get(pk=invitation.session_id)
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related("participant").get(pk=invitation.pk)
    reply_check(session=session, moment=moment)
    if reply not in Reply.values:
        raise ValidationError({"reply": ValidationError(_("Select whether you can come"), code="required")})
    offered = set(session.arrangements)
    if any(value not in offered for value in arrangements):
        raise ValidationError({"arrangements": ValidationError(_("Select from the list"), code="invalid")})
    access_needs = access_needs.strip()
    was_holding = invitation.holds_place
    invitation.reply, invitation.replied_at = reply, moment
    invitation.arrangements, invitation.access_needs = sorted(set(arrangements)), access_needs
    if reply != Reply.YES:
        invitation.waiting_since = None
    elif not was_holding and invitation.waiting_since is None:
        taken = session.invitations.holding_places().exclude(pk=invitation.pk).count()
        if session.capacity is not None and taken >= session.capacity:
            invitation.waiting_since = moment
    invitation.save()
    participant_needs_keep(participant=invitation.participant, access_needs=access_needs, keep=keep_needs)
    if was_holding and not invitation.holds_place:
        places_fill(session=session, moment=moment)
    return invitation


def participant_needs_keep(*, participant: Participant, access_needs: str, keep: bool) -> None:
    if keep:
        participant.access_needs, participant.access_needs_consent = access_needs, True
    elif participant.access_needs_consent or participant.access_needs:
        participant.access_needs, participant.access_needs_consent = "", False
        participant.access_needs_review_on = None
    else:
        return
    participant.save(update_fields=["access_needs", "access_needs_consent", "access_needs_review_on", "updated_at"])


@dataclass(frozen=True)
class Replies:
    """A session's replies as counts, and what those coming need as totals (names are elsewhere)."""

    invited: int
    yes: int
    maybe: int
    no: int
    waiting: int
    needs: list[tuple[str, int]]
    other_needs: int

    @property
    def no_reply(self) -> int:
        return self.invited - self.yes - self.maybe - self.no - self.waiting


def replies_for(session: Session) -> Replies:
    """The counts, and what those coming or maybe coming need as totals, in one query counted in the
    database, whatever the number invited."""
    coming = Q(reply=Reply.YES, waiting_since__isnull=True) | Q(reply=Reply.MAYBE)
    # Each arrangement is a fixed word, stored quoted in the JSON list, so finding it quoted in the
    # list's text finds exactly that arrangement, on every database.
    needing = {
        value: Count("pk", filter=coming & Q(arrangements_text__contains=f'"{value}"')) for value in Arrangement.values
    }
    counts = (
        session.invitations.annotate(arrangements_text=Cast("arrangements", models.TextField()))
        .order_by()
        .aggregate(
            invited=Count("pk"),
            yes=Count("pk", filter=Q(reply=Reply.YES, waiting_since__isnull=True)),
            maybe=Count("pk", filter=Q(reply=Reply.MAYBE)),
            no=Count("pk", filter=Q(reply=Reply.NO)),
            waiting=Count("pk", filter=Q(reply=Reply.YES, waiting_since__isnull=False)),
            other_needs=Count("pk", filter=coming & ~Q(access_needs="")),
            **{f"need_{value}": count for value, count in needing.items()},
        )
    )
    needs = [(Arrangement(value).label, counts.pop(f"need_{value}")) for value in Arrangement.values]
    return Replies(**counts, needs=[(label, total) for label, total in needs if total])


def invitees_needs_view(*, session: Session, viewer: User, moment: datetime):
    """Who needs what to take part, by name, for those who run the session; the viewing is logged."""
    if not viewer.has_perm("coproduction.edit_session", session):
        refuse(_("Only the session's team or a manager can see who needs what."))
    personal_data_viewed(
        record=session,
        viewer=viewer,
        moment=moment,
        described_as=f"Access needs of the invitees of session {session.pk}",
        session=session.pk,
    )
    return (
        session.invitations.coming_or_maybe()
        .filter(~Q(arrangements=[]) | ~Q(access_needs=""))
        .select_related("participant")
        .order_by("participant__full_name", "pk")
    )


@transaction.atomic
def invitation_remind(*, invitation_id: int, moment: datetime) -> bool:
    """Remind one invitee who said yes or maybe, once: the reminder's time is stored under a row lock
    (a second run, or a second worker, finds it set or the row taken), never for a session that was
    cancelled or has started. Returns whether a reminder was queued."""
    invitation = (
        Invitation.objects.select_for_update(skip_locked=True)
        .coming_or_maybe()
        .not_reminded()
        .filter(pk=invitation_id, session__cancelled_at__isnull=True, session__starts_at__gt=moment)
        .select_related("session__team", "participant")
        .first()
    )
    if invitation is None:
        return False
    updated = Invitation.objects.filter(pk=invitation.pk, reminded_at__isnull=True).update(reminded_at=moment)
    if not updated or not reachable(invitation.participant):
        return False
    message_queue(
        recipient=invitation.participant.email,
        template="coproduction/reminder",
        context=session_details(invitation.session)
        | {"name": invitation.participant.full_name, "rsvp_url": rsvp_url(invitation)},
        dedupe_key=f"coproduction-reminder:{invitation.pk}",
    )
    return True


def session_reminders_send(*, moment: datetime) -> int:
    """Remind invitees of sessions starting within COPRODUCTION_REMINDER_DAYS who said yes or maybe;
    each once however often this runs. Returns how many reminders were queued."""
    horizon = moment + timedelta(days=settings.COPRODUCTION_REMINDER_DAYS)
    due = (
        Invitation.objects.coming_or_maybe()
        .not_reminded()
        .filter(session__cancelled_at__isnull=True, session__starts_at__gt=moment, session__starts_at__lte=horizon)
        .order_by("pk")
        .values_list("pk", flat=True)[:REMINDER_BATCH]
    )
    return sum(invitation_remind(invitation_id=pk, moment=moment) for pk in list(due))


# The calendar feed of a group is at an address no one can guess (signed with SECRET_KEY): it names no
# one, but says where and when a youth forum meets, which is for the group's members to pass on.
FEED_SALT = "coproduction.calendar-feed"
FEED_PAST = timedelta(days=90)
FEED_MAX = 200


def feed_token_for(group: ParticipationGroup) -> str:
    return signing.Signer(salt=FEED_SALT).sign(str(group.pk)).replace(":", "-")


def group_for_feed_token(token: str) -> ParticipationGroup | None:
    try:
        pk = signing.Signer(salt=FEED_SALT).unsign(token.replace("-", ":", 1))
    except signing.BadSignature:
        return None
    return ParticipationGroup.objects.filter(pk=int(pk)).first() if pk.isdigit() else None


def group_feed(*, group: ParticipationGroup, moment: datetime) -> bytes:
    """The group's sessions from FEED_PAST ago onwards (at most FEED_MAX), cancelled ones marked so."""
    sessions = group.sessions.filter(ends_at__gte=moment - FEED_PAST).order_by("starts_at", "pk")[:FEED_MAX]
    return calendar.group_feed(group_name=group.name, sessions=sessions, moment=moment)


# --- Retention -------------------------------------------------------------------------------------


@transaction.atomic
def retention_apply(*, moment: datetime) -> dict[str, int]:
    """Clear the access needs written on invitations COPRODUCTION_ACCESS_NEEDS_RETENTION_DAYS after
    their session ended, and anonymise register entries COPRODUCTION_REGISTER_RETENTION_DAYS after
    theirs: the participant goes, the role on the day and attendance stay, so reports count the same.
    Safe to repeat; counts only the rows it changed."""
    needs_cutoff = moment - timedelta(days=settings.COPRODUCTION_ACCESS_NEEDS_RETENTION_DAYS)
    with_needs = Invitation.objects.filter(session__ends_at__lt=needs_cutoff).exclude(access_needs="")
    register_cutoff = moment - timedelta(days=settings.COPRODUCTION_REGISTER_RETENTION_DAYS)
    named = RegisterEntry.objects.filter(session__ends_at__lt=register_cutoff, participant__isnull=False)
    # Bulk updates send no signals: the pages counting the needs and naming the people are stamped here.
    sessions_changed(Q(pk__in=with_needs.values("session_id")) | Q(pk__in=named.values("session_id")))
    access_needs = with_needs.update(access_needs="")
    register_entries = named.update(participant=None)
    if access_needs or register_entries:
        logger.info(
            "Retention: cleared access needs on %s invitations and anonymised %s register entries",
            access_needs,
            register_entries,
        )
    return {"access_needs": access_needs, "register_entries": register_entries}
