"""Demo theme reports: coded feedback over the last two ended periods, the earlier period's report
approved with commentary and improvement actions, and the later one a draft that carries them."""

from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import Team, User
from consultations.models import ServiceArea

from ..models import (
    Coding,
    FeedbackChannel,
    FeedbackItem,
    FeedbackSource,
    FriendsAndFamilyRating,
    LocalOfferPublication,
    Polarity,
    Theme,
    ThemeReport,
)
from . import services
from .periods import last_ended_by, period_before

DEMO_THEMES = [
    ("Being listened to", "listened\nheard"),
    ("Waiting times", "wait\nwaiting\nslow"),
    ("Short breaks", "short break\nrespite"),
    ("Communication", "phone\nemail\nletter"),
]
# (theme, polarity, text, rating): each is filed several times a period, so no count is under five.
DEMO_FEEDBACK = [
    (
        "Being listened to",
        Polarity.WORKS_WELL,
        "Our worker listened and we felt heard.",
        FriendsAndFamilyRating.VERY_GOOD,
    ),
    ("Waiting times", Polarity.NEEDS_IMPROVING, "We waited months for the assessment.", FriendsAndFamilyRating.POOR),
    ("Short breaks", Polarity.MISSING, "There is no short break for older teenagers.", FriendsAndFamilyRating.NEITHER),
    ("Communication", Polarity.NEEDS_IMPROVING, "Letters came late and phone calls were not returned.", ""),
]
SOURCES = [
    (FeedbackSource.CLOSED_CASE, FeedbackChannel.ONLINE),
    (FeedbackSource.TELEPHONE_FOLLOW_UP, FeedbackChannel.TELEPHONE),
    (FeedbackSource.LETTER, FeedbackChannel.PAPER),
]


def feedback_load(*, period, copies: int, coder: User, teams: list[Team], moment: datetime, tag: str) -> None:
    themes = {
        name: Theme.objects.get_or_create(name=name, defaults={"keywords": keywords})[0]
        for name, keywords in DEMO_THEMES
    }
    number = 0
    for theme_name, polarity, text, rating in DEMO_FEEDBACK:
        for copy in range(copies + (2 if polarity == Polarity.WORKS_WELL else 0)):
            number += 1
            source, channel = SOURCES[number % len(SOURCES)]
            item, created = FeedbackItem.objects.get_or_create(
                source_key=f"demo.reports:{tag}:{number}",
                defaults={
                    "source": source,
                    "channel": channel,
                    "team": teams[number % len(teams)],
                    "received_on": period.first_day + timedelta(days=(number * 7) % 170),
                    "text": text,
                    "rating": rating,
                    "consent_to_quote": copy % 2 == 0,
                },
            )
            if created:
                Coding.objects.create(
                    item=item, theme=themes[theme_name], polarity=polarity, coded_by=coder, coded_at=moment
                )


def demo_load(*, moment: datetime) -> None:
    if not ThemeReport.objects.exists():
        reports_load(moment=moment)
    if not LocalOfferPublication.objects.exists():
        publication_load(moment=moment)


def publication_load(*, moment: datetime) -> None:
    """Last year's Local Offer publication, published with the council's response."""
    manager = User.objects.get(email="manager@example.gov.uk")
    today = timezone.localdate(moment)
    year = today.year - 1 if today.month >= 4 else today.year - 2
    for theme in Theme.objects.filter(service_area__isnull=True, name__in=[name for name, _keywords in DEMO_THEMES]):
        theme.service_area = ServiceArea.objects.order_by("name").first()
        theme.save(update_fields=["service_area"])
    publication = services.publication_build(year=year, user=manager, moment=moment)
    services.publication_edit(
        publication=publication,
        introduction=(
            "Every year we publish what parent carers and young people told us about the Local Offer, "
            "and what we are doing about it."
        ),
        responses={
            area["key"]: "We have heard this and will report progress to the SEND Partnership Board."
            for area in publication.figures["areas"]
        },
        user=manager,
    )
    services.publication_publish(publication=publication, user=manager, moment=moment)


def reports_load(*, moment: datetime) -> None:
    manager = User.objects.get(email="manager@example.gov.uk")
    teams = list(Team.objects.order_by("slug")[:3])
    later = last_ended_by(timezone.localdate(moment))
    earlier = period_before(later)
    feedback_load(period=earlier, copies=6, coder=manager, teams=teams, moment=moment, tag="earlier")
    feedback_load(period=later, copies=8, coder=manager, teams=teams, moment=moment, tag="later")
    ids = services.theme_reports_create_due(
        moment=datetime.combine(
            earlier.last_day + timedelta(days=1), datetime.min.time(), tzinfo=timezone.get_current_timezone()
        )
    )
    for report_id in ids:
        services.theme_report_build(report_id=report_id, moment=moment)
    approved = ThemeReport.objects.get(audience__name="Senior Management Team", first_day=earlier.first_day)
    services.report_commentary_add(
        report=approved,
        user=manager,
        text=(
            "Families value being listened to. Waiting times remain the main concern, "
            "and older teenagers lack short breaks."
        ),
        moment=moment,
    )
    for description, team, days in [
        ("Publish assessment waiting times on the Local Offer each month.", teams[0], 60),
        ("Commission a short-break offer for young people aged 14 to 18.", teams[-1], 150),
    ]:
        services.improvement_action_add(
            report=approved,
            description=description,
            owner_team=team,
            due_on=timezone.localdate(moment) + timedelta(days=days),
            user=manager,
            moment=moment,
        )
    for quote in services.flagged_quotes(approved):
        services.report_quote_remove(report=approved, quote_id=quote["id"], user=manager)
    services.theme_report_review(report=approved, user=manager, moment=moment)
    services.theme_report_approve(report=approved, user=manager, moment=moment)
    # The later period: each audience's draft, built as the job would the day after it ended.
    ids = services.theme_reports_create_due(moment=moment)
    for report_id in ids:
        services.theme_report_build(report_id=report_id, moment=moment)
