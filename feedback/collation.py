"""Collation: what people said elsewhere in the portal, filed as feedback items once each.

Each source is a function that returns the ``FeedbackItem`` rows it has not filed yet; ``source_key``
is unique, so a row filed by an earlier or a simultaneous run is skipped by the database
(``bulk_create(ignore_conflicts=True)``), and the job can run as often as anyone likes.

Sources on the portal today:

- consultation answers: the short and long text answers of submitted responses (never drafts), with
  the response's consent to quote, its channel, and the consultation's team and service area. A
  response with a safeguarding concern is marked as concerning child protection, including one
  flagged after its answers were filed.
- closed-case feedback (``CaseFeedback``, every channel: online with a letter's code, the young
  person's form, a telephone follow-up call, a reply letter, an interview, a team's questionnaire):
  one item per written answer (what worked well, what could have been better, what was missing),
  keyed "feedback.casefeedback:<pk>:<answer>". One item per answer, not per feedback, because each
  answer is already sorted by the person who wrote it (worked well, could be better, missing): a
  coder codes each against a theme with that polarity, where a whole feedback would carry three
  polarities in one text. The Friends and Family Test rating goes on the first answer's item only,
  so the report's rating counts count each person once; feedback with a rating and no written
  answer is filed as one item that says so (never quotable), so its rating is counted too. Feedback
  flagged for safeguarding, then or later, is marked as concerning child protection; each item
  names its feedback, so an open flag keeps it out of the coding queue until the flag is handled.
- co-production sessions: what participants said at a session, recorded by staff as comments
  (``SessionComment``: the words, the role of who said it, never a name, and their consent to
  quote), keyed "coproduction.sessioncomment:<pk>", with the session's team. One that uses words from
  the safeguarding list is marked as concerning child protection (feedback/safeguarding.py).
  Sessions have no Local Offer area (coproduction does not know consultations' areas), so the item
  has none. A session's title, purpose, agenda, register and agreed outcomes are the council's
  words, not participants' feedback, and are not filed.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone

from consultations.models import Answer, Channel, QuestionKind, SafeguardingFlag
from coproduction.models import SessionComment

from .models import CaseFeedback, FeedbackChannel, FeedbackItem, FeedbackSource, FriendsAndFamilyRating
from .models import Channel as CaseChannel
from .safeguarding import safeguarding_matcher

ANSWER_KEY = "consultations.answer:"
BATCH = 500
CHANNELS = {
    Channel.ONLINE: FeedbackChannel.ONLINE,
    Channel.PAPER: FeedbackChannel.PAPER,
    Channel.TELEPHONE: FeedbackChannel.TELEPHONE,
    Channel.EVENT: FeedbackChannel.IN_PERSON,
}


def answer_key(answer_pk: int) -> str:
    return f"{ANSWER_KEY}{answer_pk}"


def answers_not_filed():
    """Text answers of submitted responses that no feedback item holds yet (an index lookup each,
    through the unique source_key)."""
    return (
        Answer.objects.filter(
            response__submitted_at__isnull=False,
            question__kind__in=[QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT],
        )
        .exclude(text="")
        .annotate(key=Concat(Value(ANSWER_KEY), Cast("pk", CharField())))
        .filter(~Exists(FeedbackItem.objects.filter(source_key=OuterRef("key"))))
        .annotate(flagged=Exists(SafeguardingFlag.objects.filter(response=OuterRef("response"))))
        .select_related("response__consultation")
        .order_by("pk")
    )


def consultation_answers() -> Iterable[FeedbackItem]:
    for answer in answers_not_filed().iterator(chunk_size=BATCH):
        response = answer.response
        consultation = response.consultation
        yield FeedbackItem(
            source=FeedbackSource.CONSULTATION_RESPONSE,
            channel=CHANNELS.get(response.channel, FeedbackChannel.ONLINE),
            team_id=consultation.team_id,
            service_area_id=consultation.service_area_id,
            received_on=timezone.localdate(response.submitted_at),
            text=answer.text,
            consent_to_quote=response.consent_to_quote is True,
            child_protection=answer.flagged,
            source_key=answer_key(answer.pk),
            source_url=reverse(
                "consultations:staff-response", kwargs={"pk": consultation.pk, "response_pk": response.pk}
            ),
        )


CASE_FEEDBACK_KEY = "feedback.casefeedback:"
# The written answers of closed-case feedback, each its own item; "experience" keys the item of a
# feedback that holds a rating and no written answer.
CASE_ANSWERS = ("worked_well", "could_be_better", "missing")
RATING_ONLY = "experience"
CASE_SOURCES = {
    CaseChannel.ONLINE: (FeedbackSource.CLOSED_CASE, FeedbackChannel.ONLINE),
    CaseChannel.ONLINE_CHILD: (FeedbackSource.CLOSED_CASE, FeedbackChannel.ONLINE),
    CaseChannel.TELEPHONE: (FeedbackSource.TELEPHONE_FOLLOW_UP, FeedbackChannel.TELEPHONE),
    CaseChannel.LETTER: (FeedbackSource.LETTER, FeedbackChannel.PAPER),
    CaseChannel.INTERVIEW: (FeedbackSource.INTERVIEW, FeedbackChannel.IN_PERSON),
    CaseChannel.TEAM_QUESTIONNAIRE: (FeedbackSource.TEAM_QUESTIONNAIRE, FeedbackChannel.PAPER),
}


def case_feedback_key(feedback_pk: int, answer: str) -> str:
    return f"{CASE_FEEDBACK_KEY}{feedback_pk}:{answer}"


def case_feedback_not_filed():
    """Closed-case feedback with an answer (or a lone rating) that no feedback item holds yet: an
    index lookup per answer through the unique source_key, so feedback half filed by a run that
    stopped is picked up again (what was filed is skipped by the database)."""
    keys = {
        answer: Concat(Value(CASE_FEEDBACK_KEY), Cast("pk", CharField()), Value(f":{answer}"))
        for answer in (*CASE_ANSWERS, RATING_ONLY)
    }
    filed = {
        f"{answer}_filed": Exists(FeedbackItem.objects.filter(source_key=OuterRef(f"{answer}_key"))) for answer in keys
    }
    missing = Q()
    for answer in CASE_ANSWERS:
        missing |= ~Q(**{answer: ""}) & Q(**{f"{answer}_filed": False})
    no_answer = Q(worked_well="", could_be_better="", missing="")
    missing |= no_answer & ~Q(experience="") & Q(**{f"{RATING_ONLY}_filed": False})
    return (
        CaseFeedback.objects.annotate(**{f"{answer}_key": key for answer, key in keys.items()})
        .annotate(**filed)
        .filter(missing)
        .select_related("case")
        .order_by("pk")
    )


def case_feedback_items(feedback: CaseFeedback) -> list[FeedbackItem]:
    source, channel = CASE_SOURCES[feedback.channel]
    common = {
        "source": source,
        "channel": channel,
        "team_id": feedback.case.team_id if feedback.case else feedback.team_id,
        "received_on": timezone.localdate(feedback.received_at),
        "child_protection": feedback.flagged_at is not None,
        "case_feedback_id": feedback.pk,
        "source_url": reverse("feedback:feedback", kwargs={"feedback_pk": feedback.pk}),
    }
    answers = [(answer, getattr(feedback, answer).strip()) for answer in CASE_ANSWERS]
    answers = [(answer, text) for answer, text in answers if text]
    if not answers:
        label = FriendsAndFamilyRating(feedback.experience).label
        return [
            FeedbackItem(
                **common,
                text=f"No comments written. Overall experience: {label}.",
                rating=feedback.experience,
                consent_to_quote=False,
                source_key=case_feedback_key(feedback.pk, RATING_ONLY),
            )
        ]
    return [
        FeedbackItem(
            **common,
            text=text,
            rating=feedback.experience if place == 0 else "",
            consent_to_quote=feedback.may_quote,
            source_key=case_feedback_key(feedback.pk, answer),
        )
        for place, (answer, text) in enumerate(answers)
    ]


def case_feedback() -> Iterable[FeedbackItem]:
    for feedback in case_feedback_not_filed().iterator(chunk_size=BATCH):
        yield from case_feedback_items(feedback)


def comments_not_filed():
    """Participants' comments at sessions that no feedback item holds yet (an index lookup each,
    through the unique source_key, as for consultation answers)."""
    return (
        SessionComment.objects.with_feedback_key()
        .filter(~Exists(FeedbackItem.objects.filter(source_key=OuterRef("feedback_key"))))
        .select_related("session")
        .order_by("pk")
    )


def session_comments() -> Iterable[FeedbackItem]:
    safeguarding_words = safeguarding_matcher()
    for comment in comments_not_filed().iterator(chunk_size=BATCH):
        session = comment.session
        yield FeedbackItem(
            source=FeedbackSource.COPRODUCTION_SESSION,
            # A session with no venue was held online.
            channel=FeedbackChannel.IN_PERSON if session.venue else FeedbackChannel.ONLINE,
            team_id=session.team_id,
            received_on=timezone.localdate(session.starts_at),
            text=comment.text,
            consent_to_quote=comment.consent_to_quote,
            # Words from the safeguarding list: the officer was e-mailed when it was written.
            child_protection=bool(safeguarding_words([comment.text])),
            source_key=comment.feedback_key,
            source_url=reverse("coproduction:session", kwargs={"session_pk": session.pk}) + "#comments",
        )


SOURCES = (consultation_answers, case_feedback, session_comments)


def items_file(items: Iterable[FeedbackItem]) -> int:
    """File the items in batches; a key filed already (by another run) is skipped. How many were new."""
    filed, batch = 0, []
    for item in items:
        batch.append(item)
        if len(batch) >= BATCH:
            filed += batch_file(batch)
            batch = []
    return filed + (batch_file(batch) if batch else 0)


def batch_file(batch: list[FeedbackItem]) -> int:
    keys = [item.source_key for item in batch]
    with transaction.atomic():
        before = FeedbackItem.objects.filter(source_key__in=keys).count()
        FeedbackItem.objects.bulk_create(batch, ignore_conflicts=True)
        return FeedbackItem.objects.filter(source_key__in=keys).count() - before


def child_protection_mark() -> int:
    """Mark items from responses and closed-case feedback flagged since they were filed; how many
    were marked."""
    flagged_answers = Answer.objects.filter(
        Exists(SafeguardingFlag.objects.filter(response=OuterRef("response")))
    ).values_list("pk", flat=True)
    keys = [answer_key(pk) for pk in flagged_answers]
    keys += [
        case_feedback_key(pk, answer)
        for pk in CaseFeedback.objects.flagged().values_list("pk", flat=True).order_by("pk")
        for answer in (*CASE_ANSWERS, RATING_ONLY)
    ]
    marked = 0
    for start in range(0, len(keys), BATCH):
        marked += FeedbackItem.objects.filter(
            source_key__in=keys[start : start + BATCH], child_protection=False
        ).update(child_protection=True)
    return marked


def feedback_collate(*, moment: datetime) -> list[int]:
    """File every source's new feedback once, however often it runs; the ids of the items filed now
    (for suggestions). Safe to run twice at once: the unique source_key keeps one of each."""
    started = FeedbackItem.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for source in SOURCES:
        items_file(source())
    child_protection_mark()
    return list(FeedbackItem.objects.filter(pk__gt=started).values_list("pk", flat=True))
