"""The production path, for real: the README's release steps with DJANGO_DEBUG off, then gunicorn
serving pages and static files through whitenoise.

Each step runs as its own process, as a deployment runs it, so a step that breaks fails here. The
database is a temporary SQLite file, or, when DATABASE_URL names PostgreSQL (CI), a database of its
own next to it, made and dropped here, never the test database.
"""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import environ
import pytest

from .conftest import PRODUCTION_KEY, PROJECT

HASHED_CSS = re.compile(r"/static/css/application\.[0-9a-f]{12}\.css")

# What the portal's own demo-free data needs to show a consultation: a team, a staff member, and a
# published consultation with a question, made through the services as staff would make them.
CREATE_CONSULTATION = """
from datetime import timedelta
from django.utils import timezone
from accounts.models import Team, User
from accounts.roles import Role
from consultations.models import Consultation, Question, ServiceArea
from consultations.services import consultation_publish, consultation_save, question_save
from django.contrib.auth.models import Group

now = timezone.now()
team = Team.objects.create(name="Short Breaks Team", slug="short-breaks-team")
staff = User.objects.create_user(email="staff@example.gov.uk", full_name="Sam Staff")
staff.groups.add(Group.objects.get(name=Role.STAFF))
staff.teams.add(team)
staff = User.objects.get(pk=staff.pk)
consultation = consultation_save(
    consultation=Consultation(
        title="Short breaks for disabled children",
        summary="We want to hear what short breaks work for your family.",
        proposal="We propose more weekend and holiday short breaks.",
        for_parent_carers=True,
        service_area=ServiceArea.objects.order_by("pk").first(),
        team=team,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
    ),
    user=staff,
)
question_save(question=Question(consultation=consultation, kind="long_text", text="What would help most?"), user=staff)
consultation_publish(consultation=consultation, moment=now, user=staff)
print(consultation.slug)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def production_database(tmp_path):
    """A database URL for the deployment: its own PostgreSQL database in CI, else an SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'production.sqlite3'}"
        return
    import psycopg2

    config = environ.Env.db_url_config(url)
    name = f"{config['NAME']}_production_path"
    server = {"host": config["HOST"], "port": config["PORT"] or 5432, "user": config["USER"]}
    server["password"] = config["PASSWORD"]

    def administer(statement: str) -> None:
        connection = psycopg2.connect(dbname="postgres", **server)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    administer(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    administer(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(url)._replace(path=f"/{name}").geturl()
    finally:
        administer(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def production_env(tmp_path, production_database):
    """Only what production is given: no DJANGO_DEBUG, real secrets, paths of its own."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "SECRET_KEY": PRODUCTION_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": production_database,
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "CACHE_URL": f"filecache://{tmp_path / 'cache'}",
        # Nothing here queues work; the embedded queue folder belongs to `make run`.
        "CELERY_BROKER_URL": "memory://",
        # As behind the TLS-terminating proxy production runs behind.
        "BEHIND_TLS_PROXY": "1",
        "LOG_LEVEL": "WARNING",
    }


def deploy_step(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture
def gunicorn(production_env, tmp_path):
    """Start gunicorn as the README says, wait until it answers, and always stop it."""
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "participation_portal.wsgi"]
        + ["--workers", "2", "--bind", f"127.0.0.1:{port}", "--graceful-timeout", "5"],
        cwd=PROJECT,
        env=production_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            assert server.poll() is None, f"gunicorn exited:\n{Path(log.name).read_text()}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, f"gunicorn did not listen:\n{Path(log.name).read_text()}"
                time.sleep(0.2)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def get(port: int, path: str, **headers: str) -> tuple[http.client.HTTPResponse, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"X-Forwarded-Proto": "https", **headers})
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


@pytest.fixture
def deployed(production_env):
    """The release steps of the README, in order, with production's settings."""
    deploy_step(production_env, "check", "--deploy", "--fail-level", "WARNING")
    deploy_step(production_env, "migrate", "--noinput")
    deploy_step(production_env, "collectstatic", "--noinput")
    assert (Path(production_env["STATIC_ROOT"]) / "staticfiles.json").exists()
    slug = deploy_step(production_env, "shell", "-c", CREATE_CONSULTATION).split()[-1]
    return slug


def test_released_as_the_readme_says_the_portal_serves_pages_and_static_files(deployed, gunicorn):
    slug, port = deployed, gunicorn

    home, body = get(port, "/")
    assert home.status == 200, body[:2000]
    assert home.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains; preload"
    assert home.getheader("X-Content-Type-Options") == "nosniff"
    assert home.getheader("X-Frame-Options") == "DENY"
    assert home.getheader("Referrer-Policy") == "strict-origin-when-cross-origin"
    assert home.getheader("Cross-Origin-Opener-Policy") == "same-origin"
    assert "camera=()" in home.getheader("Permissions-Policy")
    csp = home.getheader("Content-Security-Policy") or ""
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"):
        assert directive in csp, csp

    page, body = get(port, f"/consultations/{slug}/")
    assert page.status == 200, body[:2000]
    assert b"Short breaks for disabled children" in body
    assert page.getheader("Content-Security-Policy")

    # Pages name the stylesheet by its content hash, so it may be cached for good.
    stylesheet = HASHED_CSS.search(body.decode())
    assert stylesheet, "no hashed stylesheet link on the consultation page"
    static, css = get(port, stylesheet.group(), **{"Accept-Encoding": "gzip"})
    assert static.status == 200
    assert static.getheader("Content-Type").startswith("text/css")
    assert static.getheader("Cache-Control") == "max-age=315360000, public, immutable"
    assert static.getheader("Content-Encoding") == "gzip"  # compressed at collectstatic
    assert static.getheader("X-Content-Type-Options") == "nosniff"
    assert "camera=()" in static.getheader("Permissions-Policy")

    # Plain HTTP, not through the proxy, is sent to HTTPS.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/")
    redirect = connection.getresponse()
    connection.close()
    assert redirect.status == 301
    assert redirect.getheader("Location") == f"https://127.0.0.1:{port}/"
