"""Every rule a staff or public page shows is the service's own: called directly, each service refuses."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.roles import Role
from consultations import services
from consultations.models import (
    SUBMISSION_GRACE,
    Channel,
    Consultation,
    OutcomeItem,
    Question,
    QuestionKind,
    RespondentContact,
    Response,
    SafeguardingFlag,
)
from consultations.tests.factories import ConsultationFactory, QuestionFactory, ResponseFactory, editor

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="proposal.pdf", content=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def code_of(excinfo) -> str:
    error = excinfo.value
    if hasattr(error, "error_dict"):
        return next(iter(error.error_dict.values()))[0].code
    return error.code


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def withdrawn():
    return ConsultationFactory(withdrawn=True)


@pytest.fixture
def owner(make_user):
    def of(consultation):
        return make_user(Role.STAFF, teams=[consultation.team])

    return of


# --- A withdrawn consultation cannot be changed -------------------------------------------------------------


def test_no_document_can_be_added_to_a_withdrawn_consultation(withdrawn):
    with pytest.raises(ValidationError) as excinfo:
        services.document_add(user=editor(), consultation=withdrawn, title="Proposal", upload=pdf(), easy_read=False)
    assert code_of(excinfo) == "withdrawn"
    assert not withdrawn.documents.exists()


def test_no_document_can_be_removed_from_a_withdrawn_consultation():
    consultation = ConsultationFactory()
    document = services.document_add(
        user=editor(), consultation=consultation, title="Proposal", upload=pdf(), easy_read=False
    )
    Consultation.objects.filter(pk=consultation.pk).update(withdrawn_at=timezone.now())
    with pytest.raises(ValidationError) as excinfo:
        services.document_delete(user=editor(), document=document)
    assert code_of(excinfo) == "withdrawn"
    assert consultation.documents.exists()


def test_no_question_can_be_added_to_a_withdrawn_consultation(withdrawn):
    with pytest.raises(ValidationError) as excinfo:
        services.question_save(
            user=editor(), question=Question(consultation=withdrawn, kind=QuestionKind.LONG_TEXT, text="Why?")
        )
    assert code_of(excinfo) == "withdrawn"
    assert not withdrawn.questions.exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda question: services.question_delete(user=editor(), question=question),
        lambda question: services.question_move(user=editor(), question=question, direction=1),
        lambda question: services.question_save(user=editor(), question=question),
    ],
    ids=["delete", "move", "edit"],
)
def test_no_question_of_a_withdrawn_consultation_can_change(withdrawn, change):
    question = QuestionFactory(consultation=withdrawn)
    QuestionFactory(consultation=withdrawn)
    with pytest.raises(ValidationError) as excinfo:
        change(question)
    assert code_of(excinfo) == "withdrawn"


# --- Documents: what the portal accepts --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (pdf(content=b"%PDF-" + b"0" * (20 * 1024 * 1024)), "too_big"),
        (pdf(name="run.exe", content=b"MZ"), "file_type"),
        (pdf(content=b"<html>not a pdf</html>"), "file_type"),
    ],
    ids=["too big", "kind not listed", "contents not matching the name"],
)
def test_a_document_the_portal_does_not_accept_is_refused(upload, code):
    consultation = ConsultationFactory(draft=True)
    with pytest.raises(ValidationError) as excinfo:
        services.document_add(
            user=editor(), consultation=consultation, title="Proposal", upload=upload, easy_read=False
        )
    assert code_of(excinfo) == code and "file" in excinfo.value.error_dict


def test_a_documents_type_comes_from_its_name_and_contents_not_the_browser():
    upload = SimpleUploadedFile("proposal.pdf", PDF, content_type="text/html")
    document = services.document_add(
        user=editor(), consultation=ConsultationFactory(draft=True), title="Proposal", upload=upload, easy_read=False
    )
    assert document.content_type == "application/pdf"


# --- Questions: choices and pages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "code"),
    [
        (["Only one", "  "], "too_few_options"),
        ([f"Choice {n}" for n in range(21)], "too_many_options"),
        (["Short", "x" * 201], "option_too_long"),
        (["Weekends", "weekends"], "duplicate_option"),
    ],
)
def test_a_choice_questions_choices_keep_their_limits(options, code):
    question = Question(consultation=ConsultationFactory(draft=True), kind=QuestionKind.SINGLE_CHOICE, text="When?")
    question.options = options
    with pytest.raises(ValidationError) as excinfo:
        services.question_save(user=editor(), question=question)
    assert list(excinfo.value.error_dict) == ["options"] and code_of(excinfo) == code


def test_choices_are_kept_trimmed_and_only_for_the_kinds_that_have_their_own():
    consultation = ConsultationFactory(draft=True)
    choice = services.question_save(
        user=editor(),
        question=Question(
            consultation=consultation, kind=QuestionKind.SINGLE_CHOICE, text="When?", options=[" A ", "", "B"]
        ),
    )
    scale = services.question_save(
        user=editor(),
        question=Question(consultation=consultation, kind=QuestionKind.AGREEMENT, text="Agree?", options=["x"]),
    )
    assert choice.options == ["A", "B"] and scale.options == []


@pytest.mark.parametrize("page", [0, 21])
def test_a_question_goes_on_a_page_from_1_to_20(page):
    question = Question(consultation=ConsultationFactory(draft=True), kind=QuestionKind.LONG_TEXT, text="?", page=page)
    with pytest.raises(ValidationError) as excinfo:
        services.question_save(user=editor(), question=question)
    assert code_of(excinfo) == "page_range"


# --- Responding --------------------------------------------------------------------------------------------


def about_you(response, moment, **changes):
    values = {
        "respondent_type": "parent_carer",
        "consent_to_quote": True,
        "email": "jo@example.com",
        "wants_receipt": True,
        "wants_outcome": False,
    }
    return services.about_you_save(response=response, moment=moment, **(values | changes))


def test_about_you_is_not_saved_once_the_consultation_has_closed():
    consultation = ConsultationFactory()
    draft = ResponseFactory(
        consultation=consultation, draft=True, started_at=consultation.closes_at - timedelta(days=1)
    )
    too_late = consultation.closes_at + SUBMISSION_GRACE + timedelta(minutes=1)
    with pytest.raises(ValidationError) as excinfo:
        about_you(draft, too_late)
    assert code_of(excinfo) == "closed"
    assert not RespondentContact.objects.filter(response=draft).exists()


def test_about_you_is_saved_in_the_grace_period_for_a_draft_started_before_closing():
    consultation = ConsultationFactory()
    draft = ResponseFactory(
        consultation=consultation, draft=True, started_at=consultation.closes_at - timedelta(days=1)
    )
    about_you(draft, consultation.closes_at + timedelta(minutes=5))
    assert RespondentContact.objects.get(response=draft).email == "jo@example.com"


def test_about_you_read_before_the_response_was_sent_elsewhere_is_refused_and_changes_nothing():
    draft = ResponseFactory(draft=True, respondent_type="")
    read_in_another_tab = Response.objects.get(pk=draft.pk)
    Response.objects.filter(pk=draft.pk).update(submitted_at=timezone.now(), reference="AR9P-G26H")
    with pytest.raises(ValidationError) as excinfo:
        about_you(read_in_another_tab, timezone.now())
    assert code_of(excinfo) == "submitted"
    assert Response.objects.get(pk=draft.pk).respondent_type == ""
    assert not RespondentContact.objects.filter(response=draft).exists()


def test_about_you_for_a_response_known_to_be_sent_is_refused_before_its_fields_are_checked():
    sent = ResponseFactory()
    with pytest.raises(ValidationError) as excinfo:
        about_you(sent, timezone.now(), email="jo at example")
    assert code_of(excinfo) == "submitted"


def test_about_you_is_not_saved_once_the_consultation_is_withdrawn():
    draft = ResponseFactory(consultation=ConsultationFactory(withdrawn=True), draft=True)
    with pytest.raises(ValidationError) as excinfo:
        about_you(draft, timezone.now())
    assert code_of(excinfo) == "withdrawn"


@pytest.mark.parametrize(
    ("anonymous_allowed", "changes"),
    [
        (True, {"email": "", "wants_receipt": True}),
        (True, {"email": "", "wants_receipt": False, "wants_outcome": True}),
        (False, {"email": "", "wants_receipt": False}),
    ],
    ids=["receipt", "outcome", "no anonymous responses"],
)
def test_about_you_needs_an_email_address_to_contact_someone_or_where_anonymity_is_not_offered(
    anonymous_allowed, changes
):
    draft = ResponseFactory(consultation=ConsultationFactory(anonymous_allowed=anonymous_allowed), draft=True)
    with pytest.raises(ValidationError) as excinfo:
        about_you(draft, timezone.now(), **changes)
    assert list(excinfo.value.error_dict) == ["email"] and code_of(excinfo) == "email_needed"


def test_about_you_keeps_only_an_email_address_that_is_one():
    draft = ResponseFactory(draft=True)
    with pytest.raises(ValidationError) as excinfo:
        about_you(draft, timezone.now(), email="jo at example")
    assert list(excinfo.value.error_dict) == ["email"] and code_of(excinfo) == "invalid"
    assert not RespondentContact.objects.filter(response=draft).exists()


def test_about_you_takes_only_the_respondent_types_offered():
    draft = ResponseFactory(draft=True)
    with pytest.raises(ValidationError) as excinfo:
        about_you(draft, timezone.now(), respondent_type="councillor")
    assert code_of(excinfo) == "invalid_respondent_type"


@pytest.mark.parametrize(("kind", "limit"), [(QuestionKind.SHORT_TEXT, 500), (QuestionKind.LONG_TEXT, 10000)])
def test_a_written_answer_keeps_within_its_length(kind, limit):
    question = QuestionFactory(kind=kind)
    draft = ResponseFactory(consultation=question.consultation, draft=True)
    services.answers_save(response=draft, answers={question.pk: "x" * limit}, moment=timezone.now())
    with pytest.raises(ValidationError) as excinfo:
        services.answers_save(response=draft, answers={question.pk: "x" * (limit + 1)}, moment=timezone.now())
    assert code_of(excinfo) == "too_long"
    assert len(draft.answers.get().text) == limit


def test_no_return_link_is_sent_for_a_response_already_sent():
    with pytest.raises(ValidationError) as excinfo:
        services.resume_link_send(response=ResponseFactory(), email="jo@example.com")
    assert code_of(excinfo) == "submitted"


# --- Staff recording responses -------------------------------------------------------------------------------


def record(consultation, recorded_by, **changes):
    moment = timezone.now()
    values = {
        "channel": Channel.PAPER,
        "answers": {},
        "respondent_type": "",
        "consent_to_quote": False,
        "received_at": moment,
    }
    return services.response_record(
        consultation=consultation, recorded_by=recorded_by, moment=moment, **(values | changes)
    )


def test_only_the_owning_team_or_a_manager_records_a_response(make_user, owner):
    consultation = ConsultationFactory()
    with pytest.raises(PermissionDenied):
        record(consultation, make_user(Role.STAFF))
    assert record(consultation, owner(consultation)).is_submitted
    assert record(consultation, make_user(Role.MANAGER)).is_submitted


@pytest.mark.parametrize(
    ("traits", "changes", "code"),
    [
        ({"withdrawn": True}, {}, "withdrawn"),
        ({"draft": True}, {}, "draft"),
        ({}, {"received_at": timezone.now() + timedelta(days=1)}, "future"),
        ({}, {"received_at": timezone.now() - timedelta(days=30)}, "before_opening"),
        ({}, {"channel": Channel.ONLINE}, "channel"),
        ({}, {"respondent_type": "councillor"}, "invalid_respondent_type"),
    ],
    ids=["withdrawn", "draft", "received tomorrow", "received before it opened", "online", "unknown respondent"],
)
def test_a_recorded_response_is_refused_when_it_cannot_belong(owner, traits, changes, code):
    consultation = ConsultationFactory(**traits)
    with pytest.raises(ValidationError) as excinfo:
        record(consultation, owner(consultation), **changes)
    assert code_of(excinfo) == code
    assert not consultation.responses.exists()


# --- Safeguarding, withdrawal and subscriptions ---------------------------------------------------------------


def test_a_safeguarding_concern_is_raised_by_staff_of_any_team_on_a_sent_response_only(make_user, participant):
    response = ResponseFactory()
    moment = timezone.now()
    with pytest.raises(PermissionDenied):
        services.safeguarding_flag_raise(response=response, raised_by=participant, reason="Worrying", moment=moment)
    with pytest.raises(ValidationError) as excinfo:
        services.safeguarding_flag_raise(
            response=ResponseFactory(draft=True), raised_by=make_user(Role.STAFF), reason="Worrying", moment=moment
        )
    assert code_of(excinfo) == "not_submitted"
    with pytest.raises(ValidationError) as excinfo:
        services.safeguarding_flag_raise(
            response=response, raised_by=make_user(Role.STAFF), reason="x" * 3001, moment=moment
        )
    assert code_of(excinfo) == "too_long"
    assert not SafeguardingFlag.objects.exists()
    services.safeguarding_flag_raise(
        response=response, raised_by=make_user(Role.STAFF), reason="Worrying", moment=moment
    )
    assert SafeguardingFlag.objects.count() == 1


def test_a_withdrawal_reason_keeps_within_its_length():
    consultation = ConsultationFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.consultation_withdraw(
            user=editor(), consultation=consultation, reason="x" * 2001, moment=timezone.now()
        )
    assert code_of(excinfo) == "too_long"
    consultation.refresh_from_db()
    assert consultation.withdrawn_at is None


def test_only_participants_subscribe_to_consultation_emails(staff_member, participant):
    with pytest.raises(PermissionDenied):
        services.subscriptions_set(user=staff_member, service_areas=[])
    assert services.subscriptions_set(user=participant, service_areas=[]) == []


# --- Who may change a consultation ------------------------------------------------------------------------------


CHANGES = {
    "question_save": lambda c, user: services.question_save(
        question=Question(consultation=c, kind=QuestionKind.LONG_TEXT, text="Why?"), user=user
    ),
    "question_delete": lambda c, user: services.question_delete(question=c.questions.first(), user=user),
    "question_move": lambda c, user: services.question_move(question=c.questions.first(), direction=1, user=user),
    "document_add": lambda c, user: services.document_add(
        consultation=c, title="Proposal", upload=pdf(), easy_read=False, user=user
    ),
    "document_delete": lambda c, user: services.document_delete(document=c.documents.first(), user=user),
    "consultation_publish": lambda c, user: services.consultation_publish(
        consultation=c, moment=timezone.now(), user=user
    ),
    "consultation_withdraw": lambda c, user: services.consultation_withdraw(
        consultation=c, reason="Dropped", moment=timezone.now(), user=user
    ),
    "outcome_item_save": lambda c, user: services.outcome_item_save(
        item=OutcomeItem(consultation=c, you_said="Booking is hard", changed=True, we_did="Online booking"), user=user
    ),
    "outcomes_publish": lambda c, user: services.outcomes_publish(
        consultation=c, summary="", moment=timezone.now(), user=user
    ),
    "outcome_item_delete": lambda c, user: services.outcome_item_delete(item=c.outcome_items.first(), user=user),
}


@pytest.mark.parametrize("change", list(CHANGES))
@pytest.mark.parametrize(
    ("who", "allowed"),
    [("owning team", True), ("manager", True), ("other team", False), ("participant", False)],
)
def test_only_the_owning_team_or_a_manager_changes_a_consultation(make_user, other_team, change, who, allowed):
    consultation = ConsultationFactory(draft=True)
    QuestionFactory(consultation=consultation)
    QuestionFactory(consultation=consultation)
    services.document_add(consultation=consultation, title="Guide", upload=pdf(), easy_read=False, user=editor())
    OutcomeItem.objects.create(consultation=consultation, you_said="Too far", changed=False, why_not="No budget")
    user = {
        "owning team": lambda: make_user(Role.STAFF, teams=[consultation.team]),
        "manager": lambda: make_user(Role.MANAGER),
        "other team": lambda: make_user(Role.STAFF, teams=[other_team]),
        "participant": lambda: make_user(Role.PARTICIPANT),
    }[who]()
    try:
        CHANGES[change](consultation, user)
    except PermissionDenied:
        assert not allowed
    except ValidationError:
        assert allowed  # allowed, and refused by another rule (such as publishing before it is ready)
    else:
        assert allowed


# --- Lengths the database does not hold ---------------------------------------------------------------------


def test_a_consultations_texts_keep_within_their_lengths(make_user):
    consultation = ConsultationFactory(draft=True)
    consultation.summary = "x" * 1001
    consultation.contact_details = "x" * 2001
    with pytest.raises(ValidationError) as excinfo:
        services.consultation_save(consultation=consultation, user=editor())
    errors = {field: [e.code for e in found] for field, found in excinfo.value.error_dict.items()}
    assert errors == {"summary": ["too_long"], "contact_details": ["too_long"]}
    assert "Summary in plain language must be 1,000 characters or fewer" in excinfo.value.messages


def test_children_hear_back_on_or_after_the_closing_date():
    consultation = ConsultationFactory(draft=True, for_children=True)
    consultation.feedback_due = timezone.localdate(consultation.closes_at) - timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        services.consultation_save(consultation=consultation, user=editor())
    assert code_of(excinfo) == "feedback_before_closing"


def test_you_said_we_did_keeps_within_its_lengths():
    consultation = ConsultationFactory(closed=True)
    with pytest.raises(ValidationError) as excinfo:
        services.outcome_item_save(
            item=OutcomeItem(consultation=consultation, you_said="x" * 3001, changed=True, we_did="Online"),
            user=editor(),
        )
    assert list(excinfo.value.error_dict) == ["you_said"] and code_of(excinfo) == "too_long"
    services.outcome_item_save(
        item=OutcomeItem(consultation=consultation, you_said="Booking", changed=True, we_did="Online"), user=editor()
    )
    with pytest.raises(ValidationError) as excinfo:
        services.outcomes_publish(consultation=consultation, summary="x" * 3001, moment=timezone.now(), user=editor())
    assert code_of(excinfo) == "too_long"


def test_a_return_link_goes_only_to_an_email_address():
    with pytest.raises(ValidationError) as excinfo:
        services.resume_link_send(response=ResponseFactory(draft=True), email="not an address")
    assert code_of(excinfo) == "invalid"
