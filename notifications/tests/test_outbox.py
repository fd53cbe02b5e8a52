"""The outbox: a row per message, sent once, retried with back-off, never lost to a broker outage."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications import services, tasks
from notifications.models import Message

SEND_MESSAGES = "django.core.mail.backends.locmem.EmailBackend.send_messages"
# Connecting to the mail server: what fails comes before the hand-over, so nothing can have arrived.
OPEN_CONNECTION = "django.core.mail.backends.locmem.EmailBackend.open"
CONTEXT = {"full_name": "Jo", "confirm_url": "https://portal.example/confirm/abc/", "days": 3}


def queue(**overrides):
    return services.message_queue(
        **({"recipient": "jo@example.com", "template": "accounts/confirm_email", "context": CONTEXT} | overrides)
    )


@pytest.mark.django_db
def test_a_queued_message_is_sent_once_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue()
        assert mail.outbox == []  # nothing leaves before the transaction commits
    message.refresh_from_db()
    assert message.state == Message.State.SENT and message.sent_at
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Confirm your email address"
    assert "https://portal.example/confirm/abc/" in mail.outbox[0].body
    assert "https://portal.example/confirm/abc/" in mail.outbox[0].alternatives[0][0]
    services.message_send(message_id=message.pk, moment=timezone.now())
    assert len(mail.outbox) == 1  # a second send of the same row does nothing


@pytest.mark.django_db
def test_what_was_said_is_not_kept_after_sending(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue()
    message.refresh_from_db()
    assert message.context == {}


@pytest.mark.django_db
def test_a_rolled_back_transaction_queues_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the caller failed")
    assert not Message.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_broker_that_is_down_does_not_fail_the_caller_and_the_sweep_sends_later(django_capture_on_commit_callbacks):
    with mock.patch.object(tasks.message_send, "delay", side_effect=ConnectionError("broker down")):
        with django_capture_on_commit_callbacks(execute=True):
            message = queue()
    message.refresh_from_db()
    assert message.state == Message.State.PENDING
    assert tasks.sweep() == 1
    message.refresh_from_db()
    assert message.state == Message.State.SENT


@pytest.mark.django_db
def test_a_message_due_later_waits_for_its_time():
    later = timezone.now() + timedelta(hours=2)
    message = queue(due_at=later)
    assert tasks.sweep() == 0
    assert services.message_send(message_id=message.pk, moment=timezone.now()) is None
    assert services.message_send(message_id=message.pk, moment=later).state == Message.State.SENT


@pytest.mark.django_db
def test_one_message_per_dedupe_key():
    first = queue(dedupe_key="consultation-7-closing-jo@example.com")
    assert first is not None
    assert queue(dedupe_key="consultation-7-closing-jo@example.com") is None
    assert Message.objects.count() == 1


@pytest.mark.django_db
def test_a_mail_server_that_is_down_is_retried_with_back_off_then_given_up(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = queue(due_at=timezone.now() + timedelta(days=1))  # not sent at queue time
    moment = message.due_at
    with mock.patch(OPEN_CONNECTION, side_effect=smtplib.SMTPServerDisconnected("gone")):
        first = services.message_send(message_id=message.pk, moment=moment)
        assert first.state == Message.State.PENDING and first.attempts == 1
        assert first.due_at == moment + timedelta(minutes=2)
        second = services.message_send(message_id=message.pk, moment=first.due_at)
        assert second.due_at == first.due_at + timedelta(minutes=4)
        third = services.message_send(message_id=message.pk, moment=second.due_at)
    assert third.state == Message.State.FAILED and third.attempts == 3
    assert "SMTPServerDisconnected" in third.last_error


@pytest.mark.django_db
def test_a_permanent_failure_is_not_retried():
    message = queue(template="no/such/template", due_at=timezone.now() + timedelta(days=1))
    result = services.message_send(message_id=message.pk, moment=message.due_at)
    assert result.state == Message.State.FAILED
    assert "TemplateDoesNotExist" in result.last_error


@pytest.mark.django_db
def test_sent_messages_are_forgotten_after_the_retention_period(settings):
    settings.OUTBOX_RETENTION_DAYS = 90
    now = timezone.now()
    old = queue(due_at=now + timedelta(days=1))
    Message.objects.filter(pk=old.pk).update(state=Message.State.SENT, sent_at=now - timedelta(days=91))
    pending = queue(due_at=now + timedelta(days=1))
    assert services.settled_messages_delete(moment=now) == 1
    assert list(Message.objects.values_list("pk", flat=True)) == [pending.pk]


@pytest.mark.django_db
def test_failed_and_uncertain_messages_are_forgotten_after_the_retention_period_too(settings):
    settings.OUTBOX_RETENTION_DAYS = 90
    now = timezone.now()
    kept, gone = [], []
    for state in (Message.State.FAILED, Message.State.UNCERTAIN):
        recent, old = queue(due_at=now), queue(due_at=now)
        Message.objects.filter(pk=recent.pk).update(state=state, created_at=now - timedelta(days=89))
        Message.objects.filter(pk=old.pk).update(state=state, created_at=now - timedelta(days=91))
        kept.append(recent.pk)
        gone.append(old.pk)
    waiting = queue(due_at=now)
    Message.objects.filter(pk=waiting.pk).update(created_at=now - timedelta(days=120))  # still to be sent

    assert services.settled_messages_delete(moment=now) == 2
    assert set(Message.objects.values_list("pk", flat=True)) == {*kept, waiting.pk}


@pytest.mark.django_db
def test_the_sweep_handles_a_batch_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    for n in range(30):
        queue(recipient=f"p{n}@example.com", due_at=timezone.now() + timedelta(days=1))
    with mock.patch.object(tasks.message_send, "delay"), django_assert_max_num_queries(2):
        assert tasks.sweep() == 0
    Message.objects.update(due_at=timezone.now())
    # lapsed hand-overs made uncertain; due rows; their mark as queued
    with mock.patch.object(tasks.message_send, "delay") as delay, django_assert_max_num_queries(3):
        assert tasks.sweep() == 30
    assert delay.call_count == 30


@pytest.mark.django_db
def test_the_sweep_queues_a_due_message_once_while_its_task_waits_for_a_worker():
    message = queue(due_at=timezone.now() + timedelta(days=1))
    moment = message.due_at
    with mock.patch.object(tasks.message_send, "delay"):
        assert services.due_messages_dispatch_claim(moment=moment) == [message.pk]
        assert services.due_messages_dispatch_claim(moment=moment + timedelta(minutes=1)) == []
        # The task was lost: once the dispatch lease runs out the sweep queues it again.
        later = moment + services.DISPATCH_LEASE
        assert services.due_messages_dispatch_claim(moment=later) == [message.pk]
    # A queued task still claims its message while the dispatch lease runs.
    assert services.message_send(message_id=message.pk, moment=later).state == Message.State.SENT


@pytest.mark.django_db
def test_a_claimed_message_is_left_alone_until_its_lease_runs_out_then_sent_again():
    message = queue(due_at=timezone.now() + timedelta(days=1))
    moment = message.due_at
    claimed = services.message_claim(message_id=message.pk, moment=moment)
    assert claimed.state == Message.State.SENDING and claimed.attempts == 1
    assert claimed.claimed_until == moment + services.claim_lease()
    # The worker holding it is still within its lease: nobody else touches it.
    assert services.due_messages_dispatch_claim(moment=moment + timedelta(minutes=1)) == []
    assert services.message_send(message_id=message.pk, moment=moment + timedelta(minutes=1)) is None
    # The worker died mid-send: after the lease the sweep picks the row up and it is sent.
    expired = claimed.claimed_until
    assert services.due_messages_dispatch_claim(moment=expired) == [message.pk]
    sent = services.message_send(message_id=message.pk, moment=expired)
    assert sent.state == Message.State.SENT and sent.attempts == 2 and sent.claimed_until is None
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_late_result_from_a_claim_that_ran_out_does_not_overwrite_the_new_claim():
    message = queue(due_at=timezone.now() + timedelta(days=1))
    first = services.message_claim(message_id=message.pk, moment=message.due_at)
    second = services.message_claim(message_id=message.pk, moment=first.claimed_until)
    recorded = services.message_record(message=first, moment=first.claimed_until, error=None)
    assert recorded.state == Message.State.SENDING and recorded.claimed_until == second.claimed_until


@pytest.mark.django_db
def test_a_message_abandoned_mid_send_on_its_last_attempt_is_failed_not_sent(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    message = queue(due_at=timezone.now() + timedelta(days=1))
    claimed = services.message_claim(message_id=message.pk, moment=message.due_at)
    assert services.message_send(message_id=message.pk, moment=claimed.claimed_until) is None
    message.refresh_from_db()
    assert message.state == Message.State.FAILED and "stopped before handing" in message.last_error
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_task_that_runs_out_of_time_is_retried_not_failed():
    from celery.exceptions import SoftTimeLimitExceeded

    message = queue(due_at=timezone.now() + timedelta(days=1))
    with mock.patch(OPEN_CONNECTION, side_effect=SoftTimeLimitExceeded()):
        result = services.message_send(message_id=message.pk, moment=message.due_at)
    assert result.state == Message.State.PENDING and result.attempts == 1


@pytest.mark.django_db
def test_every_try_of_one_message_carries_the_same_message_id_and_other_messages_another(settings):
    settings.OUTBOX_CLAIM_LEASE_SECONDS = 60
    message, other = queue(due_at=timezone.now() + timedelta(days=1)), queue(due_at=timezone.now() + timedelta(days=1))
    services.message_claim(message_id=message.pk, moment=message.due_at)  # a worker that then stopped
    services.message_send(message_id=message.pk, moment=message.due_at + timedelta(seconds=61))
    services.message_send(message_id=other.pk, moment=other.due_at)
    first, second = (services.message_render(m).message()["Message-ID"] for m in (message, other))
    assert first == services.message_id_header(message) and first.endswith("@example.gov.uk>")
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [first, second] and first != second


def test_the_claim_lease_is_a_setting(settings):
    settings.OUTBOX_CLAIM_LEASE_SECONDS = 3
    assert services.claim_lease() == timedelta(seconds=3)


@pytest.mark.django_db
def test_a_file_is_stored_with_its_message_and_every_try_sends_the_same_bytes_with_its_type():
    calendar = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    message = queue(files=[services.File("session.ics", calendar, "text/calendar; method=REQUEST")])
    with mock.patch(OPEN_CONNECTION, side_effect=smtplib.SMTPServerDisconnected("gone")):
        services.message_send(message_id=message.pk, moment=timezone.now())
    message.refresh_from_db()
    assert message.state == Message.State.PENDING and message.attachments.count() == 1
    services.message_send(message_id=message.pk, moment=message.due_at)
    (part,) = mail.outbox[0].attachments
    assert part.get_payload(decode=True) == calendar
    assert part["Content-Type"] == 'text/calendar; charset="utf-8"; method=REQUEST'
    assert part.get_filename() == "session.ics"
    assert not message.attachments.exists()  # sent: gone with the message's context
