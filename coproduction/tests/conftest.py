from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.roles import Role

from .factories import ParticipationGroupFactory, SessionFactory


@pytest.fixture
def staff(make_user, team):
    return make_user(Role.STAFF, teams=[team])


@pytest.fixture
def other_staff(make_user, other_team):
    return make_user(Role.STAFF, teams=[other_team])


@pytest.fixture
def group(team):
    return ParticipationGroupFactory(team=team, name="Short breaks forum")


@pytest.fixture
def held(group):
    """A session of the team's group that took place yesterday."""
    return SessionFactory(group=group, starts_at=timezone.now() - timedelta(days=1))


def codes(error: ValidationError) -> set[str]:
    """Every code in a ValidationError, whether it names fields or not."""
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}
