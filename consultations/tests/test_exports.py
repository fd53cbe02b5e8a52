"""CSV and Excel exports of responses: columns, no contact details, formulas neutralised, bounded queries."""

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from consultations import exports
from consultations.models import Channel, QuestionKind, RespondentType
from consultations.tests.factories import (
    AnswerFactory,
    ConsultationFactory,
    QuestionFactory,
    RespondentContactFactory,
    ResponseFactory,
    answer_choices,
    bulk_answers,
    bulk_responses,
)
from consultations.tests.factories import consultation_staff_url as url

pytestmark = pytest.mark.django_db

DANGEROUS = [
    '=HYPERLINK("http://evil.example","Click")',
    "+44 7700 900123",
    "-2+3",
    "@SUM(A1:A2)",
    "\tindented",
    "\rreturn",
]


@pytest.mark.parametrize("value", DANGEROUS)
def test_cells_that_a_spreadsheet_would_calculate_get_a_quote_in_front(value):
    assert exports.spreadsheet_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["Booking is hard", "", "3 = three", "a-b", "'quoted", "1+1"])
def test_other_cells_are_left_as_they_are(value):
    assert exports.spreadsheet_safe(value) == value


def test_making_a_cell_safe_twice_changes_nothing_more():
    once = exports.spreadsheet_safe("=1+1")
    assert exports.spreadsheet_safe(once) == once
    assert exports.spreadsheet_safe(None) == ""


@pytest.fixture
def consultation():
    return ConsultationFactory(slug="short-breaks-review", title="Short breaks review")


@pytest.fixture
def questions(consultation):
    return [
        QuestionFactory(consultation=consultation, kind=QuestionKind.SINGLE_CHOICE, text="When?", position=0),
        QuestionFactory(consultation=consultation, kind=QuestionKind.MULTIPLE_CHOICE, text="Which?", position=1),
        QuestionFactory(consultation=consultation, kind=QuestionKind.LONG_TEXT, text="=Why?", position=2),
    ]


@pytest.fixture
def responses(consultation, questions):
    first = ResponseFactory(
        consultation=consultation,
        reference="AAAA-1111",
        submitted_at=datetime(2025, 7, 1, 9, 30, tzinfo=UTC),  # 10:30 in London (summer time)
        respondent_type=RespondentType.PARENT_CARER,
        consent_to_quote=True,
    )
    answer_choices(response=first, question=questions[0], values=["Holidays"])
    # Chosen in a different order from the question's: exported in the question's order.
    answer_choices(response=first, question=questions[1], values=["After school", "Weekends"])
    AnswerFactory(response=first, question=questions[2], text='=HYPERLINK("http://evil.example","Click")')
    RespondentContactFactory(response=first, email="private@example.com")
    second = ResponseFactory(
        consultation=consultation,
        reference="BBBB-2222",
        channel=Channel.PAPER,
        submitted_at=datetime(2025, 12, 1, 9, 30, tzinfo=UTC),  # 09:30 in London (winter)
    )
    AnswerFactory(response=second, question=questions[2], text="@SUM(1+1)\x01 and a control character")
    ResponseFactory(consultation=consultation, draft=True)  # not exported
    return [first, second]


EXPECTED_HEADER = [
    "Reference",
    "Submitted at (UK time)",
    "Channel",
    "Respondent type",
    "Consent to quote",
    "Q1. When?",
    "Q2. Which?",
    "Q3. =Why?",  # the question's own text starts a cell with "Q3.", so it is safe as it is
]


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(body[1:])))


def read_xlsx(response) -> list[list[str]]:
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Responses"]
    return [["" if cell.value is None else cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_csv_has_a_row_per_submitted_response_and_no_contact_details(
    client, manager, settings, consultation, responses
):
    settings.REQUIRE_STAFF_2FA = False
    client.force_login(manager)
    result = client.get(url("staff-export-csv", consultation))
    assert result.status_code == 200
    assert result["Content-Type"] == "text/csv; charset=utf-8"
    disposition = result["Content-Disposition"]
    assert disposition.startswith('attachment; filename="short-breaks-review-responses-')
    assert disposition.endswith('.csv"')
    rows = read_csv(result)
    assert rows[0] == EXPECTED_HEADER
    assert rows[1] == [
        "AAAA-1111",
        "2025-07-01 10:30",
        "Online",
        "Parent carer",
        "Yes",
        "Holidays",
        "Weekends; After school",
        '\'=HYPERLINK("http://evil.example","Click")',
    ]
    assert rows[2][:6] == ["BBBB-2222", "2025-12-01 09:30", "Paper", "", "No", ""]
    assert rows[2][7] == "'@SUM(1+1)\x01 and a control character"
    assert len(rows) == 3
    assert "private@example.com" not in str(rows)


def test_the_excel_file_has_the_same_rows_with_formulas_neutralised(client, manager, settings, consultation, responses):
    settings.REQUIRE_STAFF_2FA = False
    client.force_login(manager)
    result = client.get(url("staff-export-xlsx", consultation))
    assert result.status_code == 200
    assert result["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert result["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(result.content))
    sheet = workbook["Responses"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)  # no formula anywhere
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    rows = read_xlsx(result)
    assert rows[0] == EXPECTED_HEADER
    assert rows[1][7] == '\'=HYPERLINK("http://evil.example","Click")'
    assert rows[1][6] == "Weekends; After school"
    assert rows[2][7] == "'@SUM(1+1) and a control character"  # XLSX cannot hold control characters
    assert len(rows) == 3
    assert "private@example.com" not in str(rows)


def test_a_formula_uncovered_by_removing_a_control_character_is_neutralised_in_excel(consultation, questions):
    response = ResponseFactory(consultation=consultation)
    AnswerFactory(response=response, question=questions[2], text="\x01=1+1")
    rows = list(
        load_workbook(io.BytesIO(exports.xlsx_bytes(exports.rows(consultation)))).active.iter_rows(values_only=True)
    )
    assert rows[1][7] == "'=1+1"


@pytest.mark.parametrize("text", DANGEROUS)
def test_every_dangerous_answer_is_neutralised_in_both_formats(
    client, manager, settings, consultation, questions, text
):
    settings.REQUIRE_STAFF_2FA = False
    AnswerFactory(response=ResponseFactory(consultation=consultation), question=questions[2], text=text)
    client.force_login(manager)
    csv_cell = read_csv(client.get(url("staff-export-csv", consultation)))[1][7]
    xlsx_cell = read_xlsx(client.get(url("staff-export-xlsx", consultation)))[1][7]
    assert csv_cell.startswith("'") and xlsx_cell.startswith("'")


def test_a_question_whose_text_is_a_formula_cannot_inject_through_the_header(consultation):
    QuestionFactory(consultation=consultation, text="=1+1")
    header = next(exports.rows(consultation))
    assert all(not cell.startswith(exports.FORMULA_TRIGGERS) for cell in header)


def test_staff_of_another_team_may_export_but_participants_may_not(
    client, settings, staff_member, participant, consultation
):
    settings.REQUIRE_STAFF_2FA = False
    client.force_login(staff_member)
    assert client.get(url("staff-export-csv", consultation)).status_code == 200
    client.force_login(participant)
    assert client.get(url("staff-export-csv", consultation)).status_code == 403
    assert client.get(url("staff-export-xlsx", consultation)).status_code == 403


@pytest.mark.parametrize("count", [10, 1000])
def test_the_csv_export_reads_responses_in_batches(
    client, manager, settings, consultation, questions, count, django_assert_max_num_queries
):
    settings.REQUIRE_STAFF_2FA = False
    made = bulk_responses(consultation, count)
    bulk_answers(made, choice_question=questions[0], text_question=questions[2], multiple_question=questions[1])
    client.force_login(manager)
    batches = -(-count // exports.EXPORT_CHUNK)
    # session, user, roles, user permissions, group permissions, consultation, questions, then per batch
    # of 500: responses, their answers, those answers' selections
    with django_assert_max_num_queries(7 + 3 * batches):
        rows = read_csv(client.get(url("staff-export-csv", consultation)))
    assert len(rows) == count + 1
    assert rows[1][5] in ("Weekends", "Holidays") and rows[1][6] == "Weekends; Holidays"


def test_the_excel_export_reads_responses_in_batches_too(
    client, manager, settings, consultation, questions, django_assert_max_num_queries
):
    settings.REQUIRE_STAFF_2FA = False
    bulk_answers(bulk_responses(consultation, 1000), text_question=questions[2])
    client.force_login(manager)
    with django_assert_max_num_queries(7 + 3 * 2):  # as the CSV: 1,000 responses are two batches
        rows = read_xlsx(client.get(url("staff-export-xlsx", consultation)))
    assert len(rows) == 1001
