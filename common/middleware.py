"""Headers every response needs, and a limit on how much a request may send.

Settings read (each has a default here, so the middleware works in any project):

- ``NO_STORE_PATHS``: regular expressions for paths whose pages show personal data; their
  responses are never stored by a browser or a proxy.
- ``PERMISSIONS_POLICY``: the ``Permissions-Policy`` header sent on every response.
- ``REQUEST_BODY_MAX_BYTES`` and ``UPLOAD_BODY_MAX_BYTES``, with ``UPLOAD_PATHS``: the most a
  request may send, larger under the paths where files are uploaded.
"""

import logging
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views import defaults

logger = logging.getLogger(__name__)

# Browser features the portal never uses, denied to it and to anything it might embed.
DEFAULT_PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
DEFAULT_REQUEST_BODY_MAX_BYTES = 2_621_440  # Django's own default for form data


class PrivacyHeadersMiddleware:
    """Send ``Permissions-Policy`` everywhere and ``Cache-Control: no-store`` on personal pages.

    Listed before WhiteNoise, so static files carry the policy too.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.no_store = [re.compile(pattern) for pattern in getattr(settings, "NO_STORE_PATHS", ())]
        self.permissions_policy = getattr(settings, "PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if any(pattern.match(request.path_info) for pattern in self.no_store):
            # A shared computer's back button or a caching proxy must not show these pages again.
            add_never_cache_headers(response)
        return response


def body_too_big(request, limit: int):
    logger.warning("Refused a request body over %s bytes to %s", limit, request.path_info)
    return render(request, "errors/too_big.html", {"limit": limit}, status=413)


def bad_request(request, exception=None):
    """``handler400``: Django's own body limits (form data over ``DATA_UPLOAD_MAX_MEMORY_SIZE``)
    end on the plain "too big" page, not on "bad request"; anything else is Django's 400."""
    if isinstance(exception, RequestDataTooBig):
        return body_too_big(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return defaults.bad_request(request, exception)


class RequestBodyLimitMiddleware:
    """Refuse a body larger than the path allows before anything reads it, on its declared length.

    Django reads at most ``DATA_UPLOAD_MAX_MEMORY_SIZE`` of form fields into memory, but streams
    files of any size to disk; this stops a 300 MB post at its headers. A body sent with no length
    (chunked) is not passed on by the WSGI server at all. Listed before anything that reads a body.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.body_max = getattr(settings, "REQUEST_BODY_MAX_BYTES", DEFAULT_REQUEST_BODY_MAX_BYTES)
        self.upload_max = getattr(settings, "UPLOAD_BODY_MAX_BYTES", self.body_max)
        self.upload_paths = [re.compile(pattern) for pattern in getattr(settings, "UPLOAD_PATHS", ())]

    def limit_for(self, request) -> int:
        if any(pattern.match(request.path_info) for pattern in self.upload_paths):
            return self.upload_max
        return self.body_max

    def __call__(self, request):
        limit = self.limit_for(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return body_too_big(request, limit)
        return self.get_response(request)


class NulInPathMiddleware:
    """A path holding a NUL character names nothing: answer 404 before any view looks it up.

    No URL the portal makes has one, and PostgreSQL cannot compare text that holds one, so a
    reference, token or code taken from such a path would turn a lookup into a 500. Form and
    query values are cleaned where they are read (``common.text``, the forms' own validators).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404("No page has this address.")
        return self.get_response(request)
