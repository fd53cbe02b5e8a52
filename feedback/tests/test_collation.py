from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from accounts.tests.factories import TeamFactory
from consultations.models import Channel as ConsultationChannel
from consultations.models import QuestionKind, SafeguardingFlag
from consultations.tests.factories import AnswerFactory, ConsultationFactory, QuestionFactory, ResponseFactory
from feedback.collation import CASE_ANSWERS, RATING_ONLY, answer_key, case_feedback_key, feedback_collate
from feedback.models import (
    Channel,
    FeedbackChannel,
    FeedbackItem,
    FeedbackSource,
    FriendsAndFamilyRating,
)
from feedback.tasks import collate

from .factories import CaseFeedbackFactory, FeedbackItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation():
    return ConsultationFactory()


def text_answer(consultation, text="Booking takes too many calls.", **response):
    question = QuestionFactory(consultation=consultation, kind=QuestionKind.LONG_TEXT)
    return AnswerFactory(response=ResponseFactory(consultation=consultation, **response), question=question, text=text)


def test_each_text_answer_is_filed_once_however_often_collation_runs(consultation):
    answer = text_answer(consultation, consent_to_quote=True, channel=ConsultationChannel.EVENT)
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


# --- Closed-case feedback ----------------------------------------------------------------------------


def test_each_answer_of_closed_case_feedback_is_filed_once_however_often_collation_runs():
    feedback = CaseFeedbackFactory(missing="A named worker.", may_quote=True, experience=FriendsAndFamilyRating.GOOD)
    assert len(feedback_collate(moment=timezone.now())) == 3
    assert feedback_collate(moment=timezone.now()) == []
    items = {item.source_key: item for item in FeedbackItem.objects.all()}
    assert set(items) == {case_feedback_key(feedback.pk, answer) for answer in CASE_ANSWERS}
    worked_well = items[case_feedback_key(feedback.pk, "worked_well")]
    assert worked_well.text == "The keyworker called back every time."
    assert worked_well.rating == FriendsAndFamilyRating.GOOD
    assert (worked_well.source, worked_well.channel) == (FeedbackSource.CLOSED_CASE, FeedbackChannel.ONLINE)
    assert worked_well.team == feedback.case.team
    assert worked_well.received_on == date(2026, 3, 10)
    assert worked_well.source_url == f"/staff/feedback/case-feedback/{feedback.pk}/"
    # The rating goes on one item, so each person's rating counts once.
    assert [item.rating for item in items.values() if item.rating] == [FriendsAndFamilyRating.GOOD]
    assert all(item.consent_to_quote and not item.child_protection for item in items.values())
    assert items[case_feedback_key(feedback.pk, "missing")].text == "A named worker."


@pytest.mark.parametrize(
    ("channel", "source", "filed_channel"),
    [
        (Channel.ONLINE_CHILD, FeedbackSource.CLOSED_CASE, FeedbackChannel.ONLINE),
        (Channel.TELEPHONE, FeedbackSource.TELEPHONE_FOLLOW_UP, FeedbackChannel.TELEPHONE),
        (Channel.LETTER, FeedbackSource.LETTER, FeedbackChannel.PAPER),
        (Channel.INTERVIEW, FeedbackSource.INTERVIEW, FeedbackChannel.IN_PERSON),
        (Channel.TEAM_QUESTIONNAIRE, FeedbackSource.TEAM_QUESTIONNAIRE, FeedbackChannel.PAPER),
    ],
)
def test_every_closed_case_channel_is_filed_with_its_source(channel, source, filed_channel):
    CaseFeedbackFactory(channel=channel, could_be_better="", may_quote=False)
    feedback_collate(moment=timezone.now())
    item = FeedbackItem.objects.get()
    assert (item.source, item.channel, item.consent_to_quote) == (source, filed_channel, False)


def test_feedback_without_a_case_is_filed_under_its_own_team():
    team = TeamFactory()
    CaseFeedbackFactory(case=None, team=team, channel=Channel.TEAM_QUESTIONNAIRE, could_be_better="")
    feedback_collate(moment=timezone.now())
    assert FeedbackItem.objects.get().team == team


def test_a_rating_with_no_written_answer_is_filed_once_and_never_quoted():
    feedback = CaseFeedbackFactory(
        worked_well="", could_be_better="", experience=FriendsAndFamilyRating.POOR, may_quote=True
    )
    CaseFeedbackFactory(worked_well="", could_be_better="", experience="")  # nothing to file
    feedback_collate(moment=timezone.now())
    feedback_collate(moment=timezone.now())
    item = FeedbackItem.objects.get()
    assert item.source_key == case_feedback_key(feedback.pk, RATING_ONLY)
    assert item.rating == FriendsAndFamilyRating.POOR and not item.consent_to_quote
    assert item.text == "No comments written. Overall experience: Poor."


def test_a_half_filed_feedback_is_completed_on_the_next_run():
    feedback = CaseFeedbackFactory()
    FeedbackItemFactory(source_key=case_feedback_key(feedback.pk, "worked_well"), text="Filed before")
    assert len(feedback_collate(moment=timezone.now())) == 1
    assert FeedbackItem.objects.count() == 2
    assert FeedbackItem.objects.get(source_key=case_feedback_key(feedback.pk, "worked_well")).text == "Filed before"


def test_flagged_closed_case_feedback_is_child_protection_even_when_flagged_after_filing():
    flagged = CaseFeedbackFactory(flagged_at=timezone.now(), flag_reason="Worrying")
    later = CaseFeedbackFactory()
    feedback_collate(moment=timezone.now())
    assert set(FeedbackItem.objects.filter(child_protection=True).values_list("source_key", flat=True)) == {
        case_feedback_key(flagged.pk, "worked_well"),
        case_feedback_key(flagged.pk, "could_be_better"),
    }
    later.flagged_at = timezone.now()
    later.save()
    feedback_collate(moment=timezone.now())
    assert FeedbackItem.objects.filter(child_protection=True).count() == 4


def test_closed_case_feedback_is_filed_in_a_few_queries_however_much_there_is(django_assert_max_num_queries):
    CaseFeedbackFactory.create_batch(30, missing="More time.")
    # Each source's read (consultation answers, case feedback, session comments), the filing, the marks
    with django_assert_max_num_queries(13):
        assert len(feedback_collate(moment=timezone.now())) == 90


# --- Co-production session comments ------------------------------------------------------------------


def test_each_session_comment_is_filed_once_however_often_collation_runs():
    from coproduction.models import SESSION_COMMENT_KEY
    from coproduction.tests.factories import SessionCommentFactory, SessionFactory

    session = SessionFactory(venue="Town hall", starts_at=datetime(2026, 5, 6, 17, tzinfo=UTC))
    quoted = SessionCommentFactory(session=session, text="One form, please.", consent_to_quote=True)
    online = SessionFactory(venue="", online_link="https://meet.example/x")
    SessionCommentFactory(session=online, consent_to_quote=False)
    assert len(feedback_collate(moment=timezone.now())) == 2
    assert feedback_collate(moment=timezone.now()) == []
    later = SessionCommentFactory(session=session)
    assert len(feedback_collate(moment=timezone.now())) == 1
    assert FeedbackItem.objects.filter(source=FeedbackSource.COPRODUCTION_SESSION).count() == 3
    item = FeedbackItem.objects.get(source_key=f"{SESSION_COMMENT_KEY}{quoted.pk}")
    assert (item.team, item.service_area, item.channel) == (session.team, None, FeedbackChannel.IN_PERSON)
    assert item.text == "One form, please." and item.consent_to_quote is True and item.child_protection is False
    assert item.received_on == date(2026, 5, 6)
    assert item.source_url == f"/staff/coproduction/sessions/{session.pk}/#comments"
    online = FeedbackItem.objects.exclude(source_key__in=[item.source_key, f"{SESSION_COMMENT_KEY}{later.pk}"])
    assert online.get().channel == FeedbackChannel.ONLINE and online.get().consent_to_quote is False


def test_a_session_comment_with_markup_is_text_in_the_inbox_and_on_its_item(staff_client, staff):
    from coproduction.tests.factories import SessionCommentFactory

    markup = '<script>alert("x")</script>'
    SessionCommentFactory(text=f"Said {markup}")
    feedback_collate(moment=timezone.now())
    client = staff_client(staff)
    item = FeedbackItem.objects.get()
    for page in (client.get("/staff/feedback/inbox/"), client.get(f"/staff/feedback/items/{item.pk}/")):
        body = page.content.decode()
        assert markup not in body and "Said &lt;script&gt;" in body
