"""Every write with a rule for consultations: drafting, publishing, responding, outcomes, notices."""

import logging
import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.models import Message
from notifications.services import message_queue

from .models import (
    Answer,
    Channel,
    Consultation,
    Document,
    OutcomeItem,
    Question,
    RespondentContact,
    Response,
    SafeguardingFlag,
    Selection,
    Subscription,
)

logger = logging.getLogger(__name__)

REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed back
RESUME_SALT = "consultations.resume-draft"
RESUME_LINK_DAYS = 7
CLOSING_SOON = timedelta(days=3)
OPENED_NOTICE_WINDOW = timedelta(days=7)  # see notices_send


# --- Drafting and publishing ------------------------------------------------------------------------


def questions_locked(consultation: Consultation) -> bool:
    return consultation.responses.exists()


def ensure_questions_editable(consultation: Consultation) -> None:
    if questions_locked(consultation):
        raise ValidationError(
            _(
                "Questions cannot be changed once people have started responding: their answers would no longer "
                "match the questions they were asked."
            ),
            code="questions_locked",
        )


@transaction.atomic
def question_save(*, question: Question) -> Question:
    """Add or change a question; refused once responses exist. New questions, and questions moved to
    another page, go last on their page."""
    ensure_questions_editable(question.consultation)
    if not question.pk or Question.objects.filter(pk=question.pk).exclude(page=question.page).exists():
        last = question.consultation.questions.filter(page=question.page).aggregate(last=Max("position"))["last"]
        question.position = 0 if last is None else last + 1
    if question.kind not in ("single_choice", "multiple_choice"):
        question.options = []  # scales and yes/no have fixed choices; text questions none
    elif len([o for o in question.options if o.strip()]) < 2:
        raise ValidationError({"options": _("Give at least two choices, one on each line.")}, code="too_few_options")
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    ensure_questions_editable(question.consultation)
    question.delete()


@transaction.atomic
def question_move(*, question: Question, direction: int) -> None:
    """Swap a question with its neighbour on the same page (direction -1 up, +1 down)."""
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


@transaction.atomic
def document_add(*, consultation: Consultation, title: str, upload: UploadedFile, easy_read: bool) -> Document:
    last = consultation.documents.aggregate(last=Max("position"))["last"]
    return Document.objects.create(
        consultation=consultation,
        title=title,
        file=upload,
        easy_read=easy_read,
        content_type=(upload.content_type or "application/octet-stream")[:100],
        size=upload.size,
        position=0 if last is None else last + 1,
    )


@transaction.atomic
def document_delete(*, document: Document) -> None:
    document.file.delete(save=False)
    document.delete()


@transaction.atomic
def consultation_publish(*, consultation: Consultation, moment: datetime) -> Consultation:
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
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
def consultation_withdraw(*, consultation: Consultation, reason: str, moment: datetime) -> Consultation:
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if not consultation.published_at:
        raise ValidationError(_("Only a published consultation can be withdrawn."), code="not_published")
    if not reason.strip():
        raise ValidationError(_("Say why the consultation is withdrawn."), code="no_reason")
    if not consultation.withdrawn_at:
        consultation.withdrawn_at = moment
        consultation.withdrawal_reason = reason.strip()
        consultation.save(update_fields=["withdrawn_at", "withdrawal_reason", "updated_at"])
    return consultation


# --- Responding --------------------------------------------------------------------------------------


def reference_new() -> str:
    """A short reference people can read over the phone: 8 characters, no look-alikes, e.g. K4MP-9XQ2."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


def ensure_accepting(consultation: Consultation, moment: datetime, *, started_at: datetime | None = None) -> None:
    if not consultation.accepts_submission_at(moment, started_at=started_at):
        status = consultation.status_at(moment)
        messages = {
            "upcoming": _("This consultation has not opened yet."),
            "withdrawn": _("This consultation has been withdrawn."),
            "draft": _("This consultation is not published."),
        }
        raise ValidationError(messages.get(status, _("This consultation has closed.")), code=status)


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


def answer_write(*, response: Response, question: Question, value) -> None:
    """Store one answer: text for text questions, a Selection row per choice for the rest."""
    if question.consultation_id != response.consultation_id:
        raise ValidationError(_("That question is not part of this consultation."), code="wrong_question")
    values = value if isinstance(value, list | tuple) else ([value] if value not in (None, "") else [])
    if question.is_choice:
        allowed = set(question.choices)
        if any(choice not in allowed for choice in values):
            raise ValidationError(_("Choose one of the options given."), code="invalid_choice")
        if not values:
            Answer.objects.filter(response=response, question=question).delete()
            return
        answer, _created = Answer.objects.get_or_create(response=response, question=question)
        answer.selections.exclude(value__in=values).delete()
        existing = set(answer.selections.values_list("value", flat=True))
        Selection.objects.bulk_create([Selection(answer=answer, value=v) for v in values if v not in existing])
        return
    text = str(value or "").strip()
    if not text:
        Answer.objects.filter(response=response, question=question).delete()
        return
    Answer.objects.update_or_create(response=response, question=question, defaults={"text": text})


@transaction.atomic
def answers_save(*, response: Response, answers: dict[int, object], moment: datetime) -> Response:
    """Save one page's answers (question id -> value) to a draft; saving again replaces them."""
    response = Response.objects.select_for_update().select_related("consultation").get(pk=response.pk)
    if response.is_submitted:
        raise ValidationError(_("This response has already been sent."), code="submitted")
    ensure_accepting(response.consultation, moment, started_at=response.started_at)
    questions = {q.pk: q for q in response.consultation.questions.filter(pk__in=list(answers))}
    if set(questions) != set(answers):
        raise ValidationError(_("That question is not part of this consultation."), code="wrong_question")
    for question_id, value in answers.items():
        answer_write(response=response, question=questions[question_id], value=value)
    response.save(update_fields=["updated_at"])
    return response


@transaction.atomic
def about_you_save(
    *,
    response: Response,
    respondent_type: str,
    consent_to_quote: bool,
    email: str,
    wants_receipt: bool,
    wants_outcome: bool,
) -> Response:
    """The optional "about you" step; contact details go to their own table, or are removed."""
    if response.is_submitted:
        raise ValidationError(_("This response has already been sent."), code="submitted")
    response.respondent_type = respondent_type
    response.consent_to_quote = consent_to_quote
    response.save(update_fields=["respondent_type", "consent_to_quote", "updated_at"])
    # Where anonymous responses are not allowed the address is kept even if nothing was ticked.
    if email and (wants_receipt or wants_outcome or not response.consultation.anonymous_allowed):
        RespondentContact.objects.update_or_create(
            response=response, defaults={"email": email, "wants_receipt": wants_receipt, "wants_outcome": wants_outcome}
        )
    else:
        RespondentContact.objects.filter(response=response).delete()
    return response


def unanswered_required_questions(response: Response) -> list[Question]:
    answered = set(response.answers.values_list("question_id", flat=True))
    return [q for q in response.consultation.questions.filter(required=True) if q.pk not in answered]


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
    if not draft.consultation.anonymous_allowed and not RespondentContact.objects.filter(response=draft).exists():
        raise ValidationError(
            _("Give an email address: this consultation does not take anonymous responses."), code="email_needed"
        )
    for _attempt in range(5):
        draft.reference = reference_new()
        try:
            with transaction.atomic():
                draft.submitted_at = moment
                draft.save(update_fields=["submitted_at", "reference", "updated_at"])
            break
        except IntegrityError:
            continue  # the reference was taken; draw another
    contact = RespondentContact.objects.filter(response=draft, wants_receipt=True).first()
    if contact:
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
            "closes_text": date_format(timezone.localtime(response.consultation.closes_at), "j F Y, H:i"),
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
        raise ValidationError(_("This response has already been sent."), code="submitted")
    return response


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
) -> Response:
    """Staff type in a response that came on paper, by telephone or at an event."""
    if channel == Channel.ONLINE:
        raise ValidationError(_("Choose how the response came in."), code="channel")
    if not consultation.published_at:
        raise ValidationError(_("The consultation is not published."), code="draft")
    response = Response.objects.create(
        consultation=consultation,
        channel=channel,
        respondent_type=respondent_type,
        consent_to_quote=consent_to_quote,
        started_at=received_at,
        recorded_by=recorded_by,
    )
    questions = {q.pk: q for q in consultation.questions.filter(pk__in=list(answers))}
    if set(questions) != set(answers):
        raise ValidationError(_("That question is not part of this consultation."), code="wrong_question")
    for question_id, value in answers.items():
        answer_write(response=response, question=questions[question_id], value=value)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                response.reference = reference_new()
                response.submitted_at = received_at
                response.save(update_fields=["reference", "submitted_at", "updated_at"])
            break
        except IntegrityError:
            continue
    return response


@transaction.atomic
def safeguarding_flag_raise(*, response: Response, raised_by: User, reason: str, moment: datetime) -> SafeguardingFlag:
    """Log a safeguarding concern on a response and e-mail the designated officer."""
    if not reason.strip():
        raise ValidationError(_("Say what the concern is."), code="no_reason")
    flag = SafeguardingFlag.objects.create(
        response=response, raised_by=raised_by, reason=reason.strip(), raised_at=moment
    )
    Response.objects.filter(pk=response.pk, safeguarding_flagged_at__isnull=True).update(safeguarding_flagged_at=moment)
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
    )
    logger.warning("Safeguarding concern raised on response %s by user %s", response.pk, raised_by.pk)
    return flag


# --- You said, we did --------------------------------------------------------------------------------


@transaction.atomic
def outcome_item_save(*, item: OutcomeItem) -> OutcomeItem:
    if not item.pk:
        last = item.consultation.outcome_items.aggregate(last=Max("position"))["last"]
        item.position = 0 if last is None else last + 1
    if item.changed:
        item.why_not = ""
    else:
        item.we_did = ""  # the public page shows "what we decided and why" alone when nothing changed
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def outcomes_publish(*, consultation: Consultation, summary: str, moment: datetime) -> Consultation:
    """Publish "You said, we did" once the consultation has closed; e-mail those who asked to hear back."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status_at(moment) != "closed":
        raise ValidationError(_("Publish what happened next once the consultation has closed."), code="not_closed")
    if not consultation.outcome_items.exists():
        raise ValidationError(_("Add at least one point people raised before publishing."), code="no_items")
    consultation.outcomes_summary = summary.strip()
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
        closes_text = date_format(timezone.localtime(consultation.closes_at), "j F Y, H:i")
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
def outcome_item_delete(*, item: OutcomeItem) -> None:
    """Remove a point from "You said, we did". Once published, the last point stays: the public page
    would otherwise promise what happened next and show nothing."""
    consultation = Consultation.objects.select_for_update().get(pk=item.consultation_id)
    if consultation.outcomes_published_at and consultation.outcome_items.count() <= 1:
        raise ValidationError(
            _('This is the only point in a published "You said, we did". Add another point before removing it.'),
            code="last_item",
        )
    item.delete()


@transaction.atomic
def subscriptions_set(*, user: User, service_areas: list) -> list[Subscription]:
    """Make the user's subscriptions exactly the service areas given (none means no e-mails); safe to repeat."""
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
        if not user.has_perm("consultations.edit_consultation", stored):
            raise PermissionDenied("Only the owning team or a manager can change this consultation.")
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
    return consultation
