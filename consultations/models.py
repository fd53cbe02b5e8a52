"""Consultations, their questions and documents, responses and "You said, we did".

Open, upcoming and closed are derived from the dates, never stored, so nothing needs a job to
flip a consultation's state. Contact details are kept apart from what people said
(RespondentContact), so answers can be reported and kept without naming anyone.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from common.status import TagColour, tag_colours
from common.text import search_words

# A draft started before the closing time may still be submitted for this long afterwards, so
# someone who was on the check-your-answers page at the deadline is not turned away.
SUBMISSION_GRACE = timedelta(minutes=15)


class ServiceArea(models.Model):
    """A part of the SEND system a consultation is about (education, health, short breaks ...)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Audience(models.TextChoices):
    PARENT_CARERS = "parent_carers", _("Parent carers")
    YOUNG_PEOPLE = "young_people", _("Children and young people")
    PROFESSIONALS = "professionals", _("Professionals")


AUDIENCE_FIELDS = {
    Audience.PARENT_CARERS: "for_parent_carers",
    Audience.YOUNG_PEOPLE: "for_young_people",
    Audience.PROFESSIONALS: "for_professionals",
}


class ConsultationStatus(models.TextChoices):
    """Where a consultation is in its life, derived from its dates (Consultation.status_at)."""

    DRAFT = "draft", _("Draft")
    UPCOMING = "upcoming", _("Upcoming")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @property
    def tag_colour(self) -> TagColour:
        return CONSULTATION_STATUS_COLOURS[self]


# Five colours for five states, so a staff list that holds them all can be scanned by colour:
# grey for a draft nobody outside sees yet, purple for closed (done, not wrong), red for withdrawn.
CONSULTATION_STATUS_COLOURS = tag_colours(
    ConsultationStatus,
    {
        ConsultationStatus.DRAFT: TagColour.GREY,
        ConsultationStatus.UPCOMING: TagColour.BLUE,
        ConsultationStatus.OPEN: TagColour.GREEN,
        ConsultationStatus.CLOSED: TagColour.PURPLE,
        ConsultationStatus.WITHDRAWN: TagColour.RED,
    },
)


class ConsultationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False, withdrawn_at__isnull=True)

    def drafts(self):
        return self.filter(published_at__isnull=True)

    def withdrawn(self):
        return self.filter(withdrawn_at__isnull=False)

    def open_at(self, moment: datetime):
        return self.published().filter(opens_at__lte=moment, closes_at__gt=moment)

    def upcoming_at(self, moment: datetime):
        return self.published().filter(opens_at__gt=moment)

    def closed_at(self, moment: datetime):
        return self.published().filter(closes_at__lte=moment)

    def with_status_at(self, status: ConsultationStatus, moment: datetime):
        """Those whose status_at(moment) is ``status``."""
        match ConsultationStatus(status):
            case ConsultationStatus.DRAFT:
                return self.drafts()
            case ConsultationStatus.WITHDRAWN:
                return self.withdrawn()
            case ConsultationStatus.UPCOMING:
                return self.upcoming_at(moment)
            case ConsultationStatus.OPEN:
                return self.open_at(moment)
            case ConsultationStatus.CLOSED:
                return self.closed_at(moment)

    def for_audience(self, audience: str):
        return self.filter(**{AUDIENCE_FIELDS[Audience(audience)]: True})

    def in_service_area(self, slug: str):
        return self.filter(service_area__slug=slug)

    def matching(self, text: str):
        text = search_words(text)
        if not text:
            return self
        return self.filter(Q(title__icontains=text) | Q(summary__icontains=text) | Q(proposal__icontains=text))

    def with_outcomes_published(self):
        return self.published().filter(outcomes_published_at__isnull=False)

    def editable_by(self, user):
        """Consultations the user may change: managers all, staff their teams' own."""
        if user.has_perm("accounts.work_across_teams"):
            return self
        return self.filter(team__in=user.teams.all())


class Consultation(models.Model):
    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    summary = models.TextField(_("summary in plain language"), max_length=1000)
    proposal = models.TextField(_("what is proposed and why"), max_length=10000)
    for_parent_carers = models.BooleanField(_("parent carers"), default=False)
    for_young_people = models.BooleanField(_("children and young people"), default=False)
    for_professionals = models.BooleanField(_("professionals"), default=False)
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="consultations")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="consultations")
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    other_ways_to_respond = models.TextField(_("other ways to respond"), blank=True, max_length=3000)
    anonymous_allowed = models.BooleanField(_("anonymous responses allowed"), default=True)
    contact_details = models.TextField(_("contact details"), blank=True, max_length=2000)
    decision_informed = models.TextField(_("the decision it informs"), blank=True, max_length=3000)
    # The Lundy model's audience and influence, for consultations aimed at children and young people.
    who_decides = models.CharField(_("who will decide"), max_length=300, blank=True)
    feedback_due = models.DateField(_("when children and young people will hear back"), null=True, blank=True)
    child_friendly = models.BooleanField(_("show the easy-read, child-friendly version"), default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True, max_length=2000)
    outcomes_summary = models.TextField(_("what happened next, in summary"), blank=True, max_length=3000)
    outcomes_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="consultation_closes_after_opens"),
            models.CheckConstraint(
                condition=Q(for_parent_carers=True) | Q(for_young_people=True) | Q(for_professionals=True),
                name="consultation_has_an_audience",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(published_at__isnull=False),
                name="consultation_withdrawn_only_once_published",
            ),
        ]
        indexes = [
            models.Index(fields=["published_at", "opens_at", "closes_at"], name="consultation_dates"),
            # The public lists read the first rows in these orders (closing soonest, opening soonest,
            # most recently closed, latest "You said, we did"): with them, a page of 20 reads 20 rows
            # rather than sorting thousands.
            models.Index(fields=["closes_at"], name="consultation_closes"),
            models.Index(fields=["opens_at"], name="consultation_opens"),
            models.Index(fields=["outcomes_published_at"], name="consultation_outcomes"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("consultations:detail", kwargs={"slug": self.slug})

    @property
    def audiences(self) -> list[Audience]:
        return [audience for audience, field in AUDIENCE_FIELDS.items() if getattr(self, field)]

    def is_published(self) -> bool:
        return self.published_at is not None and self.withdrawn_at is None

    def status_at(self, moment: datetime) -> ConsultationStatus:
        if self.withdrawn_at:
            return ConsultationStatus.WITHDRAWN
        if not self.published_at:
            return ConsultationStatus.DRAFT
        if moment < self.opens_at:
            return ConsultationStatus.UPCOMING
        return ConsultationStatus.OPEN if moment < self.closes_at else ConsultationStatus.CLOSED

    @property
    def status(self) -> ConsultationStatus:
        return self.status_at(timezone.now())

    def status_changes_after(self, moment: datetime) -> datetime | None:
        """The next moment its status changes by itself (it opens or closes), or None."""
        return next((boundary for boundary in (self.opens_at, self.closes_at) if boundary > moment), None)

    def accepts_submission_at(self, moment: datetime, *, started_at: datetime | None = None) -> bool:
        if not self.is_published() or moment < self.opens_at:
            return False
        if moment < self.closes_at:
            return True
        return bool(started_at and started_at < self.closes_at and moment < self.closes_at + SUBMISSION_GRACE)


def document_path(document, filename):
    return f"consultations/{document.consultation_id}/{filename}"


class Document(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to=document_path)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(help_text=_("bytes"))
    easy_read = models.BooleanField(_("easy-read version"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title

    @property
    def file_format(self) -> str:
        return FILE_FORMATS.get(self.content_type, self.file.name.rsplit(".", 1)[-1].upper())


FILE_FORMATS = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/msword": "Word",
    "application/vnd.oasis.opendocument.text": "OpenDocument",
    "text/plain": "Text",
    "text/csv": "CSV",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
}


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    AGREEMENT = "agreement", _("Agreement scale")
    YES_NO = "yes_no", _("Yes or no")


AGREEMENT_SCALE = ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree"]
YES_NO = ["Yes", "No"]
CHOICE_KINDS = {QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE, QuestionKind.AGREEMENT, QuestionKind.YES_NO}
TEXT_LIMITS = {QuestionKind.SHORT_TEXT: 500, QuestionKind.LONG_TEXT: 10000}


class Question(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="questions")
    page = models.PositiveSmallIntegerField(
        _("page"), default=1, help_text=_("Questions on the same page are asked together.")
    )
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("type of question"), max_length=20, choices=QuestionKind)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("hint"), max_length=500, blank=True)
    required = models.BooleanField(_("an answer is required"), default=False)
    options = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_("For single and multiple choice questions.")
    )

    class Meta:
        ordering = ["page", "position", "pk"]
        constraints = [models.CheckConstraint(condition=Q(page__gte=1), name="question_page_from_one")]

    def __str__(self):
        return self.text

    @property
    def choices(self) -> list[str]:
        if self.kind == QuestionKind.AGREEMENT:
            return AGREEMENT_SCALE
        if self.kind == QuestionKind.YES_NO:
            return YES_NO
        return list(self.options)

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS

    @property
    def is_multiple(self) -> bool:
        return self.kind == QuestionKind.MULTIPLE_CHOICE


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper")
    TELEPHONE = "telephone", _("Telephone")
    EVENT = "event", _("Event")


class RespondentType(models.TextChoices):
    PARENT_CARER = "parent_carer", _("Parent carer")
    YOUNG_PERSON = "young_person", _("Young person")
    PROFESSIONAL = "professional", _("Professional")
    OTHER = "other", _("Other")


class ResponseQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(submitted_at__isnull=False)

    def drafts(self):
        return self.filter(submitted_at__isnull=True)

    def stale_drafts(self, moment: datetime, days: int):
        return self.drafts().filter(updated_at__lt=moment - timedelta(days=days))

    def with_safeguarding_flag(self):
        """Each response with ``safeguarding_flagged``: whether anyone has raised a concern on it.
        Derived from the log of concerns in the same query, so it can never disagree with the log."""
        return self.annotate(safeguarding_flagged=Exists(SafeguardingFlag.objects.filter(response=OuterRef("pk"))))


class Response(models.Model):
    """One person's response. A draft until submitted; answers are saved page by page."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation_responses",
    )
    channel = models.CharField(max_length=10, choices=Channel, default=Channel.ONLINE)
    respondent_type = models.CharField(_("you are"), max_length=20, choices=RespondentType, blank=True)
    # None until the person answers: "not given" is not the same as "no" (both mean we do not quote).
    consent_to_quote = models.BooleanField(_("may be quoted anonymously"), null=True, blank=True, default=None)
    reference = models.CharField(max_length=12, unique=True, null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Staff who typed in a paper, telephone or event response."),
    )
    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(reference__isnull=False),
                name="response_submitted_has_reference",
            ),
        ]
        # The staff list pages through a consultation's responses newest first, filtered by channel or
        # by who responded: each filter has an index that serves its rows already in that order.
        indexes = [
            models.Index(fields=["consultation", "submitted_at"], name="response_submitted_idx"),
            models.Index(fields=["consultation", "channel", "submitted_at"], name="response_channel_idx"),
            models.Index(fields=["consultation", "respondent_type", "submitted_at"], name="response_respondent_idx"),
        ]

    def __str__(self):
        return self.reference or f"Draft {self.pk}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class RespondentContact(models.Model):
    """How to reach a respondent who asked for it, kept apart from what they said."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="contact")
    email = models.EmailField(_("email address"))
    wants_receipt = models.BooleanField(default=True)
    wants_outcome = models.BooleanField(_("tell me what happens next"), default=False)

    def __str__(self):
        # Not the address: this is what lists and the audit log show of the row.
        return f"Contact details of response {self.response.reference or self.response_id}"

    def is_wanted(self) -> bool:
        """Whether the person asked to be contacted (or the consultation needed an address).

        Only then may anyone look the address up; the consultation may since have allowed anonymity."""
        return self.wants_receipt or self.wants_outcome or not self.response.consultation.anonymous_allowed


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once_per_question")]

    def __str__(self):
        return self.text or ", ".join(s.value for s in self.selections.all())


class Selection(models.Model):
    """A choice picked in a choice or scale question; a row each, so summaries count in the database."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="selections")
    value = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["answer", "value"], name="selection_once_per_answer")]

    def __str__(self):
        return self.value


class SafeguardingFlag(models.Model):
    """A log of every safeguarding concern raised on a response. The first is e-mailed to the
    designated officer; each later one is recorded against it (``first``), seen on the response the
    e-mail links to, and not e-mailed again, so repeated concerns cannot flood the officer."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="safeguarding_flags")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(max_length=3000)
    raised_at = models.DateTimeField(default=timezone.now)
    first = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="later_concerns", editable=False
    )

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["response"], condition=Q(first__isnull=True), name="one_first_safeguarding_concern_per_response"
            )
        ]

    def __str__(self):
        return f"Safeguarding concern on {self.response} at {self.raised_at:%d %b %Y %H:%M}"


class OutcomeItem(models.Model):
    """One point of "You said, we did": what people said, what the council did, or why not."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="outcome_items")
    position = models.PositiveSmallIntegerField(default=0)
    you_said = models.TextField(_("you said"), max_length=3000)
    we_did = models.TextField(_("we did"), max_length=3000, blank=True)
    changed = models.BooleanField(_("something changed"), default=True)
    why_not = models.TextField(_("why nothing changed"), max_length=3000, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(changed=False) | ~Q(we_did=""), name="outcome_change_says_what"),
            models.CheckConstraint(condition=Q(changed=True) | ~Q(why_not=""), name="outcome_no_change_says_why"),
        ]

    def __str__(self):
        return self.you_said[:60]


class Subscription(models.Model):
    """A participant who wants to hear when consultations open or are closing in a service area."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultation_subscriptions"
    )
    service_area = models.ForeignKey(ServiceArea, on_delete=models.CASCADE, related_name="subscriptions")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "service_area"], name="subscription_once")]

    def __str__(self):
        return f"{self.user} follows {self.service_area}"


class ExportState(models.TextChoices):
    PENDING = "pending", _("Waiting to start")
    RUNNING = "running", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")

    @property
    def tag_colour(self) -> TagColour:
        return EXPORT_STATE_COLOURS[self]


EXPORT_STATE_COLOURS = tag_colours(
    ExportState,
    {
        ExportState.PENDING: TagColour.GREY,
        ExportState.RUNNING: TagColour.BLUE,
        ExportState.READY: TagColour.GREEN,
        ExportState.FAILED: TagColour.RED,
    },
)


class ResponseExportQuerySet(models.QuerySet):
    def to_build_at(self, moment: datetime, lease: timedelta):
        """Waiting to be built, or claimed by a worker that has not finished within its lease."""
        return self.filter(Q(state=ExportState.PENDING) | Q(state=ExportState.RUNNING, claimed_at__lt=moment - lease))

    def expired_at(self, moment: datetime, kept_for: timedelta):
        return self.filter(requested_at__lt=moment - kept_for)


class ResponseExport(models.Model):
    """An Excel export too large to build within a request, built by a worker into a file.

    Written in the transaction of the request that asks for it, so a broker that is down delays it
    but never loses it; the sweep builds it if its task was lost, and deletes it after a day.
    """

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=ExportState, default=ExportState.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True)
    objects = ResponseExportQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["state", "claimed_at"], name="export_state_idx")]

    def __str__(self):
        return f"Export of {self.consultation} at {self.requested_at:%d %b %Y %H:%M}"

    @property
    def percent_done(self) -> int:
        return min(100, round(100 * self.rows_done / self.rows_total)) if self.rows_total else 0
