"""Feedback from every source, collated in one place and coded by theme.

Consultations and co-production never import this app: the collation job reads them and files
what they hold here, once each (``FeedbackItem.source_key`` is unique).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from common.status import TagColour, tag_colours
from consultations.models import ServiceArea

# --- Feedback items ------------------------------------------------------------------------------


class FeedbackSource(models.TextChoices):
    CLOSED_CASE = "closed_case", _("Closed-case feedback")
    TELEPHONE_FOLLOW_UP = "telephone_follow_up", _("Telephone follow-up")
    LETTER = "letter", _("Letter")
    INTERVIEW = "interview", _("Interview")
    TEAM_QUESTIONNAIRE = "team_questionnaire", _("Team questionnaire")
    CONSULTATION_RESPONSE = "consultation_response", _("Consultation response")
    COPRODUCTION_SESSION = "coproduction_session", _("Co-production session")


class FeedbackChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    TELEPHONE = "telephone", _("Telephone")
    PAPER = "paper", _("Paper or letter")
    IN_PERSON = "in_person", _("In person")
    EMAIL = "email", _("Email")


class FriendsAndFamilyRating(models.TextChoices):
    """The NHS Friends and Family Test answers, in the test's own order and words."""

    VERY_GOOD = "very_good", _("Very good")
    GOOD = "good", _("Good")
    NEITHER = "neither", _("Neither good nor poor")
    POOR = "poor", _("Poor")
    VERY_POOR = "very_poor", _("Very poor")
    DONT_KNOW = "dont_know", _("Don't know")


POSITIVE_RATINGS = (FriendsAndFamilyRating.VERY_GOOD, FriendsAndFamilyRating.GOOD)
NEGATIVE_RATINGS = (FriendsAndFamilyRating.POOR, FriendsAndFamilyRating.VERY_POOR)


class FeedbackItemQuerySet(models.QuerySet):
    def received_between(self, first_day, last_day):
        return self.filter(received_on__gte=first_day, received_on__lte=last_day)

    def coded(self):
        return self.filter(codings__isnull=False).distinct()

    def not_coded(self):
        return self.filter(codings__isnull=True)

    def child_protection(self):
        return self.filter(child_protection=True)

    def quotable(self):
        return self.filter(consent_to_quote=True, child_protection=False)


class FeedbackItem(models.Model):
    """One piece of feedback, whatever its source: the unit themes are coded on and reports count.

    ``source_key`` names where it came from ("consultations.answer:123") so collation files it once
    however often it runs; ``source_url`` links back for staff.
    """

    source = models.CharField(_("source"), max_length=30, choices=FeedbackSource.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=FeedbackChannel.choices)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="feedback_items")
    service_area = models.ForeignKey(
        ServiceArea, on_delete=models.PROTECT, null=True, blank=True, related_name="feedback_items"
    )
    received_on = models.DateField(_("date received"))
    text = models.TextField(_("what was said"))
    rating = models.CharField(
        _("Friends and Family Test rating"), max_length=20, choices=FriendsAndFamilyRating.choices, blank=True
    )
    consent_to_quote = models.BooleanField(_("may be quoted anonymously"), default=False)
    child_protection = models.BooleanField(_("concerns child protection"), default=False)
    source_key = models.CharField(max_length=100, unique=True)
    source_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FeedbackItemQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["received_on", "source"], name="feedback_item_period_source")]

    def __str__(self):
        return f"{self.get_source_display()} {self.received_on:%d %B %Y}"


# --- Themes and coding --------------------------------------------------------------------------


class Polarity(models.TextChoices):
    """What a theme says of the service: the last is a gap in provision, in regulation 56's words."""

    WORKS_WELL = "works_well", _("Works well")
    NEEDS_IMPROVING = "needs_improving", _("Needs improving")
    MISSING = "missing", _("Missing")


class ThemeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Theme(models.Model):
    """A theme of the taxonomy administrators manage."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    service_area = models.ForeignKey(
        ServiceArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="themes",
        verbose_name=_("Local Offer area"),
    )
    keywords = models.TextField(_("keywords"), blank=True, help_text=_("One word or phrase a line."))
    active = models.BooleanField(_("active"), default=True)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        return [line.strip().lower() for line in self.keywords.splitlines() if line.strip()]


class Coding(models.Model):
    """A person's coding of an item with a theme and its polarity. Each coder codes apart, so an item
    coded twice (for the agreement measure) holds both; suggestions are never stored here."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="codings")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="codings")
    polarity = models.CharField(_("polarity"), max_length=20, choices=Polarity.choices)
    coded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    coded_at = models.DateTimeField()

    class Meta:
        ordering = ["theme__name"]
        constraints = [
            models.UniqueConstraint(fields=["item", "theme", "coded_by"], name="coding_once_per_coder"),
        ]

    def __str__(self):
        return f"{self.theme} ({self.get_polarity_display()})"


class CodingChange(models.Model):
    """Every change of coding: who, when, what. Kept when the coding itself is removed."""

    class Action(models.TextChoices):
        ADDED = "added", _("Added")
        CHANGED = "changed", _("Changed")
        REMOVED = "removed", _("Removed")

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="coding_changes")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")
    polarity = models.CharField(max_length=20, choices=Polarity.choices)
    action = models.CharField(max_length=10, choices=Action.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()}: {self.theme_id} ({self.polarity})"


class SuggestionMethod(models.TextChoices):
    KEYWORDS = "keywords", _("Keywords")
    PAST_CODING = "past_coding", _("Past coding")


class Suggestion(models.Model):
    """A theme the portal suggests for an item, with its reason; a person applies it or not."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="suggestions")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")
    polarity = models.CharField(max_length=20, choices=Polarity.choices, blank=True)
    method = models.CharField(max_length=20, choices=SuggestionMethod.choices)
    confidence = models.FloatField()
    reason = models.CharField(max_length=300)
    made_at = models.DateTimeField()

    class Meta:
        ordering = ["-confidence"]
        constraints = [
            models.UniqueConstraint(fields=["item", "theme", "method"], name="suggestion_once_per_method"),
            models.CheckConstraint(condition=Q(confidence__gte=0) & Q(confidence__lte=1), name="suggestion_confidence"),
        ]

    def __str__(self):
        return f"{self.theme_id} by {self.method} ({self.confidence:.2f})"


# --- Six-monthly theme reports -------------------------------------------------------------------
# The report, who it is for, what managers add to it, and the improvement actions that carry from one
# report to the next. Its figures are a snapshot taken when it is built (feedback/reports/).


class AudienceScope(models.TextChoices):
    ALL = "all", _("All feedback")
    CHILD_PROTECTION = "child_protection", _("Child-protection feedback only")


class ReportAudienceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class ReportAudience(models.Model):
    """A board or team that receives the six-monthly report, and the feedback its report covers."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    scope = models.CharField(_("feedback covered"), max_length=20, choices=AudienceScope.choices)
    active = models.BooleanField(_("receives reports"), default=True)

    objects = ReportAudienceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(scope__in=AudienceScope.values), name="audience_scope_known")]

    def __str__(self):
        return self.name

    @property
    def child_protection_only(self) -> bool:
        return self.scope == AudienceScope.CHILD_PROTECTION


class ReportState(models.TextChoices):
    BUILDING = "building", _("Being built")
    DRAFT = "draft", _("Draft")
    REVIEWED = "reviewed", _("Reviewed")
    APPROVED = "approved", _("Approved")

    @property
    def tag_colour(self) -> TagColour:
        return REPORT_STATE_COLOURS[self]


REPORT_STATE_COLOURS = tag_colours(
    ReportState,
    {
        ReportState.BUILDING: TagColour.GREY,
        ReportState.DRAFT: TagColour.BLUE,
        ReportState.REVIEWED: TagColour.YELLOW,
        ReportState.APPROVED: TagColour.GREEN,
    },
)


class ThemeReportQuerySet(models.QuerySet):
    def built(self):
        return self.exclude(state=ReportState.BUILDING)

    def scheduled(self):
        return self.filter(scheduled=True)

    def of_audience(self, audience):
        return self.filter(audience=audience)

    def to_build_at(self, moment: datetime, lease: timedelta):
        """Waiting to be built, or claimed by a worker that has not finished within its lease."""
        return self.filter(state=ReportState.BUILDING).filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=moment - lease)
        )


class ThemeReport(models.Model):
    """A report for one audience over one period: the six-monthly one the job builds (``scheduled``),
    or a draft a manager asked for over any dates. ``figures`` is computed once, when it is built, so
    later changes to feedback never change it."""

    audience = models.ForeignKey(ReportAudience, on_delete=models.PROTECT, related_name="reports")
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    scheduled = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=ReportState.choices, default=ReportState.BUILDING)
    figures = models.JSONField(default=dict, blank=True)
    # Removing a flagged quote, and the actions as they stood when the report was approved.
    removed_quotes = models.JSONField(default=list, blank=True)
    actions_at_approval = models.JSONField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sections_total = models.PositiveSmallIntegerField(default=0)
    sections_done = models.PositiveSmallIntegerField(default=0)
    built_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = ThemeReportQuerySet.as_manager()

    class Meta:
        ordering = ["-last_day", "audience__name", "-pk"]
        constraints = [
            # The job builds one report per audience and period, however often it runs.
            models.UniqueConstraint(
                fields=["audience", "first_day", "last_day"],
                condition=Q(scheduled=True),
                name="theme_report_once_per_audience_period",
            ),
            models.CheckConstraint(condition=Q(last_day__gte=F("first_day")), name="theme_report_period_ordered"),
            models.CheckConstraint(condition=Q(state__in=ReportState.values), name="theme_report_state_known"),
            models.CheckConstraint(
                condition=~Q(state=ReportState.APPROVED) | Q(approved_at__isnull=False),
                name="theme_report_approval_dated",
            ),
        ]

    def __str__(self):
        return f"{self.audience}: {self.first_day:%d %B %Y} to {self.last_day:%d %B %Y}"

    @property
    def status(self) -> ReportState:
        return ReportState(self.state)

    @property
    def is_locked(self) -> bool:
        return self.state == ReportState.APPROVED

    @property
    def is_built(self) -> bool:
        return self.state != ReportState.BUILDING

    @property
    def percent_done(self) -> int:
        return min(100, round(100 * self.sections_done / self.sections_total)) if self.sections_total else 0


class ReportCommentary(models.Model):
    """A manager's commentary on a report; it is part of the report, so it is locked with it."""

    report = models.ForeignKey(ThemeReport, on_delete=models.CASCADE, related_name="commentary")
    text = models.TextField(_("commentary"), max_length=5000)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self):
        return self.text[:60]


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @property
    def tag_colour(self) -> TagColour:
        return ACTION_STATUS_COLOURS[self]

    @property
    def closes(self) -> bool:
        return self in (ActionStatus.DONE, ActionStatus.WITHDRAWN)


ACTION_STATUS_COLOURS = tag_colours(
    ActionStatus,
    {
        ActionStatus.OPEN: TagColour.GREY,
        ActionStatus.IN_PROGRESS: TagColour.BLUE,
        ActionStatus.DONE: TagColour.GREEN,
        ActionStatus.WITHDRAWN: TagColour.RED,
    },
)


class ImprovementActionQuerySet(models.QuerySet):
    def carried_into(self, report: "ThemeReport"):
        """Actions from the audience's earlier reports that were still open when ``report``'s period
        began: they appear in every later report until closed."""
        return self.filter(raised_in__audience_id=report.audience_id, raised_in__last_day__lt=report.first_day).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gte=report.first_day)
        )


class ImprovementAction(models.Model):
    """An improvement a report recommends: an owner team, a due date and a status with its history."""

    raised_in = models.ForeignKey(ThemeReport, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField(_("action"), max_length=2000)
    owner_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="improvement_actions")
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    objects = ImprovementActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ActionStatus.values), name="improvement_action_status_known"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(status__in=[ActionStatus.DONE, ActionStatus.WITHDRAWN]),
                name="improvement_action_closed_when_done",
            ),
        ]

    def __str__(self):
        return self.description[:60]

    @property
    def status_tag(self) -> ActionStatus:
        return ActionStatus(self.status)

    @property
    def is_closed(self) -> bool:
        return ActionStatus(self.status).closes


class ImprovementActionUpdate(models.Model):
    """One change of an action's status, with a note: its history."""

    action = models.ForeignKey(ImprovementAction, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.action_id}: {self.status}"


# --- The annual Local Offer publication (regulation 56) ----------------------------------------------


class ExclusionReason(models.TextChoices):
    """Regulation 56(4): what a council need not publish."""

    OWN_SERVICE = "own_service", _("About one person's own service")
    VEXATIOUS = "vexatious", _("Vexatious")


class PublicationExclusion(models.Model):
    """An item left out of the Local Offer publication, with why and who decided."""

    item = models.OneToOneField(FeedbackItem, on_delete=models.CASCADE, related_name="publication_exclusion")
    reason = models.CharField(_("reason"), max_length=20, choices=ExclusionReason.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    def __str__(self):
        return f"{self.item_id}: {self.get_reason_display()}"


class LocalOfferPublicationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)


class LocalOfferPublication(models.Model):
    """The year's comments on the Local Offer and the council's response (regulation 56), built from
    coded feedback and "You said, we did"; edited by a manager, then published for everyone."""

    year = models.PositiveSmallIntegerField(_("year starting in April"), unique=True)
    first_day = models.DateField()
    last_day = models.DateField()
    introduction = models.TextField(_("introduction"), max_length=5000, blank=True)
    figures = models.JSONField(default=dict, blank=True)
    responses = models.JSONField(default=dict, blank=True)
    built_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    built_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    objects = LocalOfferPublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(last_day__gte=F("first_day")), name="publication_period_ordered"),
        ]

    def __str__(self):
        return f"Local Offer feedback {self.year} to {self.year + 1}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def year_label(self) -> str:
        return f"{self.year} to {self.year + 1}"
