from datetime import UTC, date, datetime, timedelta

import factory
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from feedback.codes import code_new
from feedback.models import (
    CaseFeedback,
    Channel,
    ClosedCase,
    Coding,
    FeedbackChannel,
    FeedbackCode,
    FeedbackItem,
    FeedbackSource,
    FriendsAndFamilyRating,
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


class ClosedCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClosedCase

    reference = factory.Sequence(lambda n: f"CMS-{100000 + n}")
    team = factory.SubFactory(TeamFactory)
    closed_on = date(2026, 3, 2)
    closure_reason = "Plan completed"
    contact_name = factory.Sequence(lambda n: f"Sam Family {n}")
    address = "1 High Street\nExampletown\nEX1 2AB"
    phone = "07700 900123"
    email = factory.Sequence(lambda n: f"family{n}@example.com")


class FeedbackCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackCode

    case = factory.SubFactory(ClosedCaseFactory)
    code = factory.LazyFunction(code_new)
    issued_at = datetime(2026, 3, 3, 9, tzinfo=UTC)
    expires_at = factory.LazyAttribute(lambda o: o.issued_at + timedelta(days=183))


class CaseFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseFeedback

    case = factory.SubFactory(ClosedCaseFactory)
    team = factory.SelfAttribute("case.team")
    channel = Channel.ONLINE
    received_at = datetime(2026, 3, 10, 12, tzinfo=UTC)
    worked_well = "The keyworker called back every time."
    could_be_better = "Letters came late."
    experience = FriendsAndFamilyRating.GOOD
