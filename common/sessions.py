"""The portal's session store: Django's cached_db sessions, less one question to the database."""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbSessionStore
from django.utils.crypto import get_random_string


class SessionStore(CachedDbSessionStore):
    """Sessions kept in the database and read through the shared cache (SESSION_ENGINE).

    Django asks the database whether a new random key is already taken before it inserts the
    session, a query on every visitor's first page that changes the session (starting a response,
    typing a letter code, signing in). The insert itself refuses a taken key (must_create), and
    Django then draws another, so the question protected nothing the insert does not.
    """

    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)
