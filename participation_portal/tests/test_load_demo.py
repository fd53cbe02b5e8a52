import pytest
from django.core.management import CommandError, call_command

from accounts.demo import DEMO_USERS
from accounts.models import Team, User
from accounts.roles import roles_of


@pytest.mark.django_db
def test_demo_data_loads_twice_without_duplicates(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the demo's printed letters
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    counts = (User.objects.count(), Team.objects.count())
    call_command("load_demo", verbosity=0)
    assert (User.objects.count(), Team.objects.count()) == counts
    for demo in DEMO_USERS:
        user = User.objects.get(email=demo.email)
        assert user.check_password(demo.password)
        assert roles_of(user) == {demo.role}


@pytest.mark.django_db
def test_demo_data_is_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("load_demo", verbosity=0)
    assert not User.objects.exists()


def test_readme_lists_every_demo_sign_in():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for demo in DEMO_USERS:
        assert demo.email in readme and demo.password in readme


def test_each_app_brings_its_own_demo_data_accounts_first():
    from participation_portal.management.commands.load_demo import demo_loaders

    modules = [loader.__module__ for loader in demo_loaders()]
    assert modules[0] == "accounts.demo"
    assert "consultations.demo" in modules
