"""The recognition pages: recording a payment with the benefits advice reminder, marking it paid, the
ledgers, finance's CSV (formula-safe, planted markup shown as text), who may do what, and query
budgets that stay flat."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coproduction.models import ParticipantRole, Recognition, RecognitionKind

from .factories import ParticipantFactory, RecognitionFactory, RegisterEntryFactory, SessionFactory

MARKUP = '<script>alert("x")</script>'
FORMULA = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture
def held(group):
    return SessionFactory(group=group, starts_at=timezone.now() - timedelta(days=2), title="Forum " + MARKUP)


def present(session, **kwargs):
    person = ParticipantFactory(team=session.team, role=ParticipantRole.PARENT_CARER, **kwargs)
    RegisterEntryFactory(session=session, participant=person)
    return person


def test_the_form_reminds_staff_about_benefits_advice_and_a_payment_needs_the_confirmation(staff_client, staff, held):
    person = present(held, full_name="Pat " + MARKUP)
    client = staff_client(staff)
    url = reverse("coproduction:recognition-add", args=[held.pk])
    page = client.get(url).content.decode()
    assert "point them to benefits advice" in page and "govuk-warning-text" in page
    assert MARKUP not in page and "Pat &lt;script&gt;" in page
    data = {"participant": person.pk, "kind": "payment", "amount": "25", "answer": "offered"}
    response = client.post(url, data)
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    assert "Confirm that you pointed them to benefits advice" in response.content.decode()
    assert 'value="25"' in response.content.decode()  # what was typed is shown again
    response = client.post(url, data | {"benefits_advice_given": "on"})
    assert response.status_code == 302
    line = Recognition.objects.get()
    assert line.amount == Decimal("25.00") and line.benefits_advice_by == staff


def test_a_wrong_amount_is_said_beside_the_field(staff_client, staff, held):
    person = present(held)
    response = staff_client(staff).post(
        reverse("coproduction:recognition-add", args=[held.pk]),
        {"participant": person.pk, "kind": "voucher", "amount": "12.345", "answer": "offered"},
    )
    assert "Enter the amount in pounds and pence, like 25.50" in response.content.decode()
    assert not Recognition.objects.exists()


def test_staff_mark_an_accepted_line_paid_and_it_can_no_longer_be_changed(staff_client, staff, held):
    line = RecognitionFactory(session=held, participant=present(held))
    client = staff_client(staff)
    today = timezone.localdate()
    response = client.post(
        reverse("coproduction:recognition-paid", args=[held.pk, line.pk]),
        {"paid_on_0": today.day, "paid_on_1": today.month, "paid_on_2": today.year},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.paid_on == today
    response = client.get(reverse("coproduction:recognition-edit", args=[held.pk, line.pk]), follow=True)
    assert "This has been paid, so it cannot be changed." in response.content.decode()


def test_an_offer_not_accepted_cannot_be_marked_paid(staff_client, staff, held):
    line = RecognitionFactory(session=held, participant=present(held), answer="offered")
    response = staff_client(staff).get(reverse("coproduction:recognition-paid", args=[held.pk, line.pk]), follow=True)
    assert "Only something the person accepted can be paid." in response.content.decode()


def test_before_the_session_the_form_is_not_offered(staff_client, staff, group):
    upcoming = SessionFactory(group=group, starts_at=timezone.now() + timedelta(days=3))
    response = staff_client(staff).get(reverse("coproduction:recognition-add", args=[upcoming.pk]), follow=True)
    assert "recorded once the session has started" in response.content.decode()


def test_other_staff_read_the_ledger_but_cannot_record(staff_client, other_staff, held):
    RecognitionFactory(session=held, participant=present(held))
    client = staff_client(other_staff)
    page = client.get(reverse("coproduction:session-recognition", args=[held.pk])).content.decode()
    assert "You can read this ledger" in page and "£25.00" in page
    assert "Record a payment" not in page
    assert client.get(reverse("coproduction:recognition-add", args=[held.pk])).status_code == 403


def test_the_participant_page_shows_their_total_for_this_financial_year(staff_client, staff, held):
    person = present(held)
    RecognitionFactory(session=held, participant=person, amount=Decimal("30.00"))
    RecognitionFactory(session=held, participant=person, kind="payment", amount=Decimal("80"), answer="declined")
    page = staff_client(staff).get(reverse("coproduction:participant", args=[person.pk])).content.decode()
    assert "£30.00" in page and "£80" not in page


def rows_of(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_finance_csv_neutralises_formulas_and_covers_the_chosen_dates(staff_client, staff, held):
    person = present(held, reference=FORMULA)
    RecognitionFactory(session=held, participant=person, voucher_code="@SUM(1+1)")
    old = SessionFactory(group=held.group, starts_at=timezone.now() - timedelta(days=800))
    RecognitionFactory(session=old, participant=person)
    response = staff_client(staff).get(reverse("coproduction:recognition-csv"))
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = rows_of(response)
    assert len(rows) == 1  # this financial year only, by default
    assert rows[0][0] == "'" + FORMULA and rows[0][-1] == "'@SUM(1+1)"
    assert rows[0][1] == "Forum " + MARKUP  # a file, not a page: the title as typed
    first = timezone.localdate(old.starts_at)
    ranged = staff_client(staff).get(
        reverse("coproduction:recognition-csv"),
        {"starts_0": first.day, "starts_1": first.month, "starts_2": first.year},
    )
    assert len(rows_of(ranged)) == 3
    assert f"recognition-{first.isoformat()}-to-now.csv" in ranged["Content-Disposition"]


def test_the_ledger_filters_by_kind_and_says_a_wrong_date_beside_it(staff_client, staff, held):
    RecognitionFactory(session=held, participant=present(held, full_name="Voucher Person"))
    RecognitionFactory(session=held, participant=present(held, full_name="Expenses Person"), kind="expenses")
    client = staff_client(staff)
    page = client.get(reverse("coproduction:recognition"), {"kind": "expenses"}).content.decode()
    assert "Expenses Person" in page and "Voucher Person" not in page
    page = client.get(reverse("coproduction:recognition"), {"starts_0": "31", "starts_1": "2", "starts_2": "2026"})
    assert "must be a real date" in page.content.decode()


@pytest.mark.parametrize("size", [3, 30])
def test_ledger_pages_query_budgets_are_flat(staff_client, staff, held, size, django_assert_max_num_queries):
    for _ in range(size):
        person = present(held)
        RecognitionFactory(session=held, participant=person)
        RecognitionFactory(
            session=held, participant=person, kind=RecognitionKind.EXPENSES, paid_on=timezone.localdate()
        )
    client = staff_client(staff)
    # session, user, roles, teams; the ledger's count, page and totals
    with django_assert_max_num_queries(8):
        assert client.get(reverse("coproduction:recognition")).status_code == 200
    # session, user, roles, teams; the session, its lines, its totals; edit permission
    with django_assert_max_num_queries(8):
        assert client.get(reverse("coproduction:session-recognition", args=[held.pk])).status_code == 200
    with django_assert_max_num_queries(6):
        response = client.get(reverse("coproduction:recognition-csv"))
        assert len(rows_of(response)) == 2 * size + 1
