"""Writes with rules for accounts: registration, confirmation, roles, retention, own data."""

import logging
from datetime import datetime, timedelta

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from common.data_registry import personal_data_erase, personal_data_gather
from notifications.services import message_queue

from .models import User
from .roles import Role, has_staff_role

logger = logging.getLogger(__name__)
CONFIRMATION_SALT = "accounts.email-confirmation"


@transaction.atomic
def role_assign(*, user: User, role: Role) -> User:
    """Give the user a role; administrators also get the Django administration site."""
    user.groups.add(Group.objects.get(name=role))
    if role == Role.ADMINISTRATOR and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


def confirmation_token_for(user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=CONFIRMATION_SALT)


@transaction.atomic
def participant_register(*, email: str, full_name: str, password: str, moment: datetime) -> User | None:
    """Register a participant, inactive until they confirm their e-mail address.

    Whether the address already has an account is never shown on the page: its owner is
    e-mailed instead, so the form cannot be used to find out who has an account. Nor does the
    time it takes tell: both paths hash the password (the slow part, on purpose) and queue one
    e-mail.
    """
    existing = User.objects.with_email(email).first()
    if existing:
        make_password(password)  # thrown away: only so this path takes as long as a new account
        message_queue(
            recipient=existing.email,
            template="accounts/already_registered",
            context={
                "full_name": existing.full_name,
                "sign_in_url": settings.SITE_URL + reverse("accounts:sign-in"),
                "reset_url": settings.SITE_URL + reverse("accounts:password-reset"),
            },
        )
        return None
    user = User.objects.create_user(
        email=email, password=password, full_name=full_name, is_active=False, date_joined=moment
    )
    role_assign(user=user, role=Role.PARTICIPANT)
    confirm_path = reverse("accounts:confirm-email", kwargs={"token": confirmation_token_for(user)})
    message_queue(
        recipient=user.email,
        template="accounts/confirm_email",
        context={
            "full_name": user.full_name,
            "confirm_url": settings.SITE_URL + confirm_path,
            "days": settings.ACCOUNT_CONFIRMATION_DAYS,
        },
    )
    return user


def password_reset_no_account_notify(*, email: str) -> None:
    """Tell an address with no active account that a password reset was asked for it.

    A reset for a real account queues its link; this queues one e-mail too, so the page takes the
    same time whether or not the address has an account, and the person asking learns why no link
    came. The reset form's own rate limit bounds how often one address can send it.
    """
    message_queue(
        recipient=email,
        template="accounts/password_reset_no_account",
        context={"register_url": settings.SITE_URL + reverse("accounts:register")},
    )


@transaction.atomic
def email_confirm(*, token: str, moment: datetime) -> User:
    """Activate the account a confirmation link names. Raises ValidationError (expired, invalid)."""
    try:
        data = signing.loads(token, salt=CONFIRMATION_SALT, max_age=timedelta(days=settings.ACCOUNT_CONFIRMATION_DAYS))
    except signing.SignatureExpired as exc:
        raise ValidationError(_("This link has expired."), code="expired") from exc
    except signing.BadSignature as exc:
        raise ValidationError(_("This link is not valid."), code="invalid") from exc
    user = User.objects.select_for_update().filter(pk=data["user"], email=data["email"]).first()
    if user is None:
        raise ValidationError(_("This link is not valid."), code="invalid")
    if user.email_confirmed_at is None:
        user.email_confirmed_at = moment
        user.is_active = True
        user.save(update_fields=["email_confirmed_at", "is_active"])
    return user


def unconfirmed_accounts_delete(*, moment: datetime) -> int:
    """Remove registrations never confirmed within twice the link's lifetime; returns how many."""
    cutoff = moment - timedelta(days=2 * settings.ACCOUNT_CONFIRMATION_DAYS)
    deleted, _detail = User.objects.unconfirmed_since(cutoff).delete()
    if deleted:
        logger.info("Deleted %s unconfirmed registrations made before %s", deleted, cutoff)
    return deleted


def audit_entries_delete(*, moment: datetime) -> int:
    """Delete audit log entries older than AUDIT_RETENTION_DAYS; returns how many. Safe to repeat."""
    cutoff = moment - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _detail = LogEntry.objects.filter(timestamp__lt=cutoff).delete()
    if deleted:
        logger.info("Retention: deleted %s audit log entries made before %s", deleted, cutoff)
    return deleted


# --- A person's own data: download and deletion ------------------------------------------------------


def account_data_export(*, user: User, moment: datetime) -> dict:
    """Everything the portal holds about the user (each app's part), as plain data for a JSON download."""
    return {"service": settings.OTP_TOTP_ISSUER, "exported": moment.isoformat(), **personal_data_gather(user)}


@transaction.atomic
def account_delete(*, user: User, password: str, moment: datetime) -> dict:
    """Delete a participant's own account, once they have typed their password again.

    Each app removes what it holds (drafts, subscriptions, contact details) and unlinks what must
    stay (sent responses, which count in summaries and reports). One audit entry records the
    deletion without the address; earlier entries about the account keep what happened and when,
    not the name or address. Refuses (``staff_account``) anyone with a staff role: an administrator
    removes those, so no one's work loses its author unnoticed; and (``wrong_password``) a
    password that does not match. Returns the counts each app reported.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if has_staff_role(user):
        raise ValidationError(_("Ask an administrator to close a staff account."), code="staff_account")
    if not user.check_password(password):
        raise ValidationError(_("The password is not right."), code="wrong_password")
    pk = user.pk
    with disable_auditlog():
        erased = personal_data_erase(user=user, moment=moment)
    LogEntry.objects.log_create(
        user,
        force_log=True,
        action=LogEntry.Action.DELETE,
        actor=user,  # named, so the request's actor (with its address) is not copied in; unlinked below
        actor_email=None,
        timestamp=moment,
        object_repr=f"Deleted account {pk}",
        changes={},
        additional_data={"deleted_by": "the account holder", "erased": erased},
    )
    LogEntry.objects.filter(actor=user).update(actor_email=None)
    for entry in LogEntry.objects.get_for_object(user).exclude(action=LogEntry.Action.DELETE):
        entry.object_repr = f"Deleted account {pk}"
        entry.changes = {field: ["(erased)", "(erased)"] for field in entry.changes_dict}
        entry.save(update_fields=["object_repr", "changes"])
    with disable_auditlog():
        user.delete()
    logger.info("Account %s deleted by its holder", pk)
    return erased
