"""The audit log of personal data: what is recorded, and how it is kept from holding addresses.

django-auditlog records every change to a registered model, with the actor the request names
(AuditlogMiddleware). Each app registers its own models holding personal data in its
``AppConfig.ready``; administrators read the log in the administration site, and nobody else can.
"""

from auditlog.registry import auditlog

# Never worth recording, and a password hash must never leave the user table.
NOT_AUDITED = ["password", "last_login"]


def address_mask(value: str) -> str:
    """What the log keeps of a masked field (an e-mail address): that it changed, not what it was."""
    return "(masked)" if value else ""


def accounts_register() -> None:
    from .models import User

    auditlog.register(User, exclude_fields=NOT_AUDITED, mask_fields=["email"])
