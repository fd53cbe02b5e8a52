"""Every write with a rule for consultations: drafting, publishing, responding, outcomes, notices."""

import logging
import re
import secrets
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import NoReturn

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import capabilities
from common.audit import personal_data_viewed
from common.cache import shared_forget
from common.dates import govuk_date, govuk_datetime
from notifications.models import Message
from notifications.services import message_queue
from notifications.tasks import dispatch_after_commit

from . import exports
from .models import (
    TEXT_LIMITS,
    Answer,
    Channel,
    Consultation,
    ConsultationStatus,
    Document,
    ExportState,
    OutcomeItem,
    Question,
    QuestionKind,
    RespondentContact,
    RespondentType,
    Response,
    ResponseExport,
    SafeguardingFlag,
    Selection,
    Subscription,
)
from .selectors import contact_of

logger = logging.getLogger(__name__)

REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed back
RESUME_SALT = "consultations.resume-draft"
RESUME_LINK_DAYS = 7
CLOSING_SOON = timedelta(days=3)
OPENED_NOTICE_WINDOW = timedelta(days=7)  # see notices_send
WITHDRAWAL_REASON_LENGTH = 2000
SAFEGUARDING_REASON_LENGTH = 3000


# --- Drafting and publishing ------------------------------------------------------------------------


def text_length_errors(instance: models.Model) -> dict[str, list[ValidationError]]:
    """Text fields longer than their max_length: neither the database nor full_clean() checks a
    TextField's, so without this a long text sent past the form would be stored whole."""
    errors = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(field, models.TextField) and field.max_length and len(value or "") > field.max_length:
            message = _("%(thing)s must be %(limit)s characters or fewer") % {
                "thing": str(field.verbose_name).capitalize(),
                "limit": f"{field.max_length:,}",
            }
            errors[field.name] = [ValidationError(message, code="too_long")]
    return errors


def ensure_may_change(user: User, consultation: Consultation) -> None:
    """Only the owning team, and those who work across teams, change a consultation or act for it."""
    if not user.has_perm("consultations.edit_consultation", consultation):
        raise PermissionDenied("Only the consultation's team or a manager can change this consultation.")


def ensure_not_withdrawn(consultation: Consultation) -> None:
    if consultation.withdrawn_at:
        raise ValidationError(_("A withdrawn consultation cannot be changed."), code="withdrawn")


def respond_reading_key_for(slug: str) -> str:
    """The name the respond pages share a consultation and its questions under between visitors who
    are not signed in (common.cache.shared_with_visitors)."""
    return f"respond-start:{slug}"


def respond_reading_forget(consultation: Consultation) -> None:
    """Visitors responding see a change to the consultation or its questions on their next page, not
    up to a minute later: a page showing old questions would post answers the saving page no longer
    asks for."""
    key = respond_reading_key_for(consultation.slug)
    transaction.on_commit(lambda: shared_forget(key))


def questions_locked(consultation: Consultation) -> bool:
    return consultation.responses.exists()


def ensure_questions_editable(consultation: Consultation) -> None:
    """Questions change only while the consultation is not withdrawn and nobody has started answering."""
    ensure_not_withdrawn(consultation)
    if questions_locked(consultation):
        raise ValidationError(
            _(
                "Questions cannot be changed once people have started responding: their answers would no longer "
                "match the questions they were asked."
            ),
            code="questions_locked",
        )


MAX_QUESTION_PAGE = 20
MAX_CHOICES = 20
CHOICE_LENGTH = 200
OWN_CHOICE_KINDS = {QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE}


def question_options_clean(*, kind: str, options: list[str]) -> list[str]:
    """The choices a question of this kind offers: from 2 to 20 different ones, each 200 characters
    or fewer, for single and multiple choice; none for the rest (scales and yes/no have fixed choices)."""
    if kind not in OWN_CHOICE_KINDS:
        return []
    choices = [option.strip() for option in options if option.strip()]
    seen: set[str] = set()
    duplicates = []
    for choice in choices:
        if choice.casefold() in seen:
            duplicates.append(choice)
        seen.add(choice.casefold())
    if len(choices) < 2:
        raise ValidationError(_("Enter at least 2 choices, each on its own line"), code="too_few_options")
    if len(choices) > MAX_CHOICES:
        raise ValidationError(_("Enter no more than 20 choices"), code="too_many_options")
    if any(len(choice) > CHOICE_LENGTH for choice in choices):
        raise ValidationError(_("Each choice must be 200 characters or fewer"), code="option_too_long")
    if duplicates:
        raise ValidationError(
            _("Each choice must be different: “%(choice)s” is there twice") % {"choice": duplicates[0]},
            code="duplicate_option",
        )
    return choices


@transaction.atomic
def question_save(*, question: Question, user: User) -> Question:
    """Add or change a question; refused once responses exist or the consultation is withdrawn. New
    questions, and questions moved to another page, go last on their page."""
    consultation = Consultation.objects.select_for_update().get(pk=question.consultation_id)
    ensure_may_change(user, consultation)
    ensure_questions_editable(consultation)
    if not 1 <= question.page <= MAX_QUESTION_PAGE:
        raise ValidationError(
            {"page": ValidationError(_("The page number must be between 1 and 20"), code="page_range")}
        )
    try:
        question.options = question_options_clean(kind=question.kind, options=question.options)
    except ValidationError as error:
        raise ValidationError({"options": error}) from error
    if not question.pk or Question.objects.filter(pk=question.pk).exclude(page=question.page).exists():
        last = question.consultation.questions.filter(page=question.page).aggregate(last=Max("position"))["last"]
        question.position = 0 if last is None else last + 1
    question.full_clean()
    question.save()
    respond_reading_forget(consultation)
    return question


@transaction.atomic
def question_delete(*, question: Question, user: User) -> None:
    ensure_may_change(user, question.consultation)
    ensure_questions_editable(question.consultation)
    question.delete()
    respond_reading_forget(question.consultation)


@transaction.atomic
def question_move(*, question: Question, direction: int, user: User) -> None:
    """Swap a question with its neighbour on the same page (direction -1 up, +1 down)."""
    ensure_may_change(user, question.consultation)
    ensure_questions_editable(question.consultation)
    siblings = list(question.consultation.questions.filter(page=question.page).order_by("position", "pk"))
    index = siblings.index(question)
    other = index + direction
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        if sibling.position != position:
            Question.objects.filter(pk=sibling.pk).update(position=position)
    respond_reading_forget(question.consultation)


MAX_DOCUMENT_SIZE = 20 * 1024 * 1024

# Extension -> (content type stored, how the file starts). Browsers' own content types are not trusted.
DOCUMENT_TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    "txt": ("text/plain", None),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}


def looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut off at the end of the sample is still text.
        return error.start >= len(head) - 3
    return True


def document_content_type(upload: UploadedFile) -> str:
    """The content type of an upload the portal accepts (a kind it lists, up to 20 MB, whose first bytes
    match its name), from its name and contents rather than what the browser said."""
    if upload.size > MAX_DOCUMENT_SIZE:
        raise ValidationError(
            _("The file must be smaller than 20 MB (this one is %(size)s)") % {"size": filesizeformat(upload.size)},
            code="too_big",
        )
    extension = Path(upload.name or "").suffix.lower().lstrip(".")
    if extension not in DOCUMENT_TYPES:
        raise ValidationError(
            _("The file must be a PDF, Word document (DOC or DOCX), OpenDocument text (ODT), plain text, PNG or JPEG"),
            code="file_type",
        )
    content_type, signatures = DOCUMENT_TYPES[extension]
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if not (looks_like_text(head) if signatures is None else head.startswith(signatures)):
        raise ValidationError(
            _("The file’s contents do not match its name: it does not look like a %(kind)s file")
            % {"kind": extension.upper()},
            code="file_type",
        )
    return content_type


@transaction.atomic
def document_add(
    *, consultation: Consultation, title: str, upload: UploadedFile, easy_read: bool, user: User
) -> Document:
    """Attach a document; refused for a withdrawn consultation or a file the portal does not accept."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    ensure_may_change(user, consultation)
    ensure_not_withdrawn(consultation)
    try:
        content_type = document_content_type(upload)
    except ValidationError as error:
        raise ValidationError({"file": error}) from error
    last = consultation.documents.aggregate(last=Max("position"))["last"]
    return Document.objects.create(
        consultation=consultation,
        title=title,
        file=upload,
        easy_read=easy_read,
        content_type=content_type,
        size=upload.size,
        position=0 if last is None else last + 1,
    )


@transaction.atomic
def document_delete(*, document: Document, user: User) -> None:
    consultation = Consultation.objects.select_for_update().get(pk=document.consultation_id)
    ensure_may_change(user, consultation)
    ensure_not_withdrawn(consultation)
    document.file.delete(save=False)
    document.delete()


@transaction.atomic
def consultation_publish(*, consultation: Consultation, moment: datetime, user: User) -> Consultation:
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    ensure_may_change(user, consultation)
    if consultation.withdrawn_at:
        raise ValidationError(_("A withdrawn consultation cannot be published again."), code="withdrawn")
    if consultation.published_at:
        return consultation
    if not consultation.questions.exists():
        raise ValidationError(_("Add at least one question before publishing."), code="no_questions")
    if consultation.closes_at <= moment:
        raise ValidationError(_("The closing date has passed. Change it before publishing."), code="closed")
    if consultation.for_young_people and not (consultation.who_decides and consultation.feedback_due):
        raise ValidationError(
            _("Say who will decide and when children and young people will hear back before publishing."),
            code="lundy",
        )
    consultation.published_at = moment
    consultation.save(update_fields=["published_at", "updated_at"])
    return consultation


@transaction.atomic
def consultation_withdraw(*, consultation: Consultation, reason: str, moment: datetime, user: User) -> Consultation:
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    ensure_may_change(user, consultation)
    if not consultation.published_at:
        raise ValidationError(_("Only a published consultation can be withdrawn."), code="not_published")
    if not reason.strip():
        raise ValidationError(_("Say why the consultation is withdrawn."), code="no_reason")
    if len(reason.strip()) > WITHDRAWAL_REASON_LENGTH:
        raise ValidationError(_("The reason must be 2000 characters or fewer"), code="too_long")
    if not consultation.withdrawn_at:
        consultation.withdrawn_at = moment
        consultation.withdrawal_reason = reason.strip()
        consultation.save(update_fields=["withdrawn_at", "withdrawal_reason", "updated_at"])
        respond_reading_forget(consultation)
    return consultation


# --- Responding --------------------------------------------------------------------------------------


def reference_new() -> str:
    """A short reference people can read over the phone: 8 characters, no look-alikes, e.g. K4MP-9XQ2."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


def submitted_with_reference(response: Response, *, submitted_at: datetime) -> None:
    """Mark a response submitted, with a reference no other response has (drawn again if taken)."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                response.reference = reference_new()
                response.submitted_at = submitted_at
                response.save(update_fields=["reference", "submitted_at", "updated_at"])
            break
        except IntegrityError:
            continue  # the reference was taken; draw another


def refuse_as_sent() -> NoReturn:
    """A draft's step asked of a response that has been sent: nothing of it changes any more."""
    raise ValidationError(_("This response has already been sent."), code="submitted")


def ensure_accepting(consultation: Consultation, moment: datetime, *, started_at: datetime | None = None) -> None:
    if not consultation.accepts_submission_at(moment, started_at=started_at):
        status = consultation.status_at(moment)
        messages = {
            ConsultationStatus.UPCOMING: _("This consultation has not opened yet."),
            ConsultationStatus.WITHDRAWN: _("This consultation has been withdrawn."),
            ConsultationStatus.DRAFT: _("This consultation is not published."),
        }
        raise ValidationError(messages.get(status, _("This consultation has closed.")), code=status.value)


@transaction.atomic
def response_start(*, consultation: Consultation, user: User | None, moment: datetime) -> Response:
    """A new draft response, or the signed-in participant's existing draft for this consultation."""
    ensure_accepting(consultation, moment)
    if user is not None and user.is_authenticated:
        existing = consultation.responses.drafts().filter(user=user).first()
        if existing:
            return existing
        return Response.objects.create(consultation=consultation, user=user, started_at=moment)
    return Response.objects.create(consultation=consultation, started_at=moment)


def answer_values(question: Question, value) -> list[str]:
    """A page's value for one question as the list of choices it holds (choice questions), after
    checking it: a choice that was not offered is refused."""
    values = value if isinstance(value, list | tuple) else ([value] if value not in (None, "") else [])
    allowed = set(question.choices)
    if any(choice not in allowed for choice in values):
        raise ValidationError(_("Choose one of the options given."), code="invalid_choice")
    return list(dict.fromkeys(values))


def answer_text(question: Question, value) -> str:
    text = str(value or "").strip()
    limit = TEXT_LIMITS.get(question.kind)
    if limit and len(text) > limit:
        raise ValidationError(
            _("Your answer must be %(limit)s characters or fewer") % {"limit": f"{limit:,}"}, code="too_long"
        )
    return text


def answers_write(*, response: Response, questions: dict[int, Question], answers: dict[int, object]) -> None:
    """Store one page's answers: text for text questions (within their length), a Selection row per
    choice for the rest; an emptied answer is removed.

    Every answer is checked before anything is written. Then the page's stored answers and choices are
    read in one query and brought in line with a delete, an insert and an update each at most, so a
    page costs the same few queries whatever its number of questions and choices.
    """
    if set(questions) != set(answers) or any(q.consultation_id != response.consultation_id for q in questions.values()):
        raise ValidationError(_("That question is not part of this consultation."), code="wrong_question")
    wanted: dict[int, str | list[str]] = {}
    for question_id, value in answers.items():
        question = questions[question_id]
        wanted[question_id] = answer_values(question, value) if question.is_choice else answer_text(question, value)

    stored: dict[int, Answer] = {}
    stored_selections: dict[int, dict[str, int]] = {}  # question id -> value -> selection id
    rows = Answer.objects.filter(response=response, question_id__in=list(answers)).values_list(
        "pk", "question_id", "text", "selections__pk", "selections__value"
    )
    for answer_pk, question_id, text, selection_pk, selection_value in rows:
        stored.setdefault(question_id, Answer(pk=answer_pk, response=response, question_id=question_id, text=text))
        if selection_pk is not None:
            stored_selections.setdefault(question_id, {})[selection_value] = selection_pk

    emptied = [stored[question_id].pk for question_id, value in wanted.items() if not value and question_id in stored]
    new_answers = [
        Answer(response=response, question_id=question_id, text="" if isinstance(value, list) else value)
        for question_id, value in wanted.items()
        if value and question_id not in stored
    ]
    changed_texts = []
    for question_id, value in wanted.items():
        answer = stored.get(question_id)
        if value and answer is not None and isinstance(value, str) and answer.text != value:
            answer.text = value
            changed_texts.append(answer)
    if emptied:
        Answer.objects.filter(pk__in=emptied).delete()  # their selections go with them (CASCADE)
    if new_answers:
        Answer.objects.bulk_create(new_answers)  # sets the new primary keys (PostgreSQL, SQLite 3.35+)
    if changed_texts:
        Answer.objects.bulk_update(changed_texts, ["text"])

    answer_pks = {answer.question_id: answer.pk for answer in [*stored.values(), *new_answers]}
    dropped, added = [], []
    for question_id, value in wanted.items():
        if not isinstance(value, list) or not value:
            continue
        had = stored_selections.get(question_id, {})
        dropped += [pk for choice, pk in had.items() if choice not in value]
        added += [Selection(answer_id=answer_pks[question_id], value=choice) for choice in value if choice not in had]
    if dropped:
        Selection.objects.filter(pk__in=dropped).delete()
    if added:
        Selection.objects.bulk_create(added)


@transaction.atomic
def answers_save(
    *, response: Response, answers: dict[int, object], moment: datetime, questions: list[Question] | None = None
) -> Response:
    """Save one page's answers (question id -> value) to a draft; saving again replaces them.

    ``questions`` may hold the page's questions the caller has already read (any not asked about are
    ignored); they are checked to be the consultation's all the same. Saving after the response was
    sent is refused, and waits for a submit in progress to finish, so answers never change under a
    sent response.
    """
    # One UPDATE both marks the draft as touched and takes its row lock, the lock response_submit
    # takes, so a save and a submit at the same moment happen one after the other; no row means the
    # response had been sent.
    if not Response.objects.filter(pk=response.pk, submitted_at__isnull=True).update(updated_at=moment):
        refuse_as_sent()
    response.updated_at = moment
    ensure_accepting(response.consultation, moment, started_at=response.started_at)
    if questions is None:
        by_id = {
            q.pk: q for q in Question.objects.filter(consultation_id=response.consultation_id, pk__in=list(answers))
        }
    else:
        by_id = {q.pk: q for q in questions if q.pk in answers}
    answers_write(response=response, questions=by_id, answers=answers)
    return response


def ensure_respondent_type(respondent_type: str) -> None:
    if respondent_type and respondent_type not in RespondentType.values:
        raise ValidationError(
            {"respondent_type": ValidationError(_("Select one of the options given"), code="invalid_respondent_type")}
        )


def contact_email_check(*, email: str, wants_contact: bool, anonymous_allowed: bool) -> None:
    """An address is needed to be contacted, and always where the consultation takes no anonymous
    responses."""
    if not email and wants_contact:
        raise ValidationError(
            {"email": ValidationError(_("Enter your email address so we can contact you"), code="email_needed")}
        )
    if not email and not anonymous_allowed:
        raise ValidationError({"email": ValidationError(_("Enter your email address"), code="email_needed")})


@transaction.atomic
def about_you_save(
    *,
    response: Response,
    respondent_type: str,
    consent_to_quote: bool | None,
    email: str,
    wants_receipt: bool,
    wants_outcome: bool,
    moment: datetime,
) -> Response:
    """The optional "about you" step, while the response may still be sent; contact details go to their
    own table, or are removed. An address is needed to be contacted, and always where the consultation
    takes no anonymous responses."""
    if response.is_submitted:
        refuse_as_sent()
    ensure_accepting(response.consultation, moment, started_at=response.started_at)
    ensure_respondent_type(respondent_type)
    contact_email_check(
        email=email,
        wants_contact=wants_receipt or wants_outcome,
        anonymous_allowed=response.consultation.anonymous_allowed,
    )
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise ValidationError({"email": error}) from error
    # One UPDATE saves these choices and takes the row lock response_submit takes, as answers_save does:
    # no row means the response had been sent.
    saved = Response.objects.filter(pk=response.pk, submitted_at__isnull=True).update(
        respondent_type=respondent_type, consent_to_quote=consent_to_quote, updated_at=moment
    )
    if not saved:
        refuse_as_sent()
    response.respondent_type, response.consent_to_quote, response.updated_at = respondent_type, consent_to_quote, moment
    # Where anonymous responses are not allowed the address is kept even if nothing was ticked.
    if email and (wants_receipt or wants_outcome or not response.consultation.anonymous_allowed):
        RespondentContact.objects.update_or_create(
            response=response, defaults={"email": email, "wants_receipt": wants_receipt, "wants_outcome": wants_outcome}
        )
    else:
        RespondentContact.objects.filter(response=response).delete()
    return response


@transaction.atomic
def answers_save_to_new_draft(
    *,
    consultation: Consultation,
    user: User | None,
    answers: dict[int, object],
    moment: datetime,
    questions: list[Question] | None = None,
) -> Response:
    """Keep a page's answers that arrived with no draft to go to (the session ended, cookies were
    cleared, another device) in a new draft, checked as any page's are. Never a draft the request
    names: one left on a shared device stays out of reach."""
    draft = response_start(consultation=consultation, user=user, moment=moment)
    return answers_save(response=draft, answers=answers, moment=moment, questions=questions)


@transaction.atomic
def about_you_save_to_new_draft(
    *, consultation: Consultation, user: User | None, moment: datetime, **about_you
) -> Response:
    """The "about you" page's answers, arriving with no draft to go to, kept in a new draft."""
    draft = response_start(consultation=consultation, user=user, moment=moment)
    return about_you_save(response=draft, moment=moment, **about_you)


@transaction.atomic
def respondent_contact_view(*, response: Response, viewer: User, moment: datetime) -> RespondentContact:
    """A respondent's contact details, for someone who may act on them; the viewing is recorded.

    Refuses (code ``not_permitted``) anyone without edit permission on the consultation, and (code
    ``no_contact``) a draft or a response whose person did not ask to be contacted. Every viewing
    writes an audit log entry (who, when, which response) in the same transaction as the read, so
    no one sees an address without a record of it. The entry names the response, never the address.
    """
    consultation = response.consultation
    if not viewer.has_perm("consultations.view_respondent_contact", consultation):
        raise ValidationError(
            _("Only the consultation's team or a manager can see contact details."), code="not_permitted"
        )
    contact = RespondentContact.objects.select_related("response__consultation").filter(response=response).first()
    if contact is None or not response.is_submitted or not contact.is_wanted():
        raise ValidationError(_("This person did not ask to be contacted."), code="no_contact")
    personal_data_viewed(
        record=contact,
        viewer=viewer,
        moment=moment,
        described_as=f"Contact details of response {response.reference}",
        response=response.pk,
        reference=response.reference,
        consultation=consultation.pk,
    )
    return contact


def unanswered_required_questions(response: Response) -> list[Question]:
    return list(
        Question.objects.filter(consultation_id=response.consultation_id, required=True).exclude(
            answers__response=response
        )
    )


@transaction.atomic
def response_submit(*, draft: Response, moment: datetime) -> Response:
    """Turn a draft into a submitted response, once; queue the receipt if one was asked for.

    A double submit, a resubmit with the back button or a second tab returns the same response.
    """
    draft = Response.objects.select_for_update().select_related("consultation").get(pk=draft.pk)
    if draft.submitted_at:
        return draft
    ensure_accepting(draft.consultation, moment, started_at=draft.started_at)
    missing = unanswered_required_questions(draft)
    if missing:
        raise ValidationError(
            _("Answer the questions marked as required."), code="incomplete", params={"questions": missing}
        )
    contact = contact_of(draft)
    if not draft.consultation.anonymous_allowed and contact is None:
        raise ValidationError(
            _("Give an email address: this consultation does not take anonymous responses."), code="email_needed"
        )
    submitted_with_reference(draft, submitted_at=moment)
    if contact is not None and contact.wants_receipt:
        message_queue(
            recipient=contact.email,
            template="consultations/receipt",
            context={
                "title": draft.consultation.title,
                "reference": draft.reference,
                "consultation_url": settings.SITE_URL + draft.consultation.get_absolute_url(),
            },
            dedupe_key=f"consultation-receipt:{draft.pk}",
        )
    return draft


def resume_token_for(response: Response) -> str:
    return signing.dumps({"response": response.pk}, salt=RESUME_SALT)


def resume_link_send(*, response: Response, email: str) -> None:
    """E-mail a link back to a draft. The link names the draft, so it is sent only to the address given."""
    validate_email(email)
    if response.is_submitted:
        refuse_as_sent()
    path = reverse(
        "consultations:resume", kwargs={"slug": response.consultation.slug, "token": resume_token_for(response)}
    )
    message_queue(
        recipient=email,
        template="consultations/resume_link",
        context={
            "title": response.consultation.title,
            "resume_url": settings.SITE_URL + path,
            "days": RESUME_LINK_DAYS,
            "closes": response.consultation.closes_at.isoformat(),
            "closes_text": govuk_datetime(response.consultation.closes_at),
        },
    )


def response_for_resume_token(*, token: str, consultation: Consultation) -> Response:
    try:
        data = signing.loads(token, salt=RESUME_SALT, max_age=timedelta(days=RESUME_LINK_DAYS))
    except signing.SignatureExpired as exc:
        raise ValidationError(_("This link has expired."), code="expired") from exc
    except signing.BadSignature as exc:
        raise ValidationError(_("This link is not valid."), code="invalid") from exc
    response = consultation.responses.filter(pk=data["response"]).first()
    if response is None:
        raise ValidationError(_("This link is not valid."), code="invalid")
    if response.is_submitted:
        refuse_as_sent()
    return response


def received_at_check(*, consultation: Consultation, received_at: datetime, moment: datetime) -> None:
    """A response typed in by staff was received between the day the consultation opened and now."""
    if received_at > moment:
        raise ValidationError(_("The date received must be today or in the past"), code="future")
    if timezone.localdate(received_at) < timezone.localdate(consultation.opens_at):
        raise ValidationError(
            _("The date received must be on or after %(date)s, when the consultation opened")
            % {"date": govuk_date(consultation.opens_at)},
            code="before_opening",
        )


@transaction.atomic
def response_record(
    *,
    consultation: Consultation,
    channel: Channel,
    answers: dict[int, object],
    respondent_type: str,
    consent_to_quote: bool,
    received_at: datetime,
    recorded_by: User,
    moment: datetime,
) -> Response:
    """Staff of the owning team (or who work across teams) type in a response that came on paper, by
    telephone or at an event, to a published consultation that is not withdrawn, received between the
    day it opened and now."""
    ensure_may_change(recorded_by, consultation)
    if channel not in Channel.values or channel == Channel.ONLINE:
        raise ValidationError(_("Choose how the response came in."), code="channel")
    if not consultation.published_at:
        raise ValidationError(_("The consultation is not published."), code="draft")
    if consultation.withdrawn_at:
        raise ValidationError(_("This consultation has been withdrawn."), code="withdrawn")
    received_at_check(consultation=consultation, received_at=received_at, moment=moment)
    ensure_respondent_type(respondent_type)
    response = Response.objects.create(
        consultation=consultation,
        channel=channel,
        respondent_type=respondent_type,
        consent_to_quote=consent_to_quote,
        started_at=received_at,
        recorded_by=recorded_by,
    )
    questions = {q.pk: q for q in consultation.questions.filter(pk__in=list(answers))}
    answers_write(response=response, questions=questions, answers=answers)
    submitted_with_reference(response, submitted_at=received_at)
    return response


@transaction.atomic
def safeguarding_flag_raise(*, response: Response, raised_by: User, reason: str, moment: datetime) -> SafeguardingFlag:
    """Log a safeguarding concern on a sent response. Anyone with a staff role may raise one on any
    team's response: a concern is never blocked by team boundaries.

    The first concern on a response e-mails the designated officer, once (its outbox row has a
    dedupe key). A later one is recorded against the first and e-mails no one: the officer's e-mail
    links to the response, where every concern is listed, so a member of staff cannot flood them.
    """
    if not raised_by.has_perm("consultations.read_consultation"):
        raise PermissionDenied("Only staff can raise a safeguarding concern on a response.")
    if not response.is_submitted:
        raise ValidationError(_("This response has not been sent yet."), code="not_submitted")
    if not reason.strip():
        raise ValidationError(_("Say what the concern is."), code="no_reason")
    if len(reason.strip()) > SAFEGUARDING_REASON_LENGTH:
        raise ValidationError(_("The concern must be 3,000 characters or fewer"), code="too_long")
    # Two concerns raised at once: the row lock makes one of them the first, the other waits and follows it.
    Response.objects.select_for_update().filter(pk=response.pk).first()
    first = SafeguardingFlag.objects.filter(response=response, first__isnull=True).first()
    flag = SafeguardingFlag.objects.create(
        response=response, raised_by=raised_by, reason=reason.strip(), raised_at=moment, first=first
    )
    if first is not None:
        logger.warning(
            "Safeguarding concern added to concern %s on response %s by user %s", first.pk, response.pk, raised_by.pk
        )
        return flag
    path = reverse("consultations:staff-response", kwargs={"pk": response.consultation_id, "response_pk": response.pk})
    message_queue(
        recipient=settings.SAFEGUARDING_OFFICER_EMAIL,
        template="consultations/safeguarding_concern",
        context={
            "title": response.consultation.title,
            "reference": str(response),
            "raised_by": raised_by.full_name,
            "reason": flag.reason,
            "response_url": settings.SITE_URL + path,
        },
        dedupe_key=f"safeguarding-concern-{response.pk}",
    )
    logger.warning("Safeguarding concern raised on response %s by user %s", response.pk, raised_by.pk)
    return flag


# --- You said, we did --------------------------------------------------------------------------------


@transaction.atomic
def outcome_item_save(*, item: OutcomeItem, user: User) -> OutcomeItem:
    ensure_may_change(user, item.consultation)
    if not item.pk:
        last = item.consultation.outcome_items.aggregate(last=Max("position"))["last"]
        item.position = 0 if last is None else last + 1
    if item.changed:
        item.why_not = ""
    else:
        item.we_did = ""  # the public page shows "what we decided and why" alone when nothing changed
    if errors := text_length_errors(item):
        raise ValidationError(errors)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def outcomes_publish(*, consultation: Consultation, summary: str, moment: datetime, user: User) -> Consultation:
    """Publish "You said, we did" once the consultation has closed; e-mail those who asked to hear back."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    ensure_may_change(user, consultation)
    if consultation.status_at(moment) != ConsultationStatus.CLOSED:
        raise ValidationError(_("Publish what happened next once the consultation has closed."), code="not_closed")
    if not consultation.outcome_items.exists():
        raise ValidationError(_("Add at least one point people raised before publishing."), code="no_items")
    consultation.outcomes_summary = summary.strip()
    if "outcomes_summary" in (errors := text_length_errors(consultation)):
        raise errors["outcomes_summary"][0]
    first_time = consultation.outcomes_published_at is None
    if first_time:
        consultation.outcomes_published_at = moment
    consultation.save(update_fields=["outcomes_summary", "outcomes_published_at", "updated_at"])
    if first_time:
        url = settings.SITE_URL + reverse("consultations:outcomes", kwargs={"slug": consultation.slug})
        contacts = RespondentContact.objects.filter(
            response__consultation=consultation, wants_outcome=True, response__submitted_at__isnull=False
        )
        # One e-mail per address: someone who responded twice (or for a household) hears once.
        for email in sorted({contact.email.strip().lower() for contact in contacts.only("email")}):
            message_queue(
                recipient=email,
                template="consultations/outcomes_published",
                context={"title": consultation.title, "outcomes_url": url},
                dedupe_key=f"consultation-outcomes:{consultation.pk}:{email}"[:200],
            )
    return consultation


# --- Scheduled jobs ------------------------------------------------------------------------------------


def notices_send(*, moment: datetime) -> int:
    """E-mail subscribers about consultations that opened in their service areas, and ones closing within
    three days that they have not answered. One e-mail per person per event, however often it runs.

    "Opened" covers consultations that opened (or were published) within OPENED_NOTICE_WINDOW, so a missed
    run is caught up but a long-open consultation is not announced again once the outbox has forgotten
    the first e-mail. Reads do not grow with the number of subscribers: the e-mails already queued for a
    consultation are read in one query, and only new ones are written.
    """
    queued = 0
    recent = moment - OPENED_NOTICE_WINDOW
    open_now = Consultation.objects.open_at(moment).select_related("service_area")
    subscriptions = Subscription.objects.filter(user__is_active=True).select_related("user")
    subscribers_by_area: dict[int, list[User]] = {}
    for subscription in subscriptions:
        subscribers_by_area.setdefault(subscription.service_area_id, []).append(subscription.user)
    for consultation in open_now:
        subscribers = subscribers_by_area.get(consultation.service_area_id, [])
        just_opened = max(consultation.opens_at, consultation.published_at) >= recent
        closing_soon = consultation.closes_at - moment <= CLOSING_SOON
        if not subscribers or not (just_opened or closing_soon):
            continue
        answered = (
            set(consultation.responses.submitted().filter(user__isnull=False).values_list("user_id", flat=True))
            if closing_soon
            else set()
        )
        wanted = []  # (dedupe key, template, user)
        for user in subscribers:
            if just_opened:
                wanted.append((f"consultation-opened:{consultation.pk}:{user.pk}", "consultations/opened", user))
            if closing_soon and user.pk not in answered:
                wanted.append((f"consultation-closing:{consultation.pk}:{user.pk}", "consultations/closing_soon", user))
        already = set(
            Message.objects.filter(dedupe_key__in=[key for key, _t, _u in wanted]).values_list("dedupe_key", flat=True)
        )
        url = settings.SITE_URL + consultation.get_absolute_url()
        closes_text = govuk_datetime(consultation.closes_at)
        for key, template, user in wanted:
            if key in already:
                continue
            context = {
                "title": consultation.title,
                "consultation_url": url,
                "full_name": user.full_name,
                "closes": consultation.closes_at.isoformat(),
                "closes_text": closes_text,
                "area": consultation.service_area.name,
                "subscriptions_url": settings.SITE_URL + reverse("consultations:subscriptions"),
            }
            if message_queue(recipient=user.email, template=template, context=context, dedupe_key=key):
                queued += 1
    return queued


def retention_apply(*, moment: datetime) -> dict[str, int]:
    """Delete drafts left untouched, and respondents' contact details once no longer needed."""
    # delete() counts every row it removes, answers and selections included; report the drafts alone.
    _total, deleted = Response.objects.stale_drafts(moment, settings.CONSULTATION_DRAFT_RETENTION_DAYS).delete()
    drafts = deleted.get(Response._meta.label, 0)
    contact_cutoff = moment - timedelta(days=settings.CONSULTATION_CONTACT_RETENTION_DAYS)
    contacts, _detail = RespondentContact.objects.filter(response__consultation__closes_at__lt=contact_cutoff).delete()
    if drafts or contacts:
        logger.info("Retention: deleted %s stale drafts and %s respondents' contact details", drafts, contacts)
    return {"drafts": drafts, "contacts": contacts}


# --- Staff: "You said, we did" items and participants' notice subscriptions ---------------------------


@transaction.atomic
def outcome_item_delete(*, item: OutcomeItem, user: User) -> None:
    """Remove a point from "You said, we did". Once published, the last point stays: the public page
    would otherwise promise what happened next and show nothing."""
    consultation = Consultation.objects.select_for_update().get(pk=item.consultation_id)
    ensure_may_change(user, consultation)
    if consultation.outcomes_published_at and consultation.outcome_items.count() <= 1:
        raise ValidationError(
            _('This is the only point in a published "You said, we did". Add another point before removing it.'),
            code="last_item",
        )
    item.delete()


@transaction.atomic
def subscriptions_set(*, user: User, service_areas: list) -> list[Subscription]:
    """Make the user's subscriptions exactly the service areas given (none means no e-mails); safe to repeat.
    Only participants (parent carers and young people with an account) get these e-mails."""
    if not capabilities(user).participate:
        raise PermissionDenied("These e-mails are for parent carers and young people with an account.")
    wanted = {area.pk: area for area in service_areas}
    Subscription.objects.filter(user=user).exclude(service_area_id__in=list(wanted)).delete()
    have = set(Subscription.objects.filter(user=user).values_list("service_area_id", flat=True))
    Subscription.objects.bulk_create(
        [Subscription(user=user, service_area=area) for pk, area in wanted.items() if pk not in have],
        ignore_conflicts=True,  # a second tab saving the same choice at once is not an error
    )
    return list(Subscription.objects.filter(user=user).select_related("service_area"))


# --- Drafting a consultation's details -------------------------------------------------------------------

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"  # lowercase letters, digits, single hyphens between
SLUG_BASE_LENGTH = 70  # leaves room for "-2", "-3" ... within the 80 characters the field holds

# What consultation_save may change; publication, withdrawal and outcomes have services of their own.
CONSULTATION_DETAIL_FIELDS = [
    "title",
    "slug",
    "summary",
    "proposal",
    "for_parent_carers",
    "for_young_people",
    "for_professionals",
    "service_area",
    "team",
    "opens_at",
    "closes_at",
    "other_ways_to_respond",
    "anonymous_allowed",
    "contact_details",
    "decision_informed",
    "who_decides",
    "feedback_due",
    "child_friendly",
]


def consultation_slug_new(title: str, *, exclude_pk: int | None = None) -> str:
    """A web address made from the title, unique among consultations: short-breaks, short-breaks-2 ..."""
    base = re.sub(r"[-_]+", "-", slugify(title))[:SLUG_BASE_LENGTH].strip("-") or "consultation"
    taken = set(
        Consultation.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True)
    )
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


@transaction.atomic
def consultation_save(*, consultation: Consultation, user: User) -> Consultation:
    """Create a draft consultation, or change one's details (a published one's changes are public at once).

    The user must be allowed to edit it, and may give it only to one of their own teams unless they
    work across teams. A blank web address is made from the title; once published it never changes,
    so links people already have keep working. Publication, withdrawal and outcomes are left as
    stored. Raises ValidationError with a message per field (keys are the model's field names, plus
    "audiences").
    """
    errors: dict[str, list[ValidationError]] = {}

    def refuse(field: str, message: str, code: str) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    stored = None
    if consultation.pk:
        stored = Consultation.objects.select_for_update().get(pk=consultation.pk)
        ensure_may_change(user, stored)
        if stored.withdrawn_at:
            raise ValidationError(_("A withdrawn consultation cannot be changed."), code="withdrawn")
        if stored.published_at and consultation.slug != stored.slug:
            refuse("slug", _("The web address cannot change once the consultation is published."), "slug_fixed")
    elif not user.has_perm("consultations.read_consultation"):
        raise PermissionDenied("Only staff can create consultations.")

    if consultation.team_id and not (
        user.has_perm("accounts.work_across_teams") or user.teams.filter(pk=consultation.team_id).exists()
    ):
        refuse("team", _("Select one of your teams"), "not_your_team")
    if not consultation.slug:
        consultation.slug = consultation_slug_new(consultation.title, exclude_pk=consultation.pk)
    elif not re.match(SLUG_PATTERN, consultation.slug):
        refuse("slug", _("The web address can only use lowercase letters, numbers and hyphens"), "slug_format")
    elif Consultation.objects.filter(slug=consultation.slug).exclude(pk=consultation.pk).exists():
        refuse("slug", _("Another consultation already uses this web address. Choose a different one"), "slug_taken")
    if not consultation.audiences:
        refuse("audiences", _("Select who the consultation is for"), "no_audience")
    if consultation.opens_at and consultation.closes_at and consultation.closes_at <= consultation.opens_at:
        refuse("closes_at", _("The closing date and time must be after it opens"), "closes_before_opens")
    if (
        consultation.feedback_due
        and consultation.closes_at
        and consultation.feedback_due < timezone.localdate(consultation.closes_at)
    ):
        refuse(
            "feedback_due",
            _("The date they will hear back must be on or after the closing date"),
            "feedback_before_closing",
        )
    for field, messages in text_length_errors(consultation).items():
        errors.setdefault(field, []).extend(messages)
    if consultation.for_young_people:
        # The Lundy model: children are told who listens to them and when they will hear what happened.
        if not consultation.who_decides.strip():
            refuse("who_decides", _("Enter who will decide, as children and young people are an audience"), "lundy")
        if not consultation.feedback_due:
            refuse(
                "feedback_due",
                _("Enter the date children and young people will hear back, as they are an audience"),
                "lundy",
            )
    try:
        # created_by is not the editor's to give, and is empty once its author's account is deleted.
        consultation.full_clean(exclude=[*errors, "created_by"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.error_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)

    if stored is None:
        consultation.created_by = user
        consultation.published_at = consultation.withdrawn_at = consultation.outcomes_published_at = None
        consultation.withdrawal_reason = consultation.outcomes_summary = ""
    try:
        with transaction.atomic():
            if stored is None:
                consultation.save()
            else:
                # Only the details: a publish or withdrawal made while the form was open is kept.
                consultation.save(update_fields=[*CONSULTATION_DETAIL_FIELDS, "updated_at"])
    except IntegrityError as error:
        if not Consultation.objects.filter(slug=consultation.slug).exclude(pk=consultation.pk).exists():
            raise
        # Another consultation took the web address between the check above and the save.
        raise ValidationError(
            {"slug": _("Another consultation already uses this web address. Choose a different one")},
            code="slug_taken",
        ) from error
    if stored is not None:
        for field in ("published_at", "withdrawn_at", "withdrawal_reason", "outcomes_summary", "outcomes_published_at"):
            setattr(consultation, field, getattr(stored, field))
    respond_reading_forget(consultation)
    return consultation


# --- Excel exports too large for a request -------------------------------------------------------------

EXPORT_LEASE = timedelta(minutes=15)  # a worker that stopped mid-build is taken over after this
EXPORT_KEPT_FOR = timedelta(days=1)  # responses in a file on the server: kept only as long as needed
EXPORT_SWEEP_AFTER = timedelta(minutes=1)  # a pending export's own task has had time to start


@transaction.atomic
def response_export_request(*, consultation: Consultation, user: User, moment: datetime) -> ResponseExport:
    """Ask for an Excel file of a consultation's submitted responses, built by a worker; the task is
    queued once this transaction commits (the sweep builds it if the broker is down)."""
    if not user.has_perm("consultations.read_consultation"):
        raise PermissionDenied("Only staff may export responses.")
    export = ResponseExport.objects.create(
        consultation=consultation,
        requested_by=user,
        requested_at=moment,
        rows_total=consultation.responses.submitted().count(),
    )
    from .tasks import response_export_build  # tasks import this module

    dispatch_after_commit(response_export_build, export.pk)
    return export


def response_export_claim(*, export_id: int, moment: datetime) -> ResponseExport | None:
    """Claim an export to build, once: None when it is built, being built within its lease, or gone."""
    with transaction.atomic():
        export = (
            ResponseExport.objects.select_for_update(skip_locked=True)
            .to_build_at(moment, EXPORT_LEASE)
            .filter(pk=export_id)
            .first()
        )
        if export is None:
            return None
        export.state = ExportState.RUNNING
        export.claimed_at = moment
        export.rows_done = 0
        export.save(update_fields=["state", "claimed_at", "rows_done"])
    return export


def response_export_build(*, export_id: int, moment: datetime) -> ResponseExport | None:
    """Build a claimed export into its file, recording progress as it goes; safe to repeat.

    No transaction is held while the file is written (it may take minutes): the claim is committed
    first, progress is committed as it is made, and the result is recorded at the end.
    """
    export = response_export_claim(export_id=export_id, moment=moment)
    if export is None:
        return None

    def progress(done: int) -> None:
        ResponseExport.objects.filter(pk=export.pk).update(rows_done=done)

    try:
        with tempfile.TemporaryFile() as spool:
            done = exports.xlsx_write(exports.rows(export.consultation), spool, progress=progress)
            spool.seek(0)
            export.file.save(f"{secrets.token_urlsafe(16)}.xlsx", File(spool), save=False)
    except Exception:
        ResponseExport.objects.filter(pk=export.pk).update(state=ExportState.FAILED, finished_at=timezone.now())
        raise
    export.state = ExportState.READY
    export.rows_done = export.rows_total = done
    export.finished_at = timezone.now()
    export.save(update_fields=["state", "rows_done", "rows_total", "finished_at", "file"])
    return export


def response_exports_sweep(*, moment: datetime) -> tuple[list[int], int]:
    """The ids of exports to build again (their task was lost, or their worker stopped), and how many
    exports past EXPORT_KEPT_FOR were deleted with their files."""
    to_build = list(
        ResponseExport.objects.to_build_at(moment, EXPORT_LEASE)
        .filter(requested_at__lt=moment - EXPORT_SWEEP_AFTER)
        .values_list("pk", flat=True)
    )
    deleted = 0
    for export in ResponseExport.objects.expired_at(moment, EXPORT_KEPT_FOR):
        if export.file:
            export.file.delete(save=False)
        export.delete()
        deleted += 1
    return to_build, deleted
