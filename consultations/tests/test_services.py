"""The rules of consultations, tested on the services directly."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.roles import Role
from consultations import services
from consultations.models import Answer, Channel, QuestionKind, Response, SafeguardingFlag, Selection
from consultations.tests.factories import (
    ConsultationFactory,
    OutcomeItemFactory,
    QuestionFactory,
    RespondentContactFactory,
    ResponseFactory,
    editor,
)

pytestmark = pytest.mark.django_db


def codes(excinfo) -> str:
    return excinfo.value.code


@pytest.fixture
def consultation():
    consultation = ConsultationFactory()
    QuestionFactory(consultation=consultation, kind=QuestionKind.AGREEMENT, required=True, page=1)
    QuestionFactory(consultation=consultation, kind=QuestionKind.MULTIPLE_CHOICE, page=2)
    QuestionFactory(consultation=consultation, kind=QuestionKind.LONG_TEXT, page=2)
    return consultation


def questions(consultation):
    return list(consultation.questions.all())


# --- Starting and saving ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trait", "code"), [("closed", "closed"), ("upcoming", "upcoming"), ("withdrawn", "withdrawn"), ("draft", "draft")]
)
def test_a_response_cannot_be_started_unless_the_consultation_is_open(trait, code):
    consultation = ConsultationFactory(**{trait: True})
    with pytest.raises(ValidationError) as excinfo:
        services.response_start(consultation=consultation, user=None, moment=timezone.now())
    assert codes(excinfo) == code


def test_a_signed_in_participant_gets_their_own_draft_back(consultation, participant):
    first = services.response_start(consultation=consultation, user=participant, moment=timezone.now())
    again = services.response_start(consultation=consultation, user=participant, moment=timezone.now())
    assert first == again and first.user == participant


def test_answers_are_saved_page_by_page_and_replaced_when_changed(consultation):
    scale, multiple, text = questions(consultation)
    draft = services.response_start(consultation=consultation, user=None, moment=timezone.now())
    services.answers_save(response=draft, answers={scale.pk: "Agree"}, moment=timezone.now())
    services.answers_save(
        response=draft, answers={multiple.pk: ["Weekends", "Holidays"], text.pk: " More  "}, moment=timezone.now()
    )
    services.answers_save(response=draft, answers={multiple.pk: ["Holidays"], text.pk: ""}, moment=timezone.now())
    assert list(Selection.objects.filter(answer__response=draft).order_by("value").values_list("value", flat=True)) == [
        "Agree",
        "Holidays",
    ]
    assert not Answer.objects.filter(response=draft, question=text).exists()  # emptied answers are removed


def test_a_choice_that_was_not_offered_is_refused(consultation):
    scale, *_rest = questions(consultation)
    draft = services.response_start(consultation=consultation, user=None, moment=timezone.now())
    with pytest.raises(ValidationError) as excinfo:
        services.answers_save(response=draft, answers={scale.pk: "Maybe"}, moment=timezone.now())
    assert codes(excinfo) == "invalid_choice"


@pytest.mark.parametrize("handed_in", [False, True], ids=["looked-up", "handed-in-by-the-page"])
def test_a_question_from_another_consultation_is_refused(consultation, handed_in):
    other = QuestionFactory()
    draft = services.response_start(consultation=consultation, user=None, moment=timezone.now())
    page = {"questions": [other]} if handed_in else {}
    with pytest.raises(ValidationError) as excinfo:
        services.answers_save(response=draft, answers={other.pk: "x"}, moment=timezone.now(), **page)
    assert codes(excinfo) == "wrong_question"
    assert not Answer.objects.exists()


# --- Submitting ---------------------------------------------------------------------------------------------


def test_submitting_gives_a_short_readable_reference_once(consultation):
    scale, *_rest = questions(consultation)
    draft = services.response_start(consultation=consultation, user=None, moment=timezone.now())
    services.answers_save(response=draft, answers={scale.pk: "Agree"}, moment=timezone.now())
    submitted = services.response_submit(draft=draft, moment=timezone.now())
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}", submitted.reference)
    again = services.response_submit(draft=draft, moment=timezone.now() + timedelta(seconds=5))
    assert again.reference == submitted.reference and again.submitted_at == submitted.submitted_at
    assert Response.objects.submitted().count() == 1


def test_a_required_question_must_be_answered_before_submitting(consultation):
    draft = services.response_start(consultation=consultation, user=None, moment=timezone.now())
    with pytest.raises(ValidationError) as excinfo:
        services.response_submit(draft=draft, moment=timezone.now())
    assert codes(excinfo) == "incomplete"
    assert excinfo.value.params["questions"] == [questions(consultation)[0]]


def test_a_draft_started_before_closing_may_be_sent_for_fifteen_minutes_after(consultation):
    scale, *_rest = questions(consultation)
    draft = services.response_start(
        consultation=consultation, user=None, moment=consultation.closes_at - timedelta(minutes=5)
    )
    services.answers_save(response=draft, answers={scale.pk: "Agree"}, moment=consultation.closes_at)
    assert services.response_submit(draft=draft, moment=consultation.closes_at + timedelta(minutes=14)).reference


def test_a_draft_is_refused_after_the_grace_period(consultation):
    scale, *_rest = questions(consultation)
    draft = services.response_start(
        consultation=consultation, user=None, moment=consultation.closes_at - timedelta(minutes=5)
    )
    services.answers_save(response=draft, answers={scale.pk: "Agree"}, moment=consultation.closes_at)
    with pytest.raises(ValidationError) as excinfo:
        services.response_submit(draft=draft, moment=consultation.closes_at + timedelta(minutes=16))
    assert codes(excinfo) == "closed"


def test_a_receipt_is_emailed_only_when_asked_for(consultation, django_capture_on_commit_callbacks):
    scale, *_rest = questions(consultation)
    for wants_receipt in (True, False):
        draft = services.response_start(consultation=consultation, user=None, moment=timezone.now())
        services.answers_save(response=draft, answers={scale.pk: "Agree"}, moment=timezone.now())
        services.about_you_save(
            response=draft,
            respondent_type="parent_carer",
            consent_to_quote=True,
            email="jo@example.com",
            wants_receipt=wants_receipt,
            wants_outcome=not wants_receipt,
            moment=timezone.now(),
        )
        with django_capture_on_commit_callbacks(execute=True):
            submitted = services.response_submit(draft=draft, moment=timezone.now())
        if wants_receipt:
            receipt = submitted.reference
    assert len(mail.outbox) == 1 and receipt in mail.outbox[0].body


def test_about_you_without_contact_wishes_keeps_no_email(consultation):
    draft = services.response_start(consultation=consultation, user=None, moment=timezone.now())
    services.about_you_save(
        response=draft,
        respondent_type="",
        consent_to_quote=False,
        email="jo@example.com",
        wants_receipt=False,
        wants_outcome=False,
        moment=timezone.now(),
    )
    assert not hasattr(Response.objects.get(pk=draft.pk), "contact") or not Response.objects.get(pk=draft.pk).contact


# --- Return links -------------------------------------------------------------------------------------------


def test_a_return_link_works_for_seven_days(consultation):
    draft = services.response_start(consultation=consultation, user=None, moment=timezone.now())
    token = services.resume_token_for(draft)
    assert services.response_for_resume_token(token=token, consultation=consultation) == draft
    with time_machine.travel(timezone.now() + timedelta(days=8)), pytest.raises(ValidationError) as excinfo:
        services.response_for_resume_token(token=token, consultation=consultation)
    assert codes(excinfo) == "expired"


@pytest.mark.parametrize("tamper", ["garbage", "swap-consultation"])
def test_a_tampered_return_link_is_refused(consultation, tamper):
    draft = services.response_start(consultation=consultation, user=None, moment=timezone.now())
    token = services.resume_token_for(draft)
    target = ConsultationFactory() if tamper == "swap-consultation" else consultation
    with pytest.raises(ValidationError) as excinfo:
        services.response_for_resume_token(token="garbage" if tamper == "garbage" else token, consultation=target)
    assert codes(excinfo) == "invalid"


# --- Drafting and publishing -------------------------------------------------------------------------------


def test_questions_are_locked_once_anyone_has_started(consultation):
    services.response_start(consultation=consultation, user=None, moment=timezone.now())
    question = questions(consultation)[0]
    question.text = "Changed"
    with pytest.raises(ValidationError) as excinfo:
        services.question_save(user=editor(), question=question)
    assert codes(excinfo) == "questions_locked"
    with pytest.raises(ValidationError):
        services.question_delete(user=editor(), question=question)


def test_choice_questions_need_two_choices():
    question = QuestionFactory.build(
        consultation=ConsultationFactory(draft=True), kind=QuestionKind.SINGLE_CHOICE, options=["Only one"]
    )
    with pytest.raises(ValidationError):
        services.question_save(user=editor(), question=question)


def test_moving_a_question_swaps_it_with_its_neighbour():
    consultation = ConsultationFactory(draft=True)
    first, second, third = (QuestionFactory(consultation=consultation, position=n) for n in range(3))
    services.question_move(user=editor(), question=third, direction=-1)
    assert list(consultation.questions.all()) == [first, third, second]
    services.question_move(user=editor(), question=first, direction=-1)  # already first: nothing happens
    assert list(consultation.questions.all()) == [first, third, second]


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({}, "no_questions"),
        ({"closes_at": timezone.now() - timedelta(days=1), "opens_at": timezone.now() - timedelta(days=9)}, "closed"),
    ],
)
def test_publishing_is_refused_with_a_reason(overrides, code):
    consultation = ConsultationFactory(draft=True, **overrides)
    if code != "no_questions":
        QuestionFactory(consultation=consultation)
    with pytest.raises(ValidationError) as excinfo:
        services.consultation_publish(user=editor(), consultation=consultation, moment=timezone.now())
    assert codes(excinfo) == code


def test_a_consultation_for_young_people_says_who_decides_before_publishing():
    consultation = ConsultationFactory(draft=True, for_young_people=True)
    QuestionFactory(consultation=consultation)
    with pytest.raises(ValidationError) as excinfo:
        services.consultation_publish(user=editor(), consultation=consultation, moment=timezone.now())
    assert codes(excinfo) == "lundy"
    consultation.who_decides, consultation.feedback_due = "The board", timezone.now().date() + timedelta(days=60)
    consultation.save()
    assert services.consultation_publish(user=editor(), consultation=consultation, moment=timezone.now()).published_at


def test_withdrawing_needs_a_reason_and_stops_responses(consultation):
    with pytest.raises(ValidationError):
        services.consultation_withdraw(user=editor(), consultation=consultation, reason="  ", moment=timezone.now())
    services.consultation_withdraw(
        user=editor(), consultation=consultation, reason="Merged with another", moment=timezone.now()
    )
    consultation.refresh_from_db()
    assert consultation.status == "withdrawn"
    with pytest.raises(ValidationError):
        services.response_start(consultation=consultation, user=None, moment=timezone.now())


# --- Staff recording, safeguarding, outcomes ------------------------------------------------------------------


def test_staff_record_a_paper_response_with_its_channel(consultation, make_user):
    staff_member = make_user(Role.STAFF, teams=[consultation.team])
    scale, multiple, _text = questions(consultation)
    response = services.response_record(
        consultation=consultation,
        channel=Channel.PAPER,
        answers={scale.pk: "Agree", multiple.pk: ["Weekends"]},
        respondent_type="parent_carer",
        consent_to_quote=False,
        received_at=timezone.now(),
        recorded_by=staff_member,
        moment=timezone.now(),
    )
    assert response.is_submitted and response.channel == "paper" and response.recorded_by == staff_member
    with pytest.raises(ValidationError):
        services.response_record(
            consultation=consultation,
            channel=Channel.ONLINE,
            answers={},
            respondent_type="",
            consent_to_quote=False,
            received_at=timezone.now(),
            recorded_by=staff_member,
            moment=timezone.now(),
        )


def test_a_safeguarding_concern_is_logged_and_the_designated_officer_emailed(
    consultation, make_user, settings, django_capture_on_commit_callbacks
):
    settings.SAFEGUARDING_OFFICER_EMAIL = "dso@example.gov.uk"
    response = ResponseFactory(consultation=consultation)
    with django_capture_on_commit_callbacks(execute=True):
        services.safeguarding_flag_raise(
            response=response,
            raised_by=make_user(Role.STAFF),
            reason="Mentions a child left alone overnight.",
            moment=timezone.now(),
        )
    assert SafeguardingFlag.objects.filter(response=response).count() == 1
    assert Response.objects.with_safeguarding_flag().get(pk=response.pk).safeguarding_flagged
    assert mail.outbox[-1].to == ["dso@example.gov.uk"]


def test_you_said_we_did_is_published_after_closing_and_emails_once(django_capture_on_commit_callbacks):
    item = OutcomeItemFactory()
    consultation = item.consultation
    RespondentContactFactory(response=ResponseFactory(consultation=consultation), wants_outcome=True)
    RespondentContactFactory(response=ResponseFactory(consultation=consultation), wants_outcome=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.outcomes_publish(user=editor(), consultation=consultation, summary="Thanks", moment=timezone.now())
        services.outcomes_publish(
            user=editor(), consultation=consultation, summary="Thanks again", moment=timezone.now()
        )
    assert len(mail.outbox) == 1


def test_you_said_we_did_waits_for_the_closing_date(consultation):
    OutcomeItemFactory(consultation=consultation)
    with pytest.raises(ValidationError) as excinfo:
        services.outcomes_publish(user=editor(), consultation=consultation, summary="", moment=timezone.now())
    assert codes(excinfo) == "not_closed"


def test_an_item_where_nothing_changed_must_say_why():
    from consultations.models import OutcomeItem

    with pytest.raises(ValidationError):
        services.outcome_item_save(
            user=editor(),
            item=OutcomeItem(consultation=ConsultationFactory(closed=True), you_said="End the charge", changed=False),
        )


def test_a_page_saved_from_a_stale_draft_after_it_was_sent_changes_nothing(consultation):
    scale, *_rest = questions(consultation)
    draft = services.response_start(consultation=consultation, user=None, moment=timezone.now())
    services.answers_save(response=draft, answers={scale.pk: "Agree"}, moment=timezone.now())
    services.response_submit(draft=Response.objects.get(pk=draft.pk), moment=timezone.now())
    with pytest.raises(ValidationError) as excinfo:
        services.answers_save(response=draft, answers={scale.pk: "Disagree"}, moment=timezone.now())
    assert codes(excinfo) == "submitted"
    assert list(Selection.objects.values_list("value", flat=True)) == ["Agree"]
