"""Spreadsheets every app writes (CSV downloads for finance, exports of what people said).

What people type can start like a formula (``=HYPERLINK(...)``) and would run when a member of
staff opens the file, so every cell goes through ``spreadsheet_safe`` before it is written.
"""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

from common.text import without_bidi_controls

# Characters that make Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP's list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """Return the value as text that no spreadsheet will run as a formula.

    Invisible direction controls are removed first (they would reorder what the reader sees, and
    one in front could hide a formula). Then a value starting with ``=``, ``+``, ``-``, ``@``, a tab
    or a carriage return gets a single quote in front, so it is shown as typed (with the quote)
    instead of being calculated.
    """
    text = without_bidi_controls(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write() hands back the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(table: Iterable[Iterable]) -> Iterator[str]:
    """CSV text, a line at a time, every cell made safe. Starts with a byte order mark so Excel
    reads it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in table:
        yield writer.writerow([spreadsheet_safe(cell) for cell in row])


def csv_download(table: Iterable[Iterable], *, filename: str) -> StreamingHttpResponse:
    """A streamed CSV attachment: a large table never waits whole in memory."""
    response = StreamingHttpResponse(csv_lines(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
