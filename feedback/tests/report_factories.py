"""Test data for theme reports: feedback items, themes and codings with known counts."""

from datetime import date

import factory
from django.utils import timezone

from accounts.tests.factories import TeamFactory, UserFactory
from feedback.models import (
    AudienceScope,
    Coding,
    FeedbackChannel,
    FeedbackItem,
    FeedbackSource,
    Polarity,
    ReportAudience,
    Theme,
    ThemeReport,
)


class FeedbackItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackItem

    source = FeedbackSource.CLOSED_CASE
    channel = FeedbackChannel.ONLINE
    team = factory.SubFactory(TeamFactory)
    received_on = date(2026, 5, 10)
    text = "The worker listened to us."
    source_key = factory.Sequence(lambda n: f"test.item:{n}")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    name = factory.Sequence(lambda n: f"Theme {n}")


def code(item: FeedbackItem, theme: Theme, polarity: str = Polarity.WORKS_WELL, coder=None) -> Coding:
    return Coding.objects.create(
        item=item, theme=theme, polarity=polarity, coded_by=coder or UserFactory(), coded_at=timezone.now()
    )


DEFAULT_AUDIENCES = {
    "Senior Management Team": AudienceScope.ALL,
    "Child Protection Committee": AudienceScope.CHILD_PROTECTION,
    "Integrated Children's Services Planning Group": AudienceScope.ALL,
}


def audiences_ensure() -> None:
    """The audiences the migration creates, again: a test with a transactional database may run after
    another has emptied every table."""
    for name, scope in DEFAULT_AUDIENCES.items():
        ReportAudience.objects.get_or_create(name=name, defaults={"scope": scope})


def audience(name: str = "Senior Management Team") -> ReportAudience:
    audiences_ensure()
    return ReportAudience.objects.get(name=name)


def built_report(*, audience_name="Senior Management Team", first_day, last_day, moment=None, scheduled=True):
    """A report built now over the dates, as the job would build it."""
    from feedback.reports import services

    report = ThemeReport.objects.create(
        audience=audience(audience_name),
        first_day=first_day,
        last_day=last_day,
        scheduled=scheduled,
        requested_at=moment or timezone.now(),
    )
    return services.theme_report_build(report_id=report.pk, moment=moment or timezone.now())
