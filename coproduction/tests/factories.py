from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import factory

from accounts.tests.factories import TeamFactory
from coproduction.models import (
    AgendaItem,
    Attendance,
    BenchLevel,
    GroupKind,
    LadderRung,
    Membership,
    MembershipRole,
    OfferAnswer,
    Participant,
    ParticipantRole,
    ParticipationGroup,
    Recognition,
    RecognitionKind,
    RegisterEntry,
    Session,
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
