"""The hand-over mark: a worker that stopped before handing a message to the mail server leaves it
to be sent again; one that stopped after leaves it "delivery uncertain", never sent twice by
itself, shown to administrators, who can send it again."""

import re
import smtplib
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications import services, tasks
from notifications.models import Message

SEND_MESSAGES = "django.core.mail.backends.locmem.EmailBackend.send_messages"
CONTEXT = {"full_name": "Jo", "confirm_url": "https://portal.example/confirm/abc/", "days": 3}

TRANSACTION_CONTROL = re.compile(r"^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b")

pytestmark = pytest.mark.django_db


def queue(**overrides):
    fields = {"recipient": "jo@example.com", "template": "accounts/confirm_email", "context": CONTEXT}
    return services.message_queue(**fields | {"due_at": timezone.now() + timedelta(days=1)} | overrides)


def handed_over_then_stopped(message):
    """A worker that claimed the message, marked the hand-over and was killed before recording."""
    claimed = services.message_claim(message_id=message.pk, moment=message.due_at)
    assert services.message_handover_mark(message=claimed, moment=message.due_at)
    return claimed


def test_a_sent_message_records_its_hand_over_in_six_statements():
    message = queue()
    with CaptureQueriesContext(connection) as queries:
        sent = services.message_send(message_id=message.pk, moment=message.due_at)
    # Transaction control (BEGIN, COMMIT, savepoints) apart: the claim's lock and update; the files;
    # the hand-over mark; the record's update and the files' deletion.
    statements = [q["sql"] for q in queries if not TRANSACTION_CONTROL.match(q["sql"])]
    assert len(statements) == 6, statements
    assert sent.state == Message.State.SENT and sent.handed_over_at == message.due_at
    assert len(mail.outbox) == 1


def test_a_worker_stopped_during_the_hand_over_leaves_the_message_uncertain_not_sent_again():
    message = queue()
    claimed = handed_over_then_stopped(message)
    lapsed = claimed.claimed_until
    assert not Message.objects.due_at(lapsed).exists()  # no task claims it, even one already queued
    assert services.message_send(message_id=message.pk, moment=lapsed) is None
    with mock.patch.object(tasks.message_send, "delay") as delay, time_machine.travel(lapsed, tick=False):
        assert tasks.sweep() == 0
    delay.assert_not_called()
    message.refresh_from_db()
    assert message.state == Message.State.UNCERTAIN and "while handing it over" in message.last_error
    assert message.context == CONTEXT  # kept, so it can be sent again
    assert mail.outbox == []


def test_a_worker_stopped_before_the_hand_over_leaves_the_message_to_be_sent_again():
    message = queue()
    claimed = services.message_claim(message_id=message.pk, moment=message.due_at)  # then killed
    assert services.message_send(message_id=message.pk, moment=claimed.claimed_until).state == Message.State.SENT
    assert len(mail.outbox) == 1


def test_a_worker_whose_claim_was_taken_back_before_the_hand_over_does_not_send():
    message = queue()
    slow = services.message_claim(message_id=message.pk, moment=message.due_at)
    services.message_claim(message_id=message.pk, moment=slow.claimed_until)  # another worker took it
    assert not services.message_handover_mark(message=slow, moment=slow.claimed_until)


@pytest.mark.parametrize(
    "no_answer",
    [TimeoutError("timed out"), smtplib.SMTPServerDisconnected("gone"), SoftTimeLimitExceeded()],
    ids=["timeout", "line dropped", "task out of time"],
)
def test_no_answer_after_the_hand_over_leaves_the_message_uncertain_not_retried(no_answer):
    message = queue()
    with mock.patch(SEND_MESSAGES, side_effect=no_answer):
        result = services.message_send(message_id=message.pk, moment=message.due_at)
    assert result.state == Message.State.UNCERTAIN and result.claimed_until is None
    assert not Message.objects.due_at(message.due_at + timedelta(days=30)).exists()


def test_a_refusal_after_the_hand_over_is_an_answer_and_is_retried():
    message = queue()
    busy = smtplib.SMTPDataError(451, b"try again later")
    with mock.patch(SEND_MESSAGES, side_effect=busy):
        result = services.message_send(message_id=message.pk, moment=message.due_at)
    assert result.state == Message.State.PENDING and result.due_at > message.due_at


def test_a_slow_worker_that_hears_the_answer_after_the_sweep_settles_the_uncertain_message():
    message = queue()
    claimed = handed_over_then_stopped(message)
    assert services.message_handovers_lapsed_mark(moment=claimed.claimed_until) == 1
    recorded = services.message_record(message=claimed, moment=claimed.claimed_until, error=None)
    assert recorded.state == Message.State.SENT
    message.refresh_from_db()
    assert message.state == Message.State.SENT and message.context == {}


def test_an_uncertain_message_is_sent_again_only_when_someone_decides_with_the_same_message_id(
    django_capture_on_commit_callbacks,
):
    message = queue()
    claimed = handed_over_then_stopped(message)
    services.message_handovers_lapsed_mark(moment=claimed.claimed_until)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.message_resend(message_id=message.pk, moment=timezone.now())
    message.refresh_from_db()
    assert message.state == Message.State.SENT and message.attempts == 1
    (email,) = mail.outbox
    assert email.extra_headers["Message-ID"] == services.message_id_header(message)
    assert not services.message_resend(message_id=message.pk, moment=timezone.now())  # sent: nothing to do


def test_administrators_find_uncertain_messages_and_send_them_again(
    staff_client, administrator, django_capture_on_commit_callbacks
):
    message = queue()
    claimed = handed_over_then_stopped(message)
    services.message_handovers_lapsed_mark(moment=claimed.claimed_until)
    client = staff_client(administrator)
    dashboard = client.get(reverse("staff-dashboard"))
    assert dashboard.context["outbox_uncertain"] == 1
    listed = client.get(reverse("admin:notifications_message_changelist"), {"state__exact": "uncertain"})
    assert listed.status_code == 200 and list(listed.context["cl"].result_list) == [message]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:notifications_message_changelist"),
            {"action": "send_again", "_selected_action": [message.pk]},
            follow=True,
        )
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.state == Message.State.SENT and len(mail.outbox) == 1
