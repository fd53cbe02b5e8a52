"""Is each service the portal depends on reachable right now?"""

import logging
import os
import smtplib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from kombu import Connection

logger = logging.getLogger(__name__)


def database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: the database is not reachable")
        return False


def broker_reachable() -> bool:
    if settings.CELERY_BROKER_URL == "filesystem://":
        # The embedded transport is a folder: reachable while the queue folder can be written.
        queue = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        return os.path.isdir(queue) and os.access(queue, os.W_OK)
    try:
        with Connection(
            settings.CELERY_BROKER_URL, connect_timeout=3, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS
        ) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=3)
        return True
    except Exception:
        logger.exception("Health check: the Celery broker is not reachable")
        return False


def cache_reachable() -> bool:
    # The Redis cache answers a failure as a miss (common/cache.py), so a value written and not
    # read back is the sign it is down, whatever the backend.
    probe = uuid.uuid4().hex
    try:
        cache.set("healthz-probe", probe, timeout=30)
        if cache.get("healthz-probe") == probe:
            return True
    except Exception:
        logger.exception("Health check: the cache is not reachable")
        return False
    logger.error("Health check: the cache did not keep a value")
    return False


SMTP_CHECK_TIMEOUT = 3


def mail_reachable() -> bool:
    """A mail server that greets and answers NOOP; e-mail that never leaves the machine (console,
    memory, file) is always reachable."""
    if settings.EMAIL_BACKEND != "django.core.mail.backends.smtp.EmailBackend":
        return True
    client = smtplib.SMTP_SSL if settings.EMAIL_USE_SSL else smtplib.SMTP
    try:
        with client(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=SMTP_CHECK_TIMEOUT) as server:
            status, _message = server.noop()
        if status == 250:
            return True
        logger.error("Health check: the mail server answered NOOP with %s", status)
    except (OSError, smtplib.SMTPException):
        logger.exception("Health check: the mail server is not reachable")
    return False


def unreachable_services() -> list[str]:
    checks = {
        "database": database_reachable,
        "broker": broker_reachable,
        "cache": cache_reachable,
        "mail": mail_reachable,
    }
    return [name for name, reachable in checks.items() if not reachable()]
