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
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPServerDisconnected("gone")):
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
    assert services.sent_messages_delete(moment=now) == 1
    assert list(Message.objects.values_list("pk", flat=True)) == [pending.pk]


@pytest.mark.django_db
def test_the_sweep_handles_a_batch_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    for n in range(30):
        queue(recipient=f"p{n}@example.com", due_at=timezone.now() + timedelta(days=1))
    with mock.patch.object(tasks.message_send, "delay"), django_assert_max_num_queries(1):
        assert tasks.sweep() == 0
    Message.objects.update(due_at=timezone.now())
    with mock.patch.object(tasks.message_send, "delay") as delay, django_assert_max_num_queries(1):
        assert tasks.sweep() == 30
    assert delay.call_count == 30
