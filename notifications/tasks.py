import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from . import services

logger = logging.getLogger(__name__)


def dispatch_after_commit(task, *args) -> None:
    """Queue a task once the current transaction commits, never failing the caller.

    A broker that is down must not turn a saved answer into an error page: the row the task
    works on is already committed, and the periodic sweep picks it up.
    """

    def publish():
        try:
            task.delay(*args)
        except Exception:
            logger.warning("Could not queue %s%s now; the sweep will pick it up", task.name, args, exc_info=True)

    transaction.on_commit(publish)


@shared_task(name="notifications.send")
def message_send(message_id: int) -> None:
    """Send one outbox message; does nothing if it was sent already or is not due."""
    services.message_send(message_id=message_id, moment=timezone.now())


@shared_task(name="notifications.sweep")
def sweep() -> int:
    """Every minute: queue every due message not already queued or being sent (lost tasks,
    broker outages, retries, workers that died before handing a message over); mark "delivery
    uncertain" what a worker that died while handing it over left."""
    moment = timezone.now()
    services.message_handovers_lapsed_mark(moment=moment)
    ids = services.due_messages_dispatch_claim(moment=moment)
    for message_id in ids:
        message_send.delay(message_id)
    return len(ids)


@shared_task(name="notifications.retention_apply")
def retention_apply() -> int:
    """Daily: delete sent, failed and uncertain messages past the outbox's retention period. Safe to repeat."""
    return services.settled_messages_delete(moment=timezone.now())
