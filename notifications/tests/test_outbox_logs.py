"""A mail server's refusal quotes the recipient's address; the log line says only what happened."""

import logging

import pytest
from django.utils import timezone

from common.tests.smtp_server import ScriptedMailServer
from notifications import services
from notifications.models import Message

RECIPIENT = "jo.refused@example.com"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "replies",
    [
        {"RCPT": f"550 5.1.1 <{RECIPIENT}>: Recipient address rejected"},
        {"MAIL": f"421 4.7.0 Try again later, {RECIPIENT}"},
    ],
    ids=["refused recipient", "server busy"],
)
def test_a_failed_send_is_logged_without_the_recipient_s_address(settings, caplog, replies):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    caplog.set_level(logging.DEBUG)
    message = services.message_queue(
        recipient=RECIPIENT,
        template="accounts/password_reset_no_account",
        context={"register_url": "https://portal.example/account/register/"},
        due_at=timezone.now(),
    )
    with ScriptedMailServer(replies) as server:
        settings.EMAIL_PORT = server.port
        result = services.message_send(message_id=message.pk, moment=timezone.now())
    assert result.state in (Message.State.FAILED, Message.State.PENDING)
    assert RECIPIENT in result.last_error  # the row keeps the server's words for whoever fixes it
    outbox_lines = [record for record in caplog.records if record.name == "notifications.services"]
    assert outbox_lines and "Outbox message" in outbox_lines[0].getMessage()
    assert RECIPIENT not in caplog.text
