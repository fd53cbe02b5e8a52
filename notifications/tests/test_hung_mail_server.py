"""A mail server that accepts the connection and never answers: the worker gives up after
EMAIL_TIMEOUT, the message is retried later, and no transaction is open while it waits."""

import socket
import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from notifications import services
from notifications.models import Message


class SilentMailServer:
    """Accepts one connection on 127.0.0.1 and never says a word; calls ``on_connect`` meanwhile."""

    def __init__(self, on_connect):
        self.on_connect = on_connect
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.connections = []

    def serve(self):
        try:
            client, _address = self.listener.accept()
        except OSError:
            return  # closed before anyone connected
        self.connections.append(client)
        self.on_connect()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.listener.close()
        self.thread.join(timeout=10)
        for client in self.connections:
            client.close()


@pytest.mark.django_db(transaction=True)
def test_a_hung_mail_server_times_out_leaves_the_row_free_and_is_retried_later(settings):
    message = services.message_queue(
        recipient="officer@example.gov.uk",
        template="accounts/confirm_email",
        context={"full_name": "Jo", "confirm_url": "https://portal.example/confirm/abc/", "days": 3},
        due_at=timezone.now() + timedelta(days=1),  # not sent at queue time
    )
    seen_while_sending = {}

    def update_the_row_from_another_connection():
        # Runs while the worker waits for the greeting. Were the worker inside a transaction (or
        # holding the row lock), this would wait or fail: SQLite locks the whole database for a
        # writer, PostgreSQL the row (nowait makes that fail at once rather than hang).
        try:
            with transaction.atomic():
                row = Message.objects.select_for_update(nowait=True).get(pk=message.pk)
                seen_while_sending.update(state=row.state, claimed_until=row.claimed_until)
                Message.objects.filter(pk=message.pk).update(recipient="deputy@example.gov.uk")
        except Exception as exc:  # reported by the assertion below
            seen_while_sending["error"] = repr(exc)
        finally:
            connection.close()

    with SilentMailServer(update_the_row_from_another_connection) as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 1
        result = services.message_send(message_id=message.pk, moment=message.due_at)

    result.refresh_from_db()
    assert "error" not in seen_while_sending, seen_while_sending["error"]
    assert seen_while_sending["state"] == Message.State.SENDING  # the claim was committed first
    assert seen_while_sending["claimed_until"] is not None
    assert result.state == Message.State.PENDING, result.last_error
    assert result.attempts == 1 and result.claimed_until is None
    assert result.due_at == message.due_at + services.retry_delay(1)
    assert "timed out" in result.last_error
    assert result.recipient == "deputy@example.gov.uk"  # the other connection's write stood
