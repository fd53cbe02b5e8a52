"""Demo participation groups, participants and memberships (one group closed), and sessions: past ones
with registers (one warned about) and upcoming ones with agendas. Safe to run twice."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Team, User

from . import recognition, services
from .models import (
    AgeBand,
    AgendaItem,
    Arrangement,
    Attendance,
    BenchLevel,
    ContactMethod,
    GroupKind,
    LadderRung,
    MembershipRole,
    OfferAnswer,
    Participant,
    ParticipantRole,
    ParticipationGroup,
    Recognition,
    RecognitionKind,
    Session,
)

DEMO_GROUPS = [
    # (name, kind, Bench level, team slug, purpose)
    (
        "Parent Carer Forum",
        GroupKind.PARENT_CARER_FORUM,
        BenchLevel.STRATEGIC,
        "participation",
        "Parent carers of disabled children work with the council and health on SEND services.",
    ),
    (
        "Youth Voice",
        GroupKind.YOUTH_FORUM,
        BenchLevel.SERVICE,
        "participation",
        "Young people with SEND aged 11 to 25 shape the services they use.",
    ),
    (
        "SEND Partnership Board",
        GroupKind.PARTNERSHIP_BOARD,
        BenchLevel.STRATEGIC,
        "send-services",
        "Sets county-wide SEND priorities with the parent carer forum and partners.",
    ),
    (
        "Short Breaks Redesign",
        GroupKind.TASK_AND_FINISH,
        BenchLevel.SERVICE,
        "send-services",
        "Redesign short breaks booking with families who use them.",
    ),
    (
        "Participation Workers Network",
        GroupKind.WORKERS_NETWORK,
        BenchLevel.SERVICE,
        "participation",
        "Participation workers share what works across teams.",
    ),
]

DEMO_PEOPLE = [
    # (name, role, email, age band, organisation, access needs, reference, [(group, role)])
    ("Priya Shah", ParticipantRole.PARENT_CARER, "priya.shah@example.com", "", "", "Step-free access", "PCF-001",
     [("Parent Carer Forum", MembershipRole.CHAIR), ("SEND Partnership Board", MembershipRole.CO_CHAIR)]),
    ("Tom Evans", ParticipantRole.PARENT_CARER, "tom.evans@example.com", "", "", "", "PCF-002",
     [("Parent Carer Forum", MembershipRole.MEMBER), ("Short Breaks Redesign", MembershipRole.MEMBER)]),
    ("Aisha Khan", ParticipantRole.PARENT_CARER, "aisha.khan@example.com", "", "", "British Sign Language interpreter",
     "PCF-003", [("Parent Carer Forum", MembershipRole.MEMBER), ("Short Breaks Redesign", MembershipRole.CO_CHAIR)]),
    ("Leo Martin", ParticipantRole.YOUNG_PERSON, "", AgeBand.AGE_16_17, "", "A quiet room and written agendas",
     "YV-001", [("Youth Voice", MembershipRole.CHAIR)]),
    ("Maya Brown", ParticipantRole.YOUNG_PERSON, "", AgeBand.AGE_11_15, "", "", "YV-002",
     [("Youth Voice", MembershipRole.MEMBER)]),
    ("Ellis Green", ParticipantRole.YOUNG_PERSON, "", AgeBand.AGE_18_25, "", "", "YV-003",
     [("Youth Voice", MembershipRole.MEMBER), ("SEND Partnership Board", MembershipRole.MEMBER)]),
    ("Dr Hannah Price", ParticipantRole.PROFESSIONAL, "hannah.price@example.nhs.uk", "", "Integrated Care Board", "",
     "", [("SEND Partnership Board", MembershipRole.MEMBER)]),
    ("Chris Doyle", ParticipantRole.PARTNER_ORGANISATION, "chris@example.org", "", "Carers Together", "", "",
     [("Participation Workers Network", MembershipRole.MEMBER)]),
    ("Cllr Ruth Adams", ParticipantRole.COUNCILLOR, "ruth.adams@example.gov.uk", "", "County Council", "", "",
     [("SEND Partnership Board", MembershipRole.MEMBER)]),
]  # fmt: skip

CLOSED_GROUP = (
    "Transport Review Group",
    GroupKind.TASK_AND_FINISH,
    BenchLevel.SERVICE,
    "send-services",
    "Reviewed home to school transport with families; finished when the new policy was agreed.",
)


def demo_load(*, moment: datetime) -> None:
    if not ParticipationGroup.objects.filter(name="Parent Carer Forum").exists():
        groups_load(moment=moment)
    if not Session.objects.exists():
        sessions_load(moment=moment)
    if not Recognition.objects.exists():
        ledger_load(moment=moment)


def groups_load(*, moment: datetime) -> None:
    manager = User.objects.get(email="manager@example.gov.uk")  # works across teams, so may set up every group
    teams = {team.slug: team for team in Team.objects.all()}
    joined = timezone.localdate(moment) - timedelta(days=400)
    groups = {}
    for name, kind, level, team_slug, purpose in [*DEMO_GROUPS, CLOSED_GROUP]:
        groups[name] = services.group_save(
            group=ParticipationGroup(name=name, kind=kind, bench_level=level, team=teams[team_slug], purpose=purpose),
            user=manager,
        )
    for name, role, email, band, organisation, needs, reference, memberships in DEMO_PEOPLE:
        person = services.participant_save(
            participant=Participant(
                full_name=name,
                role=role,
                email=email or None,
                phone="07700 900" + str(100 + len(name)),
                preferred_contact=ContactMethod.EMAIL if email else ContactMethod.TEXT,
                age_band=band,
                organisation=organisation,
                access_needs=needs,
                access_needs_consent=bool(needs),
                access_needs_review_on=(joined + timedelta(days=365)) if needs else None,
                contact_consent=True,
                reference=reference or None,
                team=groups[memberships[0][0]].team,
            ),
            user=manager,
            moment=moment - timedelta(days=400),
        )
        for group_name, membership_role in memberships:
            services.membership_add(
                group=groups[group_name], participant=person, role=membership_role, starts_on=joined, user=manager
            )
    # A past member, and a task-and-finish group that has done its work.
    tom = Participant.objects.get(reference="PCF-002")
    services.membership_add(
        group=groups[CLOSED_GROUP[0]], participant=tom, role=MembershipRole.MEMBER, starts_on=joined, user=manager
    )
    services.group_close(group=groups[CLOSED_GROUP[0]], user=manager, moment=moment - timedelta(days=60))


DEMO_SESSIONS = [
    # (title, group, rung, days from now, arrangements, agenda, register: {reference or name: attendance})
    (
        "Short breaks booking: what families need",
        "Short Breaks Redesign",
        LadderRung.COPRODUCTION,
        -21,
        [Arrangement.BSL, Arrangement.STEP_FREE],
        [("Welcome and introductions", "Aisha Khan", 10), ("What went wrong with booking", "", 40)],
        {"PCF-002": Attendance.ATTENDED, "PCF-003": Attendance.ATTENDED},
    ),
    (
        "Partnership board: priorities for next year",
        "SEND Partnership Board",
        LadderRung.COPRODUCTION,
        -14,
        [Arrangement.STEP_FREE],
        [("Minutes of the last meeting", "Priya Shah", 10), ("Draft priorities", "Dr Hannah Price", 45)],
        # Only one parent carer among four present: the page warns.
        {
            "PCF-001": Attendance.ATTENDED,
            "YV-003": Attendance.APOLOGIES,
            "Dr Hannah Price": Attendance.ATTENDED,
            "Cllr Ruth Adams": Attendance.ATTENDED,
        },
    ),
    (
        "Youth Voice: transition to adult services",
        "Youth Voice",
        LadderRung.PARTICIPATION,
        -7,
        [Arrangement.QUIET_ROOM, Arrangement.TRANSPORT],
        [("Games and check-in", "Leo Martin", 15)],
        {"YV-001": Attendance.ATTENDED, "YV-002": Attendance.ABSENT, "YV-003": Attendance.ATTENDED},
    ),
    (
        "Parent Carer Forum: the Local Offer website",
        "Parent Carer Forum",
        LadderRung.COPRODUCTION,
        10,
        [Arrangement.BSL, Arrangement.CHILDCARE, Arrangement.STEP_FREE],
        [("Welcome", "Priya Shah", 5), ("Testing the new search", "", 60)],
        {},
    ),
    (
        "Short breaks: testing the new booking form",
        "Short Breaks Redesign",
        LadderRung.COPRODUCTION,
        24,
        [Arrangement.STEP_FREE, Arrangement.QUIET_ROOM],
        [],
        {},
    ),
]


def sessions_load(*, moment: datetime) -> None:
    manager = User.objects.get(email="manager@example.gov.uk")
    groups = {group.name: group for group in ParticipationGroup.objects.all()}
    people = {person.reference or person.full_name: person for person in Participant.objects.all()}
    for title, group_name, rung, days, arrangements, agenda, register in DEMO_SESSIONS:
        group = groups[group_name]
        day = timezone.localdate(moment) + timedelta(days=days)
        starts = timezone.make_aware(datetime.combine(day, time(10, 0)))
        session = services.session_save(
            session=Session(
                title=title,
                purpose=group.purpose,
                group=group,
                team=group.team,
                bench_level=group.bench_level,
                rung=rung,
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                venue="Committee Room 2, County Hall, Market Street",
                venue_access="Step-free entrance on Market Street; accessible toilets on every floor.",
                online_link="https://meet.example.gov.uk/coproduction",
                capacity=20,
                arrangements=arrangements,
            ),
            user=manager,
        )
        for item_title, lead, minutes in agenda:
            services.agenda_item_save(
                item=AgendaItem(session=session, title=item_title, lead=lead, minutes=minutes), user=manager
            )
        if register:
            marks = {
                people[key].pk: services.Mark(attendance, people[key].role) for key, attendance in register.items()
            }
            services.register_record(session=session, user=manager, marks=marks, moment=starts + timedelta(hours=1))
    # A partner who came to the partnership board without being a member.
    board = Session.objects.get(title="Partnership board: priorities for next year")
    services.walk_in_add(
        session=board,
        user=manager,
        participant=people["Chris Doyle"],
        role=people["Chris Doyle"].role,
        moment=board.starts_at + timedelta(minutes=20),
    )


# The payments ledger: (session title, participant reference, kind, amount, answer, paid days after).
SHORT_BREAKS, BOARD, YOUTH = (
    "Short breaks booking: what families need",
    "Partnership board: priorities for next year",
    "Youth Voice: transition to adult services",
)
DEMO_LEDGER = [
    (SHORT_BREAKS, "PCF-002", RecognitionKind.PAYMENT, "25.00", OfferAnswer.ACCEPTED, 7),
    (SHORT_BREAKS, "PCF-002", RecognitionKind.EXPENSES, "6.80", OfferAnswer.ACCEPTED, 7),
    (SHORT_BREAKS, "PCF-003", RecognitionKind.PAYMENT, "25.00", OfferAnswer.DECLINED, None),
    (BOARD, "PCF-001", RecognitionKind.PAYMENT, "40.00", OfferAnswer.ACCEPTED, None),
    (YOUTH, "YV-001", RecognitionKind.VOUCHER, "20.00", OfferAnswer.ACCEPTED, 2),
    (YOUTH, "YV-003", RecognitionKind.VOUCHER, "20.00", OfferAnswer.OFFERED, None),
]  # fmt: skip


def ledger_load(*, moment: datetime) -> None:
    """Payments, vouchers and expenses for the past sessions: offered, accepted, declined, paid and
    still to pay."""
    manager = User.objects.get(email="manager@example.gov.uk")
    sessions = {session.title: session for session in Session.objects.all()}
    people = {person.reference: person for person in Participant.objects.exclude(reference=None)}
    for title, reference, kind, amount, answer, paid_after in DEMO_LEDGER:
        session = sessions[title]
        line = recognition.recognition_save(
            recognition=Recognition(
                session=session,
                participant=people[reference],
                kind=kind,
                amount=Decimal(amount),
                answer=answer,
                voucher_code=f"LS-{reference}-{session.pk}"
                if kind == RecognitionKind.VOUCHER and answer == OfferAnswer.ACCEPTED
                else "",
            ),
            user=manager,
            moment=session.ends_at,
            benefits_advice_given=kind == RecognitionKind.PAYMENT,
        )
        if paid_after is not None:
            paid_on = min(timezone.localdate(session.ends_at) + timedelta(days=paid_after), timezone.localdate(moment))
            recognition.recognition_pay(recognition=line, user=manager, paid_on=paid_on, moment=moment)
