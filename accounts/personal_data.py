"""Accounts' part of a person's data: the account itself. Found by common.data_registry."""

from datetime import datetime

from common.data_registry import when


def personal_data_for(user) -> dict:
    return {
        "full_name": user.full_name,
        "email": user.email,
        "joined": when(user.date_joined),
        "email_confirmed": when(user.email_confirmed_at),
        "last_signed_in": when(user.last_login),
        "teams": list(user.teams.values_list("name", flat=True)),
    }


def personal_data_erase(*, user, moment: datetime) -> dict[str, int]:
    # The account row itself goes last, in accounts.services.account_delete.
    return {}
