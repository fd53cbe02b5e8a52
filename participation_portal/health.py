"""Is each service the portal depends on reachable right now?"""

import logging
import os

from django.conf import settings
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


def unreachable_services() -> list[str]:
    checks = {"database": database_reachable, "broker": broker_reachable}
    return [name for name, reachable in checks.items() if not reachable()]
