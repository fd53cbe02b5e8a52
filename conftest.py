import pytest
from django.core.cache import cache, caches

from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from participation_portal.celery import app as celery_app


def pytest_configure(config):
    """Hash test passwords cheaply: the real hasher is slow on purpose and most of a run's time."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_cache_and_eager_tasks(settings):
    """Rate-limit counters must not leak between tests; tasks run in-process unless a test says not."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "drawings": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "drawings"},
        "rights": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rights"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    caches["drawings"].clear()  # ids come round again between tests on SQLite, and so would keys
    caches["rights"].clear()
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager
    cache.clear()


@pytest.fixture
def make_user(db):
    def make(role: Role | None = None, **kwargs):
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def participant(make_user):
    return make_user(Role.PARTICIPANT)


@pytest.fixture
def staff_member(make_user):
    return make_user(Role.STAFF)


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER)


@pytest.fixture
def administrator(make_user):
    return make_user(Role.ADMINISTRATOR)


@pytest.fixture
def team(db):
    return TeamFactory(name="Short Breaks Team", slug="short-breaks-team")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Transport Team", slug="transport-team")


@pytest.fixture
def staff_client(client, settings):
    """``staff_client(user)`` signs the user in with no second factor asked for, and returns the client."""
    settings.REQUIRE_STAFF_2FA = False

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
