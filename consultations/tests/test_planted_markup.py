"""Text staff write is shown as text: markup planted in every field that reaches a form or a page is
escaped on public pages, question pages, check your answers, the preview and staff pages."""

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from consultations.models import Consultation, Document, QuestionKind
from consultations.tests.factories import (
    ConsultationFactory,
    OutcomeItemFactory,
    QuestionFactory,
    ResponseFactory,
    consultation_staff_url,
)

pytestmark = pytest.mark.django_db

LINK = '<a href="https://evil.example/">Sign in to continue</a>'
BOLD = "<b>bold</b>"
PLANTED = f"{LINK} {BOLD}"


def assert_escaped(page: str, *, where: str) -> None:
    assert "evil.example/" in page, f"the planted text is missing from {where}"
    # Addresses in contact details are made links on purpose (urlize); the planted element never is.
    assert not re.search(r"<a\b[^>]*>\s*Sign in to continue", page), f"a planted link became a link on {where}"
    assert BOLD not in page, f"planted bold became bold on {where}"
    assert "&lt;b&gt;bold&lt;/b&gt;" in page, f"planted bold is not shown as text on {where}"


def planted(field: str) -> str:
    return f"{field}: {PLANTED}"


@pytest.fixture
def consultation(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    consultation = ConsultationFactory(
        title=planted("title")[:150],
        summary=planted("summary"),
        proposal=planted("proposal"),
        other_ways_to_respond=planted("other ways"),
        contact_details=planted("contact"),
        decision_informed=planted("decision"),
    )
    for page, kind in enumerate(
        (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE),
        start=1,
    ):
        QuestionFactory(
            consultation=consultation,
            page=page,
            kind=kind,
            text=planted(f"question {page}"),
            help_text=planted(f"hint {page}"),
            options=[planted("choice"), "Plain choice"] if kind in ("single_choice", "multiple_choice") else [],
        )
    document = Document(consultation=consultation, title=planted("document"), content_type="application/pdf")
    document.file.save("guide.pdf", ContentFile(b"%PDF" + b"x" * 100), save=False)
    document.size = 104
    document.save()
    return consultation


def public_url(name: str, consultation, **kwargs) -> str:
    return reverse(f"consultations:{name}", kwargs={"slug": consultation.slug, **kwargs})


def test_public_pages_and_question_pages_show_planted_markup_as_text(client, consultation):
    for where in (
        reverse("consultations:hub"),
        public_url("detail", consultation),
        public_url("respond", consultation),
    ):
        assert_escaped(client.get(where).content.decode(), where=where)
    client.post(public_url("respond", consultation))
    for page in range(1, 5):
        where = public_url("respond-page", consultation, page=page)
        assert_escaped(client.get(where).content.decode(), where=where)


def test_question_pages_in_error_and_check_answers_show_planted_markup_as_text(client, consultation):
    questions = {question.kind: question for question in consultation.questions.all()}
    client.post(public_url("respond", consultation))
    choice = questions[QuestionKind.SINGLE_CHOICE]
    in_error = client.post(
        public_url("respond-page", consultation, page=3), {f"question_{choice.pk}": "not one of them"}
    )
    assert_escaped(in_error.content.decode(), where="a question page in error")

    answers = {
        1: {f"question_{questions[QuestionKind.SHORT_TEXT].pk}": "Fine"},
        2: {f"question_{questions[QuestionKind.LONG_TEXT].pk}": "Fine"},
        3: {f"question_{choice.pk}": planted("choice")},
        4: {f"question_{questions[QuestionKind.MULTIPLE_CHOICE].pk}": [planted("choice")]},
    }
    for page, data in answers.items():
        assert client.post(public_url("respond-page", consultation, page=page), data).status_code == 302
    check = client.get(public_url("respond-check", consultation)).content.decode()
    assert_escaped(check, where="check your answers")
    assert "question 4: " in check


def test_you_said_we_did_shows_planted_markup_as_text(client, consultation):
    moment = timezone.now()
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=moment - timedelta(days=30),
        closes_at=moment - timedelta(days=1),
        outcomes_published_at=moment,
        outcomes_summary=planted("outcomes summary"),
    )
    OutcomeItemFactory(
        consultation=consultation, you_said=planted("you said"), we_did="", changed=False, why_not=planted("why")
    )
    OutcomeItemFactory(consultation=consultation, you_said="Booking", we_did=planted("we did"))
    for where in (public_url("outcomes", consultation), reverse("consultations:outcome-list")):
        assert_escaped(client.get(where).content.decode(), where=where)
    page = client.get(public_url("outcomes", consultation)).content.decode()
    for field in ("you said", "why", "we did", "outcomes summary"):
        assert f"{field}: &lt;a href=" in page


@pytest.mark.parametrize(
    "name",
    ["staff-overview", "staff-preview", "staff-edit", "staff-responses", "staff-summary", "staff-record-response"],
)
def test_staff_pages_show_planted_markup_as_text(staff_client, manager, consultation, name):
    ResponseFactory(consultation=consultation)
    page = staff_client(manager).get(consultation_staff_url(name, consultation))
    assert page.status_code == 200
    assert_escaped(page.content.decode(), where=name)


def test_staff_question_form_and_outcomes_form_show_planted_markup_as_text(staff_client, manager, consultation):
    client = staff_client(manager)
    question = consultation.questions.get(page=3)
    page = client.get(consultation_staff_url("staff-question-edit", consultation, question_pk=question.pk))
    assert_escaped(page.content.decode(), where="the question form")
    OutcomeItemFactory(consultation=consultation, you_said=planted("you said"))
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    page = client.get(consultation_staff_url("staff-outcomes", consultation))
    assert_escaped(page.content.decode(), where="the outcomes form")
