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
