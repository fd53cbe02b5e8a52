from datetime import UTC, date, datetime, timedelta

import factory

from accounts.tests.factories import TeamFactory
from feedback.codes import code_new
from feedback.models import CaseFeedback, Channel, ClosedCase, Experience, FeedbackCode


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
    experience = Experience.GOOD
