"""What the logs say about signing in: every success, failure and refusal, naming no one.

Logs are read by more people, and kept longer, than the accounts table, so they never hold an
e-mail address. A signed-in user is named by id; an attempt at an address (which may have no
account) by a keyed hash of it, the same for every attempt at that address, so repeated failures
against one account can be followed without saying whose it is.
"""

import hashlib
import hmac
import logging

from django.conf import settings

from common.views import request_client_address

logger = logging.getLogger(__name__)


def address_fingerprint(email: str | None) -> str:
    """A short keyed hash of an e-mail address: stable for the address, useless without the key."""
    normalised = (email or "").strip().lower().encode()
    return hmac.new(settings.SECRET_KEY.encode(), normalised, hashlib.sha256).hexdigest()[:12]


def client_address(request) -> str:
    # The address the lock-out and the limits count, so behind a proxy the log names the client.
    return (request_client_address(request) or "unknown") if request is not None else "unknown"


def signed_in(sender, request, user, **kwargs):
    logger.info("Signed in: user %s from %s", user.pk, client_address(request))


def sign_in_failed(sender, credentials, request=None, **kwargs):
    logger.warning(
        "Sign-in failed: address %s from %s",
        address_fingerprint(credentials.get(settings.AXES_USERNAME_FORM_FIELD)),
        client_address(request),
    )


def signed_out(sender, request, user, **kwargs):
    logger.info("Signed out: user %s", getattr(user, "pk", None))
