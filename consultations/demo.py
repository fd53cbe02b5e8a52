"""Demo consultations: open, upcoming and closed, with responses and a published "You said, we did"."""

from datetime import datetime, timedelta

from accounts.models import Team, User

from . import services
from .models import Channel, Consultation, OutcomeItem, Question, QuestionKind, RespondentType, ServiceArea

OPEN_QUESTIONS = [
    (1, QuestionKind.AGREEMENT, "Booking a short break is easy.", "", True, []),
    (1, QuestionKind.YES_NO, "Have you used a short break in the last year?", "", True, []),
    (
        2,
        QuestionKind.SINGLE_CHOICE,
        "When do you most need a short break?",
        "",
        True,
        ["After school", "Weekends", "School holidays", "Overnight"],
    ),
    (
        2,
        QuestionKind.MULTIPLE_CHOICE,
        "Which kinds of short break would suit your family?",
        "Select all that apply.",
        False,
        ["Day activities", "Overnight stays", "Care at home", "Direct payments"],
    ),
    (3, QuestionKind.SHORT_TEXT, "In a few words, what is the hardest part of booking?", "", False, []),
    (
        3,
        QuestionKind.LONG_TEXT,
        "What would make short breaks work better for your family?",
        "Tell us as much or as little as you like.",
        False,
        [],
    ),
]

DEMO_ANSWERS = [
    (
        "Disagree",
        "Yes",
        "Weekends",
        ["Day activities", "Care at home"],
        "Too many phone calls",
        "A named worker who knows our son, and booking online.",
    ),
    (
        "Strongly disagree",
        "Yes",
        "School holidays",
        ["Overnight stays"],
        "Nobody calls back",
        "Holiday places fill up in a day. Let families with the greatest need book first.",
    ),
    ("Agree", "No", "After school", ["Direct payments"], "", "More activities near where we live."),
]


def demo_load(*, moment: datetime) -> None:
    if Consultation.objects.filter(slug="short-breaks-booking").exists():
        return
    team = Team.objects.get(slug="send-services")
    staff = User.objects.get(email="staff@example.gov.uk")
    area = {a.slug: a for a in ServiceArea.objects.all()}

    open_consultation = Consultation.objects.create(
        title="Short breaks: how should families book them?",
        slug="short-breaks-booking",
        summary="We want to make booking short breaks for disabled children easier. "
        "Tell us what works and what does not.",
        proposal="We propose an online booking system with a named short breaks worker for every family, because "
        "parent carers told the forum that booking takes too many phone calls.",
        for_parent_carers=True,
        service_area=area["social-care"],
        team=team,
        created_by=staff,
        opens_at=moment - timedelta(days=10),
        closes_at=moment + timedelta(days=20),
        other_ways_to_respond="Ask for a paper copy at any family hub, "
        "or phone the participation team on 01234 567890.",
        contact_details="participation@example.gov.uk",
        decision_informed="The short breaks statement for next year.",
    )
    for page, kind, text, hint, required, options in OPEN_QUESTIONS:
        services.question_save(
            user=staff,
            question=Question(
                consultation=open_consultation,
                page=page,
                kind=kind,
                text=text,
                help_text=hint,
                required=required,
                options=options,
            ),
        )
    open_consultation = services.consultation_publish(
        user=staff, consultation=open_consultation, moment=moment - timedelta(days=10)
    )
    questions = list(open_consultation.questions.all())
    for index, answers in enumerate(DEMO_ANSWERS):
        draft = services.response_start(consultation=open_consultation, user=None, moment=moment - timedelta(days=5))
        services.answers_save(
            response=draft,
            answers=dict(zip([q.pk for q in questions], answers, strict=True)),
            moment=moment - timedelta(days=5),
        )
        services.about_you_save(
            response=draft,
            respondent_type=RespondentType.PARENT_CARER,
            consent_to_quote=index != 1,
            email="",
            wants_receipt=False,
            wants_outcome=False,
            moment=moment - timedelta(days=4 - index),
        )
        services.response_submit(draft=draft, moment=moment - timedelta(days=4 - index))

    upcoming = Consultation.objects.create(
        title="Growing up: what matters to you about becoming an adult?",
        slug="preparing-for-adulthood",
        summary="We want young people to tell us what help they need to get ready for college, work and living "
        "more independently.",
        proposal="We will write a new preparing for adulthood plan with young people.",
        for_young_people=True,
        child_friendly=True,
        service_area=area["preparing-for-adulthood"],
        team=team,
        opens_at=moment + timedelta(days=7),
        closes_at=moment + timedelta(days=42),
        created_by=staff,
        who_decides="The SEND partnership board, with the youth forum",
        feedback_due=(moment + timedelta(days=90)).date(),
    )
    services.question_save(
        user=staff,
        question=Question(
            consultation=upcoming,
            kind=QuestionKind.AGREEMENT,
            text="I know who to ask for help about what happens after school.",
            required=True,
        ),
    )
    services.question_save(
        user=staff,
        question=Question(consultation=upcoming, kind=QuestionKind.LONG_TEXT, text="What would help you most?"),
    )
    services.consultation_publish(user=staff, consultation=upcoming, moment=moment)

    closed = Consultation.objects.create(
        title="Home to school transport policy",
        slug="home-to-school-transport",
        summary="We asked families about changes to home to school transport for children with SEND.",
        proposal="We proposed personal travel budgets as an option alongside council transport.",
        for_parent_carers=True,
        for_professionals=True,
        service_area=area["transport"],
        team=team,
        created_by=staff,
        opens_at=moment - timedelta(days=120),
        closes_at=moment - timedelta(days=30),
    )
    services.question_save(
        user=staff,
        question=Question(
            consultation=closed,
            kind=QuestionKind.YES_NO,
            required=True,
            text="Would a personal travel budget work for your family?",
        ),
    )
    services.question_save(
        user=staff, question=Question(consultation=closed, kind=QuestionKind.LONG_TEXT, text="Tell us why.")
    )
    closed = services.consultation_publish(user=staff, consultation=closed, moment=moment - timedelta(days=121))
    yes_no, why = closed.questions.all()
    for value, reason, channel in [
        ("Yes", "We could pay a neighbour we trust.", Channel.EVENT),
        ("No", "Our daughter needs an escort who knows her.", Channel.PAPER),
        ("Yes", "It would let me drive her myself.", Channel.TELEPHONE),
    ]:
        services.response_record(
            consultation=closed,
            channel=channel,
            answers={yes_no.pk: value, why.pk: reason},
            respondent_type=RespondentType.PARENT_CARER,
            consent_to_quote=True,
            received_at=moment - timedelta(days=60),
            recorded_by=staff,
            moment=moment,
        )
    for you_said, changed, we_did, why_not in [
        (
            "Personal travel budgets would give some families more freedom.",
            True,
            "Personal travel budgets are now offered to every eligible family, alongside council transport.",
            "",
        ),
        (
            "Children who need an escort worry about losing them.",
            True,
            "No child who needs an escort will be moved to a travel budget unless their family asks.",
            "",
        ),
        (
            "Please end the charge for post-16 transport.",
            False,
            "",
            "The charge stays this year because the budget is set by law until April, but we have reduced it by a "
            "third for families on low incomes and will review it with the forum next year.",
        ),
    ]:
        services.outcome_item_save(
            user=staff,
            item=OutcomeItem(consultation=closed, you_said=you_said, changed=changed, we_did=we_did, why_not=why_not),
        )
    services.outcomes_publish(
        user=staff,
        consultation=closed,
        moment=moment,
        summary="Thank you to everyone who told us what they think, online, on paper and at our events.",
    )
