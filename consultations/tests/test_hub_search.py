"""The hub's search: what it finds on either database, and on PostgreSQL that an index answers it."""

import pytest
from django.db import connection

from consultations.models import Consultation
from consultations.tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigram indexes exist only on PostgreSQL (CI runs it)"
)


@pytest.fixture
def consultations():
    return {
        "transport": ConsultationFactory(title="Transport to school", summary="Buses and taxis"),
        "breaks": ConsultationFactory(title="Short breaks", proposal="Book online, with a TAXI if needed"),
        "offer": ConsultationFactory(title="Local Offer website", summary="Finding services"),
    }


def found(text: str) -> set[str]:
    return set(Consultation.objects.matching(text).values_list("title", flat=True))


def test_a_word_is_found_in_title_summary_or_proposal_whatever_its_case(consultations):
    assert found("taxi") == {"Transport to school", "Short breaks"}
    assert found("Taxi") == found("TAXI") == found("taxi")
    assert found("website") == {"Local Offer website"}


def test_part_of_a_word_is_found(consultations):
    assert found("transp") == {"Transport to school"}
    assert found("ervice") == {"Local Offer website"}


def test_words_are_found_as_typed_together_and_blank_finds_everything(consultations):
    assert found("to school") == {"Transport to school"}
    assert found("school transport") == set()
    assert found("   ") == set(Consultation.objects.values_list("title", flat=True))


@on_postgresql
@pytest.mark.parametrize("column", ["title", "summary", "proposal"])
def test_postgresql_answers_the_search_from_a_trigram_index(consultations, column):
    with connection.cursor() as cursor:
        # On a handful of rows the planner prefers any scan to an index; with plain scans switched off
        # (GIN is read by a bitmap scan) and no ordering, the plan shows whether the index can answer.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        matching = Consultation.objects.filter(**{f"{column}__icontains": "taxi"}).order_by()
        sql, params = matching.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)  # noqa: S608 - Django's own SQL
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"consultation_{column}_trgm" in plan
