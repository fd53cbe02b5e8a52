"""Writes with rules for accounts: registration, confirmation, roles, retention."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.services import message_queue

from .models import User
from .roles import Role

logger = logging.getLogger(__name__)
CONFIRMATION_SALT = "accounts.email-confirmation"


@transaction.atomic
def role_assign(*, user: User, role: Role) -> User:
    """Give the user a role; administrators also get the Django administration site."""
    user.groups.add(Group.objects.get(name=role))
    if role == Role.ADMINISTRATOR and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_portal_roles", None)
    return user


def confirmation_token_for(user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=CONFIRMATION_SALT)


@transaction.atomic
def participant_register(*, email: str, full_name: str, password: str, moment: datetime) -> User | None:
    """Register a participant, inactive until they confirm their e-mail address.

    Whether the address already has an account is never shown on the page: its owner is
    e-mailed instead, so the form cannot be used to find out who has an account.
    """
    existing = User.objects.with_email(email).first()
    if existing:
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
