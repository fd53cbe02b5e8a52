import pytest

from accounts.roles import Role


@pytest.fixture
def staff(make_user, team):
    return make_user(Role.STAFF, teams=[team])


@pytest.fixture
def other_staff(make_user, other_team):
    return make_user(Role.STAFF, teams=[other_team])
