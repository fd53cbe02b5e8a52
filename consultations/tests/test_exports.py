"""CSV and Excel exports of responses: columns, no contact details, formulas neutralised, bounded queries."""

import collections
import csv
import io
import tempfile
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.http import FileResponse
from django.utils import timezone
from openpyxl import load_workbook

from consultations import exports, services, tasks
from consultations.models import Channel, ExportState, QuestionKind, RespondentType, ResponseExport
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


def test_invisible_direction_controls_are_removed_so_the_cell_reads_as_typed():
    assert exports.spreadsheet_safe("abc\u202edef\u2066g\u200f") == "abcdefg"
    # Removing a control in front may uncover a formula, which is neutralised as well.
    assert exports.spreadsheet_safe("\u202e=1+1") == "'=1+1"


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
    # Served from a file, so streamed: read once.
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Responses"]
    return [["" if cell.value is None else cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_csv_has_a_row_per_submitted_response_and_no_contact_details(
    staff_client, manager, consultation, responses
):
    client = staff_client(manager)
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
    assert rows[2][:6] == ["BBBB-2222", "2025-12-01 09:30", "Paper", "", "Not given", ""]  # never asked about quoting
    assert rows[2][7] == "'@SUM(1+1)\x01 and a control character"
    assert len(rows) == 3
    assert "private@example.com" not in str(rows)


def test_the_excel_file_has_the_same_rows_with_formulas_neutralised(staff_client, manager, consultation, responses):
    client = staff_client(manager)
    result = client.get(url("staff-export-xlsx", consultation))
    assert result.status_code == 200
    assert result["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert result["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(b"".join(result.streaming_content)))
    sheet = workbook["Responses"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)  # no formula anywhere
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    rows = [["" if cell.value is None else cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == EXPECTED_HEADER
    assert rows[1][7] == '\'=HYPERLINK("http://evil.example","Click")'
    assert rows[1][6] == "Weekends; After school"
    assert rows[2][7] == "'@SUM(1+1) and a control character"  # XLSX cannot hold control characters
    assert len(rows) == 3
    assert "private@example.com" not in str(rows)


def test_a_formula_uncovered_by_removing_a_control_character_is_neutralised_in_excel(consultation, questions):
    response = ResponseFactory(consultation=consultation)
    AnswerFactory(response=response, question=questions[2], text="\x01=1+1")
    file = io.BytesIO()
    exports.xlsx_write(exports.rows(consultation), file)
    rows = list(load_workbook(file).active.iter_rows(values_only=True))
    assert rows[1][7] == "'=1+1"


@pytest.mark.parametrize("text", DANGEROUS)
def test_every_dangerous_answer_is_neutralised_in_both_formats(staff_client, manager, consultation, questions, text):
    AnswerFactory(response=ResponseFactory(consultation=consultation), question=questions[2], text=text)
    client = staff_client(manager)
    csv_cell = read_csv(client.get(url("staff-export-csv", consultation)))[1][7]
    xlsx_cell = read_xlsx(client.get(url("staff-export-xlsx", consultation)))[1][7]
    assert csv_cell.startswith("'") and xlsx_cell.startswith("'")


def test_a_question_whose_text_is_a_formula_cannot_inject_through_the_header(consultation):
    QuestionFactory(consultation=consultation, text="=1+1")
    header = next(exports.rows(consultation))
    assert all(not cell.startswith(exports.FORMULA_TRIGGERS) for cell in header)


def test_staff_of_another_team_may_export_but_participants_may_not(
    staff_client, staff_member, participant, consultation
):
    client = staff_client(staff_member)
    assert client.get(url("staff-export-csv", consultation)).status_code == 200
    client.force_login(participant)
    assert client.get(url("staff-export-csv", consultation)).status_code == 403
    assert client.get(url("staff-export-xlsx", consultation)).status_code == 403


@pytest.mark.parametrize("count", [10, 1000])
def test_the_csv_export_reads_responses_in_batches(
    staff_client, manager, consultation, questions, count, django_assert_max_num_queries
):
    made = bulk_responses(consultation, count)
    bulk_answers(made, choice_question=questions[0], text_question=questions[2], multiple_question=questions[1])
    client = staff_client(manager)
    batches = -(-count // exports.EXPORT_CHUNK)
    # session, user, roles, permissions (its own and its roles'), consultation, questions, then per batch
    # of 500: responses, their answers, those answers' selections
    with django_assert_max_num_queries(6 + 3 * batches):
        rows = read_csv(client.get(url("staff-export-csv", consultation)))
    assert len(rows) == count + 1
    assert rows[1][5] in ("Weekends", "Holidays") and rows[1][6] == "Weekends; Holidays"


def test_the_excel_export_reads_responses_in_batches_too(
    staff_client, manager, consultation, questions, django_assert_max_num_queries
):
    bulk_answers(bulk_responses(consultation, 1000), text_question=questions[2])
    client = staff_client(manager)
    with django_assert_max_num_queries(6 + 3 * 2):  # as the CSV: 1,000 responses are two batches
        rows = read_xlsx(client.get(url("staff-export-xlsx", consultation)))
    assert len(rows) == 1001


# --- Large exports: memory flat in the number of rows, never past a worker's timeout -------------------


def peak_memory_writing(count: int, write) -> int:
    """The most memory held at once while ``write`` consumes a table of ``count`` rows made as read."""
    table = (
        ["B00001-ZZ", "2026-01-01 10:00", "Online", "", "No", f"A written answer, number {n} " * 4]
        for n in range(count)
    )
    tracemalloc.start()
    try:
        write(table)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    "write",
    [
        lambda table: exports.xlsx_write(table, tempfile.TemporaryFile()),
        lambda table: collections.deque(exports.csv_lines(table), maxlen=0),
    ],
    ids=["xlsx", "csv"],
)
def test_writing_an_export_holds_no_more_memory_for_ten_times_the_rows(write):
    small, large = peak_memory_writing(250, write), peak_memory_writing(2_500, write)
    assert large < 1.5 * small, (small, large)


def test_the_csv_sends_its_first_rows_after_reading_one_batch(
    staff_client, manager, consultation, questions, django_assert_max_num_queries
):
    bulk_answers(bulk_responses(consultation, 1200), text_question=questions[2])
    response = staff_client(manager).get(url("staff-export-csv", consultation))
    lines = iter(response.streaming_content)
    # questions; the first 500 responses, their answers, those answers' selections
    with django_assert_max_num_queries(4):
        first = [next(lines) for _row in range(3)]
    assert b"Reference" in first[1] and first[2].startswith(b"B00000-ZZ")


def test_the_excel_file_is_served_from_a_file_on_disk(staff_client, manager, consultation, questions):
    bulk_answers(bulk_responses(consultation, 3), text_question=questions[2])
    response = staff_client(manager).get(url("staff-export-xlsx", consultation))
    assert isinstance(response, FileResponse) and "no-store" in response["Cache-Control"]
    assert 'filename="short-breaks-review-responses-' in response["Content-Disposition"]
    assert len(read_xlsx(response)) == 4


@pytest.fixture
def large(monkeypatch, consultation, questions):
    """A consultation past the size an Excel file is built in the request (made small for the test)."""
    monkeypatch.setattr(exports, "XLSX_IN_REQUEST_LIMIT", 5)
    made = bulk_responses(consultation, 12)
    bulk_answers(made, choice_question=questions[0], text_question=questions[2], multiple_question=questions[1])
    RespondentContactFactory(response=made[0], email="private@example.com")
    AnswerFactory(response=ResponseFactory(consultation=consultation), question=questions[2], text="=1+1")
    return consultation


def test_a_large_excel_export_is_prepared_by_a_worker_with_progress_and_a_link(
    staff_client, manager, large, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = staff_client(manager)
    offer = client.get(url("staff-export-xlsx", large))
    assert offer.status_code == 200 and "This consultation has 13 responses" in offer.content.decode()
    assert not ResponseExport.objects.exists()  # following a link asks for nothing

    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(url("staff-export-xlsx", large))
    export = ResponseExport.objects.get()
    assert asked["Location"] == url("staff-export", large, export_pk=export.pk)
    assert export.state == ExportState.READY and export.rows_done == export.rows_total == 13

    page = client.get(asked["Location"]).content.decode()
    download = url("staff-export-download", large, export_pk=export.pk)
    assert f'href="{download}"' in page and "Ready" in page
    rows = read_xlsx(client.get(download))
    assert len(rows) == 14
    assert "'=1+1" in rows[-1] and "private@example.com" not in str(rows)  # the same rules as in the request


def test_an_export_whose_task_was_lost_is_built_by_the_sweep_and_deleted_after_a_day(
    manager, large, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    moment = timezone.now()
    with mock.patch.object(tasks.response_export_build, "delay", side_effect=ConnectionError("broker down")):
        export = services.response_export_request(consultation=large, user=manager, moment=moment)
    assert ResponseExport.objects.get().state == ExportState.PENDING

    to_build, deleted = services.response_exports_sweep(moment=moment + timedelta(minutes=2))
    assert to_build == [export.pk] and deleted == 0
    services.response_export_build(export_id=export.pk, moment=moment + timedelta(minutes=2))
    services.response_export_build(export_id=export.pk, moment=moment + timedelta(minutes=3))  # once only
    export.refresh_from_db()
    assert export.state == ExportState.READY and Path(export.file.path).exists()
    assert services.response_exports_sweep(moment=moment + timedelta(minutes=4)) == ([], 0)

    assert services.response_exports_sweep(moment=moment + timedelta(days=1, minutes=1)) == ([], 1)
    assert not ResponseExport.objects.exists() and not Path(export.file.path).exists()


def test_a_worker_that_stopped_mid_build_is_taken_over_after_its_lease(manager, large, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    moment = timezone.now()
    export = ResponseExport.objects.create(
        consultation=large, requested_by=manager, requested_at=moment, state=ExportState.RUNNING, claimed_at=moment
    )
    assert services.response_export_build(export_id=export.pk, moment=moment + timedelta(minutes=5)) is None
    assert services.response_exports_sweep(moment=moment + services.EXPORT_LEASE + timedelta(seconds=1))[0] == [
        export.pk
    ]
    built = services.response_export_build(export_id=export.pk, moment=moment + services.EXPORT_LEASE * 2)
    assert built.state == ExportState.READY


def test_an_export_of_another_consultation_is_not_found(staff_client, manager, large, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    export = services.response_export_request(consultation=large, user=manager, moment=timezone.now())
    other = ConsultationFactory()
    client = staff_client(manager)
    assert client.get(url("staff-export", other, export_pk=export.pk)).status_code == 404
    assert client.get(url("staff-export-download", other, export_pk=export.pk)).status_code == 404
