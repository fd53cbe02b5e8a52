"""Demo closed cases across two quarters, with codes, and feedback online (the family's and a young
person's), by letter and by a team's own questionnaire, one flagged for safeguarding. Safe to run twice.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import Team, User

from . import calls, services
from .models import Channel, ClosedCase, ContactWish, Disposition, PreferredFormat

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
    if ClosedCase.objects.filter(reference=DEMO_CASES[0][0]).exists():
        return
    cases_load(moment=moment)
    calls_load(moment=moment)


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
    for call, outcomes in zip(follow_ups, CALL_OUTCOMES, strict=False):
        call.caller = caller
        call.save(update_fields=["caller"])
        for hours, disposition in enumerate(outcomes):
            calls.call_attempt_record(
                call=call,
                user=caller,
                disposition=disposition,
                moment=moment - timedelta(days=4, hours=30 - 5 * hours),
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
