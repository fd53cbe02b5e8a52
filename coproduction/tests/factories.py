from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import factory

from accounts.tests.factories import TeamFactory
from coproduction.models import (
    Action,
    ActionStatus,
    AgendaItem,
    AgreedOutcome,
    Attendance,
    BenchLevel,
    GroupKind,
    Invitation,
    LadderRung,
    Membership,
    MembershipRole,
    Minutes,
    OfferAnswer,
    Participant,
    ParticipantRole,
    ParticipationGroup,
    Recognition,
    RecognitionKind,
    RegisterEntry,
    Session,
    SessionComment,
)


class ParticipationGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParticipationGroup

    name = factory.Sequence(lambda n: f"Parent carer forum {n}")
    kind = GroupKind.PARENT_CARER_FORUM
    purpose = "Parent carers shape short breaks with the council."
    bench_level = BenchLevel.STRATEGIC
    team = factory.SubFactory(TeamFactory)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    full_name = factory.Sequence(lambda n: f"Pat Person {n}")
    role = ParticipantRole.PARENT_CARER
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    phone = "07700 900000"
    team = factory.SubFactory(TeamFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    participant = factory.SubFactory(ParticipantFactory)
    group = factory.SubFactory(ParticipationGroupFactory)
    role = MembershipRole.MEMBER
    starts_on = date(2026, 1, 5)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    title = factory.Sequence(lambda n: f"Short breaks workshop {n}")
    purpose = "Agree what short breaks should offer next year."
    group = factory.SubFactory(ParticipationGroupFactory)
    team = factory.LazyAttribute(lambda session: session.group.team if session.group else TeamFactory())
    bench_level = BenchLevel.SERVICE
    rung = LadderRung.COPRODUCTION
    starts_at = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + timedelta(hours=2))
    venue = "Room 4, County Hall"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    session = factory.SubFactory(SessionFactory)
    title = factory.Sequence(lambda n: f"Item {n}")
    position = factory.Sequence(lambda n: n)


class RegisterEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegisterEntry

    session = factory.SubFactory(SessionFactory)
    participant = factory.SubFactory(ParticipantFactory)
    attendance = Attendance.ATTENDED
    role = factory.LazyAttribute(lambda entry: entry.participant.role)
    recorded_at = factory.LazyAttribute(lambda entry: entry.session.starts_at)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    session = factory.SubFactory(SessionFactory)
    participant = factory.SubFactory(ParticipantFactory, contact_consent=True, contact_consented_on=date(2026, 1, 5))
    invited_at = factory.LazyAttribute(lambda invitation: invitation.session.starts_at - timedelta(days=14))


class AgreedOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreedOutcome

    session = factory.SubFactory(SessionFactory)
    text = factory.Sequence(lambda n: f"Short breaks booking opens a week earlier ({n})")
    position = factory.Sequence(lambda n: n)
    recorded_at = factory.LazyAttribute(lambda outcome: outcome.session.ends_at)


class SessionCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionComment

    session = factory.SubFactory(SessionFactory)
    text = factory.Sequence(lambda n: f"The booking form asks the same thing three times ({n})")
    said_by = ParticipantRole.PARENT_CARER
    consent_to_quote = True
    recorded_at = factory.LazyAttribute(lambda comment: comment.session.ends_at)


class MinutesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Minutes

    session = factory.SubFactory(SessionFactory)
    text = "Everyone introduced themselves. The group agreed the booking changes."
    updated_at = factory.LazyAttribute(lambda minutes: minutes.session.ends_at)


class ActionFactory(factory.django.DjangoModelFactory):
    """An open action owned by a team (the source session's), due a fortnight after the session."""

    class Meta:
        model = Action

    description = factory.Sequence(lambda n: f"Write to families about the booking form ({n})")
    source_session = factory.SubFactory(SessionFactory)
    team = factory.LazyAttribute(lambda action: action.source_session.team if action.source_session else TeamFactory())
    owner_team = factory.LazyAttribute(lambda action: None if action.owner_participant else action.team)
    owner_participant = None
    due_on = factory.LazyAttribute(
        lambda action: (
            (action.source_session.starts_at + timedelta(days=14)).date()
            if action.source_session
            else date(2026, 3, 24)
        )
    )
    status = ActionStatus.OPEN
    created_at = factory.LazyAttribute(
        lambda action: action.source_session.ends_at if action.source_session else datetime(2026, 3, 10, tzinfo=UTC)
    )
    updated_at = factory.LazyAttribute(lambda action: action.created_at)


class RecognitionFactory(factory.django.DjangoModelFactory):
    """A voucher accepted by someone present (vouchers need no benefits advice recorded)."""

    class Meta:
        model = Recognition

    session = factory.SubFactory(SessionFactory)
    participant = factory.SubFactory(ParticipantFactory)
    kind = RecognitionKind.VOUCHER
    amount = Decimal("25.00")
    answer = OfferAnswer.ACCEPTED
    benefits_advice_at = factory.LazyAttribute(
        lambda line: line.session.starts_at if line.kind == RecognitionKind.PAYMENT else None
    )
