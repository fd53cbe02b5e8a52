"""A report's CSV and PDF: the same presented figures as its page, so the same cells are hidden."""

from collections.abc import Iterator

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from common.dates import govuk_date
from common.disclosure import SMALLEST_SHOWN

from ..models import ThemeReport
from .presentation import Presented, report_actions


def suppression_statement(presented: Presented) -> str:
    if presented.suppressed:
        return _(
            "Counts from 1 to %(smallest)s are shown as \u201cfewer than %(shown)s\u201d, and some other counts are "
            "hidden so that a hidden count cannot be worked out from a total. Counts were hidden in this report."
        ) % {"smallest": SMALLEST_SHOWN - 1, "shown": SMALLEST_SHOWN}
    return _(
        "Counts from 1 to %(smallest)s would be shown as \u201cfewer than %(shown)s\u201d; nothing needed hiding in "
        "this report."
    ) % {"smallest": SMALLEST_SHOWN - 1, "shown": SMALLEST_SHOWN}


def report_csv_rows(report: ThemeReport, presented: Presented) -> Iterator[list]:
    yield [_("Section"), _("Table"), _("Row"), _("Column"), _("Value"), _("Note")]
    yield [_("Report"), report.audience.name, govuk_date(report.first_day), govuk_date(report.last_day), "", ""]
    yield [_("Report"), _("Disclosure control"), "", "", suppression_statement(presented), ""]
    for section in presented.sections:
        if section.empty:
            yield [section.title, "", "", "", section.empty, ""]
        for figure in section.figures:
            yield [section.title, "", figure.label, "", figure.value, ""]
        for part in section.breakdowns:
            for row in part.rows:
                yield [section.title, part.caption, row.label, "", str(row.count), row.note]
            if part.total is not None:
                yield [section.title, part.caption, _("Total"), "", str(part.total), ""]
        for grid in section.grids:
            for label, cells, total in grid.rows:
                for column, cell in zip(grid.column_labels, cells, strict=True):
                    yield [section.title, grid.caption, label, column, str(cell), ""]
                yield [section.title, grid.caption, label, _("Total"), str(total), ""]
            for column, cell in zip(grid.column_labels, grid.column_totals, strict=True):
                yield [section.title, grid.caption, _("Total"), column, str(cell), ""]
            yield [section.title, grid.caption, _("Total"), _("Total"), str(grid.total), ""]
        for quote in section.quotes:
            yield [section.title, quote["theme"], quote["polarity_label"], "", quote["text"], ""]
    for entry in report.commentary.select_related("written_by")[:200]:
        yield [_("Commentary"), str(entry.written_by), govuk_date(entry.written_at), "", entry.text, ""]
    actions = report_actions(report)
    for kind, title in (("own", _("Improvement actions")), ("carried", _("Actions from earlier reports"))):
        for action in actions[kind]:
            yield [title, action["owner_team"], action["due"], action["status_label"], action["description"], ""]


def report_pdf(context: dict) -> bytes:
    """The report as a PDF, drawn by WeasyPrint from its own template with the same SVG charts."""
    from weasyprint import HTML  # loads Pango: only when a PDF is asked for

    html = render_to_string("feedback/reports/report_pdf.html", context)
    return HTML(string=html).write_pdf()
