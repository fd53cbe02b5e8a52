import factory
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from feedback.models import (
    Coding,
    FeedbackChannel,
    FeedbackItem,
    FeedbackSource,
    Polarity,
    Suggestion,
    SuggestionMethod,
    Theme,
)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Theme {n}")
    description = "What families say about it."
    keywords = ""


class FeedbackItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackItem

    source = FeedbackSource.LETTER
    channel = FeedbackChannel.PAPER
    received_on = factory.LazyFunction(timezone.localdate)
    text = "The short breaks worker called back the same day."
    source_key = factory.Sequence(lambda n: f"test:{n}")


class CodingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coding

    item = factory.SubFactory(FeedbackItemFactory)
    theme = factory.SubFactory(ThemeFactory)
    polarity = Polarity.WORKS_WELL
    coded_by = factory.SubFactory(UserFactory, role=Role.STAFF)
    coded_at = factory.LazyFunction(timezone.now)


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suggestion

    item = factory.SubFactory(FeedbackItemFactory)
    theme = factory.SubFactory(ThemeFactory)
    method = SuggestionMethod.KEYWORDS
    confidence = 0.9
    reason = "Matched the words: bus"
    made_at = factory.LazyFunction(timezone.now)
