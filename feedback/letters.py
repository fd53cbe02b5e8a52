"""The closure letter's text and the day's printable batch (WeasyPrint).

The wording is an administrator's plain text with a few placeholders; each family's letter fills
them with its own values and the batch template escapes everything, so nothing typed into a case or
the wording is ever read as HTML. The QR code opens the code page with the code filled in.
"""

import re
from dataclasses import dataclass

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from common.dates import govuk_date

from .codes import code_display
from .models import FeedbackCode, FeedbackLetter, LetterTemplate, PreferredFormat
from .wording import DEFAULT_WORDING

PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def wording_fill(text: str, values: dict[str, str]) -> str:
    """The text with each known {{ placeholder }} replaced by its value; anything else left as typed."""
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def feedback_address() -> str:
    return settings.SITE_URL + "/feedback/"


def qr_code(code: FeedbackCode) -> str:
    """A data: URI of an SVG QR code that opens the code page with this code filled in."""
    return segno.make(f"{feedback_address()}?code={code.code}", error="m").svg_data_uri(scale=4, border=2)


def letter_wording() -> LetterTemplate:
    """The administrators' wording; the first wording again if it was removed (a letter is never
    held up for want of one)."""
    wording, _created = LetterTemplate.objects.get_or_create(key="closure_letter", defaults=DEFAULT_WORDING)
    return wording


@dataclass
class PrintedLetter:
    letter: FeedbackLetter
    subject: str
    body: str
    code: str
    qr: str
    child_slip: str = ""
    child_code: str = ""
    child_qr: str = ""


def letter_texts(letter: FeedbackLetter, wording: LetterTemplate) -> PrintedLetter:
    case = letter.case
    codes = {code.for_child: code for code in case.codes.all()}
    family = codes[False]
    values = {
        "contact_name": case.contact_name,
        "team": case.team.name,
        "code": code_display(family.code),
        "feedback_address": feedback_address(),
        "expires_on": govuk_date(timezone.localtime(family.expires_at)),
    }
    printed = PrintedLetter(
        letter=letter,
        subject=wording_fill(wording.subject, values),
        body=wording_fill(wording.body, values),
        code=code_display(family.code),
        qr=qr_code(family),
    )
    if child := codes.get(True):
        printed.child_slip = wording_fill(wording.child_slip, values | {"code": code_display(child.code)})
        printed.child_code = code_display(child.code)
        printed.child_qr = qr_code(child)
    return printed


def batch_pdf(*, batch, letters: list[FeedbackLetter]) -> bytes:
    """The day's letters as one PDF: a cover sheet with counts, then standard and easy-read letters,
    then large-print letters in a section of their own."""
    from weasyprint import HTML  # needs the system's Pango library; loaded only when printing

    wording = letter_wording()
    printed = [letter_texts(letter, wording) for letter in letters]
    large = [p for p in printed if p.letter.case.preferred_format == PreferredFormat.LARGE_PRINT]
    standard = [p for p in printed if p.letter.case.preferred_format != PreferredFormat.LARGE_PRINT]
    html = render_to_string(
        "feedback/letters/batch.html",
        {
            "batch": batch,
            "standard": standard,
            "large": large,
            "counts": {
                "letters": len(printed),
                "standard": sum(1 for p in standard if p.letter.case.preferred_format == PreferredFormat.STANDARD),
                "easy_read": sum(1 for p in standard if p.letter.case.preferred_format == PreferredFormat.EASY_READ),
                "large_print": len(large),
                "child_slips": sum(1 for p in printed if p.child_code),
                "emailed": sum(1 for p in printed if p.letter.emailed),
            },
        },
    )
    return HTML(string=html, base_url=settings.SITE_URL).write_pdf()
