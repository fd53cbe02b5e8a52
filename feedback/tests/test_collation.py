import pytest
from django.utils import timezone

from consultations.models import Channel, QuestionKind, SafeguardingFlag
from consultations.tests.factories import AnswerFactory, ConsultationFactory, QuestionFactory, ResponseFactory
from feedback.collation import answer_key, feedback_collate
from feedback.models import FeedbackChannel, FeedbackItem, FeedbackSource
from feedback.tasks import collate

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation():
    return ConsultationFactory()


def text_answer(consultation, text="Booking takes too many calls.", **response):
    question = QuestionFactory(consultation=consultation, kind=QuestionKind.LONG_TEXT)
    return AnswerFactory(response=ResponseFactory(consultation=consultation, **response), question=question, text=text)


def test_each_text_answer_is_filed_once_however_often_collation_runs(consultation):
    answer = text_answer(consultation, consent_to_quote=True, channel=Channel.EVENT)
    assert len(feedback_collate(moment=timezone.now())) == 1
    assert feedback_collate(moment=timezone.now()) == []
    item = FeedbackItem.objects.get()
    assert item.source_key == answer_key(answer.pk)
    assert item.source == FeedbackSource.CONSULTATION_RESPONSE
    assert item.channel == FeedbackChannel.IN_PERSON
    assert (item.team, item.service_area) == (consultation.team, consultation.service_area)
    assert item.consent_to_quote is True and item.child_protection is False
    assert item.text == "Booking takes too many calls."
    assert item.received_on == timezone.localdate(answer.response.submitted_at)
    assert item.source_url == f"/staff/consultations/{consultation.pk}/responses/{answer.response.pk}/"


def test_a_new_answer_is_picked_up_on_the_next_run(consultation):
    text_answer(consultation)
    feedback_collate(moment=timezone.now())
    text_answer(consultation, text="Nobody calls back.")
    assert collate() == 1
    assert FeedbackItem.objects.count() == 2


def test_drafts_choices_and_empty_answers_are_never_filed(consultation):
    text_answer(consultation, draft=True)
    text_answer(consultation, text="")
    choice = QuestionFactory(consultation=consultation, kind=QuestionKind.SINGLE_CHOICE)
    AnswerFactory(response=ResponseFactory(consultation=consultation), question=choice, text="Weekends")
    assert feedback_collate(moment=timezone.now()) == []


def test_consent_not_given_is_not_consent(consultation):
    text_answer(consultation, consent_to_quote=None)
    feedback_collate(moment=timezone.now())
    assert FeedbackItem.objects.get().consent_to_quote is False


def test_a_flagged_response_is_child_protection_even_when_flagged_after_filing(consultation, django_user_model):
    flagged_first = text_answer(consultation)
    later = text_answer(consultation, text="Something worrying.")
    officer = django_user_model.objects.create_user(email="officer@example.gov.uk", password="x" * 12)
    SafeguardingFlag.objects.create(response=flagged_first.response, raised_by=officer, reason="Worrying")
    feedback_collate(moment=timezone.now())
    assert FeedbackItem.objects.get(source_key=answer_key(flagged_first.pk)).child_protection
    assert not FeedbackItem.objects.get(source_key=answer_key(later.pk)).child_protection
    SafeguardingFlag.objects.create(response=later.response, raised_by=officer, reason="Also worrying")
    feedback_collate(moment=timezone.now())
    assert FeedbackItem.objects.get(source_key=answer_key(later.pk)).child_protection
