"""Collation: what people said elsewhere in the portal, filed as feedback items once each.

Each source is a function that returns the ``FeedbackItem`` rows it has not filed yet; ``source_key``
is unique, so a row filed by an earlier or a simultaneous run is skipped by the database
(``bulk_create(ignore_conflicts=True)``), and the job can run as often as anyone likes.

Sources on the portal today:

- consultation answers: the short and long text answers of submitted responses (never drafts), with
  the response's consent to quote, its channel, and the consultation's team and service area. A
  response with a safeguarding concern is marked as concerning child protection, including one
  flagged after its answers were filed.
- co-production sessions: a session holds its title, purpose, agenda and register, which the
  council wrote, not participants; nothing on a session is participants' feedback yet. The seam is
  ``session_comments``: when sessions record what participants said (outcomes or comments), it
  returns those rows, keyed "coproduction.<model>:<pk>", and the job files them with no other change.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone

from consultations.models import Answer, Channel, QuestionKind, SafeguardingFlag

from .models import FeedbackChannel, FeedbackItem, FeedbackSource

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


def session_comments() -> Iterable[FeedbackItem]:
    """Participants' comments on co-production sessions: none are recorded on a session yet (see the
    module's docstring), so there is nothing to file."""
    return ()


SOURCES = (consultation_answers, session_comments)


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
    """Mark items from responses flagged since they were filed; how many were marked."""
    flagged_answers = Answer.objects.filter(
        Exists(SafeguardingFlag.objects.filter(response=OuterRef("response")))
    ).values_list("pk", flat=True)
    keys = [answer_key(pk) for pk in flagged_answers]
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
