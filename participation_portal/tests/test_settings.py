"""Production settings: refuse to start without secrets, and pass Django's deployment checks."""

import os
import subprocess
import sys

import pytest

from .conftest import PRODUCTION_KEY, PROJECT


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run manage.py in a clean environment holding only ``env`` (and PATH)."""
    clean = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "participation_portal.settings", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=clean, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_required_variable(missing):
    env = {"SECRET_KEY": PRODUCTION_KEY, "ALLOWED_HOSTS": "participation.example.gov.uk"}
    del env[missing]
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_a_management_command_without_settings_says_what_is_missing():
    result = run_manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 1
    assert "Set the SECRET_KEY environment variable" in result.stderr
    assert "DJANGO_DEBUG=1" in result.stderr
    assert "Models aren't loaded" not in result.stderr


def test_deploy_check_passes_with_only_secret_key_and_allowed_hosts():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=PRODUCTION_KEY,
        ALLOWED_HOSTS="participation.example.gov.uk",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_debug_is_off_unless_asked_for():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG, settings.REQUIRE_STAFF_2FA)",
        SECRET_KEY=PRODUCTION_KEY,
        ALLOWED_HOSTS="example.gov.uk",
    )
    assert result.stdout.split()[-2:] == ["False", "True"], result.stderr


def test_embedded_defaults_need_no_services(settings):
    assert settings.TIME_ZONE == "Europe/London"
    assert settings.LANGUAGE_CODE == "en-gb"
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.EMAIL_BACKEND)",
        DJANGO_DEBUG="1",
    )
    assert result.stdout.split()[-3:] == [
        "django.db.backends.sqlite3",
        "filesystem://",
        "django.core.mail.backends.console.EmailBackend",
    ], result.stderr


def test_database_and_broker_urls_switch_to_postgres_and_redis():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL)",
        DJANGO_DEBUG="1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/portal",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert result.stdout.split()[-2:] == ["django.db.backends.postgresql", "redis://127.0.0.1:6379/0"], result.stderr


def test_production_caches_compiled_templates():
    result = run_manage(
        "shell",
        "-c",
        "from django.template import engines; print(type(engines['django'].engine.template_loaders[0]).__module__)",
        SECRET_KEY=PRODUCTION_KEY,
        ALLOWED_HOSTS="example.gov.uk",
    )
    assert result.stdout.split()[-1] == "django.template.loaders.cached", result.stderr


def test_production_gunicorn_settings_limit_what_a_slow_request_holds():
    import runpy

    config = runpy.run_path(str(PROJECT / "gunicorn.conf.py"))
    assert config["worker_class"] == "gthread" and config["threads"] > 1
    assert config["timeout"] <= 30 and config["graceful_timeout"] <= config["timeout"]
    assert config["max_requests"] and config["max_requests_jitter"]


def test_readme_documents_every_environment_variable_the_settings_read():
    import re

    settings_source = (PROJECT / "participation_portal" / "settings.py").read_text()
    readme = (PROJECT / "README.md").read_text()
    names = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', settings_source))
    names |= set(
        re.findall(r"for required in \(([^)]*)\)", settings_source)[0].replace('"', "").replace(" ", "").split(",")
    ) - {""}
    assert names, "no variables found: the pattern no longer matches settings.py"
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert missing == [], f"README.md does not list {missing}"


def test_a_redis_cache_url_gets_the_cache_that_fails_open():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'], s.RATELIMIT_FAIL_OPEN)",
        DJANGO_DEBUG="1",
        CACHE_URL="redis://127.0.0.1:6379/9",
    )
    assert result.stdout.split()[-2:] == ["common.cache.FailOpenRedisCache", "True"], result.stderr
