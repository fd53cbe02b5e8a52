"""Feedback: closed cases and what families and young people say of them, and feedback from every
source collated in one place and coded by theme.

A closed case comes from the case management system (a form or a CSV upload). Its contact details
are personal data: who may see them is in rules.py and every look is logged. The child's age is an
age band, never a date of birth, and the child is never named. Feedback is kept apart from the
contact details: it names its case, not the family.

Consultations and co-production never import this app: the collation job reads them and files
what they hold as feedback items, once each (``FeedbackItem.source_key`` is unique).
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from common.status import TagColour, tag_colours
from common.text import search_words
from consultations.models import ServiceArea
from coproduction.models import AgeBand

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

    def awaiting_safeguarding_review(self):
        """From closed-case feedback whose safeguarding flag nobody has handled yet."""
        return self.filter(case_feedback__flagged_at__isnull=False, case_feedback__flag_handled_at__isnull=True)

    def in_coding_queue(self):
        """What coders may code: everything but items awaiting safeguarding review, which stay out of
        the queue until the concern is handled."""
        return self.exclude(case_feedback__flagged_at__isnull=False, case_feedback__flag_handled_at__isnull=True)


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
    # The closed-case feedback it was filed from, so a safeguarding flag on it holds the item back.
    case_feedback = models.ForeignKey(
        "CaseFeedback", on_delete=models.SET_NULL, null=True, blank=True, related_name="items", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FeedbackItemQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["received_on", "source"], name="feedback_item_period_source")]

    def __str__(self):
        return f"{self.get_source_display()} {self.received_on:%d %B %Y}"

    @property
    def awaiting_safeguarding_review(self) -> bool:
        """Read with ``select_related("case_feedback")`` (the coding pages do)."""
        return self.case_feedback_id is not None and self.case_feedback.flag_is_open


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


class SuggestionModelQuerySet(models.QuerySet):
    def latest_trained(self):
        return self.order_by("-trained_at", "-pk").first()


class SuggestionModel(models.Model):
    """A model learned from the council's own coding (suggestions.py), stored with when it was trained,
    on how many items and its size. ``signature`` is an HMAC of the blob with the site's secret key:
    only a blob the portal itself wrote is ever unpickled."""

    trained_at = models.DateTimeField()
    items_trained = models.PositiveIntegerField()
    themes_known = models.PositiveIntegerField()
    size = models.PositiveIntegerField(help_text=_("bytes"))
    blob = models.BinaryField()
    signature = models.CharField(max_length=128)

    objects = SuggestionModelQuerySet.as_manager()

    class Meta:
        ordering = ["-trained_at", "-pk"]

    def __str__(self):
        return f"Suggestion model trained at {self.trained_at:%d %b %Y %H:%M} on {self.items_trained} items"


class PreferredFormat(models.TextChoices):
    STANDARD = "standard", _("Standard")
    LARGE_PRINT = "large_print", _("Large print")
    EASY_READ = "easy_read", _("Easy read")


class ClosedCaseQuerySet(models.QuerySet):
    def of_teams(self, team_ids):
        return self.filter(team_id__in=team_ids)

    def search(self, text: str):
        """By case reference or closure reason (contact details are not searched: finding a family by
        name would be a look at their details without a record of it)."""
        text = search_words(text)
        return self.filter(Q(reference__icontains=text) | Q(closure_reason__icontains=text)) if text else self

    def contactable(self):
        return self.filter(do_not_contact=False)

    def without_letter(self):
        return self.filter(letter_sent_on__isnull=True)


class ClosedCase(models.Model):
    """A family's case that a team has closed, as the case management system records it."""

    reference = models.CharField(
        _("case reference"), max_length=50, help_text=_("The reference in the case management system.")
    )
    # The reference in lower case: unique, so an upload can insert or update each row in one statement
    # (a conflict target must be a column, not an expression).
    reference_key = models.CharField(max_length=50, unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="closed_cases", verbose_name=_("team"))
    closed_on = models.DateField(_("date closed"))
    closure_reason = models.CharField(_("closure reason"), max_length=200, blank=True)
    contact_name = models.CharField(_("family contact name"), max_length=150)
    address = models.TextField(_("postal address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    preferred_format = models.CharField(
        _("preferred format"), max_length=20, choices=PreferredFormat.choices, default=PreferredFormat.STANDARD
    )
    language = models.CharField(_("preferred language"), max_length=50, blank=True)
    preferred_times = models.CharField(_("best times to call"), max_length=100, blank=True)
    do_not_contact = models.BooleanField(_("do not contact"), default=False)
    do_not_contact_reason = models.CharField(_("reason not to contact"), max_length=200, blank=True)
    child_age_band = models.CharField(_("child's age band"), max_length=10, choices=AgeBand.choices, blank=True)
    letter_sent_on = models.DateField(_("letter sent"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClosedCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-closed_on", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reference_key=Lower("reference")), name="closed_case_reference_key_is_reference"
            ),
            models.CheckConstraint(
                condition=Q(do_not_contact=False) | ~Q(do_not_contact_reason=""),
                name="closed_case_do_not_contact_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(preferred_format__in=PreferredFormat.values), name="closed_case_format_known"
            ),
            models.CheckConstraint(
                condition=Q(child_age_band="") | Q(child_age_band__in=AgeBand.values),
                name="closed_case_age_band_known",
            ),
        ]
        indexes = [models.Index(fields=["team", "-closed_on"], name="closed_case_team_closed")]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        self.reference_key = self.reference.lower()
        super().save(*args, **kwargs)

    @property
    def child_may_answer(self) -> bool:
        """Old enough for a code of their own (FEEDBACK_CHILD_AGE_BANDS)."""
        return self.child_age_band in settings.FEEDBACK_CHILD_AGE_BANDS


class FeedbackCodeQuerySet(models.QuerySet):
    def usable_at(self, moment: datetime):
        return self.filter(used_at__isnull=True, expires_at__gt=moment)


class FeedbackCode(models.Model):
    """The code printed on a case's letter (and, for an old enough child, a second one of their own).

    Stored without the dash, in capitals; shown grouped (codes.code_display). Single use: sending
    feedback with it marks it used.
    """

    code = models.CharField(_("code"), max_length=8, unique=True)
    case = models.ForeignKey(ClosedCase, on_delete=models.CASCADE, related_name="codes")
    for_child = models.BooleanField(_("for the child or young person"), default=False)
    issued_at = models.DateTimeField(_("issued"))
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    objects = FeedbackCodeQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "for_child"], name="feedback_code_one_per_case_and_reader"),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("issued_at")), name="feedback_code_expires"),
        ]

    def __str__(self):
        from .codes import code_display

        return code_display(self.code)


class Channel(models.TextChoices):
    ONLINE = "online", _("Online, with the letter's code")
    ONLINE_CHILD = "online_child", _("Online, the young person's form")
    TELEPHONE = "telephone", _("Telephone")
    LETTER = "letter", _("Reply letter")
    INTERVIEW = "interview", _("Interview")
    TEAM_QUESTIONNAIRE = "team_questionnaire", _("Team's own questionnaire")


STAFF_CHANNELS = [Channel.TELEPHONE, Channel.LETTER, Channel.INTERVIEW, Channel.TEAM_QUESTIONNAIRE]


class ListenedTo(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class ContactWish(models.TextChoices):
    NO = "no", _("No, thank you")
    PHONE = "phone", _("Yes, by phone")
    EMAIL = "email", _("Yes, by email")


class AnsweredBy(models.TextChoices):
    YOUNG_PERSON = "young_person", _("Young person")
    PARENT_CARER = "parent_carer", _("Parent carer")
    BOTH = "both", _("Both together")


class PictureAnswer(models.TextChoices):
    AGREE = "agree", _("Agree")
    NOT_SURE = "not_sure", _("Not sure")
    DISAGREE = "disagree", _("Disagree")


class FeedbackStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    FLAGGED = "flagged", _("Safeguarding flag")
    FLAG_HANDLED = "flag_handled", _("Safeguarding flag handled")

    @property
    def tag_colour(self) -> TagColour:
        return FEEDBACK_STATUS_COLOURS[self]


FEEDBACK_STATUS_COLOURS = tag_colours(
    FeedbackStatus,
    {
        FeedbackStatus.RECEIVED: TagColour.BLUE,
        FeedbackStatus.FLAGGED: TagColour.RED,
        FeedbackStatus.FLAG_HANDLED: TagColour.GREY,
    },
)


FLAG_NOTE_MAX = 2000


class CaseFeedbackQuerySet(models.QuerySet):
    def flagged(self):
        return self.filter(flagged_at__isnull=False)

    def flag_open(self):
        """Flagged for safeguarding and not yet handled: awaiting review."""
        return self.flagged().filter(flag_handled_at__isnull=True)

    def flag_handled(self):
        return self.filter(flag_handled_at__isnull=False)

    def of_teams(self, team_ids):
        return self.filter(team_id__in=team_ids)


class CaseFeedback(models.Model):
    """What a family or young person said about a closed case's service: online with a code, or
    recorded by staff from a call, a reply letter, an interview or a team's own questionnaire (with
    or without a case)."""

    case = models.ForeignKey(
        ClosedCase, on_delete=models.PROTECT, null=True, blank=True, related_name="feedback", verbose_name=_("case")
    )
    code = models.OneToOneField(FeedbackCode, on_delete=models.PROTECT, null=True, blank=True, related_name="feedback")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="case_feedback", verbose_name=_("team"))
    channel = models.CharField(_("how it came"), max_length=30, choices=Channel.choices)
    questionnaire = models.CharField(_("questionnaire"), max_length=150, blank=True)
    answered_by = models.CharField(_("who answered"), max_length=20, choices=AnsweredBy.choices, blank=True)
    received_at = models.DateTimeField(_("received"))
    worked_well = models.TextField(_("what worked well"), blank=True)
    could_be_better = models.TextField(_("what could have been better"), blank=True)
    missing = models.TextField(_("what was missing"), blank=True)
    experience = models.CharField(
        _("overall experience"), max_length=20, choices=FriendsAndFamilyRating.choices, blank=True
    )
    listened_to = models.CharField(_("felt listened to"), max_length=10, choices=ListenedTo.choices, blank=True)
    picture_answers = models.JSONField(_("picture scale answers"), default=dict, blank=True)
    may_quote = models.BooleanField(_("may be quoted anonymously"), default=False)
    contact_wish = models.CharField(
        _("would like contact"), max_length=10, choices=ContactWish.choices, default=ContactWish.NO
    )
    contact_detail = models.CharField(_("phone number or email to contact"), max_length=254, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    flagged_at = models.DateTimeField(_("flagged for safeguarding"), null=True, blank=True)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    flag_reason = models.TextField(_("why it was flagged"), blank=True)
    # A flag is handled once, by someone allowed to (rules.py), who says what was done.
    flag_handled_at = models.DateTimeField(_("safeguarding flag handled"), null=True, blank=True)
    flag_handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    flag_handled_note = models.TextField(_("what was done"), max_length=FLAG_NOTE_MAX, blank=True)

    objects = CaseFeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "pk"]
        verbose_name_plural = _("case feedback")
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="case_feedback_channel_known"),
            models.CheckConstraint(
                condition=Q(code__isnull=True) | Q(case__isnull=False), name="case_feedback_code_has_case"
            ),
            models.CheckConstraint(
                condition=Q(flag_handled_at__isnull=True) | (Q(flagged_at__isnull=False) & ~Q(flag_handled_note="")),
                name="case_feedback_flag_handled_when_flagged_with_note",
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.received_at:%Y-%m-%d}"

    @property
    def status(self) -> FeedbackStatus:
        if self.flagged_at is None:
            return FeedbackStatus.RECEIVED
        return FeedbackStatus.FLAGGED if self.flag_handled_at is None else FeedbackStatus.FLAG_HANDLED

    @property
    def flag_is_open(self) -> bool:
        return self.flagged_at is not None and self.flag_handled_at is None

    def texts(self) -> list[str]:
        return [self.worked_well, self.could_be_better, self.missing]


class SafeguardingWord(models.Model):
    """A word or phrase that suggests a child may be unsafe: feedback that holds one is flagged at once.
    Administrators keep the list."""

    phrase = models.CharField(_("word or phrase"), max_length=100, unique=True)

    class Meta:
        ordering = ["phrase"]
        verbose_name = _("safeguarding word")

    def __str__(self):
        return self.phrase


# --- The standard letter -----------------------------------------------------------------------------


class LetterTemplate(models.Model):
    """The wording of the closure letter, kept by administrators. Placeholders in double braces are
    filled for each family: {{ contact_name }}, {{ team }}, {{ code }}, {{ feedback_address }},
    {{ expires_on }}. Nothing else in the text is read as a template, so the wording is plain text."""

    key = models.CharField(max_length=30, unique=True, default="closure_letter", editable=False)
    subject = models.CharField(_("heading and email subject"), max_length=150)
    body = models.TextField(_("letter to the family"))
    child_slip = models.TextField(_("slip for the child or young person"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("letter wording")
        verbose_name_plural = _("letter wording")

    def __str__(self):
        return self.subject


class LetterBatch(models.Model):
    """One day's printable letters for the post room: one PDF, made once per day (the job adds a
    later run's letters to the same day's batch and prints it again)."""

    day = models.DateField(_("day"), unique=True)
    pdf = models.FileField(_("PDF"), upload_to="feedback-letters/", blank=True)
    letters = models.PositiveIntegerField(default=0)
    large_print = models.PositiveIntegerField(default=0)
    emailed = models.PositiveIntegerField(default=0)
    made_at = models.DateTimeField(_("made"))

    class Meta:
        ordering = ["-day"]
        verbose_name_plural = _("letter batches")

    def __str__(self):
        return f"Letters {self.day:%Y-%m-%d}"


class FeedbackLetter(models.Model):
    """The closure letter a case was sent: one per case, however often the job runs."""

    case = models.OneToOneField(ClosedCase, on_delete=models.CASCADE, related_name="letter")
    batch = models.ForeignKey(LetterBatch, on_delete=models.PROTECT, related_name="feedback_letters")
    printed = models.BooleanField(_("printed for post"), default=False)
    emailed = models.BooleanField(_("emailed"), default=False)
    made_at = models.DateTimeField(_("made"))

    class Meta:
        ordering = ["batch", "pk"]

    def __str__(self):
        return f"Letter for {self.case}"


# --- The quarterly telephone sample ------------------------------------------------------------------


class FollowUpSample(models.Model):
    """A quarter's random draw of closed cases without feedback, to be telephoned. One per quarter; the
    seed and the cases considered are kept, so anyone can draw it again and get the same cases."""

    quarter_start = models.DateField(_("quarter starting"), unique=True)
    seed = models.CharField(_("seed"), max_length=32)
    considered = models.JSONField(_("cases considered, by team"), default=dict)
    # The size rule at the time of the draw (percent, minimum, maximum per team), so it reproduces.
    size_rule = models.JSONField(_("sample size rule"), default=dict)
    drawn_at = models.DateTimeField(_("drawn"))

    class Meta:
        ordering = ["-quarter_start"]

    def __str__(self):
        return f"Sample for the quarter from {self.quarter_start:%Y-%m-%d}"


class Disposition(models.TextChoices):
    """An attempt's outcome, in survey disposition terms."""

    COMPLETE = "complete", _("Complete: feedback given")
    PARTIAL = "partial", _("Partial: some feedback given")
    REFUSED = "refused", _("Refused: declined to take part")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")


class TimeOfDay(models.TextChoices):
    """The parts of the day a call is tried in (local time): a family not answering is tried again in
    another part of the day. Where each begins is ``TIME_OF_DAY_STARTS``, the one place it is said."""

    MORNING = "morning", _("morning")
    AFTERNOON = "afternoon", _("afternoon")
    EVENING = "evening", _("evening")

    @classmethod
    def of(cls, moment: datetime) -> "TimeOfDay":
        local = timezone.localtime(moment).time()
        found = cls.MORNING
        for part, starts in TIME_OF_DAY_STARTS:
            if local >= starts:
                found = part
        return found


# Each part of the day from its start to the next one's; the morning is everything before noon.
TIME_OF_DAY_STARTS = ((TimeOfDay.AFTERNOON, time(12)), (TimeOfDay.EVENING, time(17)))


class CallStatus(models.TextChoices):
    OPEN = "open", _("To call")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")
    UNREACHABLE = "unreachable", _("Unreachable")
    NOT_NEEDED = "not_needed", _("Not needed")

    @property
    def tag_colour(self) -> TagColour:
        return CALL_STATUS_COLOURS[self]


CALL_STATUS_COLOURS = tag_colours(
    CallStatus,
    {
        CallStatus.OPEN: TagColour.BLUE,
        CallStatus.COMPLETED: TagColour.GREEN,
        CallStatus.DECLINED: TagColour.GREY,
        CallStatus.UNREACHABLE: TagColour.ORANGE,
        CallStatus.NOT_NEEDED: TagColour.GREY,
    },
)


class FollowUpCallQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=CallStatus.OPEN)

    def of_teams(self, team_ids):
        return self.filter(case__team_id__in=team_ids)


class FollowUpCall(models.Model):
    """A drawn case to telephone, given to one of its team's staff, due by a day."""

    sample = models.ForeignKey(FollowUpSample, on_delete=models.CASCADE, related_name="calls")
    case = models.ForeignKey(ClosedCase, on_delete=models.CASCADE, related_name="calls")
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_up_calls"
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=20, choices=CallStatus.choices, default=CallStatus.OPEN)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = FollowUpCallQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "case"], name="follow_up_call_once_per_sample"),
            models.CheckConstraint(condition=Q(status__in=CallStatus.values), name="follow_up_call_status_known"),
        ]

    def __str__(self):
        return f"Call about {self.case}"

    @property
    def state(self) -> CallStatus:
        return CallStatus(self.status)


class CallAttempt(models.Model):
    call = models.ForeignKey(FollowUpCall, on_delete=models.CASCADE, related_name="attempts")
    made_at = models.DateTimeField(_("made"))
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    disposition = models.CharField(_("outcome"), max_length=20, choices=Disposition.choices)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["made_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(disposition__in=Disposition.values), name="call_attempt_disposition_known"
            )
        ]

    def __str__(self):
        return self.get_disposition_display()

    @property
    def time_of_day(self) -> TimeOfDay:
        return TimeOfDay.of(self.made_at)


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
