"""Feedback from every source, collated in one place and coded by theme.

Consultations and co-production never import this app: the collation job reads them and files
what they hold here, once each (``FeedbackItem.source_key`` is unique).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
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
