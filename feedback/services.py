"""Every write about closed cases, their codes and their feedback, with its rules.

Each function checks who is asking (rules.py), is atomic, and raises ValidationError with a code,
so a page can say what went wrong and nothing is half-saved.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from auditlog.context import set_actor
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Team, User
from common.audit import personal_data_viewed
from common.csv_import import (
    NO,
    YES,
    as_reason,
    bad_rows_refuse,
    choice_from_text,
    csv_rows,
    date_from_text,
    file_problems_refuse,
    import_text,
    template_csv,
)
from common.prepared import PreparedRead
from coproduction.models import AgeBand
from coproduction.services import refuse, team_check
from notifications.services import message_queue

from .calls import calls_not_needed
from .codes import code_new, code_normalise, code_well_formed
from .models import (
    FLAG_NOTE_MAX,
    CaseFeedback,
    Channel,
    ClosedCase,
    ContactWish,
    FeedbackCode,
    FeedbackLetter,
    LetterBatch,
    PreferredFormat,
)
from .safeguarding import safeguarding_words_in

logger = logging.getLogger(__name__)

# --- Closed cases ----------------------------------------------------------------------------------


def case_clean(case: ClosedCase) -> None:
    """The rules a closed case keeps, whoever writes it (form or upload), as field errors. Does not
    look for another case with the same reference (the form and the upload each do, their own way)."""
    case.reference = case.reference.strip()
    case.reference_key = case.reference.lower()
    case.contact_name = case.contact_name.strip()
    case.email = (case.email or "").strip().lower()
    case.phone = case.phone.strip()
    case.address = case.address.strip()
    case.language = case.language.strip()
    case.preferred_times = case.preferred_times.strip()
    case.closure_reason = case.closure_reason.strip()
    case.do_not_contact_reason = case.do_not_contact_reason.strip() if case.do_not_contact else ""
    errors: dict[str, list[ValidationError]] = {}
    try:
        case.full_clean(exclude=["team", "letter_sent_on"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors.update(error.error_dict)
    if case.do_not_contact and not case.do_not_contact_reason:
        errors.setdefault("do_not_contact_reason", []).append(
            ValidationError(_("Enter why the family must not be contacted"), code="do_not_contact_reason_required")
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def case_save(*, case: ClosedCase, user: User) -> ClosedCase:
    """Record a closed case or change one. Staff record cases of their own teams (managers of any);
    a case reference is recorded once."""
    if case.pk:
        stored = ClosedCase.objects.select_for_update().get(pk=case.pk)
        if not user.has_perm("feedback.edit_case", stored):
            refuse(_("Only the case's team or a manager can change this case."))
        case.letter_sent_on = stored.letter_sent_on
    elif not user.has_perm("feedback.read_case"):
        refuse(_("Only staff can record closed cases."))
    team_check(team=case.team if case.team_id else None, user=user)
    case_clean(case)
    if ClosedCase.objects.filter(reference__iexact=case.reference).exclude(pk=case.pk).exists():
        raise ValidationError(
            {"reference": ValidationError(_("A closed case with this reference is already recorded"), code="taken")}
        )
    case.save()
    return case


def case_details_view(*, case: ClosedCase, viewer: User, moment: datetime) -> ClosedCase:
    """A case's contact details, for someone who may see them; the viewing is recorded (who, when,
    which case) in the audit log, naming the case, never the details."""
    if not viewer.has_perm("feedback.view_case", case):
        refuse(_("Only the case's team or a manager can see the family's details."))
    personal_data_viewed(
        record=case,
        viewer=viewer,
        moment=moment,
        described_as=f"Contact details of closed case {case.pk}",
        case=case.pk,
    )
    return case


# --- Uploading closed cases from the case management system's CSV export ---------------------------

CASE_COLUMNS: list[tuple[str, str]] = [
    (
        "reference",
        gettext_lazy("Required. The case reference in the case management system; matches an earlier upload."),
    ),
    ("team", gettext_lazy("The team's name or short name; empty for the team chosen on this page.")),
    ("closed_on", gettext_lazy("Required. The date the case closed, as 2026-03-31 or 31/03/2026.")),
    ("closure_reason", gettext_lazy("Optional. Why the case closed.")),
    ("contact_name", gettext_lazy("Required. The name of the family's contact (never the child's).")),
    ("address", gettext_lazy("Their postal address; lines separated by commas.")),
    ("phone", gettext_lazy("Optional. Their phone number.")),
    ("email", gettext_lazy("Optional. Their email address.")),
    ("preferred_format", gettext_lazy("Optional. standard (the default), large print or easy read.")),
    ("language", gettext_lazy("Optional. Their preferred language, if not English.")),
    ("preferred_times", gettext_lazy("Optional. The best times to telephone them, such as weekday mornings.")),
    ("do_not_contact", gettext_lazy("yes if the family must not be contacted; otherwise no.")),
    ("do_not_contact_reason", gettext_lazy("Required when do_not_contact is yes: why.")),
    ("child_age_band", gettext_lazy("Optional. The child's age band: under 11, 11 to 15, 16 to 17 or 18 to 25.")),
]
CASE_COLUMN_NAMES = [name for name, _help in CASE_COLUMNS]
CASE_EXAMPLE_ROWS = [
    ["CMS-100231", "", "2026-03-31", "Plan completed", "Sam Taylor", "1 High Street, Exampletown, EX1 2AB",
     "07700 900123", "sam.taylor@example.com", "standard", "", "Weekday mornings", "no", "", "11 to 15"],
    ["CMS-100232", "", "31/03/2026", "Moved out of area", "Robin Shah", "2 Low Road, Exampletown, EX1 3CD",
     "", "", "large print", "Urdu", "", "no", "", "under 11"],
]  # fmt: skip
CASES_MAX_BYTES = 10 * 1024 * 1024
CASES_MAX_ROWS = 20000
IMPORT_FIELDS = [
    "team", "closed_on", "closure_reason", "contact_name", "address", "phone", "email", "preferred_format",
    "language", "preferred_times", "do_not_contact", "do_not_contact_reason", "child_age_band",
]  # fmt: skip
LOOKUP_CHUNK = 900  # below SQLite's smallest limit on query parameters


@dataclass
class CasesImportResult:
    created: int = 0
    updated: int = 0

    @property
    def rows(self) -> int:
        return self.created + self.updated


@dataclass
class CaseRow:
    line: int
    case: ClosedCase
    problems: list[str] = field(default_factory=list)


def cases_by_reference(references: list[str]) -> dict[str, ClosedCase]:
    """Recorded cases by lower-case reference, a chunk of references per query."""
    found: dict[str, ClosedCase] = {}
    for start in range(0, len(references), LOOKUP_CHUNK):
        for case in ClosedCase.objects.filter(reference_key__in=references[start : start + LOOKUP_CHUNK]):
            found[case.reference_key] = case
    return found


def team_from_text(text: str, teams: dict[str, Team], default: Team | None) -> Team | None:
    return teams.get(text.strip().lower()) if text.strip() else default


def case_row_read(values: dict[str, str], *, line: int, found: ClosedCase | None, team: Team | None) -> CaseRow:
    """One row as a closed case (the recorded one, or new) with every problem it has, in words."""
    problems: list[str] = []
    case = found or ClosedCase()
    case.reference = values.get("reference", "").strip()
    if team is None:
        problems.append(_("the team is not one the portal knows; use its name or short name"))
    else:
        case.team = team
    text = values.get("closed_on", "").strip()
    try:
        case.closed_on = date_from_text(text)
    except ValueError:
        problems.append(_("closed_on must be a date like 2026-03-31"))
        case.closed_on = None
    text_columns = ("closure_reason", "contact_name", "address", "phone", "email", "language", "preferred_times")
    for name in (*text_columns, "do_not_contact_reason"):
        setattr(case, name, values.get(name, ""))
    wanted = values.get("preferred_format", "").strip()
    if (format_ := choice_from_text(wanted, PreferredFormat) if wanted else PreferredFormat.STANDARD) is None:
        problems.append(_("the preferred format must be standard, large print or easy read"))
    else:
        case.preferred_format = format_
    band = values.get("child_age_band", "").strip()
    if band and (age_band := choice_from_text(band, AgeBand)) is None:
        problems.append(_("the age band must be under 11, 11 to 15, 16 to 17 or 18 to 25"))
    else:
        case.child_age_band = age_band if band else ""
    answer = values.get("do_not_contact", "").strip().lower()
    if answer not in YES | NO:
        problems.append(_("do_not_contact must be yes or no"))
    case.do_not_contact = answer in YES
    if not problems:
        try:
            case_clean(case)
        except ValidationError as error:
            problems.extend(as_reason(message) for message in error.messages)
    return CaseRow(line=line, case=case, problems=problems)


@transaction.atomic
def cases_import(*, data: bytes, team: Team | None, user: User) -> CasesImportResult:
    """Create or update a closed case for each row of a CSV file (columns: CASE_COLUMNS).

    A row is matched to a recorded case by its reference (ignoring case), so uploading the same file
    twice updates and never duplicates. A file with any bad row is refused whole (code ``bad_rows``),
    each bad row named by its line number (the header is line 1) and reason; nothing of it is saved.
    A row for a team the user does not work for, or matching a case of such a team, is a bad row.
    Rows are written in bulk: a few queries per thousand rows.
    """
    if not user.has_perm("feedback.read_case"):
        refuse(_("Only staff can upload closed cases."))
    if team is not None:
        team_check(team=team, user=user)
    if len(data) > CASES_MAX_BYTES:
        refuse(_("The file is larger than 10 MB. Split it and upload each part."), code="too_big")
    header_problems, raw_rows = csv_rows(
        import_text(data),
        column_names=CASE_COLUMN_NAMES,
        required=("reference", "closed_on", "contact_name"),
        max_rows=CASES_MAX_ROWS,
    )
    file_problems_refuse(header_problems)
    teams: dict[str, Team] = {}
    for known in Team.objects.all():
        teams[known.slug.lower()] = teams[known.name.lower()] = known
    across = user.has_perm("accounts.work_across_teams")
    own = set(user.teams.values_list("pk", flat=True))
    found = cases_by_reference(list({values.get("reference", "").strip().lower() for _line, values in raw_rows}))
    rows: list[CaseRow] = []
    seen: dict[str, int] = {}
    for line, values in raw_rows:
        key = values.get("reference", "").strip().lower()
        recorded = found.get(key)
        recorded_team_id = recorded.team_id if recorded else None
        row_team = team_from_text(values.get("team", ""), teams, team)
        row = case_row_read(values, line=line, found=recorded, team=row_team)
        if not across and row_team is not None and row_team.pk not in own:
            row.problems.append(_("the team is not one of yours"))
        elif not across and recorded is not None and recorded_team_id not in own:
            row.problems.append(_("this case is recorded by another team; ask a manager to upload it"))
        if key and key in seen:
            row.problems.append(_("repeats the case on line %(line)s") % {"line": seen[key]})
        elif key:
            seen[key] = line
        rows.append(row)
    bad_rows_refuse([(row.line, row.problems) for row in rows if row.problems])
    result = CasesImportResult(
        created=sum(1 for row in rows if row.case.pk is None), updated=sum(1 for row in rows if row.case.pk)
    )
    # One statement per batch inserts new cases and updates recorded ones (matched on the reference
    # key), rather than an UPDATE per row or Django's bulk_update (a CASE per column per row).
    now = timezone.now()
    cases = [row.case for row in rows]
    for case in cases:
        case.pk = None  # a recorded case conflicts on its reference key, and is updated there
        case.created_at = case.created_at or now
        case.updated_at = now
    ClosedCase.objects.bulk_create(
        cases,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["reference_key"],
        update_fields=["reference", *IMPORT_FIELDS, "updated_at"],
    )
    return result


def cases_template_csv() -> str:
    """The upload's template: the column names, then two example rows to replace."""
    return template_csv(CASE_COLUMN_NAMES, CASE_EXAMPLE_ROWS)


# --- Codes -----------------------------------------------------------------------------------------


class CodeProblem:
    """Why a typed code does not open the form, in words for the family."""

    MISTYPED = "mistyped"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"


@dataclass(frozen=True)
class CodeLookup:
    code: FeedbackCode | None
    problem: str | None


def code_issue(*, case: ClosedCase, for_child: bool, moment: datetime) -> FeedbackCode:
    """The case's code (the family's, or the child's), made once: a second call returns the first.
    Valid for FEEDBACK_CODE_VALID_DAYS."""
    existing = FeedbackCode.objects.filter(case=case, for_child=for_child).first()
    if existing:
        return existing
    expires_at = moment + timedelta(days=settings.FEEDBACK_CODE_VALID_DAYS)
    for _attempt in range(10):
        try:
            with transaction.atomic():
                return FeedbackCode.objects.create(
                    case=case, for_child=for_child, code=code_new(), issued_at=moment, expires_at=expires_at
                )
        except IntegrityError:
            existing = FeedbackCode.objects.filter(case=case, for_child=for_child).first()
            if existing:  # made at the same moment by another worker
                return existing
    raise RuntimeError("No free feedback code after 10 tries")  # 31^7 codes: never, in practice


@transaction.atomic
def case_codes_issue(*, case: ClosedCase, moment: datetime) -> list[FeedbackCode]:
    """The family's code, and a child's code of their own when the child is old enough."""
    codes = [code_issue(case=case, for_child=False, moment=moment)]
    if case.child_may_answer:
        codes.append(code_issue(case=case, for_child=True, moment=moment))
    return codes


# Every feedback page a family opens reads its code: the read's SQL is built once (common.prepared).
code_read = PreparedRead(lambda code: FeedbackCode.objects.filter(code=code), value_type=str)


def code_lookup(*, typed: str, moment: datetime) -> CodeLookup:
    """The code a person typed, in any case, with or without the dash or spaces; or why it does not
    open the form. A code whose check character disagrees is a typo, not an unknown code."""
    code = code_normalise(typed)
    if not code_well_formed(code):
        return CodeLookup(None, CodeProblem.MISTYPED)
    # The code alone: checking it needs nothing of the case, whose contact details stay unread.
    found = code_read.one(code)
    if found is None:
        return CodeLookup(None, CodeProblem.UNKNOWN)
    if found.used_at is not None:
        return CodeLookup(found, CodeProblem.USED)
    if found.expires_at <= moment:
        return CodeLookup(found, CodeProblem.EXPIRED)
    return CodeLookup(found, None)


# --- Feedback --------------------------------------------------------------------------------------

FEEDBACK_FIELDS = [
    "worked_well", "could_be_better", "missing", "experience", "listened_to", "picture_answers", "may_quote",
    "contact_wish", "contact_detail", "answered_by",
]  # fmt: skip


def flag_raise(feedback: CaseFeedback, *, by: User | None, reason: str, moment: datetime) -> None:
    """Flag feedback for safeguarding review, once: e-mail the designated officer and log it."""
    if feedback.flagged_at is not None:
        logger.warning("Safeguarding concern added to flagged feedback %s", feedback.pk)
        return
    feedback.flagged_at = moment
    feedback.flagged_by = by
    feedback.flag_reason = reason
    feedback.save(update_fields=["flagged_at", "flagged_by", "flag_reason"])
    path = reverse("feedback:feedback", kwargs={"feedback_pk": feedback.pk})
    message_queue(
        recipient=settings.SAFEGUARDING_OFFICER_EMAIL,
        template="feedback/safeguarding_concern",
        context={
            "channel": feedback.get_channel_display(),
            "reason": reason,
            "raised_by": by.full_name if by else "",
            "feedback_url": settings.SITE_URL + path,
        },
        dedupe_key=f"feedback-safeguarding-{feedback.pk}",
    )
    logger.warning("Safeguarding concern flagged on feedback %s by %s", feedback.pk, f"user {by.pk}" if by else "words")


def tripwire_check(feedback: CaseFeedback, *, moment: datetime) -> None:
    words = safeguarding_words_in(feedback.texts())
    if words:
        reason = _("Flagged at once: it uses words from the safeguarding list (%(words)s).") % {
            "words": ", ".join(words)
        }
        flag_raise(feedback, by=None, reason=reason, moment=moment)


def contact_check(feedback: CaseFeedback) -> None:
    feedback.contact_detail = feedback.contact_detail.strip()
    if feedback.contact_wish == ContactWish.NO:
        feedback.contact_detail = ""
    elif not feedback.contact_detail:
        wanted = _("phone number") if feedback.contact_wish == ContactWish.PHONE else _("email address")
        raise ValidationError(
            {
                "contact_detail": ValidationError(
                    _("Enter the %(wanted)s we should use") % {"wanted": wanted}, code="contact_detail_required"
                )
            }
        )


@transaction.atomic
def feedback_submit(*, typed_code: str, answers: dict, for_child_form: bool, moment: datetime) -> CaseFeedback:
    """Feedback sent online with a letter's code, once: the code is used up in the same transaction,
    under a row lock, so a double send makes one piece of feedback. A code that does not open the
    form is refused (code ``mistyped``, ``unknown``, ``expired`` or ``used``). Words from the
    safeguarding list flag it at once."""
    found = code_lookup(typed=typed_code, moment=moment)
    if found.problem:
        raise ValidationError(_("This code cannot be used."), code=found.problem)
    code = FeedbackCode.objects.select_for_update(of=("self",)).select_related("case").get(pk=found.code.pk)
    if code.used_at is not None:
        raise ValidationError(_("This code has been used."), code=CodeProblem.USED)
    feedback = CaseFeedback(
        case=code.case,
        code=code,
        team_id=code.case.team_id,
        channel=Channel.ONLINE_CHILD if for_child_form else Channel.ONLINE,
        received_at=moment,
    )
    for name in FEEDBACK_FIELDS:
        if name in answers:
            setattr(feedback, name, answers[name])
    contact_check(feedback)
    feedback.save()
    code.used_at = moment
    code.save(update_fields=["used_at"])
    calls_not_needed(case=code.case, moment=moment)
    tripwire_check(feedback, moment=moment)
    return feedback


@transaction.atomic
def feedback_record(
    *,
    user: User,
    channel: str,
    team: Team | None,
    case: ClosedCase | None,
    received_at: datetime,
    answers: dict,
    questionnaire: str = "",
) -> CaseFeedback:
    """Feedback that came by telephone, reply letter, interview or a team's own questionnaire,
    recorded by staff against a case of their team, or against their team without a case."""
    if not user.has_perm("feedback.read_case"):
        refuse(_("Only staff can record feedback."))
    if channel not in {Channel.TELEPHONE, Channel.LETTER, Channel.INTERVIEW, Channel.TEAM_QUESTIONNAIRE}:
        raise ValidationError({"channel": ValidationError(_("Select how the feedback came"), code="invalid")})
    if case is not None:
        if not user.has_perm("feedback.edit_case", case):
            refuse(_("Only the case's team or a manager can record feedback on this case."))
        team = case.team
    team_check(team=team, user=user)
    feedback = CaseFeedback(
        case=case,
        team=team,
        channel=channel,
        received_at=received_at,
        recorded_by=user,
        questionnaire=questionnaire.strip() if channel == Channel.TEAM_QUESTIONNAIRE else "",
    )
    for name in FEEDBACK_FIELDS:
        if name in answers:
            setattr(feedback, name, answers[name])
    contact_check(feedback)
    if not any(text.strip() for text in feedback.texts()) and not feedback.experience:
        refuse(_("Enter what they said, or their overall experience."), code="empty")
    feedback.save()
    if case is not None and channel != Channel.TELEPHONE:
        calls_not_needed(case=case, moment=received_at)
    tripwire_check(feedback, moment=received_at)
    return feedback


@transaction.atomic
def feedback_flag(*, feedback: CaseFeedback, user: User, reason: str, moment: datetime) -> CaseFeedback:
    """Staff flag feedback as a safeguarding concern: the designated officer is e-mailed, once."""
    if not user.has_perm("feedback.flag_feedback"):
        refuse(_("Only staff can flag a safeguarding concern."))
    if not reason.strip():
        raise ValidationError({"reason": ValidationError(_("Say what the concern is"), code="required")})
    feedback = CaseFeedback.objects.select_for_update().get(pk=feedback.pk)
    flag_raise(feedback, by=user, reason=reason.strip(), moment=moment)
    return feedback


@transaction.atomic
def feedback_flag_handle(*, feedback: CaseFeedback, user: User, note: str, moment: datetime) -> CaseFeedback:
    """Record that a safeguarding flag was handled: who, when and what was done (a note). Once only:
    a flag handled already is refused (code ``handled``), so the first record stands. The change is
    in the audit log with who made it; the feedback's items return to the coding queue."""
    if not user.has_perm("feedback.handle_flag"):
        refuse(_("Only the designated safeguarding officer or a manager can mark a concern as handled."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": ValidationError(_("Say what was done about the concern"), code="required")})
    if len(note) > FLAG_NOTE_MAX:
        too_long = _("Keep this to %(max)s characters or fewer") % {"max": FLAG_NOTE_MAX}
        raise ValidationError({"note": ValidationError(too_long, code="too_long")})
    feedback = CaseFeedback.objects.select_for_update().get(pk=feedback.pk)
    if feedback.flagged_at is None:
        refuse(_("This feedback is not flagged as a safeguarding concern."), code="not_flagged")
    if feedback.flag_handled_at is not None:
        refuse(_("This concern was marked as handled already."), code="handled")
    feedback.flag_handled_at, feedback.flag_handled_by, feedback.flag_handled_note = moment, user, note
    with set_actor(user):
        feedback.save(update_fields=["flag_handled_at", "flag_handled_by", "flag_handled_note"])
    logger.warning("Safeguarding concern on feedback %s handled by user %s", feedback.pk, user.pk)
    return feedback


# --- The daily letters -------------------------------------------------------------------------------


def cases_due_a_letter(*, today):
    """Cases closed recently (FEEDBACK_LETTER_WITHIN_DAYS) that may be contacted, with somewhere to
    send a letter, and no letter yet."""
    earliest = today - timedelta(days=settings.FEEDBACK_LETTER_WITHIN_DAYS)
    return (
        ClosedCase.objects.contactable()
        .without_letter()
        .filter(letter__isnull=True, closed_on__lte=today, closed_on__gte=earliest)
        .exclude(address="", email="")
    )


@transaction.atomic
def letters_send(*, moment: datetime) -> LetterBatch | None:
    """Make the closure letter for every case due one: its codes, a letter in the day's printable
    batch (where there is a postal address) and an e-mail (where there is an address). Once per case
    however often it runs: the day's batch row is locked first, so a second worker waits and then
    finds nothing left to do, and a case has one letter (a unique key). Returns the day's batch, or
    None when no letter was due."""
    from .letters import batch_pdf, letter_texts, letter_wording

    today = timezone.localdate(moment)
    if not cases_due_a_letter(today=today).exists():
        return None
    batch, _created = LetterBatch.objects.get_or_create(day=today, defaults={"made_at": moment})
    batch = LetterBatch.objects.select_for_update().get(pk=batch.pk)
    cases = list(cases_due_a_letter(today=today).select_related("team").order_by("team__name", "reference", "pk"))
    if not cases:
        return batch  # another worker made them while this one waited for the lock
    wording = letter_wording()
    for case in cases:
        case_codes_issue(case=case, moment=moment)
        letter = FeedbackLetter.objects.create(
            case=case, batch=batch, printed=bool(case.address), emailed=bool(case.email), made_at=moment
        )
        if case.email:
            texts = letter_texts(letter, wording)
            message_queue(
                recipient=case.email,
                template="feedback/letter",
                context={
                    "subject": texts.subject,
                    "body": texts.body,
                    "code": texts.code,
                    "child_slip": texts.child_slip,
                    "child_code": texts.child_code,
                },
                dedupe_key=f"feedback-letter-{case.pk}",
            )
    ClosedCase.objects.filter(pk__in=[case.pk for case in cases]).update(letter_sent_on=today)
    printed = list(
        batch.feedback_letters.filter(printed=True)
        .select_related("case__team")
        .prefetch_related("case__codes")
        .order_by("case__team__name", "case__reference", "pk")
    )
    all_letters = batch.feedback_letters.all()
    batch.letters = all_letters.count()
    batch.large_print = all_letters.filter(printed=True, case__preferred_format=PreferredFormat.LARGE_PRINT).count()
    batch.emailed = all_letters.filter(emailed=True).count()
    batch.made_at = moment
    if printed:
        batch.pdf.save(
            f"letters-{today:%Y-%m-%d}.pdf", ContentFile(batch_pdf(batch=batch, letters=printed)), save=False
        )
    batch.save()
    logger.info("Closure letters for %s: %s new, %s in the batch", today, len(cases), batch.letters)
    return batch


def batch_pdf_view(*, batch: LetterBatch, viewer: User, moment: datetime) -> LetterBatch:
    """A day's letters (names and addresses) for the post room: for those who work across teams; the
    download is recorded in the audit log."""
    if not viewer.has_perm("feedback.print_letters"):
        refuse(_("Only managers can download the letters for the post room."))
    personal_data_viewed(
        record=batch, viewer=viewer, moment=moment, described_as=f"Closure letters of {batch.day}", batch=batch.pk
    )
    return batch
