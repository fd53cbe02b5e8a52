"""The outbox: queue an e-mail as a row, send it once, sweep what is still pending."""

import logging
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Message

logger = logging.getLogger(__name__)

# Worth another try later: the mail server was down, slow or refused us for now.
TRANSIENT_SEND_ERRORS = (
    ConnectionError,
    TimeoutError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPDataError,
)
SWEEP_BATCH = 500


def message_queue(
    *, recipient: str, template: str, context: dict, due_at: datetime | None = None, dedupe_key: str | None = None
) -> Message | None:
    """Write a message to send, in the caller's transaction; queue its sending after the commit.

    With a ``dedupe_key`` already used, nothing is queued and None is returned. If the broker is
    down the row stays pending and the sweep sends it later.
    """
    try:
        with transaction.atomic():
            message = Message.objects.create(
                recipient=recipient,
                template=template,
                context=context,
                due_at=due_at or timezone.now(),
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        if dedupe_key and Message.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    if message.due_at <= timezone.now():
        from .tasks import dispatch_after_commit, message_send

        dispatch_after_commit(message_send, message.pk)
    return message


def message_render(message: Message) -> EmailMultiAlternatives:
    context = {**message.context, "site_url": settings.SITE_URL, "service_name": settings.OTP_TOTP_ISSUER}
    folder = f"notifications/email/{message.template}"
    subject = " ".join(render_to_string(f"{folder}/subject.txt", context).split())
    email = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"{folder}/body.txt", context), to=[message.recipient]
    )
    email.attach_alternative(render_to_string(f"{folder}/body.html", context), "text/html")
    return email


def retry_delay(attempts: int) -> timedelta:
    """Back off 2, 4, 8 ... minutes, at most six hours."""
    return timedelta(minutes=min(2**attempts, 360))


def message_send(*, message_id: int, moment: datetime) -> Message | None:
    """Send one due, pending message, once.

    The row is locked while sending, and a locked row is skipped, so two workers (or a task and
    the sweep) never send it twice. A transient failure puts the row back with a later due time;
    after OUTBOX_MAX_ATTEMPTS, or on a permanent failure, it is marked failed.
    """
    with transaction.atomic():
        message = Message.objects.select_for_update(skip_locked=True).due_at(moment).filter(pk=message_id).first()
        if message is None:
            return None  # sent already, not yet due, or another worker has it
        try:
            message_render(message).send()
        except TRANSIENT_SEND_ERRORS as exc:
            message.attempts += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                message.state = Message.State.FAILED
            else:
                message.due_at = moment + retry_delay(message.attempts)
            logger.warning("Outbox message %s not sent (attempt %s): %s", message.pk, message.attempts, exc)
        except Exception as exc:
            message.attempts += 1
            message.state = Message.State.FAILED
            message.last_error = f"{type(exc).__name__}: {exc}"[:500]
            logger.exception("Outbox message %s failed permanently", message.pk)
        else:
            message.state = Message.State.SENT
            message.sent_at = moment
            message.last_error = ""
            # What was said is in the recipient's mailbox now; keep only that it was sent.
            message.context = {}
        message.save()
        return message


def due_message_ids(*, moment: datetime) -> list[int]:
    return list(Message.objects.due_at(moment).order_by("due_at").values_list("pk", flat=True)[:SWEEP_BATCH])


def sent_messages_delete(*, moment: datetime) -> int:
    """Forget sent messages after the retention period; returns how many rows went."""
    cutoff = moment - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    deleted, _detail = Message.objects.sent_before(cutoff).delete()
    return deleted
