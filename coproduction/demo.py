"""Demo participation groups, participants and memberships (one group closed), and sessions: past ones
with registers (one warned about) and upcoming ones with agendas, invitations and replies (one session
full, with a waiting list); agreed outcomes, participants' comments, minutes (approved and draft) and
actions in every state, overdue among them, carried to the group's next session. Safe to run twice."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Team, User

from . import follow_up, recognition, services
from .models import (
    Action,
    ActionStatus,
    AgeBand,
    AgendaItem,
    Arrangement,
    Attendance,
    BenchLevel,
    ContactMethod,
    GroupKind,
    Invitation,
    LadderRung,
    MembershipRole,
    OfferAnswer,
    Participant,
    ParticipantRole,
    ParticipationGroup,
    Recognition,
    RecognitionKind,
    Reply,
    Session,
    SessionComment,
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
    if not Invitation.objects.exists():
        invitations_load(moment=moment)
    if not Action.objects.exists():
        follow_up_load(moment=moment)
    if not SessionComment.objects.exists():
        comments_load(moment=moment)
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


# Replies to the upcoming sessions' invitations: (session title, reference, reply, arrangements, needs).
DEMO_REPLIES = [
    ("Parent Carer Forum: the Local Offer website", "PCF-001", Reply.YES, [Arrangement.STEP_FREE], ""),
    ("Parent Carer Forum: the Local Offer website", "PCF-003", Reply.YES, [Arrangement.BSL], "A seat near the front"),
    ("Parent Carer Forum: the Local Offer website", "PCF-002", Reply.MAYBE, [Arrangement.CHILDCARE], ""),
    ("Short breaks: testing the new booking form", "PCF-002", Reply.YES, [], ""),
    ("Short breaks: testing the new booking form", "PCF-003", Reply.YES, [Arrangement.STEP_FREE], ""),
]


def invitations_load(*, moment: datetime) -> None:
    """Invite the members of every upcoming session's group, and record some replies; the booking-form
    session has one place, so its second yes waits."""
    manager = User.objects.get(email="manager@example.gov.uk")
    sessions = {session.title: session for session in Session.objects.upcoming_at(moment).not_cancelled()}
    booking = sessions.get("Short breaks: testing the new booking form")
    if booking is not None:
        booking.capacity = 1
        services.session_save(session=booking, user=manager)
    for session in sessions.values():
        services.invitations_send(
            session=session, participants=services.register_people(session), user=manager, moment=moment
        )
    for title, reference, reply, arrangements, needs in DEMO_REPLIES:
        invitation = Invitation.objects.filter(session__title=title, participant__reference=reference).first()
        if invitation is not None:
            person = invitation.participant  # the form is filled in with what they told us before
            services.invitation_reply(
                invitation=invitation,
                reply=reply,
                arrangements=arrangements,
                access_needs=needs or person.access_needs,
                keep_needs=person.access_needs_consent,
                moment=moment,
            )


def follow_up_load(*, moment: datetime) -> None:
    """Outcomes, minutes and actions for two past sessions; Tom Evans has an account and owns one."""
    manager = User.objects.get(email="manager@example.gov.uk")
    parent = User.objects.filter(email="parent@example.com").first()
    tom = Participant.objects.get(reference="PCF-002")
    if parent is not None and tom.user_id is None:
        tom.user = parent
        services.participant_save(participant=tom, user=manager, moment=moment)
    aisha = Participant.objects.get(reference="PCF-003")
    booking = Session.objects.get(title="Short breaks booking: what families need")
    board = Session.objects.get(title="Partnership board: priorities for next year")
    today = timezone.localdate(moment)
    after = booking.ends_at + timedelta(hours=1)
    for text in (
        "Booking a short break will take one form, not three.",
        "Families will be told within five working days whether a place is confirmed.",
    ):
        follow_up.outcome_add(session=booking, user=manager, text=text, agreed=True, moment=after)
    follow_up.minutes_save(
        session=booking,
        user=manager,
        text="Tom and Aisha described booking a short break today. The group agreed a single form and a "
        "five-day answer. The team will bring a draft form to the next meeting.",
        moment=after,
    )
    follow_up.minutes_approve(session=booking, user=manager, moment=after + timedelta(hours=2))

    def action(session, description, due_days, **owner):
        start = session.ends_at + timedelta(hours=1)
        return follow_up.action_add(
            session=session,
            user=manager,
            description=description,
            due_on=today + timedelta(days=due_days),
            moment=start,
            **owner,
        )

    overdue = action(booking, "Share the current booking form with the group for comments.", -7, owner_participant=tom)
    follow_up.action_update(
        action=overdue,
        user=manager,
        text="Tom has the form and will send comments.",
        status=ActionStatus.IN_PROGRESS,
        moment=after + timedelta(days=1),
    )
    done = action(booking, "Ask the booking supplier whether one form is possible.", -10, owner_team=booking.team)
    follow_up.action_update(
        action=done,
        user=manager,
        text="The supplier confirmed one form is possible from next term.",
        status=ActionStatus.DONE,
        moment=after + timedelta(days=5),
    )
    dropped = action(booking, "Visit another council's booking team.", 30, owner_participant=aisha)
    follow_up.action_update(
        action=dropped,
        user=manager,
        text="Not needed.",
        status=ActionStatus.DROPPED,
        drop_reason="The other council shared its guidance by e-mail instead.",
        moment=after + timedelta(days=6),
    )
    action(booking, "Draft the single booking form for the next meeting.", 14, owner_team=booking.team)

    board_after = board.ends_at + timedelta(hours=1)
    follow_up.outcome_add(
        session=board,
        user=manager,
        text="Priorities for next year: preparing for adulthood, and waiting times for assessments.",
        agreed=True,
        moment=board_after,
    )
    follow_up.minutes_save(
        session=board,
        user=manager,
        text="Draft: the board discussed the priorities. Fewer parent carers than planned were there.",
        moment=board_after,
    )
    action(board, "Publish the priorities on the Local Offer.", -3, owner_team=board.team)


def comments_load(*, moment: datetime) -> None:
    """What participants said at the two past sessions, recorded by staff with the role of who said it
    (the nightly collation files these as feedback items)."""
    manager = User.objects.get(email="manager@example.gov.uk")
    booking = Session.objects.get(title="Short breaks booking: what families need")
    board = Session.objects.get(title="Partnership board: priorities for next year")
    parent, young = ParticipantRole.PARENT_CARER, ParticipantRole.YOUNG_PERSON
    professional = ParticipantRole.PROFESSIONAL
    for session, text, said_by, quote in (
        (booking, "I fill in the same details three times for one weekend's break.", parent, True),
        (booking, "The short breaks list online was out of date when we looked.", parent, False),
        (board, "Young people want to hear about college options before Year 11.", young, True),
        (board, "Assessment waits are the first thing families ask us about.", professional, True),
    ):
        follow_up.comment_add(
            session=session,
            user=manager,
            text=text,
            said_by=said_by,
            consent_to_quote=quote,
            moment=session.ends_at + timedelta(hours=1),
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
