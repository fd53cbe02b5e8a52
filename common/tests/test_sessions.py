"""The session store: a new session is one insert, and a key already taken is never shared."""

from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common import sessions
from common.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_new_session_is_saved_without_asking_whether_its_key_is_free():
    store = SessionStore()
    store["consultation-draft-1"] = 7
    with CaptureQueriesContext(connection) as queries:
        store.save()
    statements = [query["sql"].split()[0].upper() for query in queries.captured_queries]
    assert "SELECT" not in statements and statements.count("INSERT") == 1
    assert SessionStore(store.session_key)["consultation-draft-1"] == 7


def test_a_key_already_taken_is_drawn_again_and_the_first_session_keeps_its_data():
    first = SessionStore()
    first["who"] = "first visitor"
    first.save()
    second = SessionStore()
    second["who"] = "second visitor"
    drawn = iter([first.session_key, "k" * 32])
    with mock.patch.object(sessions, "get_random_string", side_effect=lambda *args: next(drawn)):
        second.save()
    assert second.session_key == "k" * 32
    assert Session.objects.count() == 2
    assert SessionStore(first.session_key)["who"] == "first visitor"
    assert SessionStore("k" * 32)["who"] == "second visitor"


def test_the_portal_uses_this_store(settings):
    assert settings.SESSION_ENGINE == "common.sessions"
