"""Recognition: the ledger of payments, vouchers and expenses for parent carers and young people.

Every write is here, atomic, checking who asks (the session's team or a manager) and raising
ValidationError with a code. Reads that more than one page uses (a person's total for the financial
year, the ledger's filters, finance's file) are here too, each one query whatever the size.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from common.dates import FinancialYear, financial_year_of, local_day_bounds
from common.text import search_words

from .models import (
    LIVED_EXPERIENCE_ROLES,
    Attendance,
    OfferAnswer,
    Participant,
    Recognition,
    RecognitionKind,
    RecognitionStatus,
    RegisterEntry,
    Session,
    recognition_status,
)
from .services import held_session_check, refuse

LARGEST_AMOUNT = Decimal("10000.00")
AMOUNT_OUT_OF_RANGE = gettext_lazy("Enter an amount between £0.01 and £9,999.99")
AMOUNT_NOT_PENCE = gettext_lazy("Enter the amount in pounds and pence, like 25.50")
NOT_PERMITTED = gettext_lazy("Only the session's team or a manager can record payments, vouchers and expenses.")


def recognition_people(session: Session):
    """Who may be recognised for a session: the parent carers and young people it recorded as present
    (by the role they held on the day)."""
    return RegisterEntry.objects.filter(
        session=session, attendance=Attendance.ATTENDED, role__in=LIVED_EXPERIENCE_ROLES, participant__isnull=False
    ).select_related("participant")


def field_error(name: str, message: str, code: str) -> ValidationError:
    return ValidationError({name: ValidationError(message, code=code)})


def recognition_check(*, session: Session, user: User, moment: datetime) -> None:
    """Recognition is recorded by the session's team (or a manager), for a session that took place."""
    held_session_check(
        session=session,
        user=user,
        moment=moment,
        not_permitted=NOT_PERMITTED,
        cancelled=_("This session was cancelled, so nobody is paid for it."),
        not_started=_("Payments, vouchers and expenses are recorded once the session has started."),
    )


@transaction.atomic
def recognition_save(
    *, recognition: Recognition, user: User, moment: datetime, benefits_advice_given: bool = False
) -> Recognition:
    """Record an offer of a payment, voucher or expenses for someone present at a session, or change
    one. A payment needs the member of staff to confirm they pointed the person to benefits advice
    (who and when is kept, once). A line that has been paid is kept as finance saw it."""
    session = Session.objects.select_for_update().get(pk=recognition.session_id)
    recognition_check(session=session, user=user, moment=moment)
    if recognition.pk:
        stored = Recognition.objects.select_for_update().get(pk=recognition.pk)
        if stored.paid_on:
            refuse(_("This has been paid, so it cannot be changed."), code="paid")
        recognition.participant_id, recognition.kind = stored.participant_id, stored.kind
    elif not recognition_people(session).filter(participant_id=recognition.participant_id).exists():
        raise field_error(
            "participant",
            _("Select a parent carer or young person recorded as present at this session"),
            "not_present",
        )
    if recognition.kind not in RecognitionKind.values:
        raise field_error("kind", _("Select whether it is a payment, voucher or expenses"), "invalid")
    if recognition.answer not in OfferAnswer.values:
        raise field_error("answer", _("Select whether it was offered, accepted or declined"), "invalid")
    if recognition.amount is None or not Decimal("0") < recognition.amount < LARGEST_AMOUNT:
        raise field_error("amount", AMOUNT_OUT_OF_RANGE, "amount_out_of_range")
    if recognition.amount != recognition.amount.quantize(Decimal("0.01")):
        raise field_error("amount", AMOUNT_NOT_PENCE, "amount_not_pence")
    recognition.voucher_code = (recognition.voucher_code or "").strip()
    if recognition.voucher_code and recognition.kind != RecognitionKind.VOUCHER:
        raise field_error("voucher_code", _("Give a voucher code only for a voucher"), "code_not_voucher")
    same = Recognition.objects.filter(
        session=session, participant_id=recognition.participant_id, kind=recognition.kind
    ).exclude(pk=recognition.pk)
    if same.exists():
        raise field_error(
            "kind",
            _("This person already has one of these for this session. Change that one instead"),
            "already_recorded",
        )
    if benefits_advice_given and not recognition.benefits_advice_at:
        recognition.benefits_advice_at, recognition.benefits_advice_by = moment, user
    if recognition.kind == RecognitionKind.PAYMENT and not recognition.benefits_advice_at:
        raise field_error(
            "benefits_advice_given",
            _("Confirm that you pointed them to benefits advice before offering a payment"),
            "benefits_advice_needed",
        )
    recognition.recorded_by = recognition.recorded_by or user
    recognition.save()
    return recognition


@transaction.atomic
def recognition_pay(*, recognition: Recognition, user: User, paid_on: date, moment: datetime) -> Recognition:
    """Mark an accepted payment, voucher or expenses as paid on a day, once: marking it again changes
    nothing. The day is not before the session nor after today."""
    recognition = Recognition.objects.select_for_update(of=("self",)).select_related("session").get(pk=recognition.pk)
    if not user.has_perm("coproduction.edit_session", recognition.session):
        refuse(NOT_PERMITTED)
    if recognition.paid_on:
        return recognition
    if recognition.answer != OfferAnswer.ACCEPTED:
        refuse(_("Only something the person accepted can be paid."), code="not_accepted")
    if paid_on > timezone.localdate(moment):
        raise field_error("paid_on", _("The date it was paid must be today or in the past"), "paid_in_future")
    if paid_on < timezone.localdate(recognition.session.starts_at):
        raise field_error("paid_on", _("The date it was paid must be on or after the session"), "paid_before_session")
    recognition.paid_on = paid_on
    recognition.save(update_fields=["paid_on", "updated_at"])
    return recognition


# --- Totals --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    """Sums of a set of ledger lines: accepted (paid and still to pay), paid, and offers not yet answered."""

    accepted: Decimal
    paid: Decimal
    offered: Decimal
    lines: int

    @property
    def pending(self) -> Decimal:
        return self.accepted - self.paid


def totals_of(recognitions) -> Totals:
    """One query, whatever the number of lines."""
    zero = Decimal("0.00")
    sums = recognitions.aggregate(
        accepted=Sum("amount", filter=Q(answer=OfferAnswer.ACCEPTED)),
        paid=Sum("amount", filter=Q(paid_on__isnull=False)),
        offered=Sum("amount", filter=Q(answer=OfferAnswer.OFFERED)),
        lines=Count("pk"),
    )

    def pence(name: str) -> Decimal:
        # SQLite sums decimals without their places (25, not 25.00): money is shown in pence.
        return Decimal(sums[name] or zero).quantize(Decimal("0.01"))

    return Totals(accepted=pence("accepted"), paid=pence("paid"), offered=pence("offered"), lines=sums["lines"])


def held_in(recognitions, first_day: date | None, last_day: date | None):
    """Lines for sessions held from ``first_day`` to ``last_day`` (UK dates; either may be open)."""
    if first_day:
        recognitions = recognitions.filter(session__starts_at__gte=local_day_bounds(first_day, first_day)[0])
    if last_day:
        recognitions = recognitions.filter(session__starts_at__lt=local_day_bounds(last_day, last_day)[1])
    return recognitions


def year_total(*, participant: Participant, year: FinancialYear) -> Totals:
    """A person's recognition for sessions held in a council financial year (1 April to 31 March)."""
    return totals_of(held_in(participant.recognitions.all(), year.first_day, year.last_day))


def current_year(moment: datetime) -> FinancialYear:
    return financial_year_of(timezone.localdate(moment))


@dataclass(frozen=True)
class LedgerFilter:
    """What the ledger across sessions and finance's file show: sessions held in a range of UK dates,
    and optionally one kind, status, team, person or name."""

    first_day: date | None
    last_day: date | None
    kind: str = ""
    status: str = ""
    team_id: int | None = None
    participant_id: int | None = None
    search: str = ""

    def apply(self, recognitions):
        recognitions = held_in(recognitions, self.first_day, self.last_day)
        if self.kind:
            recognitions = recognitions.filter(kind=self.kind)
        if self.status:
            recognitions = recognitions.with_status(RecognitionStatus(self.status))
        if self.team_id:
            recognitions = recognitions.filter(session__team_id=self.team_id)
        if self.participant_id:
            recognitions = recognitions.filter(participant_id=self.participant_id)
        if text := search_words(self.search):
            recognitions = recognitions.filter(
                Q(participant__full_name__icontains=text)
                | Q(participant__reference__iexact=text)
                | Q(session__title__icontains=text)
            )
        return recognitions

    def filename(self) -> str:
        first = self.first_day.isoformat() if self.first_day else "start"
        last = self.last_day.isoformat() if self.last_day else "now"
        return f"recognition-{first}-to-{last}.csv"


# --- Finance's file ------------------------------------------------------------------------------------

# Finance pays and reconciles: it needs who (a reference it can match with the team's payee record,
# never a name, contact details, role or age), for what (session, its date and team), what (kind,
# amount, voucher code) and where it stands. A person with no reference of the team's is given the
# portal's number for them.
FINANCE_COLUMNS = [
    gettext_lazy("Participant reference"),
    gettext_lazy("Session"),
    gettext_lazy("Session date"),
    gettext_lazy("Team"),
    gettext_lazy("Kind"),
    gettext_lazy("Amount (GBP)"),
    gettext_lazy("Status"),
    gettext_lazy("Paid on"),
    gettext_lazy("Voucher code"),
]


def participant_reference(reference: str | None, participant_id: int) -> str:
    return reference or f"P{participant_id:06d}"


def finance_rows(recognitions) -> Iterator[list]:
    """The header, then a row per line of the ledger, oldest session first: one query, read in chunks
    so a year of lines never waits whole in memory. Cells are made formula-safe by the download."""
    yield [str(column) for column in FINANCE_COLUMNS]
    kinds = dict(RecognitionKind.choices)
    rows = recognitions.order_by("session__starts_at", "pk").values_list(
        "participant__reference",
        "participant_id",
        "session__title",
        "session__starts_at",
        "session__team__name",
        "kind",
        "amount",
        "answer",
        "paid_on",
        "voucher_code",
    )
    for reference, participant_id, title, starts_at, team, kind, amount, answer, paid_on, code in rows.iterator(
        chunk_size=2000
    ):
        yield [
            participant_reference(reference, participant_id),
            title,
            timezone.localdate(starts_at).isoformat(),
            team,
            str(kinds[kind]),
            f"{amount:.2f}",
            str(recognition_status(answer, paid_on).label),
            paid_on.isoformat() if paid_on else "",
            code,
        ]
