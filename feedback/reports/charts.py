"""Horizontal bar charts drawn as SVG on the server, the same in the page and the PDF.

A chart is an image of numbers that are also in a table beside it: it has role="img" and a title,
and a count hidden by disclosure control is drawn as no bar with "fewer than 5" written in its place.
Every label is escaped: theme names and team names are typed by people.
"""

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from common.disclosure import Count

LABEL_WIDTH = 280
BAR_WIDTH = 260
VALUE_WIDTH = 120
ROW_HEIGHT = 32
BAR_HEIGHT = 22
BAR_COLOUR = "#1d70b8"  # GOV.UK blue: 4.5:1 or more against white
TEXT_COLOUR = "#0b0c0c"
LABEL_CHARACTERS = 32


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def bar_chart(*, title: str, rows: list[tuple[str, Count]], chart_id: str) -> SafeString:
    """An SVG chart of ``rows`` (label, count), one bar each, scaled to the largest count shown."""
    largest = max((count.shown or 0 for _label, count in rows), default=0)
    height = ROW_HEIGHT * max(len(rows), 1) + 8
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = []
    for index, (label, count) in enumerate(rows):
        y = 4 + index * ROW_HEIGHT
        text_y = y + BAR_HEIGHT - 5
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="16" fill="{}">{}</text>',
                LABEL_WIDTH - 8,
                text_y,
                TEXT_COLOUR,
                _short(str(label)),
            )
        )
        if count.shown:
            bar = max(2, round(BAR_WIDTH * count.shown / largest)) if largest else 0
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>',
                    LABEL_WIDTH,
                    y,
                    bar,
                    BAR_HEIGHT,
                    BAR_COLOUR,
                )
            )
            value_x = LABEL_WIDTH + bar + 6
        else:
            value_x = LABEL_WIDTH + 6
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="16" fill="{}">{}</text>', value_x, text_y, TEXT_COLOUR, str(count)
            )
        )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{id}-title" class="report-chart" '
        'viewBox="0 0 {width} {height}" font-family="Arial, sans-serif">'
        '<title id="{id}-title">{title}</title>{body}</svg>',
        id=chart_id,
        width=width,
        height=height,
        title=title,
        body=mark_safe("".join(parts)),  # noqa: S308 - each part was built by format_html, which escapes
    )
