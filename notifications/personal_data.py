"""The outbox's part of a person's data: e-mails to their address. Found by common.data_registry."""

from datetime import datetime

from common.data_registry import when

from .models import Message

# A person's e-mails in the download, newest first; the outbox keeps them OUTBOX_RETENTION_DAYS.
DOWNLOAD_LIMIT = 500


def _to(user):
    return Message.objects.filter(recipient__iexact=user.email)


def personal_data_for(user) -> dict:
    # Which e-mails and when, never their content: it can hold links that still work (a return link).
    return {
        "emails": [
            {
                "kind": message.template,
                "state": message.get_state_display(),
                "queued": when(message.created_at),
                "sent": when(message.sent_at),
            }
            for message in _to(user).order_by("-created_at", "-pk")[:DOWNLOAD_LIMIT]
        ]
    }


def personal_data_erase(*, user, moment: datetime) -> dict[str, int]:
    """Forget the e-mails to the address, except one a worker is sending now (retention removes it)."""
    deleted, _detail = _to(user).exclude(state=Message.State.SENDING).delete()
    return {"emails": deleted}
