"""Demo closed cases across two quarters, with codes, and feedback online (the family's and a young
person's), by letter and by a team's own questionnaire, one flagged for safeguarding; a drawn sample
with calls in every outcome. Then themes and coded feedback across the two half-years before today
(April to September, October to March), one sample coded twice, a learned suggestion model and its
suggestions, and the demo consultations' answers and closed-case feedback collated; theme reports
over it, one approved with actions. Safe to run twice."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import Team, User
from consultations.models import ServiceArea

from . import calls, coding, collation, services, suggestions
from .models import (
    Channel,
    ClosedCase,
    ContactWish,
    Disposition,
    FeedbackChannel,
    FeedbackItem,
    FeedbackSource,
    Polarity,
    PreferredFormat,
    Theme,
)
from .reports import demo as reports_demo

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


def themes_load(*, moment: datetime) -> None:
    """Themes, and feedback items across two half-years, coded."""
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


# (reference, team slug, days before today it closed, reason, contact, format, age band, do not contact)
DEMO_CASES = [
    ("CMS-204118", "send-services", 20, "EHC plan ceased: needs met", "Alex Morgan", PreferredFormat.STANDARD,
     "11_15", ""),
    ("CMS-204207", "send-services", 35, "Moved out of area", "Priya Shah", PreferredFormat.LARGE_PRINT, "under_11", ""),
    ("CMS-204233", "children-with-disabilities", 50, "Short breaks plan completed", "Jordan Lee",
     PreferredFormat.EASY_READ, "16_17", ""),
    ("CMS-204301", "children-with-disabilities", 55, "Transferred to adult services", "Chris Evans",
     PreferredFormat.STANDARD, "18_25", ""),
    ("CMS-203990", "send-services", 110, "Assessment completed: no plan needed", "Robin Ahmed",
     PreferredFormat.STANDARD, "", ""),
    ("CMS-203845", "family-placement", 130, "Placement ended", "Kim Taylor", PreferredFormat.STANDARD, "11_15",
     "Family asked not to be contacted again"),
    ("CMS-203702", "send-services", 150, "Plan completed", "Sam Okoro", PreferredFormat.EASY_READ, "16_17", ""),
]  # fmt: skip


# Last quarter's cases with no feedback, drawn for the telephone sample, and what each call came to.
# A family with no answer is tried again at another time of day: morning, afternoon, evening.
CALL_TIMES = (time(10), time(14, 30), time(19))
CALL_OUTCOMES = [
    [Disposition.COMPLETE],
    [Disposition.NO_ANSWER, Disposition.PARTIAL],
    [Disposition.REFUSED],
    [Disposition.NO_ANSWER, Disposition.NO_ANSWER, Disposition.NO_ANSWER],
    [Disposition.WRONG_NUMBER],
    [Disposition.NOT_ELIGIBLE],
    [Disposition.NO_ANSWER],
    [],
]


def demo_load(*, moment: datetime) -> None:
    if not ClosedCase.objects.filter(reference=DEMO_CASES[0][0]).exists():
        cases_load(moment=moment)
        calls_load(moment=moment)
    themes_load(moment=moment)
    reports_demo.demo_load(moment=moment)  # reports over the coded feedback, so after it


def calls_load(*, moment: datetime) -> None:
    """Last quarter's sample, drawn with every eligible case, and calls in every outcome."""
    manager = User.objects.get(email="manager@example.gov.uk")
    caller = User.objects.get(email="staff@example.gov.uk")
    team = Team.objects.get(slug="send-services")
    quarter = calls.quarter_before(calls.quarter_start_of(timezone.localdate(moment)))
    for number in range(len(CALL_OUTCOMES)):
        services.case_save(
            case=ClosedCase(
                reference=f"CMS-19{number:04d}",
                team=team,
                closed_on=quarter + timedelta(days=8 * number + 3),
                closure_reason="Plan completed",
                contact_name=f"Family {number + 1}",
                address=f"{number + 1} Mill Lane\nExampletown\nEX2 5RT",
                phone=f"07700 900{700 + number}",
                preferred_times="Weekday afternoons" if number % 2 else "",
            ),
            user=manager,
        )
    rule = {"percent": 100, "minimum": 0, "maximum": 100}
    sample = calls.sample_draw_for_quarter(quarter_start=quarter, moment=moment - timedelta(days=5), rule=rule)
    answers = {"worked_well": "Being kept up to date.", "experience": "good", "contact_wish": ContactWish.NO}
    follow_ups = sample.calls.filter(case__reference__startswith="CMS-19").order_by("case__reference")
    call_day = timezone.localdate(moment) - timedelta(days=4)
    for call, outcomes in zip(follow_ups, CALL_OUTCOMES, strict=False):
        call.caller = caller
        call.save(update_fields=["caller"])
        for attempt_time, disposition in zip(CALL_TIMES, outcomes, strict=False):
            calls.call_attempt_record(
                call=call,
                user=caller,
                disposition=disposition,
                moment=timezone.make_aware(datetime.combine(call_day, attempt_time)),
                answers=answers,
            )


def cases_load(*, moment: datetime) -> None:
    manager = User.objects.get(email="manager@example.gov.uk")
    teams = {team.slug: team for team in Team.objects.all()}
    today = timezone.localdate(moment)
    cases = {}
    for reference, slug, days, reason, contact, format_, band, do_not_contact in DEMO_CASES:
        cases[reference] = services.case_save(
            case=ClosedCase(
                reference=reference,
                team=teams[slug],
                closed_on=today - timedelta(days=days),
                closure_reason=reason,
                contact_name=contact,
                address=f"{days} Station Road\nExampletown\nEX{days % 9 + 1} 4QT",
                phone=f"07700 900{days:03d}",
                email=f"{contact.split()[0].lower()}@example.com",
                preferred_format=format_,
                child_age_band=band,
                do_not_contact=bool(do_not_contact),
                do_not_contact_reason=do_not_contact,
            ),
            user=manager,
        )
    # The daily job's runs over two quarters: the morning after each case closed.
    for days in sorted({days for _r, _s, days, *_rest in DEMO_CASES}, reverse=True):
        services.letters_send(moment=moment - timedelta(days=days - 1))
    online_answers = {
        "worked_well": "Our caseworker explained every step and always rang back.",
        "could_be_better": "The first letter used words we did not understand.",
        "missing": "Someone to talk to between meetings.",
        "experience": "good",
        "listened_to": "partly",
        "may_quote": True,
        "contact_wish": ContactWish.NO,
    }
    family_code = cases["CMS-204233"].codes.get(for_child=False)
    services.feedback_submit(
        typed_code=family_code.code, answers=online_answers, for_child_form=False, moment=moment - timedelta(days=40)
    )
    child_code = cases["CMS-204233"].codes.get(for_child=True)
    services.feedback_submit(
        typed_code=child_code.code,
        answers={
            "worked_well": "My worker listened to me.",
            "could_be_better": "Meetings were boring.",
            "picture_answers": {"listened": "agree", "helped": "not_sure", "kind": "agree"},
            "answered_by": "young_person",
            "may_quote": True,
            "contact_wish": ContactWish.NO,
        },
        for_child_form=True,
        moment=moment - timedelta(days=39),
    )
    services.feedback_record(
        user=manager,
        channel=Channel.LETTER,
        team=None,
        case=cases["CMS-203990"],
        received_at=moment - timedelta(days=90),
        answers={"worked_well": "Thank you for the quick assessment.", "experience": "very_good",
                 "contact_wish": ContactWish.NO},
    )  # fmt: skip
    services.feedback_record(
        user=manager,
        channel=Channel.TEAM_QUESTIONNAIRE,
        team=teams["children-with-disabilities"],
        case=None,
        received_at=moment - timedelta(days=60),
        answers={"could_be_better": "Sometimes I felt unsafe on the transport home.", "experience": "poor",
                 "contact_wish": ContactWish.PHONE, "contact_detail": "07700 900555"},
        questionnaire="Exit interview",
    )  # fmt: skip
