"""What responding costs in queries: a question page saves its answers in the same few queries whatever
its number of questions and choices, and a whole response stays well under half what it once cost
(132 queries).

Tests run inside a transaction, so each service's atomic block shows as a SAVEPOINT and a RELEASE
that production does not pay; the budgets count them.
"""

import pytest
from django.urls import reverse

from consultations import services
from consultations.models import Answer, QuestionKind, Response, Selection
from consultations.tests.factories import ConsultationFactory, QuestionFactory
from consultations.views.public import draft_session_key

pytestmark = pytest.mark.django_db

MANY = [f"Choice {number}" for number in range(12)]


def url(name: str, consultation, **kwargs) -> str:
    return reverse(f"consultations:{name}", kwargs={"slug": consultation.slug, **kwargs})


@pytest.fixture
def consultation():
    """Page 1 asks one short question; page 2 asks eight, four of them with twelve choices each."""
    consultation = ConsultationFactory()
    QuestionFactory(consultation=consultation, page=1, kind=QuestionKind.SHORT_TEXT, required=True)
    for _number in range(4):
        QuestionFactory(consultation=consultation, page=2, kind=QuestionKind.MULTIPLE_CHOICE, options=MANY)
    QuestionFactory(consultation=consultation, page=2, kind=QuestionKind.SINGLE_CHOICE, options=MANY)
    QuestionFactory(consultation=consultation, page=2, kind=QuestionKind.AGREEMENT)
    QuestionFactory(consultation=consultation, page=2, kind=QuestionKind.SHORT_TEXT)
    QuestionFactory(consultation=consultation, page=2, kind=QuestionKind.LONG_TEXT)
    return consultation


def page_two(consultation, *, choices: list[str], text: str) -> dict:
    data = {}
    for question in consultation.questions.filter(page=2):
        name = f"question_{question.pk}"
        if question.kind == QuestionKind.MULTIPLE_CHOICE:
            data[name] = choices
        elif question.kind == QuestionKind.SINGLE_CHOICE:
            data[name] = choices[0] if choices else ""
        elif question.kind == QuestionKind.AGREEMENT:
            data[name] = "Agree" if choices else ""
        else:
            data[name] = text
    return data


def started(client, consultation) -> Response:
    client.post(url("respond", consultation))
    client.post(url("respond-page", consultation, page=1), {f"question_{consultation.questions.first().pk}": "Yes"})
    return Response.objects.get(pk=client.session[draft_session_key(consultation)])


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ((MANY, "A first answer"), (MANY[::2] + ["Choice 1"], "A changed answer")),  # change most things
        (([], ""), (MANY, "Written now")),  # everything new
        ((MANY, "Written"), ([], "")),  # everything emptied
    ],
)
def test_a_page_of_many_questions_and_choices_saves_in_a_few_queries(
    client, consultation, first, then, django_assert_max_num_queries
):
    started(client, consultation)
    page = url("respond-page", consultation, page=2)
    client.post(page, page_two(consultation, choices=first[0], text=first[1]))
    with django_assert_max_num_queries(11):
        # the session; the draft (the consultation and its questions are shared between visitors);
        # SAVEPOINT; UPDATE the draft (its row lock, and the check it was not sent);
        # the page's stored answers with their choices, in one join;
        # at most one each: DELETE emptied answers, INSERT new answers, UPDATE changed texts,
        # DELETE dropped choices, INSERT added choices; RELEASE
        response = client.post(page, page_two(consultation, choices=then[0], text=then[1]))
    assert response.status_code == 302
    draft = Response.objects.get()
    multiple = draft.answers.filter(question__kind=QuestionKind.MULTIPLE_CHOICE)
    if then[0]:
        assert multiple.count() == 4
        for answer in multiple:
            assert sorted(answer.selections.values_list("value", flat=True)) == sorted(then[0])
        assert set(draft.answers.filter(question__kind=QuestionKind.LONG_TEXT).values_list("text", flat=True)) == {
            then[1]
        }
    else:
        assert draft.answers.count() == 1  # only page 1's
        assert not Selection.objects.exists()


def test_a_one_question_page_saves_in_the_same_few_queries(client, consultation, django_assert_max_num_queries):
    started(client, consultation)
    question = consultation.questions.first()
    with django_assert_max_num_queries(7):
        # the session; the draft; SAVEPOINT; UPDATE the draft; the stored answer; UPDATE its text; RELEASE
        client.post(url("respond-page", consultation, page=1), {f"question_{question.pk}": "Changed"})
    assert Answer.objects.get().text == "Changed"


def test_the_service_saves_a_page_in_a_few_queries_when_given_its_questions(consultation, django_assert_num_queries):
    questions = list(consultation.questions.filter(page=2))
    draft = Response.objects.create(consultation=consultation, started_at=consultation.opens_at)
    answers = {question.pk: (MANY if question.is_multiple else None) for question in questions}
    answers |= {q.pk: "Agree" for q in questions if q.kind == QuestionKind.AGREEMENT}
    answers |= {q.pk: "Choice 3" for q in questions if q.kind == QuestionKind.SINGLE_CHOICE}
    answers |= {q.pk: "Text" for q in questions if not q.is_choice}
    moment = consultation.opens_at
    with django_assert_num_queries(6):
        # SAVEPOINT; UPDATE the draft; the stored answers; INSERT the answers; INSERT the choices; RELEASE
        services.answers_save(response=draft, answers=answers, moment=moment, questions=questions)
    assert Selection.objects.count() == 4 * len(MANY) + 2


def test_a_whole_response_costs_well_under_half_the_queries_it_did(client, consultation, django_assert_max_num_queries):
    first = consultation.questions.first()
    # 11 requests, 52 queries (16 of them the SAVEPOINT and RELEASE pairs of the test's transaction);
    # the same journey cost 161 before a page's answers were saved in bulk, 79 before the pages
    # shared the consultation and its questions, and 55 before a new draft skipped reading its
    # (no) answers, a new session its key check, and "about you" its second read of the draft.
    with django_assert_max_num_queries(52):
        client.get(url("respond", consultation))
        client.post(url("respond", consultation))
        client.get(url("respond-page", consultation, page=1))
        client.post(url("respond-page", consultation, page=1), {f"question_{first.pk}": "Kind staff"})
        client.get(url("respond-page", consultation, page=2))
        client.post(url("respond-page", consultation, page=2), page_two(consultation, choices=MANY, text="More"))
        client.get(url("respond-about-you", consultation))
        client.post(url("respond-about-you", consultation), {"respondent_type": "parent_carer"})
        client.get(url("respond-check", consultation))
        done = client.post(url("respond-check", consultation))
        client.get(done["Location"])
    sent = Response.objects.get()
    assert sent.is_submitted and sent.answers.count() == 9


def test_pages_a_visitor_only_reads_share_the_consultation_and_its_questions(
    client, consultation, django_assert_num_queries
):
    from django.test import Client

    started(client, consultation)
    other = Client()
    started(other, consultation)
    for name, kwargs in (("respond-page", {"page": 2}), ("respond-about-you", {}), ("respond-check", {})):
        client.get(url(name, consultation, **kwargs))  # the first visitor's read is shared
        with django_assert_num_queries(2 if name != "respond-check" else 4):
            # the draft; its answers (a question page) or its contact details ("about you"); on "check
            # your answers", the answers, their choices and the contact details
            page = other.get(url(name, consultation, **kwargs))
        assert page.status_code == 200


def test_a_question_staff_add_shows_on_the_next_page_a_visitor_reads(
    client, consultation, django_capture_on_commit_callbacks
):
    from accounts.roles import Role
    from accounts.tests.factories import UserFactory

    assert "9 questions" in client.get(url("respond", consultation)).content.decode()  # now shared
    with django_capture_on_commit_callbacks(execute=True):
        services.question_save(
            question=QuestionFactory.build(consultation=consultation, page=3, kind=QuestionKind.YES_NO),
            user=UserFactory(role=Role.MANAGER),
        )
    assert "10 questions" in client.get(url("respond", consultation)).content.decode()
