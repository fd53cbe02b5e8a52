"""Demo themes and coded feedback across the two half-years before today (April to September,
October to March), one sample coded twice, a learned suggestion model and its suggestions, and the
demo consultations' answers collated. Safe to run twice."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from accounts.models import Team, User
from consultations.models import ServiceArea

from . import coding, collation, suggestions
from .models import FeedbackChannel, FeedbackItem, FeedbackSource, Polarity, Theme

DEMO_THEMES = [
    # (name, Local Offer area slug, description, keywords)
    ("Short breaks", "social-care", "Booking, choice and availability of short breaks.", "short break\nrespite"),
    ("Transport", "transport", "Home to school transport and escorts.", "bus\ntaxi\nescort"),
    ("Communication", "local-offer", "Being kept informed, calls and letters answered.", "called back\nphone"),
    ("EHC plans", "ehc-plans", "Assessments, plans and annual reviews.", "ehc plan\nannual review"),
    ("Therapies", "health", "Speech and language, occupational therapy, waiting times.", "therapy\nspeech"),
]

# (source, channel, team slug, text, [(theme, polarity)], consent to quote)
CASE, CALL, LETTER, INTERVIEW, QUESTIONNAIRE = (
    FeedbackSource.CLOSED_CASE,
    FeedbackSource.TELEPHONE_FOLLOW_UP,
    FeedbackSource.LETTER,
    FeedbackSource.INTERVIEW,
    FeedbackSource.TEAM_QUESTIONNAIRE,
)
W, N, M = Polarity.WORKS_WELL, Polarity.NEEDS_IMPROVING, Polarity.MISSING
DEMO_FEEDBACK = [
    (
        CASE,
        "online",
        "children-with-disabilities",
        "Our social worker called back the same day, every time.",
        [("Communication", W)],
        True,
    ),
    (
        CALL,
        "telephone",
        "children-with-disabilities",
        "The short break was wonderful but booking took six phone calls.",
        [("Short breaks", W), ("Communication", N)],
        True,
    ),
    (
        LETTER,
        "paper",
        "send-services",
        "The taxi escort changed three times this term and our son was upset.",
        [("Transport", N)],
        True,
    ),
    (
        INTERVIEW,
        "in_person",
        "participation",
        "There is no holiday club for children who need one-to-one support.",
        [("Short breaks", M)],
        False,
    ),
    (
        QUESTIONNAIRE,
        "online",
        "send-services",
        "The EHC plan arrived late and the annual review was cancelled twice.",
        [("EHC plans", N)],
        True,
    ),
    (
        CASE,
        "online",
        "family-placement",
        "Nobody told us the speech therapy waiting list was a year long.",
        [("Therapies", N), ("Communication", N)],
        True,
    ),
    (
        CALL,
        "telephone",
        "send-services",
        "The new bus route means a shorter journey and a driver who knows her.",
        [("Transport", W)],
        True,
    ),
    (
        LETTER,
        "paper",
        "children-with-disabilities",
        "Respite overnight stays gave us our first full night's sleep in years.",
        [("Short breaks", W)],
        True,
    ),
    (
        QUESTIONNAIRE,
        "online",
        "send-services",
        "There is no occupational therapy for children over eleven in our area.",
        [("Therapies", M)],
        True,
    ),
    (
        INTERVIEW,
        "in_person",
        "participation",
        "The caseworker explained the EHC plan in words our daughter understood.",
        [("EHC plans", W)],
        True,
    ),
    (
        CASE,
        "online",
        "send-services",
        "Emails went unanswered for weeks while we waited for the assessment.",
        [("Communication", N), ("EHC plans", N)],
        True,
    ),
    (
        CALL,
        "telephone",
        "children-with-disabilities",
        "The taxi was late most mornings and nobody called back.",
        [("Transport", N), ("Communication", N)],
        False,
    ),
    (
        LETTER,
        "paper",
        "send-services",
        "Speech and language therapy in school has made a real difference.",
        [("Therapies", W)],
        True,
    ),
    (
        QUESTIONNAIRE,
        "online",
        "participation",
        "We would like more short break activities at weekends near us.",
        [("Short breaks", M)],
        True,
    ),
    (
        CASE,
        "online",
        "send-services",
        "The annual review was on time and we felt listened to.",
        [("EHC plans", W)],
        True,
    ),
    (
        INTERVIEW,
        "in_person",
        "children-with-disabilities",
        "There is no transport to the after school club for disabled children.",
        [("Transport", M)],
        True,
    ),
]
# Not coded yet: the inbox has work in it, with suggestions to take up.
DEMO_UNCODED = [
    (CASE, "online", "send-services", "The escort on the bus did not know about our son's medication."),
    (
        CALL,
        "telephone",
        "children-with-disabilities",
        "Booking a short break online was quick, and someone called back.",
    ),
    (LETTER, "paper", "send-services", "Our annual review paperwork still has not arrived."),
]


def half_years_before(moment: datetime) -> tuple[tuple[date, date], tuple[date, date]]:
    """The last two whole half-years (April to September, October to March) before the moment."""
    today = timezone.localdate(moment)
    if today.month >= 10:
        latest = (date(today.year, 4, 1), date(today.year, 9, 30))
    elif today.month >= 4:
        latest = (date(today.year - 1, 10, 1), date(today.year, 3, 31))
    else:
        latest = (date(today.year - 1, 4, 1), date(today.year - 1, 9, 30))
    earlier_end = latest[0] - timedelta(days=1)
    earlier_start = date(earlier_end.year, 4, 1) if earlier_end.month == 9 else date(earlier_end.year - 1, 10, 1)
    return (earlier_start, earlier_end), latest


def demo_load(*, moment: datetime) -> None:
    if Theme.objects.filter(name="Short breaks").exists():
        return
    areas = {area.slug: area for area in ServiceArea.objects.all()}
    themes = {
        name: Theme.objects.create(name=name, service_area=areas.get(slug), description=description, keywords=words)
        for name, slug, description, words in DEMO_THEMES
    }
    teams = {team.slug: team for team in Team.objects.all()}
    staff = User.objects.get(email="staff@example.gov.uk")
    manager = User.objects.get(email="manager@example.gov.uk")
    periods = half_years_before(moment)
    number = 0
    for period_index, (first, last) in enumerate(periods):
        span = (last - first).days
        for index, (source, channel, team, text, codes, consent) in enumerate(DEMO_FEEDBACK):
            # The later half-year hears more about communication, so reports have a change to show.
            if period_index == 0 and index % 3 == 1:
                continue
            number += 1
            item = FeedbackItem.objects.create(
                source=source,
                channel=FeedbackChannel(channel),
                team=teams.get(team),
                service_area=themes[codes[0][0]].service_area,
                received_on=first + timedelta(days=(index * 11 + period_index * 5) % span),
                text=text,
                consent_to_quote=consent,
                source_key=f"demo:{number}",
            )
            coded_at = timezone.make_aware(datetime.combine(last, datetime.min.time())) + timedelta(days=3)
            for name, polarity in codes:
                coding.coding_apply(item=item, theme=themes[name], polarity=polarity, coder=staff, moment=coded_at)
                if index % 4 == 0:  # a sample coded twice, for the agreement between coders
                    coding.coding_apply(
                        item=item, theme=themes[name], polarity=polarity, coder=manager, moment=coded_at
                    )
    for source, channel, team, text in DEMO_UNCODED:
        number += 1
        FeedbackItem.objects.create(
            source=source,
            channel=FeedbackChannel(channel),
            team=teams.get(team),
            received_on=timezone.localdate(moment) - timedelta(days=number % 20),
            text=text,
            source_key=f"demo:{number}",
        )
    number += 1
    FeedbackItem.objects.create(
        source=FeedbackSource.TELEPHONE_FOLLOW_UP,
        channel=FeedbackChannel.TELEPHONE,
        team=teams.get("children-with-disabilities"),
        received_on=timezone.localdate(moment) - timedelta(days=2),
        text="My son said the driver shouted at him and grabbed his arm on the way to school.",
        child_protection=True,
        source_key=f"demo:{number}",
    )
    collation.feedback_collate(moment=moment)
    suggestions.suggestion_model_train(moment=moment)
    suggestions.suggestions_refresh(moment=moment)
