"""The recognition ledger's rules: who may be offered what, benefits advice before a payment, paying
once, the person's total for the council's financial year, and finance's file."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.roles import Role
from common.dates import FinancialYear, financial_year_of
from coproduction import recognition as ledger
from coproduction.models import (
    Attendance,
    OfferAnswer,
    ParticipantRole,
    Recognition,
    RecognitionStatus,
)

from .conftest import codes
from .factories import ParticipantFactory, RecognitionFactory, RegisterEntryFactory, SessionFactory

pytestmark = pytest.mark.django_db

HELD = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
AFTER = HELD + timedelta(days=1)


@pytest.fixture
def session(group):
    return SessionFactory(group=group, starts_at=HELD)


def present(session, role=ParticipantRole.PARENT_CARER, attendance=Attendance.ATTENDED, **kwargs):
    person = ParticipantFactory(role=role, team=session.team, **kwargs)
    RegisterEntryFactory(session=session, participant=person, attendance=attendance, role=role)
    return person


def offer(session, person, user, *, advice=False, **fields):
    line = Recognition(
        session=session, participant=person, **({"kind": "payment", "amount": Decimal("25.00")} | fields)
    )
    return ledger.recognition_save(recognition=line, user=user, moment=AFTER, benefits_advice_given=advice)


def test_a_payment_is_recorded_with_who_pointed_the_person_to_benefits_advice_and_when(session, staff):
    line = offer(session, present(session), staff, advice=True)
    assert line.status == RecognitionStatus.OFFERED
    assert (line.benefits_advice_at, line.benefits_advice_by, line.recorded_by) == (AFTER, staff, staff)


def test_a_payment_without_benefits_advice_is_refused_beside_the_checkbox(session, staff):
    with pytest.raises(ValidationError) as error:
        offer(session, present(session), staff)
    assert "benefits_advice_given" in error.value.error_dict
    assert codes(error.value) == {"benefits_advice_needed"} and not Recognition.objects.exists()


def test_a_voucher_needs_no_benefits_advice_and_keeps_its_code(session, staff):
    line = offer(session, present(session), staff, kind="voucher", voucher_code=" LOVE2SHOP-1 ")
    assert line.voucher_code == "LOVE2SHOP-1" and line.benefits_advice_at is None


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"amount": Decimal("0")}, "amount_out_of_range"),
        ({"amount": Decimal("-5")}, "amount_out_of_range"),
        ({"amount": Decimal("10000")}, "amount_out_of_range"),
        ({"amount": Decimal("2.505")}, "amount_not_pence"),
        ({"kind": "expenses", "voucher_code": "ABC"}, "code_not_voucher"),
        ({"kind": "gift"}, "invalid"),
    ],
)
def test_amounts_kinds_and_codes_are_checked(session, staff, changes, code):
    with pytest.raises(ValidationError) as error:
        offer(session, present(session), staff, advice=True, **changes)
    assert codes(error.value) == {code}


@pytest.mark.parametrize(
    ("role", "attendance"),
    [
        (ParticipantRole.PROFESSIONAL, Attendance.ATTENDED),
        (ParticipantRole.PARENT_CARER, Attendance.APOLOGIES),
        (ParticipantRole.YOUNG_PERSON, Attendance.ABSENT),
    ],
)
def test_only_parent_carers_and_young_people_present_are_recognised(session, staff, role, attendance):
    with pytest.raises(ValidationError) as error:
        offer(session, present(session, role=role, attendance=attendance), staff, advice=True)
    assert codes(error.value) == {"not_present"}


def test_one_of_each_kind_per_person_per_session(session, staff):
    person = present(session)
    offer(session, person, staff, advice=True)
    with pytest.raises(ValidationError) as error:
        offer(session, person, staff, advice=True)
    assert codes(error.value) == {"already_recorded"}
    offer(session, person, staff, kind="expenses", amount=Decimal("7.40"))  # a different kind is fine


def test_another_team_cannot_record_and_a_manager_can(session, other_staff, make_user):
    person = present(session)
    with pytest.raises(ValidationError) as error:
        offer(session, person, other_staff, advice=True)
    assert codes(error.value) == {"not_permitted"}
    assert offer(session, person, make_user(Role.MANAGER), advice=True).pk


def test_not_before_the_session_starts_nor_for_a_cancelled_one(session, staff):
    person = present(session)
    line = Recognition(session=session, participant=person, kind="voucher", amount=Decimal("10"))
    with pytest.raises(ValidationError) as error:
        ledger.recognition_save(recognition=line, user=staff, moment=HELD - timedelta(minutes=1))
    assert codes(error.value) == {"not_started"}
    session.cancelled_at, session.cancel_reason = HELD, "Snow"
    session.save()
    with pytest.raises(ValidationError) as error:
        ledger.recognition_save(recognition=line, user=staff, moment=AFTER)
    assert codes(error.value) == {"cancelled"}


def test_paying_is_once_only_for_what_was_accepted_and_a_paid_line_is_kept(session, staff):
    line = offer(session, present(session), staff, advice=True)
    with pytest.raises(ValidationError) as error:
        ledger.recognition_pay(recognition=line, user=staff, paid_on=AFTER.date(), moment=AFTER)
    assert codes(error.value) == {"not_accepted"}
    line.answer = OfferAnswer.ACCEPTED
    ledger.recognition_save(recognition=line, user=staff, moment=AFTER)
    with pytest.raises(ValidationError) as error:
        ledger.recognition_pay(recognition=line, user=staff, paid_on=AFTER.date() + timedelta(days=1), moment=AFTER)
    assert codes(error.value) == {"paid_in_future"}
    with pytest.raises(ValidationError) as error:
        ledger.recognition_pay(recognition=line, user=staff, paid_on=date(2026, 3, 9), moment=AFTER)
    assert codes(error.value) == {"paid_before_session"}
    paid = ledger.recognition_pay(recognition=line, user=staff, paid_on=AFTER.date(), moment=AFTER)
    assert paid.status == RecognitionStatus.PAID
    again = ledger.recognition_pay(recognition=line, user=staff, paid_on=date(2026, 3, 10), moment=AFTER)
    assert again.paid_on == AFTER.date()  # marking it again changes nothing
    paid.amount = Decimal("99")
    with pytest.raises(ValidationError) as error:
        ledger.recognition_save(recognition=paid, user=staff, moment=AFTER)
    assert codes(error.value) == {"paid"}
    assert Recognition.objects.get().amount == Decimal("25.00")


def test_the_database_refuses_a_non_positive_amount_and_an_unadvised_payment(session):
    person = present(session)
    with pytest.raises(IntegrityError), transaction.atomic():
        RecognitionFactory(session=session, participant=person, amount=Decimal("0"))
    with pytest.raises(IntegrityError), transaction.atomic():
        RecognitionFactory(session=session, participant=person, kind="payment", benefits_advice_at=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        RecognitionFactory(session=session, participant=person, answer="declined", paid_on=date(2026, 3, 11))


def test_the_financial_year_runs_from_1_april_to_31_march():
    assert financial_year_of(date(2026, 3, 31)) == FinancialYear(2025)
    assert financial_year_of(date(2026, 4, 1)) == FinancialYear(2026)
    assert (FinancialYear(2026).first_day, FinancialYear(2026).last_day) == (date(2026, 4, 1), date(2027, 3, 31))
    assert str(FinancialYear(2026)) == "2026 to 2027"


def test_a_person_s_year_total_counts_accepted_lines_by_uk_session_date_and_never_a_declined_one(group):
    person = ParticipantFactory(team=group.team)
    # 23:30 UTC on 31 March 2026 is 00:30 on 1 April in London (British Summer Time): the new year.
    late_march_utc = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    last_day_of_old_year = datetime(2026, 3, 31, 18, 0, tzinfo=UTC)
    lines = [
        (last_day_of_old_year, "payment", "30.00", "accepted", None),
        (late_march_utc, "voucher", "20.00", "accepted", date(2026, 4, 2)),
        (datetime(2026, 6, 1, 10, tzinfo=UTC), "payment", "15.50", "accepted", None),
        (datetime(2026, 7, 1, 10, tzinfo=UTC), "payment", "100.00", "declined", None),
        (datetime(2026, 8, 1, 10, tzinfo=UTC), "expenses", "4.20", "offered", None),
        (datetime(2027, 4, 1, 10, tzinfo=UTC), "payment", "50.00", "accepted", None),
    ]
    for starts, kind, amount, answer, paid_on in lines:
        RecognitionFactory(
            session=SessionFactory(group=group, starts_at=starts),
            participant=person,
            kind=kind,
            amount=Decimal(amount),
            answer=answer,
            paid_on=paid_on,
        )
    this_year = ledger.year_total(participant=person, year=FinancialYear(2026))
    assert this_year.accepted == Decimal("35.50")  # 20.00 + 15.50; the declined 100 never counts
    assert this_year.paid == Decimal("20.00") and this_year.pending == Decimal("15.50")
    assert this_year.offered == Decimal("4.20")
    assert ledger.year_total(participant=person, year=FinancialYear(2025)).accepted == Decimal("30.00")


def test_a_change_to_a_line_is_in_the_audit_log_without_the_voucher_code(session, staff):
    line = offer(session, present(session), staff, kind="voucher", voucher_code="SECRET-CODE-123")
    line.amount = Decimal("30.00")
    ledger.recognition_save(recognition=line, user=staff, moment=AFTER)
    entries = LogEntry.objects.get_for_object(line)
    assert entries.count() == 2
    assert "SECRET-CODE-123" not in str([entry.changes for entry in entries])


def test_finance_rows_name_the_reference_never_the_person_and_use_the_uk_session_date(group):
    person = ParticipantFactory(team=group.team, full_name="Priya Shah", reference="PCF-001", email="p@example.com")
    nameless = ParticipantFactory(team=group.team, reference=None)
    session = SessionFactory(group=group, starts_at=datetime(2026, 3, 31, 23, 30, tzinfo=UTC), title="Forum")
    RecognitionFactory(session=session, participant=person, voucher_code="V-1", paid_on=date(2026, 4, 2))
    RecognitionFactory(session=session, participant=nameless, kind="expenses", amount=Decimal("7.4"), answer="offered")
    header, *rows = list(ledger.finance_rows(Recognition.objects.all()))
    assert header[0] == "Participant reference"
    assert rows[0] == [
        "PCF-001",
        "Forum",
        "2026-04-01",
        group.team.name,
        "Voucher",
        "25.00",
        "Paid",
        "2026-04-02",
        "V-1",
    ]
    assert rows[1][0] == f"P{nameless.pk:06d}" and rows[1][5] == "7.40" and rows[1][6] == "Offered"
    assert "Priya" not in str(rows) and "p@example.com" not in str(rows)
