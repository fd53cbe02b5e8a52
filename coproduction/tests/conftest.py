import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role

from .factories import ParticipationGroupFactory


@pytest.fixture
def staff(make_user, team):
    return make_user(Role.STAFF, teams=[team])


@pytest.fixture
def other_staff(make_user, other_team):
    return make_user(Role.STAFF, teams=[other_team])


@pytest.fixture
def group(team):
    return ParticipationGroupFactory(team=team, name="Short breaks forum")


def codes(error: ValidationError) -> set[str]:
    """Every code in a ValidationError, whether it names fields or not."""
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}
