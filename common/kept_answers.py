"""What a person typed is never lost: the part every public form shares.

Two things can part a person from what they typed on a public form: the session that named their
draft has ended (unused for ``SESSION_COOKIE_AGE``, cookies cleared, another device), or the CSRF
cookie is gone, so Django refuses the post before the view sees it.

- ``typed_answers`` lists what a post carried, for a page that cannot save it to show it back.
- ``KeepsTypedAnswers`` is the mixin for such a view. It renews the session on every page the
  person uses, so only a session left alone for the whole limit ends, and it names the hooks the
  CSRF failure view and the rate-limit page call.
- ``csrf_failure`` (``CSRF_FAILURE_VIEW``) hands a refused post to the hook of the view it was
  meant for, which shows the page again holding what was posted, unsaved, under a new token; the
  person checks it and sends it again. Nothing is written on the refused request, so CSRF
  protection is intact. Any other form gets a plain page saying what happened and how to go on.

A later app plugs in with a few lines: subclass ``KeepsTypedAnswers`` and implement
``kept_after_csrf_failure`` (usually: bind the page's form to ``request.POST`` and render the page
with ``{% include "common/kept_banner.html" %}`` above it); when its draft or session is missing,
keep the post in a new draft through its own service, never through an id the request names.
"""

from datetime import datetime, timedelta

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import timezone

RENEWED_SESSION_KEY = "session-renewed-at"
SESSION_RENEW_EVERY = timedelta(minutes=5)


def session_hours() -> int:
    """How long a session lasts unused, in whole hours, for telling people the time limit."""
    return max(1, settings.SESSION_COOKIE_AGE // 3600)


def session_renew(request: HttpRequest, *, moment: datetime) -> None:
    """Move the end of a session in use to a full SESSION_COOKIE_AGE after ``moment`` or later, so
    someone still answering is never cut off.

    Saving a session is a database write, so it is renewed at most every SESSION_RENEW_EVERY, each
    time for SESSION_COOKIE_AGE plus that: the session then ends between SESSION_COOKIE_AGE and
    SESSION_COOKIE_AGE plus SESSION_RENEW_EVERY after the last page, never sooner than people are
    told. An empty session is left alone, so this starts none.
    """
    if not request.session.keys():
        return
    now = int(moment.timestamp())
    if now - request.session.get(RENEWED_SESSION_KEY, 0) >= SESSION_RENEW_EVERY.total_seconds():
        request.session[RENEWED_SESSION_KEY] = now
        request.session.set_expiry(settings.SESSION_COOKIE_AGE + int(SESSION_RENEW_EVERY.total_seconds()))


def typed_answers(form: forms.Form) -> list[dict]:
    """What a bound form carried for its own fields, as typed or chosen, to show back to the person
    where it cannot be saved (the form has closed). Choices show their labels; a value that was not
    offered, and any field the form does not have, is left out."""
    shown = []
    for name, field in form.fields.items():
        posted = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        values = [str(value) for value in (posted if isinstance(posted, list | tuple) else [posted]) if value]
        if isinstance(field, forms.ChoiceField):
            labels = {str(key): str(label) for key, label in field.choices}
            values = [labels[value] for value in values if value in labels]
        if values:
            shown.append({"label": field.label, "values": values})
    return shown


class KeepsTypedAnswers:
    """A view whose posts carry what a person typed (answers, feedback, a reply to an invitation)."""

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        # After the page, so a session the page has just begun carries the mark in its first save.
        session_renew(request, moment=timezone.now())
        return response

    def typed_in_refused_post(self, request: HttpRequest, *args, **kwargs) -> list[dict]:
        """What ``request.POST`` carried (``typed_answers``), for a page that refuses the post before
        the view sees it (a rate limit) to show back; empty where the post carried nothing typed."""
        return []

    def kept_after_csrf_failure(self, request: HttpRequest, *args, **kwargs) -> HttpResponse | None:
        """The page again, holding what ``request.POST`` carried, saved nowhere, with a way to send it;
        None where the post carried nothing typed (the plain page then says what happened)."""
        return None


def keeping_view_for(request: HttpRequest):
    """The keeping view (set up for this request) a refused post was meant for, with the match that
    found it; None when the request is not a post, or the post was for another form."""
    if request.method != "POST":
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    view_class = getattr(match.func, "view_class", None)
    if view_class is None or not issubclass(view_class, KeepsTypedAnswers):
        return None
    view = view_class(**getattr(match.func, "view_initkwargs", {}))
    view.setup(request, *match.args, **match.kwargs)
    return view, match


def kept_view_for(request: HttpRequest) -> HttpResponse | None:
    """The page a keeping view shows for a refused post, or None when the post was for another form."""
    found = keeping_view_for(request)
    if found is None:
        return None
    view, match = found
    return view.kept_after_csrf_failure(request, *match.args, **match.kwargs)


def typed_in_refused_post(request: HttpRequest) -> list[dict]:
    """What a post refused before its view ran carried, for the refusal page to show back."""
    found = keeping_view_for(request)
    if found is None:
        return []
    view, match = found
    try:
        return view.typed_in_refused_post(request, *match.args, **match.kwargs)
    except Http404:
        return []


def form_address(request: HttpRequest) -> str:
    """The address of the refused form, to open it again; never one that leads off this site."""
    path = request.path
    return "" if path.startswith("//") else path


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A post refused because its CSRF token did not match: never a dead end, never "go back"."""
    response = kept_view_for(request)
    if response is not None:
        if response.status_code == 200:
            response.status_code = 403  # the post itself was refused; the page is its way on
        return response
    return render(request, "errors/csrf_failure.html", {"form_address": form_address(request)}, status=403)
