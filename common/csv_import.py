"""Reading a spreadsheet saved as CSV that staff upload to create or update many records at once.

Every import works the same way: the file's text whatever the spreadsheet saved it as, a header
row naming the template's columns, each row with the line number a person sees in their editor,
and a refusal of the whole file that names every bad line with its reasons. The app decides what
a row means; this module only reads and reports.
"""

import csv
import io
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}

Row = tuple[int, dict[str, str]]


def choice_from_text(text: str, choices) -> str | None:
    """A choice by its value or label, ignoring case, hyphens and underscores ("Co-chair", "co_chair")."""

    def norm(value) -> str:
        return str(value).strip().lower().replace("-", " ").replace("_", " ")

    wanted = norm(text)
    for value, label in choices.choices:
        if wanted in (norm(value), norm(label)):
            return value
    return None


def date_from_text(text: str) -> date:
    """A date written as 2026-03-31 or 31/03/2026; ValueError otherwise."""
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a date, no time of day)
        except ValueError:
            continue
    raise ValueError(text)


def import_text(data: bytes) -> str:
    """The file's text: UTF-8 (with or without Excel's byte-order mark), else Windows-1252; without NUL
    characters (a spreadsheet's padding, never meant, and PostgreSQL cannot store them)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.replace("\x00", "")


def csv_rows(
    text: str, *, column_names: list[str], required: tuple[str, ...], max_rows: int
) -> tuple[list[str], list[Row]]:
    """The header's problems (if any), and each row's first line number with its values by column.

    The header is line 1; a quoted value over several lines counts from its first line; blank lines
    are not rows. Too many rows, or text that is not CSV, is a problem of the whole file."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        return [_("The file is empty. Use the template: its first row names the columns.")], []
    except csv.Error:
        return [_("The file is not a CSV file. Save it as CSV (comma separated) and try again.")], []
    problems = []
    if missing := [name for name in required if name not in header]:
        problems.append(_("The first row must name the columns; it has no %(names)s.") % {"names": ", ".join(missing)})
    if unknown := [name for name in header if name and name not in column_names]:
        problems.append(
            _("The first row names columns the template does not have: %(names)s.") % {"names": ", ".join(unknown)}
        )
    if problems:
        return problems, []
    rows = []
    previous_line = reader.line_num
    try:
        for values in reader:
            line, previous_line = previous_line + 1, reader.line_num
            if not any(value.strip() for value in values):
                continue  # a blank line (often the last) is not a row
            rows.append((line, dict(zip(header, values, strict=False))))
            if len(rows) > max_rows:
                return [_("The file has more than %(limit)s rows. Split it and import each part.") % {
                    "limit": max_rows}], []  # fmt: skip
    except csv.Error:
        return [_("Line %(line)s: the file is not a CSV file there.") % {"line": previous_line + 1}], []
    if not rows:
        return [_("The file has no rows below the column names.")], []
    return problems, rows


def file_problems_refuse(problems: list[str]) -> None:
    """Refuse a file whose header or shape is wrong (code ``bad_file``)."""
    if problems:
        raise ValidationError([ValidationError(problem, code="bad_file") for problem in problems])


def bad_rows_refuse(bad: list[tuple[int, list[str]]]) -> None:
    """Refuse the whole file (code ``bad_rows``) when any row has problems, naming each line and why."""
    if bad:
        raise ValidationError(
            [
                ValidationError(
                    _("Line %(line)s: %(reasons)s") % {"line": line, "reasons": "; ".join(reasons)}, code="bad_rows"
                )
                for line, reasons in bad
            ]
        )


def as_reason(message: str) -> str:
    """A field's error message as a reason in a list ("the phone ..." rather than "The phone ....")."""
    message = str(message).rstrip(".")
    return message[:1].lower() + message[1:]


def template_csv(column_names: list[str], example_rows: list[list[str]]) -> str:
    """An import's template: the column names, then example rows to replace."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(column_names)
    writer.writerows(example_rows)
    return out.getvalue()
