"""Reads too big for a QuerySet method: the public hub and per-question summaries."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Max, Min, Prefetch, Q
from django.utils.translation import get_language

from common.prepared import PreparedRead

from .models import (
    Answer,
    Consultation,
    ConsultationStatus,
    Question,
    RespondentContact,
    Response,
    Selection,
    ServiceArea,
)


def hub(*, moment: datetime, audience: str = "", service_area: str = "", text: str = "") -> dict:
    """The public hub's three lists as QuerySets, in the order each is shown (open: closing soonest;
    coming up: opening soonest; closed: most recently closed), for the caller to cap or page: each
    of them grows over the years."""
    consultations = hub_matching(audience=audience, service_area=service_area, text=text)
    return {
        ConsultationStatus.OPEN: consultations.open_at(moment).order_by("closes_at", "pk"),
        ConsultationStatus.UPCOMING: consultations.upcoming_at(moment).order_by("opens_at", "pk"),
        ConsultationStatus.CLOSED: consultations.closed_at(moment).order_by("-closes_at", "-pk"),
    }


def hub_matching(*, audience: str = "", service_area: str = "", text: str = ""):
    consultations = Consultation.objects.published().select_related("service_area").matching(text)
    if audience:
        consultations = consultations.for_audience(audience)
    if service_area:
        consultations = consultations.in_service_area(service_area)
    return consultations


def hub_counts(*, moment: datetime, audience: str = "", service_area: str = "", text: str = "") -> dict:
    """How many consultations each of the hub's lists holds, and the next moment one of them moves
    from one list to another (opens or closes; None if none will), in one query (the same conditions
    as ConsultationQuerySet.open_at, upcoming_at and closed_at)."""
    counts = hub_matching(audience=audience, service_area=service_area, text=text).aggregate(
        open=Count("pk", filter=Q(opens_at__lte=moment, closes_at__gt=moment)),
        upcoming=Count("pk", filter=Q(opens_at__gt=moment)),
        closed=Count("pk", filter=Q(closes_at__lte=moment)),
        next_opening=Min("opens_at", filter=Q(opens_at__gt=moment)),
        next_closing=Min("closes_at", filter=Q(closes_at__gt=moment)),
    )
    changes = [moment for moment in (counts["next_opening"], counts["next_closing"]) if moment is not None]
    return {
        ConsultationStatus.OPEN: counts["open"],
        ConsultationStatus.UPCOMING: counts["upcoming"],
        ConsultationStatus.CLOSED: counts["closed"],
        "changes_at": min(changes, default=None),
    }


def service_areas() -> list[ServiceArea]:
    return list(ServiceArea.objects.all())


@dataclass
class ChoiceCount:
    choice: str
    count: int
    percentage: int  # of the people who answered the question, rounded


@dataclass
class QuestionSummary:
    question: Question
    answered: int
    choices: list[ChoiceCount] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


def response_summary(*, consultation: Consultation, text_limit: int = 20) -> list[QuestionSummary]:
    """Per question: how many answered, counts and percentages per choice, and some written answers.

    Counts are aggregated in the database: three queries however many responses there are, plus
    one per text question for its latest answers. Choices are counted in one grouped query over
    Selection, joined once to its answer and response (not through a subquery of answers, which
    joined answers twice and grew several times faster than the responses).
    """
    questions = list(consultation.questions.all())
    submitted = Answer.objects.filter(response__consultation=consultation, response__submitted_at__isnull=False)
    answered = dict(submitted.values("question").annotate(n=Count("pk")).values_list("question", "n"))
    counts: dict[int, dict[str, int]] = {}
    chosen = Selection.objects.filter(
        answer__response__consultation=consultation, answer__response__submitted_at__isnull=False
    )
    for question_id, value, count in chosen.values_list("answer__question", "value").annotate(n=Count("pk")):
        counts.setdefault(question_id, {})[value] = count
    summaries = []
    for question in questions:
        total = answered.get(question.pk, 0)
        summary = QuestionSummary(question=question, answered=total)
        if question.is_choice:
            per_choice = counts.get(question.pk, {})
            summary.choices = [
                ChoiceCount(
                    choice, per_choice.get(choice, 0), round(100 * per_choice.get(choice, 0) / total) if total else 0
                )
                for choice in question.choices
            ]
        else:
            summary.texts = list(
                submitted.filter(question=question)
                .order_by("-response__submitted_at")
                .values_list("text", flat=True)[:text_limit]
            )
        summaries.append(summary)
    return summaries


@dataclass
class SubmittedState:
    count: int
    drawing_key: str  # "" when nothing was submitted: the questions may still change


def submitted_state(*, consultation: Consultation) -> SubmittedState:
    """How many responses were submitted, and a key that changes whenever anything a summary of them
    shows does, for drawing the summary once (``{% drawn_once %}``) until then: one query, however
    many responses there are.

    A sent response is never changed or removed (answers_save refuses it; retention removes drafts and
    contact details only), and questions are locked once anyone has started, so the number sent, the
    newest id and the latest change name what was counted. The key ends with the language.
    """
    state = consultation.responses.submitted().aggregate(count=Count("pk"), newest=Max("pk"), changed=Max("updated_at"))
    if not state["count"]:
        return SubmittedState(count=0, drawing_key="")
    changed = state["changed"].isoformat()
    return SubmittedState(
        count=state["count"],
        drawing_key=f"{consultation.pk}:{state['count']}:{state['newest']}:{changed}:{get_language()}",
    )


def response_with_answers(*, response_pk: int, consultation: Consultation) -> Response:
    """One response with its answers in question order, for reading in full."""
    answers = (
        Answer.objects.select_related("question")
        .prefetch_related("selections")
        .order_by("question__page", "question__position", "question__pk")
    )
    return (
        consultation.responses.select_related("contact", "recorded_by", "user")
        .prefetch_related(Prefetch("answers", queryset=answers), "safeguarding_flags__raised_by")
        .get(pk=response_pk)
    )


# --- Staff reading responses, and "You said, we did" -------------------------------------------------


def responses_filtered(
    *,
    consultation: Consultation,
    channel: str = "",
    respondent_type: str | None = None,
    submitted_from: datetime | None = None,
    submitted_before: datetime | None = None,
):
    """A consultation's submitted responses, newest first, narrowed by the staff list's filters, each
    with ``safeguarding_flagged``.

    ``respondent_type`` None means anyone; "" means those who did not say.

    Dates are bounds on the submission time (from inclusive, before exclusive) so the index on
    (consultation, submitted_at) can be used; the caller turns local dates into those bounds.
    """
    responses = consultation.responses.submitted().with_safeguarding_flag().order_by("-submitted_at", "-pk")
    if channel:
        responses = responses.filter(channel=channel)
    if respondent_type is not None:
        responses = responses.filter(respondent_type=respondent_type)
    if submitted_from:
        responses = responses.filter(submitted_at__gte=submitted_from)
    if submitted_before:
        responses = responses.filter(submitted_at__lt=submitted_before)
    return responses


def outcomes_published():
    """Consultations whose "You said, we did" is public, newest first, each with its items (two queries)."""
    return (
        Consultation.objects.with_outcomes_published()
        .select_related("service_area")
        .prefetch_related("outcome_items")
        .order_by("-outcomes_published_at", "-pk")
    )


# Read by every respond page, and the address by "about you", "check your answers", sending and the
# confirmation: their SQL is built once (common.prepared).
response_read = PreparedRead(lambda pk: Response.objects.filter(pk=pk))
contact_read = PreparedRead(lambda response_pk: RespondentContact.objects.filter(response_id=response_pk))


def response_by_pk(pk: int) -> Response | None:
    return response_read.one(pk)


def contact_of(response: Response) -> RespondentContact | None:
    """The e-mail address a respondent left with their response, if they left one."""
    return contact_read.one(response.pk)
