"""What every app's views share: the staff page guard, the client's address, and the limits on forms
anyone may post."""

import ipaddress

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpRequest
from django.utils.decorators import method_decorator
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit
from django_ratelimit.exceptions import Ratelimited

from common.cache import EmptyFormWhenDrawn


class StaffRequiredMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """A staff page: signed in with a staff, manager or administrator role.

    StaffAreaMiddleware guards /staff/ by path as well; this keeps the rule on the view itself.
    """

    permission_required = "accounts.access_staff_area"


class EmptyFormBuiltWhenDrawn:
    """For a FormView whose page draws its empty form once (``{% drawn_once %}`` under
    ``form_drawing_key``): a GET's form is built only if the drawing is missing."""

    def get_form(self, form_class=None):
        if self.request.method != "GET":
            return super().get_form(form_class)
        form_class = form_class or self.get_form_class()
        return EmptyFormWhenDrawn(
            form_class, self.get_initial(), lambda: super(EmptyFormBuiltWhenDrawn, self).get_form(form_class)
        )


def is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def request_client_address(request: HttpRequest) -> str:
    """The address of the person sending the request, as the sign-in lock-out (axes, through
    ``AXES_CLIENT_IP_CALLABLE``) and every limit count it.

    With ``PROXY_COUNT`` proxies in front of the portal, each appends the address it received the
    request from to ``X-Forwarded-For``, so the client is the PROXY_COUNT-th entry from the right.
    Entries further left were written by the client itself and could be anything, so they are never
    read: adding forged entries does not change the address counted. A header with fewer entries
    than there are proxies did not come through them all, and counts as the address that sent it.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    client = forwarded[-count]
    return client if is_address(client) else remote


def client_address(_group, request) -> str:
    """The key every rate limit counts by (django-ratelimit calls keys with the group too)."""
    return request_client_address(request)


def post_limit(*, rate_setting: str, group: str | None = None):
    """A limit on a view's posts from one client address, at the rate the setting names (read at each
    request, so tests and operators can change it). Without a group each view counts on its own.

    It wraps ``dispatch``, so a refused post costs no query: it is refused before the view looks
    anything up, and a burst cannot slow other visitors' pages by keeping the workers busy.
    """
    return method_decorator(
        ratelimit(
            key=client_address,
            group=group,
            rate=lambda _group, _request: getattr(settings, rate_setting),
            method="POST",
            block=True,
        ),
        name="dispatch",
    )


def refuse_if_over_limit(request: HttpRequest, *, rate_setting: str, group: str) -> None:
    """Count one use of ``group`` by the request's address, and refuse it (429) over the rate; for a
    limit that applies only on some paths of a view."""
    if is_ratelimited(
        request,
        group=group,
        key=client_address,
        rate=getattr(settings, rate_setting),
        method="POST",  # as post_limit counts, so both share one counter per group
        increment=True,
    ):
        raise Ratelimited()


# A form that needs no sign-in (registering, a password reset, sending a return link) can e-mail any
# address typed in, so each address may post one only so often.
anonymous_form_limit = post_limit(rate_setting="ANONYMOUS_FORM_RATE")

# Password spraying tries one common password on many accounts, so axes' per-account lock-out never
# trips: this counts every sign-in attempt from one address, whichever account it names.
sign_in_address_limit = post_limit(rate_setting="SIGN_IN_ADDRESS_RATE", group="sign-in-address")
