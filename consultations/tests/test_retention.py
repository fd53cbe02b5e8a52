"""The daily retention task on a frozen clock: what passed its period goes, the counts reports need stay."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from consultations import tasks
from consultations.models import Answer, RespondentContact, RespondentType, Response

from .factories import AnswerFactory, ConsultationFactory, RespondentContactFactory, ResponseFactory

pytestmark = pytest.mark.django_db
TODAY = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)


def test_the_daily_task_deletes_stale_drafts_and_old_contact_details_but_keeps_the_response(settings):
    settings.CONSULTATION_DRAFT_RETENTION_DAYS = 30
    settings.CONSULTATION_CONTACT_RETENTION_DAYS = 365
    with time_machine.travel(TODAY - timedelta(days=500), tick=False):
        consultation = ConsultationFactory(
            opens_at=TODAY - timedelta(days=500),
            closes_at=TODAY - timedelta(days=366),
            published_at=TODAY - timedelta(days=501),
        )
        sent = ResponseFactory(consultation=consultation, respondent_type=RespondentType.PARENT_CARER)
        AnswerFactory.create_batch(2, response=sent)
        RespondentContactFactory(response=sent)
    with time_machine.travel(TODAY - timedelta(days=31), tick=False):
        stale = ResponseFactory(draft=True)
    with time_machine.travel(TODAY - timedelta(days=29), tick=False):
        recent = ResponseFactory(draft=True)

    with time_machine.travel(TODAY, tick=False):
        assert tasks.retention_apply() == {"drafts": 1, "contacts": 1}
        assert tasks.retention_apply() == {"drafts": 0, "contacts": 0}

    assert not RespondentContact.objects.exists()
    assert set(Response.objects.values_list("pk", flat=True)) == {sent.pk, recent.pk}
    sent.refresh_from_db()
    # What reports count stays: the response, its answers and who the respondent was.
    assert sent.respondent_type == RespondentType.PARENT_CARER
    assert Answer.objects.filter(response=sent).count() == 2
    assert not Response.objects.filter(pk=stale.pk).exists()
