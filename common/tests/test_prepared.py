"""Prepared reads give what their queryset gives, from SQL built once."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import Count, Q
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common.prepared import PreparedRead

pytestmark = pytest.mark.django_db

ADD_SESSION = Q(codename="add_session", content_type__app_label="sessions")


def fields_of(model) -> dict:
    return {field.attname: getattr(model, field.attname) for field in model._meta.concrete_fields}


def test_a_read_gives_the_model_and_what_select_related_names_in_one_query():
    read = PreparedRead(lambda pk: Permission.objects.select_related("content_type").filter(pk=pk))
    expected = Permission.objects.select_related("content_type").get(ADD_SESSION)
    read.one(expected.pk)  # built
    with CaptureQueriesContext(connection) as queries:
        found = read.one(expected.pk)
        content_type = found.content_type
    assert len(queries) == 1
    assert fields_of(found) == fields_of(expected)
    assert fields_of(content_type) == fields_of(expected.content_type)
    assert found._state.db == "default" and not found._state.adding


def test_a_read_by_text_turns_database_values_into_python_ones():
    expires = timezone.now().replace(microsecond=0) + timedelta(days=3)
    Session.objects.create(session_key="k" * 32, session_data="data", expire_date=expires)
    read = PreparedRead(lambda key: Session.objects.filter(session_key=key), value_type=str)
    found = read.one("k" * 32)
    assert found.expire_date == expires and found.expire_date.tzinfo is not None
    assert read.one("unknown") is None


def test_each_read_sends_the_value_of_the_moment_and_builds_the_sql_once():
    read = PreparedRead(lambda pk: ContentType.objects.filter(pk=pk))
    wanted = list(ContentType.objects.order_by("pk")[:3])
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as building:
        assert [read.one(content_type.pk) for content_type in wanted] == wanted
    assert building.call_count == 1
    assert read.one(-1) is None


def test_all_gives_every_row_in_the_querysets_order():
    content_type = ContentType.objects.get_by_natural_key("sessions", "session")
    read = PreparedRead(lambda pk: Permission.objects.filter(content_type_id=pk).order_by("-codename"))
    assert read.all(content_type.pk) == list(Permission.objects.filter(content_type=content_type).order_by("-codename"))
    assert read.all(-1) == []


def test_a_read_of_some_columns_defers_the_others():
    read = PreparedRead(lambda pk: Permission.objects.only("codename").filter(pk=pk))
    expected = Permission.objects.get(ADD_SESSION)
    found = read.one(expected.pk)
    assert found.get_deferred_fields() == {"name", "content_type_id"}
    assert found.codename == "add_session" and found.name == expected.name


@pytest.mark.parametrize("value", [True, "1", 1.0, None])
def test_a_value_of_another_type_is_refused_before_any_query(value):
    read = PreparedRead(lambda pk: ContentType.objects.filter(pk=pk))
    with CaptureQueriesContext(connection) as queries, pytest.raises(TypeError):
        read.one(value)
    assert len(queries) == 0


@pytest.mark.parametrize(
    "queryset_for",
    [
        lambda pk: ContentType.objects.filter(pk=pk).values("model"),
        lambda pk: ContentType.objects.filter(pk=pk).annotate(permissions=Count("permission")),
        lambda pk: ContentType.objects.filter(pk=pk).prefetch_related("permission_set"),
        lambda pk: ContentType.objects.filter(pk=pk) | ContentType.objects.filter(pk__gt=pk),
        lambda pk: ContentType.objects.all(),
    ],
    ids=["values", "annotations", "prefetching", "value twice", "no value"],
)
def test_a_queryset_a_prepared_read_cannot_stand_for_is_refused(queryset_for):
    with pytest.raises(ValueError):
        PreparedRead(queryset_for).one(1)
