"""Participation groups, the people who take part in them, and who belongs to which group.

These are what the rest of co-production hangs from: a session is held by a group (or by none),
invitations go to participants, the register names them, actions may be owned by one of them.
Personal details (contact, access needs) sit on the participant, stated once and reused by every
invitation; age is an age band, never a date of birth.
"""

import secrets
from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Cast, Concat, Lower
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from common.status import TagColour, tag_colours
from common.text import search_words


class GroupKind(models.TextChoices):
    PARENT_CARER_FORUM = "parent_carer_forum", _("Parent carer forum")
    YOUTH_FORUM = "youth_forum", _("Youth forum")
    PARTNERSHIP_BOARD = "partnership_board", _("Partnership board")
    TASK_AND_FINISH = "task_and_finish", _("Task-and-finish group")
    WORKERS_NETWORK = "workers_network", _("Participation workers network")


class BenchLevel(models.TextChoices):
    """The three levels of co-production (the Bench model); sessions carry one too."""

    INDIVIDUAL = "individual", _("Individual")
    SERVICE = "service", _("Service")
    STRATEGIC = "strategic", _("Strategic")


class GroupStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")

    @property
    def tag_colour(self) -> TagColour:
        return GROUP_STATUS_COLOURS[self]


GROUP_STATUS_COLOURS = tag_colours(
    GroupStatus, {GroupStatus.ACTIVE: TagColour.GREEN, GroupStatus.CLOSED: TagColour.GREY}
)


class ParticipationGroupQuerySet(models.QuerySet):
    def active(self):
        return self.filter(closed_at__isnull=True)

    def closed(self):
        return self.filter(closed_at__isnull=False)

    def with_status(self, status: GroupStatus):
        return self.active() if status == GroupStatus.ACTIVE else self.closed()

    def of_teams(self, team_ids):
        return self.filter(team_id__in=team_ids)

    def search(self, text: str):
        text = search_words(text)
        return self.filter(Q(name__icontains=text) | Q(purpose__icontains=text)) if text else self


class ParticipationGroup(models.Model):
    """A standing group (forum, board, network) or a task-and-finish group, owned by one team."""

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind of group"), max_length=30, choices=GroupKind.choices)
    purpose = models.TextField(_("purpose"))
    bench_level = models.CharField(_("Bench level"), max_length=20, choices=BenchLevel.choices)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="participation_groups")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = ParticipationGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "team", name="group_name_unique_in_team_ignoring_case"),
            models.CheckConstraint(condition=Q(kind__in=GroupKind.values), name="group_kind_known"),
            models.CheckConstraint(condition=Q(bench_level__in=BenchLevel.values), name="group_bench_level_known"),
        ]

    def __str__(self):
        return self.name

    @property
    def status(self) -> GroupStatus:
        return GroupStatus.CLOSED if self.closed_at else GroupStatus.ACTIVE

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class ParticipantRole(models.TextChoices):
    PARENT_CARER = "parent_carer", _("Parent carer")
    YOUNG_PERSON = "young_person", _("Young person")
    PROFESSIONAL = "professional", _("Professional")
    PARTNER_ORGANISATION = "partner_organisation", _("Partner organisation")
    COUNCILLOR = "councillor", _("Councillor")


# Whose presence makes a session co-production (the register's share, in later work).
LIVED_EXPERIENCE_ROLES = (ParticipantRole.PARENT_CARER, ParticipantRole.YOUNG_PERSON)


class ContactMethod(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")


class AgeBand(models.TextChoices):
    """For young people only; the portal never asks for a date of birth."""

    UNDER_11 = "under_11", _("Under 11")
    AGE_11_15 = "11_15", _("11 to 15")
    AGE_16_17 = "16_17", _("16 to 17")
    AGE_18_25 = "18_25", _("18 to 25")


class ParticipantQuerySet(models.QuerySet):
    def with_email(self, email: str):
        return self.filter(email__iexact=email.strip())

    def search(self, text: str):
        text = search_words(text)
        return self.filter(Q(full_name__icontains=text) | Q(organisation__icontains=text)) if text else self

    def in_groups_of_teams(self, team_ids):
        """Recorded by one of the teams, or a member (now or before) of one of their groups."""
        return self.filter(
            Q(team_id__in=team_ids)
            | Q(pk__in=Membership.objects.filter(group__team_id__in=team_ids).values("participant_id"))
        )

    def contactable(self):
        return self.filter(contact_consent=True)


class Participant(models.Model):
    """Someone who takes part: a parent carer, a young person, a professional, a partner or a councillor.

    Contact details and access needs are personal data: who may see them is in rules.py, and every
    look at them is logged (services.participant_details_view). ``email`` and ``reference`` are the
    keys a CSV import matches on, so both are unique when given.
    """

    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(_("role"), max_length=30, choices=ParticipantRole.choices)
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    # null, not "": two people without an address must not collide on the unique key.
    email = models.EmailField(_("email address"), null=True, blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    preferred_contact = models.CharField(
        _("preferred contact method"), max_length=10, choices=ContactMethod.choices, default=ContactMethod.EMAIL
    )
    reference = models.CharField(
        _("reference"),
        max_length=50,
        null=True,
        blank=True,
        help_text=_("An identifier from the team's own records, used to match rows when importing."),
    )
    access_needs = models.TextField(_("access and communication needs"), blank=True)
    access_needs_consent = models.BooleanField(_("consents to us keeping their access needs"), default=False)
    access_needs_review_on = models.DateField(_("review access needs by"), null=True, blank=True)
    contact_consent = models.BooleanField(_("consents to be contacted"), default=False)
    contact_consented_on = models.DateField(_("date of consent to be contacted"), null=True, blank=True)
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participant",
        verbose_name=_("user account"),
    )
    # The team that recorded the person; with the teams of their groups, it may see their details.
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="participants_recorded"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["full_name", "pk"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="participant_email_unique_ignoring_case"),
            models.UniqueConstraint(Lower("reference"), name="participant_reference_unique_ignoring_case"),
            models.CheckConstraint(
                condition=Q(age_band="") | Q(role=ParticipantRole.YOUNG_PERSON), name="participant_age_band_young_only"
            ),
            models.CheckConstraint(
                condition=Q(access_needs="") | Q(access_needs_consent=True),
                name="participant_access_needs_kept_with_consent",
            ),
            models.CheckConstraint(
                condition=Q(contact_consent=False) | Q(contact_consented_on__isnull=False),
                name="participant_contact_consent_dated",
            ),
            models.CheckConstraint(condition=Q(role__in=ParticipantRole.values), name="participant_role_known"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def has_lived_experience(self) -> bool:
        return self.role in LIVED_EXPERIENCE_ROLES

    def access_needs_review_due(self, day: date) -> bool:
        return bool(self.access_needs and self.access_needs_review_on and self.access_needs_review_on <= day)


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Member")
    CHAIR = "chair", _("Chair")
    CO_CHAIR = "co_chair", _("Co-chair")


class MembershipQuerySet(models.QuerySet):
    def current_on(self, day: date):
        """Members on ``day``: started on or before it and not ended before it (``ends_on`` is the last
        day as a member)."""
        return self.not_ended_on(day).filter(starts_on__lte=day)

    def not_ended_on(self, day: date):
        """Members on ``day`` and those who start later."""
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))

    def ended(self):
        return self.filter(ends_on__isnull=False)

    def open_ended(self):
        return self.filter(ends_on__isnull=True)


class Membership(models.Model):
    """A participant's time in a group, with the role they hold there."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="memberships")
    group = models.ForeignKey(ParticipationGroup, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role in the group"), max_length=10, choices=MembershipRole.choices)
    starts_on = models.DateField(_("member from"))
    ends_on = models.DateField(_("member until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["participant__full_name", "starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                "participant", "group", "starts_on", name="membership_unique_per_participant_group_start"
            ),
            # A person is in a group once at a time: a second open membership would count them twice.
            models.UniqueConstraint(
                "participant", "group", condition=Q(ends_on__isnull=True), name="membership_one_open_per_group"
            ),
            models.CheckConstraint(
                # ends_on is the last day as a member, so a membership may end the day it began.
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="membership_ends_on_or_after_start",
            ),
            models.CheckConstraint(condition=Q(role__in=MembershipRole.values), name="membership_role_known"),
        ]

    def __str__(self):
        return f"{self.participant} in {self.group}"

    def is_current_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


# --- Sessions ----------------------------------------------------------------------------------------


class LadderRung(models.TextChoices):
    """The four ways people take part (the participation ladder)."""

    INFORMATION = "information", _("Information")
    CONSULTATION = "consultation", _("Consultation")
    PARTICIPATION = "participation", _("Participation")
    COPRODUCTION = "coproduction", _("Co-production")


class Arrangement(models.TextChoices):
    """Accessibility arrangements a session offers."""

    BSL = "bsl", _("British Sign Language interpreter")
    STEP_FREE = "step_free", _("Step-free access")
    QUIET_ROOM = "quiet_room", _("Quiet room")
    CHILDCARE = "childcare", _("Childcare")
    TRANSPORT = "transport", _("Transport")


class SessionStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    IN_PROGRESS = "in_progress", _("In progress")
    PAST = "past", _("Past")
    CANCELLED = "cancelled", _("Cancelled")

    @property
    def tag_colour(self) -> TagColour:
        return SESSION_STATUS_COLOURS[self]


SESSION_STATUS_COLOURS = tag_colours(
    SessionStatus,
    {
        SessionStatus.UPCOMING: TagColour.BLUE,
        SessionStatus.IN_PROGRESS: TagColour.GREEN,
        SessionStatus.PAST: TagColour.GREY,
        SessionStatus.CANCELLED: TagColour.RED,
    },
)


class SessionQuerySet(models.QuerySet):
    def not_cancelled(self):
        return self.filter(cancelled_at__isnull=True)

    def upcoming_at(self, moment: datetime):
        return self.filter(ends_at__gt=moment)

    def past_at(self, moment: datetime):
        return self.filter(ends_at__lte=moment)

    def search(self, text: str):
        text = search_words(text)
        return self.filter(Q(title__icontains=text) | Q(purpose__icontains=text)) if text else self


def new_page_stamp() -> int:
    return secrets.randbits(62)


class Session(models.Model):
    """A meeting: planned by a team, held by a group (or by none), with an agenda and a register.

    Invitations, outcomes, actions and recognition hang from a session in later work. Start and end
    are stored in UTC and shown in Europe/London (the site's time zone).
    """

    title = models.CharField(_("title"), max_length=150)
    purpose = models.TextField(_("purpose"))
    group = models.ForeignKey(
        ParticipationGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("group"),
    )
    bench_level = models.CharField(_("Bench level"), max_length=20, choices=BenchLevel.choices)
    rung = models.CharField(_("ladder rung"), max_length=20, choices=LadderRung.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue = models.TextField(_("venue"), blank=True)
    venue_access = models.TextField(_("venue accessibility details"), blank=True)
    online_link = models.URLField(_("online link"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    arrangements = models.JSONField(_("accessibility arrangements offered"), default=list, blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="coproduction_sessions")
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    # The calendar files' SEQUENCE: raised each time invitees are sent a change of time or place,
    # or the cancellation, so their calendars replace the event instead of adding a second one.
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)
    # Drawn anew whenever anything the session's staff page shows changes (page_stamps.py): the page
    # is drawn once for each stamp.
    page_stamp = models.BigIntegerField(default=new_page_stamp, editable=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(condition=~Q(venue="") | ~Q(online_link=""), name="session_has_venue_or_link"),
            models.CheckConstraint(condition=Q(rung__in=LadderRung.values), name="session_rung_known"),
            models.CheckConstraint(condition=Q(bench_level__in=BenchLevel.values), name="session_bench_level_known"),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""), name="session_cancel_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["team", "starts_at"], name="session_team_starts")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # A changed session is a changed page; page_stamps.py covers what hangs from it.
        self.page_stamp = new_page_stamp()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "page_stamp"}
        super().save(*args, **kwargs)

    def status_at(self, moment: datetime) -> SessionStatus:
        if self.cancelled_at:
            return SessionStatus.CANCELLED
        if moment < self.starts_at:
            return SessionStatus.UPCOMING
        if moment < self.ends_at:
            return SessionStatus.IN_PROGRESS
        return SessionStatus.PAST

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def has_started_at(self, moment: datetime) -> bool:
        return moment >= self.starts_at

    @property
    def arrangement_labels(self) -> list[str]:
        return [Arrangement(value).label for value in self.arrangements if value in Arrangement.values]


class AgendaItem(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="agenda_items")
    title = models.CharField(_("title"), max_length=200)
    lead = models.CharField(_("lead"), max_length=150, blank=True)
    minutes = models.PositiveIntegerField(_("minutes allowed"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["session", "position", "pk"]

    def __str__(self):
        return self.title


class Attendance(models.TextChoices):
    ATTENDED = "attended", _("Attended")
    APOLOGIES = "apologies", _("Apologies")
    ABSENT = "absent", _("Absent")


class RegisterEntry(models.Model):
    """One person on a session's register, with the role they held on the day (which may differ from
    the role recorded on the participant: a parent carer may come as a professional).

    Past COPRODUCTION_REGISTER_RETENTION_DAYS after the session, the entry is anonymised: the
    participant is removed and the role on the day and attendance stay, so reports still count it.
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="register_entries")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, null=True, blank=True, related_name="register_entries"
    )
    attendance = models.CharField(_("attendance"), max_length=10, choices=Attendance.choices)
    role = models.CharField(_("role on the day"), max_length=30, choices=ParticipantRole.choices)
    walk_in = models.BooleanField(_("walk-in"), default=False)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["participant__full_name", "pk"]
        constraints = [
            models.UniqueConstraint("session", "participant", name="register_entry_once_per_participant"),
            models.CheckConstraint(condition=Q(attendance__in=Attendance.values), name="register_attendance_known"),
            models.CheckConstraint(condition=Q(role__in=ParticipantRole.values), name="register_role_known"),
            # A walk-in is someone who came: apologies or absence make no sense for them.
            models.CheckConstraint(
                condition=Q(walk_in=False) | Q(attendance=Attendance.ATTENDED), name="register_walk_in_attended"
            ),
        ]

    def __str__(self):
        return f"{self.participant or _('Someone (anonymised)')} at {self.session}"


# --- Invitations and replies -----------------------------------------------------------------------


class Reply(models.TextChoices):
    YES = "yes", _("Yes, I will come")
    MAYBE = "maybe", _("Maybe")
    NO = "no", _("No, I cannot come")


class InvitationQuerySet(models.QuerySet):
    def holding_places(self):
        """Said yes and have a place (not on the waiting list)."""
        return self.filter(reply=Reply.YES, waiting_since__isnull=True)

    def are_full(self, capacity: int | None) -> bool:
        """Whether these invitations hold ``capacity`` places or more (never full without a capacity),
        reading no more than ``capacity`` of them however many there are."""
        if capacity is None:
            return False
        return self.holding_places().order_by()[capacity - 1 : capacity].exists() if capacity else True

    def waiting(self):
        return self.filter(reply=Reply.YES, waiting_since__isnull=False).order_by("waiting_since", "pk")

    def coming_or_maybe(self):
        """Those a reminder is for: a place held, or a maybe."""
        return self.filter(Q(reply=Reply.YES, waiting_since__isnull=True) | Q(reply=Reply.MAYBE))

    def not_reminded(self):
        return self.filter(reminded_at__isnull=True)


class Invitation(models.Model):
    """One person invited to one session, once; their reply and what they need to take part.

    A yes to a full session joins the waiting list (``waiting_since``); a place freed by someone who
    can no longer come goes to the person waiting longest. ``arrangements`` are the session's offered
    arrangements the person asked for (counted on the session page); ``access_needs`` is what they
    wrote for this session, kept on their participant record too only if they consent.
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="invitations")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="invitations")
    invited_at = models.DateTimeField()
    reply = models.CharField(_("reply"), max_length=10, choices=Reply.choices, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    waiting_since = models.DateTimeField(null=True, blank=True)
    arrangements = models.JSONField(_("arrangements needed"), default=list, blank=True)
    access_needs = models.TextField(_("access and communication needs"), blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["participant__full_name", "pk"]
        constraints = [
            models.UniqueConstraint("session", "participant", name="invitation_once_per_participant"),
            models.CheckConstraint(condition=Q(reply="") | Q(reply__in=Reply.values), name="invitation_reply_known"),
            models.CheckConstraint(
                condition=Q(waiting_since__isnull=True) | Q(reply=Reply.YES), name="invitation_waiting_said_yes"
            ),
        ]
        indexes = [
            models.Index(fields=["session", "reply"], name="invitation_session_reply"),
            # Whether a session is full is asked on every reply page: counting its places held reads
            # this index alone, and never more entries than the session has places.
            models.Index(
                fields=["session"],
                condition=Q(reply=Reply.YES, waiting_since__isnull=True),
                name="invitation_place_held",
            ),
        ]

    def __str__(self):
        return f"{self.participant} to {self.session}"

    @property
    def is_waiting(self) -> bool:
        return self.waiting_since is not None

    @property
    def holds_place(self) -> bool:
        return self.reply == Reply.YES and self.waiting_since is None

    @property
    def arrangement_labels(self) -> list[str]:
        return [Arrangement(value).label for value in self.arrangements if value in Arrangement.values]


# --- Outcomes, minutes and actions -------------------------------------------------------------------


class AgreedOutcome(models.Model):
    """Something the group agreed at a session, in the words it was agreed in. Staff record only what
    the group agreed (the form asks them to confirm it), and nothing once the minutes are approved."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="outcomes")
    text = models.TextField(_("outcome"))
    position = models.PositiveIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["session", "position", "pk"]

    def __str__(self):
        return self.text[:60]


SESSION_COMMENT_KEY = "coproduction.sessioncomment:"


class SessionCommentQuerySet(models.QuerySet):
    def recorded_since(self, moment: datetime):
        return self.filter(recorded_at__gte=moment)

    def with_feedback_key(self):
        """Each comment's ``feedback_key`` ("coproduction.sessioncomment:<pk>"): the key the feedback app
        files it under, once, so it can ask in the same query which comments it has not filed yet."""
        return self.annotate(feedback_key=Concat(Value(SESSION_COMMENT_KEY), Cast("pk", models.CharField())))


class SessionComment(models.Model):
    """Something a participant said at a session, in their words, recorded by staff. Who said it is a
    role only, never a name, so it can be read as feedback (the feedback app collates it) without
    becoming a record about a person."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="comments")
    text = models.TextField(_("what was said"))
    said_by = models.CharField(_("who said it"), max_length=30, choices=ParticipantRole.choices)
    consent_to_quote = models.BooleanField(_("may be quoted without their name"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    objects = SessionCommentQuerySet.as_manager()

    class Meta:
        ordering = ["session", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(said_by__in=ParticipantRole.values), name="session_comment_role_known"),
            models.CheckConstraint(condition=~Q(text=""), name="session_comment_has_text"),
        ]

    def __str__(self):
        return self.text[:60]


class Minutes(models.Model):
    """A session's minutes: drafted by staff, then approved once, which e-mails them to those present."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(_("minutes"))
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField()
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "minutes"
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True) | ~Q(text=""), name="minutes_approved_have_text"
            ),
        ]

    def __str__(self):
        return f"Minutes of {self.session}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")

    @property
    def tag_colour(self) -> TagColour:
        return ACTION_STATUS_COLOURS[self]


ACTION_STATUS_COLOURS = tag_colours(
    ActionStatus,
    {
        ActionStatus.OPEN: TagColour.BLUE,
        ActionStatus.IN_PROGRESS: TagColour.LIGHT_BLUE,
        ActionStatus.DONE: TagColour.GREEN,
        ActionStatus.DROPPED: TagColour.GREY,
    },
)
UNFINISHED_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class Overdue(models.TextChoices):
    """How an overdue action is shown: derived from its due date and status, never stored."""

    OVERDUE = "overdue", _("Overdue")

    @property
    def tag_colour(self) -> TagColour:
        return OVERDUE_COLOURS[self]


OVERDUE_COLOURS = tag_colours(Overdue, {Overdue.OVERDUE: TagColour.RED})


class ActionQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(status__in=UNFINISHED_ACTION_STATUSES)

    def overdue_on(self, day: date):
        """Past its due date and neither done nor dropped."""
        return self.unfinished().filter(due_on__lt=day)

    def of_teams(self, team_ids):
        return self.filter(team_id__in=team_ids)

    def search(self, text: str):
        text = search_words(text)
        return self.filter(description__icontains=text) if text else self

    def owned_by_name(self, text: str):
        text = search_words(text)
        if not text:
            return self
        return self.filter(Q(owner_participant__full_name__icontains=text) | Q(owner_team__name__icontains=text))

    def carried_to(self, session: Session):
        """Actions from earlier sessions of the same group that are still open: each following meeting
        picks them up until they are done or dropped."""
        if not session.group_id:
            return self.none()
        return self.unfinished().filter(
            source_session__group_id=session.group_id, source_session__starts_at__lt=session.starts_at
        )

    def for_list(self):
        return self.select_related("owner_participant", "owner_team", "team", "source_session")

    def unfinished_first(self):
        """Open and in-progress actions first, soonest due first, then the done and dropped."""
        unfinished = models.Case(
            models.When(status__in=UNFINISHED_ACTION_STATUSES, then=models.Value(0)),
            default=models.Value(1),
            output_field=models.IntegerField(),
        )
        return self.order_by(unfinished, "due_on", "pk")

    def report_outcomes(self, *, sessions) -> dict:
        """Actions agreed at ``sessions``, in one aggregate: done by their due date, done after it,
        and still open. A done action takes no more updates, so its last update is when it was done
        (as a UK date)."""
        done = Q(status=ActionStatus.DONE)
        return self.filter(source_session__in=sessions).aggregate(
            on_time=Count("pk", filter=done & Q(updated_at__date__lte=F("due_on"))),
            late=Count("pk", filter=done & Q(updated_at__date__gt=F("due_on"))),
            open=Count("pk", filter=Q(status__in=UNFINISHED_ACTION_STATUSES)),
        )


class Action(models.Model):
    """Something to be done, owned by one participant or one team, due on a day.

    ``team`` is the team that follows the action up (the source session's team): its staff change it.
    The source is a session today and may be another record later (a feedback theme), so it is
    nullable. Overdue is derived from ``due_on`` and ``status``; ``last_reminded_at`` only keeps the
    weekly reminder to once a week.
    """

    description = models.TextField(_("action"))
    owner_participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions_owned",
        verbose_name=_("owner (a participant)"),
    )
    owner_team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions_owned",
        verbose_name=_("owner (a team)"),
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    drop_reason = models.TextField(_("reason for dropping"), blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="coproduction_actions")
    source_session = models.ForeignKey(
        Session,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("session it came from"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    # The last time anyone updated it (a progress note or a change of status): reminders wait a week from it.
    updated_at = models.DateTimeField()
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner_participant__isnull=False) & Q(owner_team__isnull=True))
                | (Q(owner_participant__isnull=True) & Q(owner_team__isnull=False)),
                name="action_has_one_owner",
            ),
            models.CheckConstraint(condition=Q(status__in=ActionStatus.values), name="action_status_known"),
            models.CheckConstraint(
                condition=~Q(status=ActionStatus.DROPPED) | ~Q(drop_reason=""), name="action_dropped_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="action_status_due"),
            models.Index(fields=["team", "due_on"], name="action_team_due"),
        ]

    def __str__(self):
        return self.description[:60]

    @property
    def owner(self):
        return self.owner_participant or self.owner_team

    @property
    def owner_name(self) -> str:
        return str(self.owner)

    @property
    def is_finished(self) -> bool:
        return self.status not in UNFINISHED_ACTION_STATUSES

    def is_overdue_on(self, day: date) -> bool:
        return not self.is_finished and self.due_on < day

    @property
    def status_choice(self) -> ActionStatus:
        return ActionStatus(self.status)


class ActionUpdate(models.Model):
    """A dated note of progress on an action: who wrote it, when, and what happened (with the status it
    moved the action to, if it did)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(_("progress"))
    status = models.CharField(_("status after"), max_length=20, choices=ActionStatus.choices)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["-written_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ActionStatus.values), name="action_update_status_known"),
        ]

    def __str__(self):
        return f"Update on {self.action}"


# --- Recognition: payments, vouchers and expenses ------------------------------------------------------


class RecognitionKind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    VOUCHER = "voucher", _("Voucher")
    EXPENSES = "expenses", _("Expenses")


class OfferAnswer(models.TextChoices):
    """What the person said to what was offered."""

    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class RecognitionStatus(models.TextChoices):
    """Where a line of the ledger stands, derived from the answer and the paid date."""

    OFFERED = "offered", _("Offered")
    DECLINED = "declined", _("Declined")
    PENDING = "pending", _("Accepted, not yet paid")
    PAID = "paid", _("Paid")

    @property
    def tag_colour(self) -> TagColour:
        return RECOGNITION_STATUS_COLOURS[self]


RECOGNITION_STATUS_COLOURS = tag_colours(
    RecognitionStatus,
    {
        RecognitionStatus.OFFERED: TagColour.BLUE,
        RecognitionStatus.DECLINED: TagColour.GREY,
        RecognitionStatus.PENDING: TagColour.YELLOW,
        RecognitionStatus.PAID: TagColour.GREEN,
    },
)


class RecognitionQuerySet(models.QuerySet):
    def counted(self):
        """What counts towards a person's total: accepted (paid or still to pay). An offer not yet
        answered is not theirs yet, and a declined one never is."""
        return self.filter(answer=OfferAnswer.ACCEPTED)

    def with_status(self, status: "RecognitionStatus"):
        return self.filter(
            {
                RecognitionStatus.OFFERED: Q(answer=OfferAnswer.OFFERED),
                RecognitionStatus.DECLINED: Q(answer=OfferAnswer.DECLINED),
                RecognitionStatus.PENDING: Q(answer=OfferAnswer.ACCEPTED, paid_on__isnull=True),
                RecognitionStatus.PAID: Q(paid_on__isnull=False),
            }[status]
        )

    def held_between(self, starts: datetime, ends: datetime):
        """For sessions that started from ``starts`` up to (not including) ``ends``."""
        return self.filter(session__starts_at__gte=starts, session__starts_at__lt=ends)

    def of_teams(self, team_ids):
        return self.filter(session__team_id__in=team_ids)


class Recognition(models.Model):
    """A payment, voucher or expenses claim offered to a parent carer or young person for a session.

    The amount is in pounds and pence. A payment may affect the person's benefits, so recording one
    needs the member of staff to confirm that they pointed the person to benefits advice (who and
    when is kept). Its date, for financial years and finance's file, is the session's (UK) date.
    """

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="recognitions")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="recognitions")
    kind = models.CharField(_("kind"), max_length=10, choices=RecognitionKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=7, decimal_places=2)
    answer = models.CharField(
        _("offered, accepted or declined"), max_length=10, choices=OfferAnswer.choices, default=OfferAnswer.OFFERED
    )
    voucher_code = models.CharField(_("voucher code issued"), max_length=60, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    benefits_advice_at = models.DateTimeField(_("pointed to benefits advice"), null=True, blank=True)
    benefits_advice_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RecognitionQuerySet.as_manager()

    class Meta:
        ordering = ["-session__starts_at", "participant__full_name", "pk"]
        constraints = [
            # One of each kind per person per session: a second would be a double entry, so the
            # amount is changed instead.
            models.UniqueConstraint("session", "participant", "kind", name="recognition_one_of_each_kind"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="recognition_amount_positive"),
            models.CheckConstraint(condition=Q(kind__in=RecognitionKind.values), name="recognition_kind_known"),
            models.CheckConstraint(condition=Q(answer__in=OfferAnswer.values), name="recognition_answer_known"),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | Q(answer=OfferAnswer.ACCEPTED),
                name="recognition_paid_only_when_accepted",
            ),
            models.CheckConstraint(
                condition=Q(voucher_code="") | Q(kind=RecognitionKind.VOUCHER),
                name="recognition_voucher_code_for_vouchers",
            ),
            models.CheckConstraint(
                condition=~Q(kind=RecognitionKind.PAYMENT) | Q(benefits_advice_at__isnull=False),
                name="recognition_payment_after_benefits_advice",
            ),
        ]
        indexes = [models.Index(fields=["participant", "answer"], name="recognition_participant_answer")]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.participant} at {self.session}"

    @property
    def status(self) -> RecognitionStatus:
        return recognition_status(self.answer, self.paid_on)


def recognition_status(answer: str, paid_on: date | None) -> RecognitionStatus:
    if paid_on:
        return RecognitionStatus.PAID
    return {
        OfferAnswer.OFFERED: RecognitionStatus.OFFERED,
        OfferAnswer.DECLINED: RecognitionStatus.DECLINED,
    }.get(answer, RecognitionStatus.PENDING)
