"""The daily letters: which cases get one, once, and the printed batch holds the right codes."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from feedback import services
from feedback.codes import code_display
from feedback.letters import wording_fill
from feedback.models import FeedbackLetter, LetterBatch, LetterTemplate, PreferredFormat
from notifications.models import Message

from .factories import ClosedCaseFactory

MOMENT = datetime(2026, 4, 1, 6, tzinfo=UTC)
TODAY = date(2026, 4, 1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf_text(batch: LetterBatch) -> str:
    with batch.pdf.open("rb") as file:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(file.read())).pages)


def test_cases_due_a_letter(team):
    due = ClosedCaseFactory(team=team, closed_on=TODAY - timedelta(days=3))
    ClosedCaseFactory(
        team=team, closed_on=TODAY - timedelta(days=3), do_not_contact=True, do_not_contact_reason="Asked"
    )
    ClosedCaseFactory(team=team, closed_on=TODAY - timedelta(days=300))  # before the portal
    ClosedCaseFactory(team=team, closed_on=TODAY - timedelta(days=3), address="", email="")  # nowhere to write
    ClosedCaseFactory(team=team, closed_on=TODAY - timedelta(days=3), letter_sent_on=TODAY)
    assert list(services.cases_due_a_letter(today=TODAY)) == [due]


def test_the_batch_holds_one_letter_per_case_with_its_own_codes_read_back_from_the_pdf(team):
    cases = [
        ClosedCaseFactory(team=team, reference="CMS-A1", closed_on=TODAY, contact_name="Ann Adams"),
        ClosedCaseFactory(
            team=team, reference="CMS-B2", closed_on=TODAY, contact_name="Bo Brown", child_age_band="16_17"
        ),
        ClosedCaseFactory(
            team=team, reference="CMS-C3", closed_on=TODAY, contact_name="Cy Cole",
            preferred_format=PreferredFormat.LARGE_PRINT, email="",
        ),
    ]  # fmt: skip
    batch = services.letters_send(moment=MOMENT)
    assert (batch.letters, batch.large_print, batch.emailed) == (3, 1, 2)
    text = pdf_text(batch)
    assert "Letters in this batch" in text and "Large print letters" in text
    for case in cases:
        case.refresh_from_db()
        assert case.letter_sent_on == TODAY
        for code in case.codes.all():
            assert text.count(code_display(code.code)) >= 1, (case.reference, code.code)
    assert cases[1].codes.count() == 2 and cases[0].codes.count() == 1
    # Large print comes after the standard letters, in its own section.
    assert text.index("Large print letters") < text.index("Cy Cole") and text.index("Ann Adams") < text.index(
        "Large print letters"
    )
    # Each letter's code sits with its own family's name.
    for case in cases:
        family_code = code_display(case.codes.get(for_child=False).code)
        page = next(p for p in text.split("Case reference:") if case.reference in p)
        assert family_code in page and case.contact_name in page
    emails = Message.objects.filter(template="feedback/letter")
    assert {m.recipient for m in emails} == {cases[0].email, cases[1].email}


def test_running_the_job_again_makes_no_second_letter(team):
    ClosedCaseFactory(team=team, closed_on=TODAY)
    first = services.letters_send(moment=MOMENT)
    assert services.letters_send(moment=MOMENT + timedelta(hours=1)) is None
    later = ClosedCaseFactory(team=team, closed_on=TODAY)
    again = services.letters_send(moment=MOMENT + timedelta(hours=2))
    assert again.pk == first.pk and again.letters == 2  # the same day's batch, printed again
    assert FeedbackLetter.objects.count() == 2 and later.codes.count() == 1
    assert Message.objects.filter(template="feedback/letter").count() == 2
    assert LetterBatch.objects.count() == 1


def test_the_wording_is_the_administrators_and_fills_only_its_placeholders(team):
    wording = LetterTemplate.objects.get()
    wording.body = "Hello {{ contact_name }}, code {{code}}. {{ unknown }} <b>bold</b>"
    wording.save()
    case = ClosedCaseFactory(team=team, closed_on=TODAY, contact_name="<i>Dee</i>")
    batch = services.letters_send(moment=MOMENT)
    text = " ".join(pdf_text(batch).split())
    code = code_display(case.codes.get().code)
    assert f"Hello <i>Dee</i>, code {code}. {{{{ unknown }}}} <b>bold</b>" in text  # text, never HTML
    assert wording_fill("{{ a }}{{b}}{{ c }}", {"a": "1", "b": "2"}) == "12{{ c }}"


def test_the_default_wording_names_every_channel_and_the_telephone_call(db):
    body = LetterTemplate.objects.get().body
    for words in ("Online", "telephone", "By letter", "interview", "may also telephone you"):
        assert words in body
