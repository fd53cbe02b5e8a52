"""A consultation's submitted responses as a spreadsheet: CSV (streamed) and Excel (XLSX).

One row per submitted response: reference, when it was submitted (UK time), channel, respondent
type, consent to quote, then one column per question. Contact details are never exported: an
export travels by e-mail and sits on desktops, and what people said must not name them.

Answers are typed by the public, so every cell goes through ``spreadsheet_safe`` before it is
written in either format (CSV or formula injection: a cell such as ``=HYPERLINK(...)`` would
otherwise run as a formula when a member of staff opens the file).
"""

from collections.abc import Callable, Iterable, Iterator
from typing import IO

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from common.spreadsheets import FORMULA_TRIGGERS, csv_lines, spreadsheet_safe  # noqa: F401 (the export's API)

from .models import Answer, Channel, Consultation, Question, RespondentType

# Responses are read this many at a time, each batch with its answers and selections: three queries
# per batch, so a large export neither holds every response in memory nor runs a query per row.
EXPORT_CHUNK = 500
CHOICE_SEPARATOR = "; "
# Past this many responses an Excel file is built by a worker, not in the request: at about 0.5 ms a
# response this is some 10 seconds, well inside the web worker's 30 second timeout.
XLSX_IN_REQUEST_LIMIT = 20_000


def header_row(questions: list[Question]) -> list[str]:
    fixed = [_("Reference"), _("Submitted at (UK time)"), _("Channel"), _("Respondent type"), _("Consent to quote")]
    return fixed + [f"Q{number}. {question.text}" for number, question in enumerate(questions, start=1)]


def answer_cell(question: Question, answer: Answer | None) -> str:
    if answer is None:
        return ""
    if not question.is_choice:
        return answer.text
    chosen = {selection.value for selection in answer.selections.all()}
    # In the order the question offers them, so the same answers always read the same way.
    ordered = [choice for choice in question.choices if choice in chosen]
    return CHOICE_SEPARATOR.join(ordered + sorted(chosen - set(ordered)))


def rows(consultation: Consultation, *, chunk_size: int = EXPORT_CHUNK) -> Iterator[list[str]]:
    """The header, then a row per submitted response, oldest first; every cell already made safe.

    Queries: one for the questions, then three per ``chunk_size`` responses (responses, their
    answers, those answers' selections).
    """
    questions = list(consultation.questions.all())
    yield [spreadsheet_safe(cell) for cell in header_row(questions)]
    channels = dict(Channel.choices)
    respondent_types = dict(RespondentType.choices)
    responses = (
        consultation.responses.submitted()
        .order_by("submitted_at", "pk")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.prefetch_related("selections")))
    )
    for response in responses.iterator(chunk_size=chunk_size):
        answers = {answer.question_id: answer for answer in response.answers.all()}
        row = [
            response.reference,
            # Not the GOV.UK words used on pages: a spreadsheet must sort and filter by this column.
            timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M"),
            str(channels.get(response.channel, response.channel)),
            str(respondent_types.get(response.respondent_type, "")),
            {True: _("Yes"), False: _("No")}.get(response.consent_to_quote, _("Not given")),
        ]
        row += [answer_cell(question, answers.get(question.pk)) for question in questions]
        yield [spreadsheet_safe(cell) for cell in row]


def filename(consultation: Consultation, extension: str) -> str:
    return f"{consultation.slug}-responses-{timezone.localdate():%Y-%m-%d}.{extension}"


def xlsx_write(table: Iterable[list[str]], file: IO[bytes], *, progress: Callable[[int], None] | None = None) -> int:
    """Write an Excel workbook with one sheet, the header in bold and frozen, to ``file``; return the
    number of responses written.

    openpyxl's write-only mode writes each row out as it is appended, and ``table`` is read lazily
    (see ``rows``), so memory stays flat however many responses there are. ``progress`` is called
    with the number of responses written after every EXPORT_CHUNK of them.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Responses"))
    sheet.freeze_panes = "A2"
    for index, width in enumerate((14, 20, 12, 18, 16), start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    bold = Font(bold=True)
    written = 0
    for number, row in enumerate(table):
        # Control characters other than tab and line breaks cannot be stored in XLSX at all; removing
        # one may uncover a formula ("\x01=..."), so the cell is made safe again (that is idempotent).
        cells = [spreadsheet_safe(ILLEGAL_CHARACTERS_RE.sub("", cell)) for cell in row]
        if number == 0:
            header = []
            for value in cells:
                cell = WriteOnlyCell(sheet, value=value)
                cell.font = bold
                header.append(cell)
            sheet.append(header)
            continue
        sheet.append(cells)
        written = number
        if progress is not None and written % EXPORT_CHUNK == 0:
            progress(written)
    workbook.save(file)
    return written
