"""The outbox: queue an e-mail as a row; claim it, send it with nothing held open, record how it
went; sweep what is due and unclaimed."""

import logging
import smtplib
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import encoders
from email.mime.base import MIMEBase
from email.utils import parseaddr

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import SafeMIMEText
from django.db import IntegrityError, transaction
from django.template import Context, engines
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Attachment, Message

logger = logging.getLogger(__name__)

# Worth another try later: the mail server was down, slow, silent or refused us for now.
TRANSIENT_SEND_ERRORS = (
    ConnectionError,
    TimeoutError,  # socket.timeout: the server accepted the connection, then stopped answering
    socket.gaierror,  # the mail server's name did not resolve (DNS down)
    SoftTimeLimitExceeded,  # the task ran out of time; the message itself may be fine
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPDataError,
)
SWEEP_BATCH = 500
# A task the sweep queued that has not claimed its message within this long is presumed lost.
DISPATCH_LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class File:
    """A file to send with a message: its name, its bytes, and its MIME type with any parameters."""

    filename: str
    content: bytes
    content_type: str


def message_queue(
    *,
    recipient: str,
    template: str,
    context: dict,
    due_at: datetime | None = None,
    dedupe_key: str | None = None,
    files: list[File] | None = None,
) -> Message | None:
    """Write a message to send, with its files, in the caller's transaction; queue its sending after
    the commit.

    With a ``dedupe_key`` already used, nothing is queued and None is returned. If the broker is
    down the row stays pending and the sweep sends it later. The files are stored with the message,
    so a retry sends the same bytes.
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
            Attachment.objects.bulk_create(
                Attachment(message=message, filename=f.filename, content=f.content, content_type=f.content_type)
                for f in files or []
            )
    except IntegrityError:
        if dedupe_key and Message.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    if message.due_at <= timezone.now():
        from .tasks import dispatch_after_commit, message_send

        dispatch_after_commit(message_send, message.pk)
    return message


def message_template_folder(template: str) -> str:
    """Where a message's templates live: ``<app>/<name>`` is in the app's own templates, under
    <app>/email/<name>/, so each app owns its e-mails and the names stored on rows still work."""
    app, _slash, name = template.partition("/")
    return f"{app}/email/{name}"


def render_text(template_name: str, context: dict) -> str:
    """Render a plain-text template as typed: it is not HTML, so nothing in it is escaped."""
    template = engines["django"].engine.get_template(template_name)
    return template.render(Context(context, autoescape=False))


def message_render(message: Message) -> EmailMultiAlternatives:
    context = {**message.context, "site_url": settings.SITE_URL, "service_name": settings.OTP_TOTP_ISSUER}
    folder = message_template_folder(message.template)
    subject = " ".join(render_text(f"{folder}/subject.txt", context).split())
    email = EmailMultiAlternatives(
        subject=subject, body=render_text(f"{folder}/body.txt", context), to=[message.recipient]
    )
    # The HTML part is HTML: what people typed is escaped there, as on every page.
    email.attach_alternative(render_to_string(f"{folder}/body.html", context), "text/html")
    if message.pk:
        email.extra_headers["Message-ID"] = message_id_header(message)
        for attachment in message.attachments.all():
            email.attach(attachment_part(attachment))
    return email


def attachment_part(attachment: Attachment) -> MIMEBase:
    """A stored file as a MIME part, its type's parameters kept (a calendar client reads the
    ``method`` of "text/calendar; method=REQUEST" from the part's own header)."""
    full_type, *parameters = (part.strip() for part in attachment.content_type.split(";"))
    main, _slash, sub = full_type.partition("/")
    content = bytes(attachment.content)
    if main == "text":
        part = SafeMIMEText(content.decode("utf-8"), sub, "utf-8")
    else:
        part = MIMEBase(main, sub)
        part.set_payload(content)
        encoders.encode_base64(part)
    for parameter in parameters:
        name, _equals, value = parameter.partition("=")
        if name and value:
            part.set_param(name.strip(), value.strip(), requote=False)
    part.add_header("Content-Disposition", "attachment", filename=attachment.filename)
    return part


def message_id_header(message: Message) -> str:
    """The same Message-ID on every try of one outbox row, so a mail client or server that sees a
    message twice (a worker stopped after the mail server took it and before the row recorded it)
    can drop the copy. The row's creation time keeps ids apart across databases that reuse keys."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<outbox-{message.pk}.{message.created_at:%Y%m%d%H%M%S%f}@{domain}>"


def retry_delay(attempts: int) -> timedelta:
    """Back off 2, 4, 8 ... minutes, at most six hours."""
    return timedelta(minutes=min(2**attempts, 360))


def claim_lease() -> timedelta:
    """How long a claimed message is left to its worker before it counts as abandoned
    (OUTBOX_CLAIM_LEASE_SECONDS: by default longer than any send can take)."""
    return timedelta(seconds=settings.OUTBOX_CLAIM_LEASE_SECONDS)


def message_claim(*, message_id: int, moment: datetime) -> Message | None:
    """Take a due message for sending, in a short transaction that commits before any SMTP.

    The row is locked only for the claim, and a locked row is skipped, so two workers (or a task
    and the sweep) never both claim it. The claim counts as an attempt, so a worker that dies
    mid-send still uses one up; a message whose lease ran out at its last attempt is failed
    rather than tried again.
    """
    with transaction.atomic():
        message = Message.objects.select_for_update(skip_locked=True).due_at(moment).filter(pk=message_id).first()
        if message is None:
            return None  # sent already, not yet due, handed over, or another worker has it
        if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:  # only after a claim that ran out
            message.state = Message.State.FAILED
            message.claimed_until = None
            message.last_error = "No result recorded: the worker stopped before handing the message over."
            message.save(update_fields=["state", "claimed_until", "last_error"])
            logger.error("Outbox message %s abandoned mid-send on its last attempt", message.pk)
            return None
        message.state = Message.State.SENDING
        message.claimed_until = moment + claim_lease()
        message.handed_over_at = None
        message.attempts += 1
        message.save(update_fields=["state", "claimed_until", "handed_over_at", "attempts"])
    return message


def message_handover_mark(*, message: Message, moment: datetime) -> bool:
    """Record, committed on its own, that a claimed message is about to go to the mail server;
    False if the claim no longer holds (its lease ran out and the row was taken back), when the
    message must not be sent.

    From this mark on, a worker that stops without recording the answer leaves the row "delivery
    uncertain" (message_handovers_lapsed_mark) rather than due again: one write per message buys
    the promise that no message is sent twice without a person deciding it.
    """
    marked = Message.objects.filter(
        pk=message.pk, state=Message.State.SENDING, claimed_until=message.claimed_until
    ).update(handed_over_at=moment)
    message.handed_over_at = moment if marked else None
    return bool(marked)


# Errors with no answer from the mail server: raised after the hand-over began, the server may have
# taken the message (a timeout or a dropped line while waiting for the "250" after the data).
NO_ANSWER_ERRORS = (ConnectionError, TimeoutError, SoftTimeLimitExceeded, smtplib.SMTPServerDisconnected)


def message_record(*, message: Message, moment: datetime, error: Exception | None) -> Message:
    """Record how a claimed send went, in a second short transaction.

    Only the claim that sent it may record: if its lease ran out and another worker claimed the
    row meanwhile, that worker's result is the one kept. A row the sweep made "delivery uncertain"
    while this worker waited for the mail server still takes this worker's answer, which settles it.
    An error with no answer after the hand-over began leaves the row uncertain, not retried.
    """
    update = {"claimed_until": None}
    if error is None:
        # What was said is in the recipient's mailbox now; keep only that it was sent.
        update |= {"state": Message.State.SENT, "sent_at": moment, "last_error": "", "context": {}}
    else:
        update["last_error"] = f"{type(error).__name__}: {error}"[:500]
        if message.handed_over_at and isinstance(error, NO_ANSWER_ERRORS):
            update["state"] = Message.State.UNCERTAIN
        elif isinstance(error, TRANSIENT_SEND_ERRORS) and message.attempts < settings.OUTBOX_MAX_ATTEMPTS:
            update |= {"state": Message.State.PENDING, "due_at": moment + retry_delay(message.attempts)}
        else:
            update["state"] = Message.State.FAILED
    with transaction.atomic():
        recorded = Message.objects.filter(
            pk=message.pk,
            state__in=[Message.State.SENDING, Message.State.UNCERTAIN],
            claimed_until=message.claimed_until,
        ).update(**update)
        if recorded and error is None:
            Attachment.objects.filter(message_id=message.pk).delete()  # in the mailbox now, as the context is
    if not recorded:
        logger.warning("Outbox message %s: the claim ran out before its result was recorded", message.pk)
        message.refresh_from_db()
        return message
    if update["state"] == Message.State.UNCERTAIN:
        logger.error("Outbox message %s: delivery uncertain, no answer after the hand-over", message.pk)
    for field, value in update.items():
        setattr(message, field, value)
    return message


def send_error_for_log(error: Exception) -> str:
    """A send failure as logs may hold it: its kind and SMTP code. A mail server's own words often
    quote the recipient's address (a refused recipient is reported by address), and logs never
    hold contact details; the full error stays on the message's row."""
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__} {code}" if code else type(error).__name__


def message_send(*, message_id: int, moment: datetime) -> Message | None:
    """Send one due message at most once: claim it, commit, connect, mark it as being handed over,
    send, record, and only then say goodbye to the mail server.

    No transaction or row lock is open while the mail server is talked to, so a slow or hung
    server holds up only this worker, never the database. A transient failure before the
    hand-over (including a timeout) puts the row back as pending with a later due time; after
    OUTBOX_MAX_ATTEMPTS, or on a permanent failure, it is marked failed.

    Between the mail server taking a message and the row recording it there is a window no
    design can close (SMTP has no two-phase commit). The hand-over mark, committed before the
    message is sent, tells that window apart: a worker that stopped before it left nothing at the
    mail server, and the message is sent again once the claim lapses; one that stopped after it
    may have delivered, and the row becomes "delivery uncertain", shown to administrators, who
    can send it again. So nothing is sent twice by itself and nothing is lost unseen. Every try
    carries the row's Message-ID, so a receiving system can drop a copy sent deliberately.

    Database round trips per message: the claim (lock and update), the files, the mark, and the
    record (update and the files' deletion).
    """
    message = message_claim(message_id=message_id, moment=moment)
    if message is None:
        return None
    error = None
    connection = None
    try:
        email = message_render(message)
        connection = get_connection()
        connection.open()  # connected and greeted: what can fail without the message going is done
        if not message_handover_mark(message=message, moment=moment):
            logger.warning("Outbox message %s: the claim ran out before the hand-over; not sent", message.pk)
            connection.close()
            message.refresh_from_db()
            return message
        connection.send_messages([email])
    except TRANSIENT_SEND_ERRORS as exc:
        error = exc
        logger.warning(
            "Outbox message %s not sent (attempt %s): %s", message.pk, message.attempts, send_error_for_log(exc)
        )
    except smtplib.SMTPException as exc:
        error = exc
        logger.error("Outbox message %s failed permanently: %s", message.pk, send_error_for_log(exc))
    except Exception as exc:
        error = exc
        logger.exception("Outbox message %s failed permanently", message.pk)
    try:
        return message_record(message=message, moment=moment, error=error)
    finally:
        if connection is not None:
            try:
                connection.close()  # QUIT: the message is the server's and the row says so
            except Exception:  # noqa: S110 - a goodbye that fails changes nothing recorded
                pass


def message_handovers_lapsed_mark(*, moment: datetime) -> int:
    """Make "delivery uncertain" every message whose worker stopped after handing it to the mail
    server and before recording the answer, once its lease has run out; returns how many. They are
    not sent again by themselves (the mail server may have them): administrators see them and
    decide. The lease is kept, so a worker that was only slow can still record its answer."""
    uncertain = Message.objects.handover_lapsed_at(moment).update(
        state=Message.State.UNCERTAIN, last_error="No result recorded: the worker stopped while handing it over."
    )
    if uncertain:
        logger.error("Outbox: %s message(s) left with delivery uncertain by a worker that stopped", uncertain)
    return uncertain


def message_resend(*, message_id: int, moment: datetime) -> bool:
    """Send again, as an administrator decided, a message whose delivery is uncertain or that
    failed: it becomes pending with fresh attempts and is queued after the commit. False if the
    message is in neither state (sent or being sent meanwhile)."""
    with transaction.atomic():
        resent = Message.objects.filter(
            pk=message_id, state__in=[Message.State.UNCERTAIN, Message.State.FAILED]
        ).update(state=Message.State.PENDING, due_at=moment, attempts=0, claimed_until=None, handed_over_at=None)
        if resent:
            from .tasks import dispatch_after_commit, message_send

            dispatch_after_commit(message_send, message_id)
    return bool(resent)


def due_messages_dispatch_claim(*, moment: datetime) -> list[int]:
    """The due messages the sweep should queue now, each marked as queued for DISPATCH_LEASE.

    A message already queued (and not yet claimed) or being sent is left alone, so the every-minute
    sweep does not pile up tasks for a message whose task is merely waiting for a worker.
    """
    ids = list(Message.objects.unclaimed_due_at(moment).order_by("due_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    if ids:
        # The filter is repeated so a row a worker claimed since the read above is not touched;
        # a row whose sending lease ran out goes back to pending, queued.
        Message.objects.unclaimed_due_at(moment).filter(pk__in=ids).update(
            state=Message.State.PENDING, claimed_until=moment + DISPATCH_LEASE
        )
    return ids


def settled_messages_delete(*, moment: datetime) -> int:
    """Forget messages past the retention period: sent ones, and those that failed or whose delivery
    is uncertain (they hold what was written to someone); returns how many rows went."""
    cutoff = moment - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    deleted, _detail = Message.objects.settled_before(cutoff).delete()
    return deleted
