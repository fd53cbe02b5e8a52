"""A shared cache that a Redis outage cannot turn into error pages, and data shared between visitors.

The cache holds rate-limit counters and, for a minute at most, the data of public lists
(shared_with_visitors): nothing a page needs to be right, a miss only means a fresh read. When
Redis cannot be reached, every call answers as a miss (``add``, ``incr`` and ``get`` give nothing,
writes are dropped), so django-ratelimit, with ``RATELIMIT_FAIL_OPEN``, lets that request through
instead of failing it.
The outage is logged once, and for ``RETRY_AFTER_SECONDS`` after a failure Redis is not tried at
all, so each request does not pay the connection timeout again. The health check sees the miss and
reports the cache down.
"""

import hashlib
import logging
import math
import operator
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import partial

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.forms.utils import ErrorDict
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10
SHARED_SECONDS = 60  # how long public pages' shared data is kept (see shared_with_visitors)
SHARED_VERSION = 1  # raise when the shape of what is shared changes, so old entries are not read


class KeptClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one ``redis.Redis`` for each connection pool.

    Django builds a new ``redis.Redis`` for every cache call, and each copies redis-py's table of
    about 200 reply handlers into a case-insensitive dictionary: 0.1 ms a call, more than the call
    to a local Redis takes, several times on every page (the session, rate limits, shared data). A
    ``redis.Redis`` may be shared between threads: each command borrows a connection from the pool,
    and the pool opens new ones after a fork.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient
        self._unreachable_until = 0.0

    def _guarded(self, operation, *args, missing=None, **kwargs):
        if time.monotonic() < self._unreachable_until:
            return missing
        try:
            result = getattr(super(), operation)(*args, **kwargs)
        except RedisError as error:
            if not self._unreachable_until:
                logger.error("The cache is unreachable (%s); rate limits are not applied until it is back", error)
            self._unreachable_until = time.monotonic() + RETRY_AFTER_SECONDS
            return missing
        if self._unreachable_until:
            logger.warning("The cache is reachable again; rate limits apply")
            self._unreachable_until = 0.0
        return result

    def add(self, key, value, timeout=None, version=None):
        return self._guarded("add", key, value, timeout, version, missing=False)

    def get(self, key, default=None, version=None):
        return self._guarded("get", key, default, version, missing=default)

    def set(self, key, value, timeout=None, version=None):
        self._guarded("set", key, value, timeout, version)

    def touch(self, key, timeout=None, version=None):
        return self._guarded("touch", key, timeout, version, missing=False)

    def delete(self, key, version=None):
        return self._guarded("delete", key, version, missing=False)

    def get_many(self, keys, version=None):
        return self._guarded("get_many", keys, version, missing={})

    def has_key(self, key, version=None):
        return self._guarded("has_key", key, version, missing=False)

    def incr(self, key, delta=1, version=None):
        # None, not ValueError: django-ratelimit reads None as "the cache failed" and fails open.
        return self._guarded("incr", key, delta, version)

    def set_many(self, data, timeout=None, version=None):
        return self._guarded("set_many", data, timeout, version, missing=list(data))

    def delete_many(self, keys, version=None):
        self._guarded("delete_many", keys, version)

    def clear(self):
        return self._guarded("clear", missing=False)


def shared_with_visitors(request, key: str, build, *, moment, seconds: int = SHARED_SECONDS):
    """What ``build(moment)`` gives, shared for a short while between visitors who are not signed in.

    ``build`` returns ``(value, changes_at)``: the data and the next moment it stops being right
    (a consultation opening or closing), or None, or a function giving it, called only when the
    value is kept (so signed-in people do not pay for a query it may need). The value is kept until
    the earlier of that moment and ``seconds`` from now, and checked against it on every read, so a
    consultation appears and disappears at its minute whatever the cache's own clock does. A change
    made by staff (publishing, withdrawing) reaches visitors within ``seconds``. Signed-in people
    always get fresh data, so staff never see a stale page. Only data goes in the cache, never
    rendered pages, so nothing of one visitor's page (its CSRF token, its language) reaches another.
    """
    if request.user.is_authenticated:
        return build(moment)[0]
    kept = shared_kept(request, key, moment=moment)
    if kept is not None:
        return kept
    key = shared_key(key)
    value, changes_at = build(moment)
    if callable(changes_at):
        changes_at = changes_at()
    valid_until = moment + timedelta(seconds=seconds)
    if changes_at is not None:
        valid_until = min(valid_until, changes_at)
    lifetime = math.ceil((valid_until - moment).total_seconds())
    if lifetime > 0:
        cache.set(key, (valid_until, value), timeout=lifetime)
    return value


def shared_with_drawing(request, key: str, build, *, moment, seconds: int = SHARED_SECONDS):
    """``shared_with_visitors``, and the key a page keeps its drawing of that data under with
    ``{% drawn_once %}`` (common/templatetags/drawings.py); "" for anyone signed in, who gets fresh
    data, drawn afresh.

    The key names the reading and the language, so a drawing is shared only by visitors shown the
    same data in the same language and never outlives the data it was drawn from. Only the part of a
    page that is the same for every visitor is drawn once: the layout, messages and CSRF tokens are
    drawn for each request. Pages keep the drawing in each process (``using="drawings"``): the key
    names the shared reading, so every process draws the same, once a reading, and a page does not
    fetch a drawing of tens of kilobytes from Redis on every request (the hub's list is 70 KB).
    """
    if request.user.is_authenticated:
        return build(moment)[0], ""

    def reading(now):
        value, changes_at = build(now)
        return {"value": value, "read_at": now}, changes_at

    found = shared_with_visitors(request, key, reading, moment=moment, seconds=seconds)
    return found["value"], f"{key}:{found['read_at'].isoformat()}:{get_language()}"


def kept_in_process(key: str, read: Callable[[], object], *, seconds: int = 600):
    """What `read` gives, kept in this process's "drawings" cache under `key`, which must name the
    state of what is read (a stamp that every change redraws): read again only when that changes."""
    return caches["drawings"].get_or_set(key, read, seconds)


def read_when_drawn(read: Callable[[], dict], names: Iterable[str]) -> dict:
    """Context values for a part of a page kept by ``{% drawn_once %}``: `read` gives them all at
    once, and runs only if a template asks for one of them, so a kept drawing costs no read."""
    reading = SimpleLazyObject(read)
    return {name: SimpleLazyObject(partial(operator.getitem, reading, name)) for name in names}


class EmptyFormWhenDrawn(SimpleLazyObject):
    """An empty (unbound) form built only when something reads it, for a page that draws its form once
    (``{% drawn_once ... form_drawing_key ... %}``): building a form copies every field, and with the
    drawing kept nothing needs it. Outside the drawing it answers for itself only what a page asks of an
    empty form: it is a form, unbound, without errors. Anything else builds the form and asks that."""

    is_bound = False

    def __init__(self, form_class, initial: dict, build):
        self.__dict__["form_class"], self.__dict__["initial_values"] = form_class, initial
        super().__init__(build)

    @property
    def __class__(self):
        # The form's class, without building it (isinstance, as templates use it, reads __class__).
        return self.__dict__["form_class"]

    def __bool__(self):
        return True

    @property
    def errors(self):
        return ErrorDict()

    def __getitem__(self, name):
        # A template tries form["errors"] before form.errors: those are not fields.
        if name in ("errors", "is_bound"):
            raise KeyError(name)
        return super().__getitem__(name)


def form_drawing_key(form, *parts) -> str:
    """The key an empty form's drawing is kept under in the "drawings" cache (``{% drawn_once ... using=
    "drawings" %}``): its class, the language and ``parts``, everything else it is drawn from (the
    staff-written questions it asks, say). "" for a form that holds what someone typed or told us
    before, or an error: that is drawn for its visitor alone. Hidden fields are left out: the page
    draws them itself, outside the drawing. An EmptyFormWhenDrawn is not built for this."""
    if isinstance(form, EmptyFormWhenDrawn):
        form_class, fields, initial = form.form_class, form.form_class.base_fields, form.initial_values
    elif form.is_bound:
        return ""
    else:
        form_class, fields, initial = type(form), form.fields, form.initial
    hidden = {name for name, field in fields.items() if field.widget.is_hidden}
    filled = (value for name, value in initial.items() if name not in hidden)
    # An unticked box is as empty as a blank field (and False == 0, so it is named alone).
    if any(value is not False and value not in (None, "", [], ()) for value in filled):
        return ""
    named = repr((form_class.__module__, form_class.__qualname__, get_language(), parts))
    return hashlib.sha256(named.encode()).hexdigest()


def shared_key(key: str) -> str:
    return f"shared-with-visitors:{SHARED_VERSION}:{key}"


def shared_forget(key: str) -> None:
    """Drop what shared_with_visitors keeps under ``key``, for a change visitors must see at once."""
    cache.delete(shared_key(key))


def shared_kept(request, key: str, *, moment):
    """What shared_with_visitors keeps under ``key`` while it is still right at ``moment``, or None
    (for anyone signed in, always None): for a page that can use shared data but should not be the
    one to read it afresh."""
    if request.user.is_authenticated:
        return None
    kept = cache.get(shared_key(key))
    if kept is not None and kept[0] > moment:
        return kept[1]
    return None
