"""The services behind the staff pages: saving a consultation's details, questions, documents, publishing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import TeamFactory
from consultations import services
from consultations.models import Consultation, Question
from consultations.tests.factories import (
    ConsultationFactory,
    QuestionFactory,
    ResponseFactory,
    ServiceAreaFactory,
    editor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(make_user, team):
    return make_user(Role.STAFF, teams=[team])


def new_consultation(team, **fields) -> Consultation:
    now = timezone.now()
    values = {
        "title": "Short breaks: how they are booked",
        "summary": "We want to make booking easier.",
        "proposal": "Online booking.",
        "for_parent_carers": True,
        "service_area": ServiceAreaFactory(),
        "team": team,
        "opens_at": now + timedelta(days=1),
        "closes_at": now + timedelta(days=30),
    }
    return Consultation(**(values | fields))


def codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


# --- consultation_save -------------------------------------------------------------------------------------


def test_a_new_consultation_is_a_draft_with_its_author_and_a_web_address_from_its_title(owner, team):
    consultation = services.consultation_save(consultation=new_consultation(team), user=owner)
    consultation.refresh_from_db()
    assert consultation.slug == "short-breaks-how-they-are-booked"
    assert consultation.created_by == owner
    assert consultation.published_at is None


def test_a_new_consultation_cannot_be_published_by_saving_it(owner, team):
    consultation = new_consultation(team, published_at=timezone.now(), outcomes_summary="Sneaky")
    services.consultation_save(consultation=consultation, user=owner)
    consultation.refresh_from_db()
    assert consultation.published_at is None and consultation.outcomes_summary == ""


def test_web_addresses_made_from_titles_are_unique(owner, team):
    first = services.consultation_save(consultation=new_consultation(team), user=owner)
    second = services.consultation_save(consultation=new_consultation(team), user=owner)
    third = services.consultation_save(consultation=new_consultation(team), user=owner)
    assert [first.slug, second.slug, third.slug] == [
        "short-breaks-how-they-are-booked",
        "short-breaks-how-they-are-booked-2",
        "short-breaks-how-they-are-booked-3",
    ]


def test_a_title_with_no_letters_still_gets_a_web_address(owner, team):
    consultation = services.consultation_save(consultation=new_consultation(team, title="!!!"), user=owner)
    assert consultation.slug == "consultation"


def test_a_long_title_gives_a_web_address_that_fits(owner, team):
    consultation = services.consultation_save(consultation=new_consultation(team, title="word " * 30), user=owner)
    assert len(consultation.slug) <= 70 and not consultation.slug.endswith("-")


@pytest.mark.parametrize("slug", ["Short-Breaks", "short_breaks", "-short", "short-", "short--breaks", "café"])
def test_a_web_address_must_be_lowercase_letters_digits_and_hyphens(owner, team, slug):
    with pytest.raises(ValidationError) as raised:
        services.consultation_save(consultation=new_consultation(team, slug=slug), user=owner)
    assert codes(raised.value) == {"slug": ["slug_format"]}


def test_a_web_address_in_use_is_refused(owner, team):
    ConsultationFactory(slug="short-breaks")
    with pytest.raises(ValidationError) as raised:
        services.consultation_save(consultation=new_consultation(team, slug="short-breaks"), user=owner)
    assert codes(raised.value) == {"slug": ["slug_taken"]}


def test_every_rule_broken_at_once_is_reported_at_once(owner, team):
    now = timezone.now()
    consultation = new_consultation(
        TeamFactory(), title="", for_parent_carers=False, opens_at=now, closes_at=now - timedelta(hours=1)
    )
    with pytest.raises(ValidationError) as raised:
        services.consultation_save(consultation=consultation, user=owner)
    assert codes(raised.value) == {
        "team": ["not_your_team"],
        "audiences": ["no_audience"],
        "closes_at": ["closes_before_opens"],
        "title": ["blank"],
    }
    assert not Consultation.objects.exists()


def test_consultations_for_children_need_who_decides_and_when_they_hear_back(owner, team):
    consultation = new_consultation(team, for_parent_carers=False, for_young_people=True)
    with pytest.raises(ValidationError) as raised:
        services.consultation_save(consultation=consultation, user=owner)
    assert codes(raised.value) == {"who_decides": ["lundy"], "feedback_due": ["lundy"]}
    consultation.who_decides = "The SEND partnership board"
    consultation.feedback_due = (timezone.now() + timedelta(days=60)).date()
    assert services.consultation_save(consultation=consultation, user=owner).pk


def test_staff_cannot_give_a_consultation_to_another_team_but_managers_can(owner, make_user):
    other = TeamFactory()
    with pytest.raises(ValidationError) as raised:
        services.consultation_save(consultation=new_consultation(other), user=owner)
    assert codes(raised.value) == {"team": ["not_your_team"]}
    manager = make_user(Role.MANAGER)
    assert services.consultation_save(consultation=new_consultation(other), user=manager).team == other


def test_staff_of_another_team_cannot_change_a_consultation(make_user, team):
    consultation = ConsultationFactory(team=team, draft=True)
    outsider = make_user(Role.STAFF, teams=[TeamFactory()])
    consultation.title = "Taken over"
    consultation.team = outsider.teams.get()
    with pytest.raises(PermissionDenied):
        services.consultation_save(consultation=consultation, user=outsider)
    consultation.refresh_from_db()
    assert consultation.title != "Taken over"


def test_participants_cannot_create_consultations(make_user, team):
    participant = make_user(Role.PARTICIPANT, teams=[team])
    with pytest.raises(PermissionDenied):
        services.consultation_save(consultation=new_consultation(team), user=participant)


def test_a_published_consultation_keeps_its_web_address(owner, team):
    consultation = ConsultationFactory(team=team, slug="fixed")
    consultation.slug = "moved"
    with pytest.raises(ValidationError) as raised:
        services.consultation_save(consultation=consultation, user=owner)
    assert codes(raised.value) == {"slug": ["slug_fixed"]}


def test_a_drafts_web_address_can_change(owner, team):
    consultation = ConsultationFactory(team=team, slug="first", draft=True)
    consultation.slug = "second"
    services.consultation_save(consultation=consultation, user=owner)
    assert Consultation.objects.get().slug == "second"


def test_a_withdrawn_consultation_cannot_be_changed(owner, team):
    consultation = ConsultationFactory(team=team, withdrawn=True)
    with pytest.raises(ValidationError) as raised:
        services.consultation_save(consultation=consultation, user=owner)
    assert raised.value.code == "withdrawn"


def test_saving_details_keeps_a_publication_made_while_the_form_was_open(owner, team):
    consultation = ConsultationFactory(team=team, draft=True)
    QuestionFactory(consultation=consultation)
    stale = Consultation.objects.get(pk=consultation.pk)  # the edit form loaded this
    services.consultation_publish(user=editor(), consultation=consultation, moment=timezone.now())
    stale.title = "Changed while it was being published"
    saved = services.consultation_save(consultation=stale, user=owner)
    consultation.refresh_from_db()
    assert consultation.title == "Changed while it was being published"
    assert consultation.published_at is not None
    assert saved.published_at == consultation.published_at


# --- Questions ---------------------------------------------------------------------------------------------


def test_a_question_moved_to_another_page_goes_last_on_that_page():
    consultation = ConsultationFactory(draft=True)
    first_on_two = QuestionFactory(consultation=consultation, page=2, position=0)
    second_on_two = QuestionFactory(consultation=consultation, page=2, position=1)
    moving = QuestionFactory(consultation=consultation, page=1, position=0)
    moving.page = 2
    services.question_save(user=editor(), question=moving)
    assert list(consultation.questions.filter(page=2)) == [first_on_two, second_on_two, moving]


def test_an_edited_question_keeps_its_place_on_its_page():
    consultation = ConsultationFactory(draft=True)
    first, second = (QuestionFactory(consultation=consultation, page=1, position=n) for n in range(2))
    first.text = "Reworded"
    services.question_save(user=editor(), question=first)
    assert list(consultation.questions.all()) == [first, second]


def test_questions_are_locked_by_a_draft_response_too():
    consultation = ConsultationFactory()
    question = QuestionFactory(consultation=consultation)
    ResponseFactory(consultation=consultation, draft=True)
    for change in (
        lambda: services.question_save(
            user=editor(), question=Question(consultation=consultation, kind="long_text", text="New")
        ),
        lambda: services.question_delete(user=editor(), question=question),
        lambda: services.question_move(user=editor(), question=question, direction=1),
    ):
        with pytest.raises(ValidationError) as raised:
            change()
        assert raised.value.code == "questions_locked"


# --- Documents and publishing ------------------------------------------------------------------------------


def test_a_document_keeps_its_size_type_and_order(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    consultation = ConsultationFactory(draft=True)
    first = services.document_add(
        user=editor(),
        consultation=consultation,
        title="Proposal",
        upload=SimpleUploadedFile("p.pdf", b"%PDF-1.7 hello", "application/pdf"),
        easy_read=False,
    )
    second = services.document_add(
        user=editor(),
        consultation=consultation,
        title="Easy read",
        upload=SimpleUploadedFile("e.pdf", b"%PDF-1.7 hi", "application/pdf"),
        easy_read=True,
    )
    assert (first.size, first.file_format, first.position) == (14, "PDF", 0)
    assert list(consultation.documents.all()) == [first, second]
    stored = tmp_path / first.file.name
    assert stored.read_bytes() == b"%PDF-1.7 hello"
    services.document_delete(user=editor(), document=first)
    assert not stored.exists()
    assert list(consultation.documents.all()) == [second]


def test_publishing_without_questions_is_refused():
    consultation = ConsultationFactory(draft=True)
    with pytest.raises(ValidationError) as raised:
        services.consultation_publish(user=editor(), consultation=consultation, moment=timezone.now())
    assert raised.value.code == "no_questions"
    consultation.refresh_from_db()
    assert consultation.published_at is None


def test_publishing_after_the_closing_time_is_refused():
    now = timezone.now()
    consultation = ConsultationFactory(draft=True, opens_at=now - timedelta(days=9), closes_at=now)
    QuestionFactory(consultation=consultation)
    with pytest.raises(ValidationError) as raised:
        services.consultation_publish(user=editor(), consultation=consultation, moment=now)
    assert raised.value.code == "closed"
    consultation.refresh_from_db()
    assert consultation.published_at is None


def test_publishing_a_ready_draft_once():
    consultation = ConsultationFactory(draft=True)
    QuestionFactory(consultation=consultation)
    moment = timezone.now()
    services.consultation_publish(user=editor(), consultation=consultation, moment=moment)
    services.consultation_publish(user=editor(), consultation=consultation, moment=moment + timedelta(hours=1))
    consultation.refresh_from_db()
    assert consultation.published_at == moment


def test_withdrawing_needs_a_reason_and_happens_once():
    consultation = ConsultationFactory()
    moment = timezone.now()
    with pytest.raises(ValidationError) as raised:
        services.consultation_withdraw(user=editor(), consultation=consultation, reason="  ", moment=moment)
    assert raised.value.code == "no_reason"
    services.consultation_withdraw(user=editor(), consultation=consultation, reason=" Dropped. ", moment=moment)
    services.consultation_withdraw(
        user=editor(), consultation=consultation, reason="Again", moment=moment + timedelta(days=1)
    )
    consultation.refresh_from_db()
    assert (consultation.withdrawn_at, consultation.withdrawal_reason) == (moment, "Dropped.")
