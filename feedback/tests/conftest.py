import pytest

from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory


@pytest.fixture
def coder(db, settings):
    settings.REQUIRE_STAFF_2FA = False
    return UserFactory(role=Role.STAFF, teams=[TeamFactory(name="Participation Team")], full_name="Sam Patel")


@pytest.fixture
def manager(db, settings):
    settings.REQUIRE_STAFF_2FA = False
    return UserFactory(role=Role.MANAGER, full_name="Morgan Lee")


@pytest.fixture
def coder_client(client, coder):
    client.force_login(coder)
    return client


@pytest.fixture
def staff(make_user, team):
    return make_user(Role.STAFF, teams=[team])


@pytest.fixture
def other_staff(make_user, other_team):
    return make_user(Role.STAFF, teams=[other_team])
