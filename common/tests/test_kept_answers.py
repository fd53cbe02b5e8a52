"""The shared half of keeping what people typed: the CSRF failure page and the session's time limit."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory
from django.utils import timezone

from common.kept_answers import SESSION_RENEW_EVERY, session_hours, session_renew

pytestmark = pytest.mark.django_db


def test_a_refused_post_to_a_form_that_keeps_nothing_says_how_to_go_on_without_going_back():
    response = Client(enforce_csrf_checks=True).post("/account/sign-in/", {"username": "jo@example.com"})
    page = response.content.decode()
    assert response.status_code == 403 and "Your form could not be sent" in page
    assert "Nothing you entered on that form was saved" in page
    assert 'href="/account/sign-in/">Open the form again</a>' in page
    assert "Go back" not in page


def test_the_time_limit_is_told_in_whole_hours(settings):
    settings.SESSION_COOKIE_AGE = 60 * 60 * 8
    assert session_hours() == 8
    settings.SESSION_COOKIE_AGE = 60 * 20
    assert session_hours() == 1


def test_a_session_in_use_is_renewed_at_most_every_few_minutes_and_an_empty_one_never(settings):
    request = RequestFactory().get("/")
    request.session = SessionStore()
    moment = timezone.now()
    session_renew(request, moment=moment)
    assert not request.session.modified  # an empty session is not started

    request.session["draft"] = 1
    request.session.modified = False
    session_renew(request, moment=moment)
    assert request.session.modified  # the first page marks it
    # for the time limit people are told, and the minutes until the next renewal
    assert request.session.get_expiry_age() == settings.SESSION_COOKIE_AGE + SESSION_RENEW_EVERY.total_seconds()

    for later, renewed in ((SESSION_RENEW_EVERY - timedelta(seconds=1), False), (SESSION_RENEW_EVERY, True)):
        request.session.modified = False
        session_renew(request, moment=moment + later)
        assert request.session.modified is renewed
