"""Speed under load: the portal served by gunicorn in production settings, each page measured with wrk
against two floors measured in the same run (a bare Django view, and the base layout with one
paragraph and no query).

    .venv/bin/python bench/http.py [--sizes 10,10000] [--duration 5] [--repeat 3] [--quick] [--abuse]

It builds its own data in BENCH_DATABASE_URL (PostgreSQL expected; by default
postgres://postgres@127.0.0.1:5432/participation_portal_bench, created if missing) and refuses a
database that holds anything but benchmarks' data. For each size it grows the consultations (a tenth
open, a tenth upcoming, the rest closed, a tenth of those with "You said, we did"; the staff pages'
consultations have --responses responses, and a co-production session as many invitees), restarts
gunicorn (production's gunicorn.conf.py with 2 worker processes), runs every page for --duration
seconds at each connection count, pages interleaved and each --repeat times so the spread shows,
then times whole response submissions from 1 and 5 concurrent clients. It prints, per page and size,
requests a second, p50 and p99, ratios to both floors and the min-max of the runs, then whether
every public page reaches half the template floor at every size. It reports; it never fails a build.
Figures compare only within one run.

Every request comes on a connection of its own, as nginx sends them to gunicorn with the README's
settings (no keep-alive to the upstream), so each is served by whichever worker is free. On kept-alive
connections wrk's ten could all be taken by one worker, leaving the other core idle and halving that
run. A person's pages may therefore reach both workers, so the workers share one cache (sessions are
read through it), as in production: a file cache in the run's folder, or BENCH_CACHE_URL.

With --abuse it ends by serving with the real per-address limits and bursting "Start now" posts and
made-up letter codes from one address while wrk measures other visitors' pages, and prints the share
refused with 429, the 429's latency, and the visitors' throughput during the burst over without it.

Needs wrk (Debian: apt-get install -y wrk) and the development requirements (the test factories).
"""

import argparse
import functools
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

# This file shares its name with the standard library's http package: take its folder off the path so
# that `import http.client`, here and inside Django, finds the real one.
BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH_DIR]
sys.path.insert(0, str(ROOT))

import http.client  # noqa: E402
from http.cookies import SimpleCookie  # noqa: E402

from bench.database import database_claim, database_create_if_missing  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/participation_portal_bench"
OWNER_TABLE = "bench_http_owner"  # marks a database as this benchmark's own, to be emptied at will
WORKERS = 2
SLOW_PAGE_SECONDS = 20  # a run long enough to count a page that answers less than once a second
PUBLIC_HALF_FLOOR = 0.5  # issue 7: every public page at least half the template floor's throughput
# Every simulated person comes from 127.0.0.1: the per-address limits would measure the 429 page,
# not the portal. The abuse section (--abuse) serves with the real limits again.
RELAXED_LIMITS = {
    "RESPONSE_START_RATE": "1000000/h",
    "RESPONSE_PAGE_RATE": "1000000/h",
    "ANONYMOUS_FORM_RATE": "1000000/h",
    "COPRODUCTION_RSVP_RATE": "1000000/h",
}

# wrk's own summary is for people; this prints what the table needs on one line.
WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%.0f p99_us=%.0f status=%d timeout=%d connect=%d read=%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.status, errors.timeout, errors.connect, errors.read))
end
"""


# --- Measuring -----------------------------------------------------------------------------------------


@dataclass
class Run:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int  # answers other than 2xx/3xx, and timeouts
    requests: int = 0  # completed in the run; none means the page is slower than the run is long
    seconds: float = 0.0


@dataclass
class Figure:
    """A page's runs at one size: medians, and the spread of throughput."""

    runs: list[Run]

    @property
    def requests_per_second(self) -> float:
        return statistics.median(run.requests_per_second for run in self.runs)

    @property
    def p50_ms(self) -> float:
        return statistics.median(run.p50_ms for run in self.runs)

    @property
    def p99_ms(self) -> float:
        return statistics.median(run.p99_ms for run in self.runs)

    @property
    def spread(self) -> tuple[float, float]:
        rates = [run.requests_per_second for run in self.runs]
        return min(rates), max(rates)

    @property
    def errors(self) -> int:
        return sum(run.errors for run in self.runs)

    @property
    def unmeasured(self) -> bool:
        """No request finished in most runs: the page is slower than a run is long."""
        return statistics.median(run.requests for run in self.runs) == 0 and self.runs[0].seconds > 0


def wrk_parse(output: str) -> Run:
    """The line WRK_REPORT prints, as a Run."""
    match = re.search(r"^BENCH (.+)$", output, re.MULTILINE)
    if not match:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    values = {key: float(value) for key, value in (item.split("=") for item in match.group(1).split())}
    seconds = values["duration_us"] / 1_000_000
    return Run(
        requests_per_second=values["requests"] / seconds if seconds else 0.0,
        p50_ms=values["p50_us"] / 1000,
        p99_ms=values["p99_us"] / 1000,
        errors=int(values["status"] + values["timeout"]),
        requests=int(values["requests"]),
        seconds=seconds,
    )


def wrk_run(url: str, *, connections: int, duration: float, script: Path, cookie: str = "") -> Run:
    command = [
        "wrk",
        f"--threads={min(2, connections)}",
        f"--connections={connections}",
        f"--duration={max(1, round(duration))}s",
        "--timeout=30s",
        "--latency",
        f"--script={script}",
    ]
    command += ["--header", "Connection: close"]  # each request on its own connection (the module's note)
    if cookie:
        command += ["--header", f"Cookie: {cookie}"]
    finished = subprocess.run([*command, url], capture_output=True, text=True, check=True)  # noqa: S603
    return wrk_parse(finished.stdout)


class Visitor:
    """One browser: its own cookies, following nothing by itself. Each request goes on a new
    connection, as through nginx (the module's note)."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.requests = 0

    def send(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        headers = {
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
            "Connection": "close",
        }
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(3):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                answer = self.connection.getresponse()
                text = answer.read().decode()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The worker that took the connection was being replaced (gunicorn's max_requests):
                # send it again on a new connection, as a browser does.
                self.connection.close()
                if attempt == 2:
                    raise
                time.sleep(0.1)
        self.requests += 1
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return answer.status, answer.getheader("Location", ""), text

    def get(self, path: str, *, expect: int = 200) -> tuple[str, str]:
        status, location, text = self.send("GET", path)
        if status != expect:
            raise RuntimeError(f"GET {path} answered {status}, not {expect}: {text[:300]}")
        return location, text

    def post(self, path: str, page: str, form: dict) -> str:
        """Post a form from `page` (the HTML it came in, for its CSRF token); the redirect's address."""
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not token:
            raise RuntimeError(f"{path} has no CSRF token in its form")
        status, location, text = self.send("POST", path, {"csrfmiddlewaretoken": token.group(1), **form})
        if status != 302:
            summary = re.search(r"govuk-error-summary.{0,600}", text, re.DOTALL)
            raise RuntimeError(f"POST {path} answered {status}: {summary.group(0) if summary else text[:300]}")
        return location


@dataclass
class ResponsePlan:
    """What a person does to respond: the start page, each question page's answers, "about you"."""

    start: str
    pages: dict[str, dict]  # question page path -> posted answers
    about_you: dict


def respond_once(visitor: Visitor, plan: ResponsePlan) -> None:
    """A whole response: start, each question page, about you, check answers, send (13 requests for
    three question pages). Raises unless it ends on the confirmation page."""
    visitor.cookies.clear()
    _, page = visitor.get(plan.start)
    location = visitor.post(plan.start, page, {})
    while location.split("?")[0] in plan.pages:
        path = location
        _, page = visitor.get(path)
        location = visitor.post(path, page, plan.pages[path])
    _, page = visitor.get(location)  # about you
    location = visitor.post(location, page, plan.about_you)
    _, page = visitor.get(location)  # check your answers
    location = visitor.post(location, page, {})
    if "/respond/done/" not in location:
        raise RuntimeError(f"sending the response led to {location}, not its confirmation")
    visitor.get(location)


def submissions_run(*, port: int, plan: ResponsePlan, clients: int, duration: float) -> tuple[float, int]:
    """Whole responses a second from `clients` people responding at once for `duration` seconds, and the
    requests one response took."""
    deadline = time.monotonic() + duration
    rates: list[float] = []
    requests: list[int] = []
    failures: list[Exception] = []

    def client():
        # Each client's own rate, over the time it took for the responses it finished (the last one
        # ends after the deadline): summed, they do not undercount when a response is slow.
        visitor = Visitor(port)
        count, start = 0, time.monotonic()
        try:
            while time.monotonic() < deadline:
                before = visitor.requests
                respond_once(visitor, plan)
                requests.append(visitor.requests - before)
                count += 1
        except Exception as error:  # reported after the run, with the others
            failures.append(error)
        rates.append(count / (time.monotonic() - start))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"a response failed: {failures[0]}")
    return sum(rates), max(requests, default=0)


def server_settle(port: int, *, limit: float = 30.0) -> None:
    """Wait until the workers have finished the requests wrk abandoned at the end of a run, so they do
    not slow the next page: two quick answers in a row from the bare view mean both workers are free."""
    deadline = time.monotonic() + limit
    quick = 0
    while quick < WORKERS and time.monotonic() < deadline:
        started = time.monotonic()
        try:
            Visitor(port).get("/bench/bare/")
        except ConnectionError:  # a worker replaced after its max_requests closed the connection
            quick = 0
            continue
        quick = quick + 1 if time.monotonic() - started < 0.1 else 0


# --- Serving ---------------------------------------------------------------------------------------------


def port_free() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serving_environment(database_url: str, folder: Path) -> dict[str, str]:
    """Production settings as the README's deployment sets them, on the benchmark's database."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_DEBUG"}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        SECRET_KEY="bench-" + "x" * 60,  # a throwaway key: the benchmark's sessions matter to nobody
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",  # plain HTTP on the loopback, as behind a proxy that ends TLS
        REQUIRE_STAFF_2FA="0",  # staff pages through a session cookie, without an authenticator
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        # One cache both workers share, as production's Redis: a person's next page may reach the
        # other worker, which must read the same session. BENCH_CACHE_URL names a Redis database only
        # the benchmark uses (it is emptied), to measure with the cache production has.
        CACHE_URL=os.environ.get("BENCH_CACHE_URL") or f"filecache://{folder / 'cache'}",
        CELERY_BROKER_URL="memory://",  # nothing the measured pages queue is sent anywhere
        LOG_LEVEL="WARNING",
        **RELAXED_LIMITS,
    )
    return env


def abuse_environment(env: dict[str, str], folder: Path) -> dict[str, str]:
    """The serving environment with the real per-address limits (the portal's defaults, or as set in
    the environment), behind one proxy so each client is named by X-Forwarded-For as nginx would, and
    a cache every worker shares so they count against the same limits, as Redis does in production."""
    real = {key: value for key, value in env.items() if key not in RELAXED_LIMITS}
    real |= {key: os.environ[key] for key in RELAXED_LIMITS if key in os.environ}
    return real | {
        "PROXY_COUNT": "1",
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL") or f"filecache://{folder / 'abuse-cache'}",
    }


def static_collect(env: dict[str, str]) -> None:
    """collectstatic into the run's own STATIC_ROOT, as a release does."""
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"]
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)  # noqa: S603


class Server:
    """gunicorn serving the portal with the benchmark's settings, as production runs it."""

    def __init__(self, env: dict[str, str], folder: Path):
        self.env, self.log = env, folder / "gunicorn.log"
        self.port = port_free()
        self.process = None

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config=gunicorn.conf.py",  # production's own (threads, timeouts), with the workers below
            "participation_portal.wsgi",
            f"--workers={WORKERS}",
            f"--bind=127.0.0.1:{self.port}",
            "--timeout=30",
        ]
        with self.log.open("a") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log)  # noqa: S603
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                Visitor(self.port).get("/bench/bare/")
                return
            except (OSError, RuntimeError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start:\n" + "\n".join(self.log.read_text().splitlines()[-30:]))

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


# --- The benchmark's database and data -------------------------------------------------------------------


TOPICS = [
    "Short breaks review",
    "Home to school transport",
    "Local Offer website",
    "Preparing for adulthood",
    "Speech and language therapy",
    "Inclusion in mainstream schools",
]


@dataclass
class Targets:
    """The named consultations the pages look at, and the staff member who signs in."""

    staff_cookie: str
    consultation_slug: str
    said_did_slug: str
    responses: dict[int, int]  # number of responses -> consultation id
    plan: ResponsePlan
    sessions: dict[int, int]  # number of invitees -> co-production session id
    rsvp_path: str  # an invitee's reply page, in the session with the most invitees
    code_cookie: str  # a session in which a family's letter code was accepted (its form opens)
    child_code_cookie: str  # the same for a young person's code (their own form)


@dataclass
class Made:
    """How many consultations of each kind exist, so the next size only adds the difference."""

    open: int = 0
    upcoming: int = 0
    closed: int = 0
    said_did: int = 0
    counter: int = 0  # consultations built so far, for unique titles and addresses

    @property
    def total(self) -> int:
        return self.open + self.upcoming + self.closed


def data_base(*, response_counts: list[int]) -> tuple[Targets, Made]:
    """The team, staff member, service areas, the consultation people respond to, one "You said, we did",
    and one closed consultation per response count with that many answered responses."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from accounts.roles import Role
    from accounts.tests.factories import TeamFactory, UserFactory
    from consultations.models import QuestionKind
    from consultations.tests.factories import (
        ConsultationFactory,
        OutcomeItemFactory,
        QuestionFactory,
        ServiceAreaFactory,
        bulk_answers,
        bulk_responses,
    )

    team = TeamFactory(name="Bench team", slug="bench-team")
    area = ServiceAreaFactory(name="Education", slug="education")
    staff = UserFactory(role=Role.STAFF, teams=[team])
    shared = {"team": team, "service_area": area}

    respond_to = ConsultationFactory(
        slug="bench-open", title="Home to school transport", for_young_people=True, anonymous_allowed=True, **shared
    )
    kinds = [
        (1, QuestionKind.SINGLE_CHOICE, True),
        (1, QuestionKind.AGREEMENT, True),
        (2, QuestionKind.MULTIPLE_CHOICE, False),
        (2, QuestionKind.YES_NO, False),
        (3, QuestionKind.LONG_TEXT, False),
        (3, QuestionKind.SHORT_TEXT, False),
    ]
    answers = {
        QuestionKind.SINGLE_CHOICE: "Weekends",
        QuestionKind.AGREEMENT: "Agree",
        QuestionKind.MULTIPLE_CHOICE: ["Weekends", "Holidays"],
        QuestionKind.YES_NO: "Yes",
        QuestionKind.LONG_TEXT: "The bus is often late, and nobody tells us. " * 5,
        QuestionKind.SHORT_TEXT: "Wheelchair access",
    }
    pages: dict[str, dict] = {}
    for position, (page, kind, required) in enumerate(kinds):
        question = QuestionFactory(consultation=respond_to, page=page, position=position, kind=kind, required=required)
        path = reverse("consultations:respond-page", kwargs={"slug": respond_to.slug, "page": page})
        pages.setdefault(path, {})[f"question_{question.pk}"] = answers[kind]

    said_did = ConsultationFactory(
        closed=True,
        slug="bench-you-said-we-did",
        title="Short breaks review",
        outcomes_published_at=timezone.now(),
        outcomes_summary="We changed how short breaks are booked.",
        **shared,
    )
    OutcomeItemFactory.create_batch(4, consultation=said_did)
    OutcomeItemFactory(consultation=said_did, changed=False, we_did="", why_not="The budget is set nationally.")

    with_responses = {}
    start = 0
    for count in response_counts:
        target = ConsultationFactory(closed=True, slug=f"bench-responses-{count}", **shared)
        choice, text, multiple = (
            QuestionFactory(consultation=target, kind=kind)
            for kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.LONG_TEXT, QuestionKind.MULTIPLE_CHOICE)
        )
        made = bulk_responses(target, count, start=start)
        bulk_answers(made, choice_question=choice, text_question=text, multiple_question=multiple)
        with_responses[count] = target.pk
        start += count

    sessions, rsvp_path = coproduction_data(team=team, invitee_counts=response_counts)
    code_cookie, child_code_cookie = feedback_code_sessions(team=team)
    client = Client()
    client.force_login(staff)
    targets = Targets(
        staff_cookie=f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}",
        consultation_slug=respond_to.slug,
        said_did_slug=said_did.slug,
        responses=with_responses,
        plan=ResponsePlan(
            start=reverse("consultations:respond", kwargs={"slug": respond_to.slug}),
            pages=pages,
            about_you={"respondent_type": "parent_carer", "consent_to_quote": "no"},
        ),
        sessions=sessions,
        rsvp_path=rsvp_path,
        code_cookie=code_cookie,
        child_code_cookie=child_code_cookie,
    )
    return targets, Made(open=1, closed=1 + len(response_counts), said_did=1)


def coproduction_data(*, team, invitee_counts: list[int]) -> tuple[dict[int, int], str]:
    """One upcoming session per count, with that many members invited, a quarter of them each saying
    yes (some needing an interpreter), maybe, no, or nothing yet; and the reply link of one of the
    largest session's invitees."""
    from datetime import date

    from django.urls import reverse
    from django.utils import timezone

    from coproduction import services
    from coproduction.models import Arrangement, Invitation, Membership, Participant, Reply
    from coproduction.tests.factories import ParticipationGroupFactory, SessionFactory

    now = timezone.now()
    sessions, start = {}, 0
    for count in invitee_counts:
        group = ParticipationGroupFactory(team=team, name=f"Bench forum of {count}")
        session = SessionFactory(
            group=group,
            title=f"Bench session with {count} invited",
            starts_at=now + timedelta(days=30),
            capacity=min(count // 2, 150),  # a large room; whether it is full reads no more than this
            arrangements=[Arrangement.BSL, Arrangement.STEP_FREE],
        )
        people = Participant.objects.bulk_create(
            Participant(
                full_name=f"Bench person {start + n}",
                role="parent_carer",
                email=f"bench{start + n}@example.com",
                team=team,
                contact_consent=True,
                contact_consented_on=date(2026, 1, 5),
            )
            for n in range(count)
        )
        start += count
        Membership.objects.bulk_create(
            Membership(group=group, participant=person, role="member", starts_on=date(2020, 1, 1)) for person in people
        )
        Invitation.objects.bulk_create(
            Invitation(
                session=session,
                participant=person,
                invited_at=now,
                reply=[Reply.YES, Reply.MAYBE, Reply.NO, ""][n % 4],
                replied_at=now if n % 4 != 3 else None,
                arrangements=[Arrangement.BSL] if n % 8 == 0 else [],
            )
            for n, person in enumerate(people)
        )
        sessions[count] = session.pk
    invitation = Invitation.objects.filter(session_id=sessions[max(invitee_counts)], reply="").first()
    token = services.rsvp_token_for(invitation)
    return sessions, reverse("coproduction:rsvp", kwargs={"rsvp_token": token})


def feedback_code_sessions(*, team) -> tuple[str, str]:
    """A closed case with a letter code for the family and one for the young person, each typed into the
    code page as a visitor does: the session cookies in which the two forms open."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from feedback import services
    from feedback.tests.factories import ClosedCaseFactory

    case = ClosedCaseFactory(team=team, reference="CMS-BENCH-1", child_age_band="11_15")
    codes = {code.for_child: code for code in services.case_codes_issue(case=case, moment=timezone.now())}
    cookies = []
    for for_child, form in ((False, "feedback:form"), (True, "feedback:child-form")):
        client = Client(HTTP_HOST="127.0.0.1")
        answer = client.post(reverse("feedback:code"), {"code": codes[for_child].code})
        if answer.status_code != 302 or answer.url != reverse(form):
            raise RuntimeError(f"The letter code did not open {form}: {answer.status_code} {answer.content[:300]}")
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    return cookies[0], cookies[1]


def data_grow(made: Made, size: int) -> None:
    """Add consultations until there are `size`: a tenth open, a tenth upcoming, the rest closed over
    the years, a tenth of the closed ones with "You said, we did"; bulk inserts."""
    from django.utils import timezone

    from accounts.models import Team
    from consultations.models import Consultation, OutcomeItem
    from consultations.tests.factories import ConsultationFactory, OutcomeItemFactory, ServiceAreaFactory

    now = timezone.now()
    team = Team.objects.get(slug="bench-team")
    areas = [ServiceAreaFactory(name=name, slug=slug) for name, slug in SERVICE_AREAS]
    want_open = want_upcoming = max(1, size // 10)
    want_closed = max(0, size - want_open - want_upcoming)
    consultations = []

    def build(**fields):
        made.counter += 1
        number = made.counter
        consultation = ConsultationFactory.build(
            title=f"{TOPICS[number % len(TOPICS)]} {number}",
            slug=f"bench-{number}",
            team=team,
            service_area=areas[number % len(areas)],
            for_young_people=number % 3 == 0,
            for_professionals=number % 4 == 0,
            **fields,
        )
        consultations.append(consultation)

    for _ in range(want_open - made.open):
        days = made.counter % 60
        build(opens_at=now - timedelta(days=1 + days), closes_at=now + timedelta(days=1 + days % 45))
    for _ in range(want_upcoming - made.upcoming):
        opens = now + timedelta(days=1 + made.counter % 90)
        build(opens_at=opens, closes_at=opens + timedelta(days=42), published_at=now - timedelta(days=1))
    said_did = []
    new_closed = want_closed - made.closed
    want_said_did = max(1, want_closed // 10)
    for number in range(new_closed):
        closes = now - timedelta(hours=6 * (made.closed + number + 1))
        fields = {
            "opens_at": closes - timedelta(days=42),
            "closes_at": closes,
            "published_at": closes - timedelta(days=43),
        }
        if made.said_did + len(said_did) < want_said_did:
            fields |= {"outcomes_published_at": min(now, closes + timedelta(days=30)), "outcomes_summary": "Done."}
        build(**fields)
        if "outcomes_published_at" in fields:
            said_did.append(consultations[-1])
    Consultation.objects.bulk_create(consultations, batch_size=1000)
    OutcomeItem.objects.bulk_create(
        [item for c in said_did for item in OutcomeItemFactory.build_batch(2, consultation=c)], batch_size=1000
    )
    made.open, made.upcoming = max(made.open, want_open), max(made.upcoming, want_upcoming)
    made.closed += max(0, new_closed)
    made.said_did += len(said_did)


SERVICE_AREAS = [("Education", "education"), ("Health", "health"), ("Social care", "social-care")]


# --- Pages -------------------------------------------------------------------------------------------------


@dataclass
class Page:
    key: str
    label: str
    path: str
    public: bool = True  # counts towards the half-the-floor verdict
    cookie: str = ""  # the session it is read in ("name=value"): a staff member's, or a letter code's


def pages_for(targets: Targets) -> list[Page]:
    slug, staff = targets.consultation_slug, targets.staff_cookie
    family, child = targets.code_cookie, targets.child_code_cookie
    pages = [
        Page("bare", "bare Django view", "/bench/bare/", public=False),
        Page("floor", "template floor", "/bench/floor/", public=False),
        Page("home", "home", "/"),
        Page("hub", "consultation hub", "/consultations/"),
        Page("hub-filtered", "hub, audience and search", "/consultations/?audience=young_people&q=transport"),
        Page("consultation", "a consultation page", f"/consultations/{slug}/"),
        Page("said-did-list", '"You said, we did" list', "/you-said-we-did/"),
        Page("said-did", '"You said, we did" item', f"/consultations/{targets.said_did_slug}/you-said-we-did/"),
        Page("respond-start", "respond start", f"/consultations/{slug}/respond/"),
        Page("rsvp", "reply to a session invitation", targets.rsvp_path),
        Page("feedback-code", "feedback: enter your letter's code", "/feedback/"),
        Page("feedback-form", "feedback: the family's form", "/feedback/your-feedback/", cookie=family),
        Page("feedback-child-form", "feedback: the young person's form", "/feedback/young-people/", cookie=child),
        # The same floor as a signed-in member of staff sees it: what signing in costs every staff page.
        Page("floor-staff", "template floor, signed in as staff", "/bench/floor/", public=False, cookie=staff),
        Page("staff-list", "staff: consultations", "/staff/consultations/", public=False, cookie=staff),
    ]
    for count, pk in targets.sessions.items():
        label, path = f"staff: session, {count:,} invited", f"/staff/coproduction/sessions/{pk}/"
        pages.append(Page(f"staff-session-{count}", label, path, public=False, cookie=staff))
    for count, pk in targets.responses.items():
        base = f"/staff/consultations/{pk}/responses/"
        pages.append(Page(f"staff-responses-{count}", f"staff: {count:,} responses", base, public=False, cookie=staff))
        label = f"staff: summary of {count:,}"
        pages.append(Page(f"staff-summary-{count}", label, base + "summary/", public=False, cookie=staff))
    return pages


def queries_count(pages: list[Page], targets: Targets) -> dict[str, int]:
    """Queries each page makes once warm, through Django's test client on the same database."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for page in pages:
        client = Client(HTTP_HOST="127.0.0.1")
        if page.cookie:
            client.cookies[settings.SESSION_COOKIE_NAME] = page.cookie.split("=", 1)[1]
        client.get(page.path)
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(page.path)
        if answer.status_code != 200:
            raise RuntimeError(f"{page.path} answered {answer.status_code}")
        counts[page.key] = len(queries)
    return counts


# --- The table ---------------------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    queries: int | None
    figure: Figure
    unit: str = "requests"


def number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 1 else f"{value:.2f}"


def ratio(value: float) -> str:
    return f"{value:.2f}" if value >= 0.01 else f"{value:.3f}" if value >= 0.001 else f"{value:.4f}"


def table_format(rows: list[Row], *, bare: Figure, floor: Figure) -> str:
    """A Markdown table: throughput, p50, p99, ratios to both floors, spread of the runs."""
    lines = [
        "| page | queries | per second | p50 ms | p99 ms | of bare | of floor | spread (min-max) |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in rows:
        figure = row.figure
        low, high = figure.spread
        is_requests = row.unit == "requests"
        of_bare = ratio(figure.requests_per_second / bare.requests_per_second) if is_requests else ""
        of_floor = ratio(figure.requests_per_second / floor.requests_per_second) if is_requests else ""
        latency = (f"{figure.p50_ms:.1f}", f"{figure.p99_ms:.1f}") if is_requests else ("", "")
        rate = number(figure.requests_per_second) + ("" if is_requests else f" {row.unit}")
        if figure.unmeasured:
            seconds = figure.runs[0].seconds
            rate, latency = f"under {number(1 / seconds)}", (f"over {seconds * 1000:,.0f}",) * 2
            of_bare, of_floor = (f"under {ratio(1 / seconds / base.requests_per_second)}" for base in (bare, floor))
        errors = f" ({figure.errors} errors)" if figure.errors else ""
        lines.append(
            f"| {row.label} | {'' if row.queries is None else row.queries} | {rate} | "
            f"{latency[0]} | {latency[1]} | {of_bare} | {of_floor} | {number(low)}-{number(high)}{errors} |"
        )
    return "\n".join(lines)


def verdict(floor_ratios: dict[str, dict[int, float]]) -> str:
    """One line: does every public page reach half the template floor at every size?"""
    short = [
        f"{page} {ratio(value)} at {size:,}"
        for page, by_size in floor_ratios.items()
        for size, value in by_size.items()
        if value < PUBLIC_HALF_FLOOR
    ]
    question = f"Every public page is at least {PUBLIC_HALF_FLOOR} of the template floor at every size"
    return f"{question}: yes." if not short else f"{question}: no ({'; '.join(short)})."


# --- Abuse: a burst from one address while other visitors browse ---------------------------------------------

# Other visitors: public pages, each request from one of many addresses, as behind the proxy.
VISITORS_SCRIPT = """
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  local headers = {["X-Forwarded-For"] = "198.51.100." .. (n %% 200 + 1)}
  return wrk.format("GET", paths[n %% #paths + 1], headers)
end
"""


@dataclass
class AbuseFigures:
    quiet: Figure  # other visitors' pages with nobody abusing
    during: Figure  # the same while one address bursts
    attack: list[tuple[int, float]]  # (status, seconds) of every post of the burst
    attack_seconds: float


def abuse_posts(site, targets: "Targets"):
    """Without end, from one address: "Start now" on the consultation people respond to (each would
    open a draft) and made-up letter codes on /feedback/ (well formed, so each would reach the
    database), alternately. No session is kept, as a script would not keep one."""
    from bench.abuse import ATTACKER
    from feedback.codes import code_new

    start = f"/consultations/{targets.consultation_slug}/respond/"
    start_cookie, start_token = site.csrf(start, address=ATTACKER)
    code_cookie, code_token = site.csrf("/feedback/", address=ATTACKER)
    while True:
        yield start, start_cookie, {"csrfmiddlewaretoken": start_token}
        yield "/feedback/", code_cookie, {"csrfmiddlewaretoken": code_token, "code": code_new()}


def while_bursting(site, posts, threads: int, action):
    """Run ``action`` while the attacker sends ``posts`` (bench/abuse.py's burst); its result and the burst's."""
    from bench.abuse import burst

    stop = threading.Event()
    outcome = {}
    attacker = threading.Thread(target=lambda: outcome.update(burst(site, posts, threads, stop)))
    attacker.start()
    try:
        return action(), outcome
    finally:
        stop.set()
        attacker.join()


def abuse_measure(
    env: dict[str, str], folder: Path, targets: "Targets", *, duration: float, repeat: int, threads: int
) -> AbuseFigures:
    """Serve with the real limits; measure other visitors' throughput with wrk, alternately alone and
    while one address bursts response starts and code guesses over ``threads`` connections."""
    from bench.abuse import Site

    visitor_pages = ["/", "/consultations/", f"/consultations/{targets.consultation_slug}/", "/feedback/"]
    script = folder / "visitors.lua"
    script.write_text(VISITORS_SCRIPT % ", ".join(f'"{path}"' for path in visitor_pages) + WRK_REPORT)
    server = Server(env, folder)
    server.start()
    try:
        site = Site(server.port)
        for path in visitor_pages * WORKERS * 2:  # warm every worker's templates
            Visitor(server.port).get(path)
        posts = abuse_posts(site, targets)
        visitors = functools.partial(
            wrk_run, f"http://127.0.0.1:{server.port}/", connections=10, duration=duration, script=script
        )
        quiet, during, attack, attack_seconds = [], [], [], 0.0
        for _ in range(repeat):
            quiet.append(visitors())
            server_settle(server.port)
            measured, outcome = while_bursting(site, posts, threads, visitors)
            during.append(measured)
            server_settle(server.port)
            attack += outcome["results"]
            attack_seconds += outcome["seconds"]
    finally:
        server.stop()
    return AbuseFigures(Figure(quiet), Figure(during), attack, attack_seconds)


def abuse_report(figures: AbuseFigures, env: dict[str, str], threads: int) -> str:
    from bench.abuse import ATTACKER, percentile

    refused = [seconds for status, seconds in figures.attack if status == 429]
    other = sorted({status for status, _seconds in figures.attack} - {302, 200, 429})
    names = ("RESPONSE_START_RATE", "FEEDBACK_CODE_ADDRESS_RATE")
    limits = ", ".join(f"{name} {env.get(name, 'as the portal sets it')}" for name in names)
    lines = [
        f'\n## Abuse: one address ({ATTACKER}, {threads} connections) bursts "Start now" and made-up letter '
        f"codes while other visitors browse\n",
        f"Real limits ({limits}), PROXY_COUNT=1, a cache the workers share.",
        f"- burst: {len(figures.attack):,} posts in {figures.attack_seconds:.1f} s; "
        f"refused with 429: {len(refused) / max(1, len(figures.attack)):.1%}"
        + (f" (other statuses: {other})" if other else ""),
    ]
    if refused:
        lines.append(
            f"- 429 latency: median {statistics.median(refused) * 1000:.1f} ms, "
            f"p95 {percentile(refused, 0.95) * 1000:.1f} ms"
        )
    quiet, during = figures.quiet, figures.during
    lines.append(
        f"- other visitors' pages (home, hub, a consultation, the letter-code page; 10 connections): "
        f"{number(quiet.requests_per_second)}/s alone, {number(during.requests_per_second)}/s during the burst "
        f"(p99 {quiet.p99_ms:.1f} -> {during.p99_ms:.1f} ms); "
        f"during / alone: {ratio(during.requests_per_second / quiet.requests_per_second)}"
    )
    return "\n".join(lines)


# --- The run -------------------------------------------------------------------------------------------------


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="numbers of consultations, comma-separated (10,10000; quick: 10,100)")
    parser.add_argument(
        "--responses",
        help="responses of the staff pages' consultations, and invitees of their sessions (100,10000; quick: 10,100)",
    )
    parser.add_argument("--duration", type=float, help="seconds of each wrk run (5; quick: 1)")
    parser.add_argument("--repeat", type=int, help="runs of each page, interleaved (3; quick: 2)")
    parser.add_argument("--connections", default="10", help="wrk connections, comma-separated (e.g. 10,50)")
    parser.add_argument(
        "--clients", default="1,5", help="people responding at once, comma-separated (0: no whole responses)"
    )
    parser.add_argument(
        "--pages", help="only these pages, by key, comma-separated (e.g. rsvp,hub); the two floors are always measured"
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: tiny sizes, 1 s runs")
    parser.add_argument(
        "--abuse",
        action="store_true",
        help="end with a burst of response starts and letter-code guesses from one address, under the real limits",
    )
    parser.add_argument("--abuse-threads", type=int, default=4, help="the abusing address's parallel connections")
    args = parser.parse_args()
    defaults = {"sizes": "10,100", "responses": "10,100", "duration": 1, "repeat": 2} if args.quick else {}
    defaults = {"sizes": "10,10000", "responses": "100,10000", "duration": 5, "repeat": 3} | defaults
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.sizes = sorted(int(size) for size in args.sizes.split(","))
    args.responses = [int(count) for count in args.responses.split(",")]
    args.connections = [int(count) for count in args.connections.split(",")]
    args.clients = [int(count) for count in args.clients.split(",") if int(count)]
    args.pages = set(args.pages.split(",")) if args.pages else None
    return args


def main() -> None:
    args = arguments()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: on Debian or Ubuntu, apt-get install -y wrk (macOS: brew install wrk).")
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    if database_url == os.environ.get("DATABASE_URL"):
        raise SystemExit("BENCH_DATABASE_URL must name a database of its own, not the portal's DATABASE_URL.")
    folder = Path(tempfile.mkdtemp(prefix="bench-http-"))  # static files, media, wrk's script, gunicorn's log
    try:
        run(args, database_url, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace, database_url: str, folder: Path) -> None:
    env = serving_environment(database_url, folder)
    env_abuse = abuse_environment(env, folder)
    say("Collecting static files for production settings...")
    static_collect(env)
    database_create_if_missing(database_url)
    os.environ.update(env)
    os.environ.pop("DJANGO_DEBUG", None)

    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        say(f"Note: {connection.vendor}, not PostgreSQL; figures will not match production's.")
    say(f"Checking that {connection.settings_dict['NAME']} is empty or the benchmark's own, then emptying it...")
    database_claim(OWNER_TABLE)
    started = time.monotonic()
    targets, made = data_base(response_counts=args.responses)
    say(f"Staff pages' responses ({', '.join(map(str, args.responses))}) built in {time.monotonic() - started:.1f} s")

    script = folder / "report.lua"
    script.write_text(WRK_REPORT)
    pages = pages_for(targets)
    if args.pages:
        unknown = args.pages - {page.key for page in pages}
        if unknown:
            raise SystemExit(f"No such page: {', '.join(sorted(unknown))}. Pages: {', '.join(p.key for p in pages)}")
        pages = [page for page in pages if page.key in args.pages | {"bare", "floor"}]
    results: dict[tuple[int, int], dict[str, Figure]] = {}
    submissions: dict[tuple[int, int], Figure] = {}
    queries: dict[int, dict[str, int]] = {}
    requests_per_response = 0
    server = Server(env, folder)
    try:
        for size in args.sizes:
            started = time.monotonic()
            data_grow(made, size)
            say(
                f"{made.total:,} consultations ({made.open:,} open, {made.upcoming:,} upcoming, {made.closed:,} "
                f'closed, {made.said_did:,} with "You said, we did") in {time.monotonic() - started:.1f} s'
            )
            from django.core.cache import cache

            cache.clear()
            with connection.cursor() as cursor:
                # Statistics for the rows just inserted in bulk, as autovacuum keeps them in production:
                # without them the planner takes a 10,000-row table for a few rows and loops over it.
                cursor.execute("ANALYZE")
            queries[size] = queries_count(pages, targets)
            connection.close()
            server.start()
            base = f"http://127.0.0.1:{server.port}"
            for page in pages:  # warm every worker's templates, and fail early on a broken page
                for _ in range(WORKERS * 2):
                    visitor = Visitor(server.port)
                    if page.cookie:
                        visitor.cookies.update([page.cookie.split("=", 1)])
                    visitor.get(page.path)
            for connections in args.connections:
                runs: dict[str, list[Run]] = {page.key: [] for page in pages}
                for repeat in range(args.repeat):
                    say(f"size {size:,}, {connections} connections, run {repeat + 1} of {args.repeat}")
                    for page in pages:
                        measure = functools.partial(
                            wrk_run,
                            base + page.path,
                            connections=connections,
                            script=script,
                            cookie=page.cookie,
                        )
                        run = measure(duration=args.duration)
                        server_settle(server.port)
                        if run.requests < connections and args.duration < SLOW_PAGE_SECONDS and not args.quick:
                            # Fewer answers than connections: too few to count, so measure longer.
                            run = measure(duration=SLOW_PAGE_SECONDS)
                            server_settle(server.port)
                        runs[page.key].append(run)
                results[(size, connections)] = {key: Figure(found) for key, found in runs.items()}
            for clients in args.clients:
                rates = []
                for _ in range(args.repeat):
                    rate, requests_per_response = submissions_run(
                        port=server.port, plan=targets.plan, clients=clients, duration=args.duration
                    )
                    rates.append(Run(rate, 0, 0, 0))
                submissions[(size, clients)] = Figure(rates)
            server.stop()
        if args.abuse:
            say("Abuse: one address bursting under the real limits while other visitors browse")
            abuse = abuse_measure(
                env_abuse,
                folder,
                targets,
                duration=max(args.duration, 3),
                repeat=args.repeat,
                threads=args.abuse_threads,
            )
    finally:
        server.stop()

    print(
        f"# bench/http.py: gunicorn.conf.py with {WORKERS} worker processes, {connection.vendor}; "
        f"wrk {args.duration:g} s runs, "
        f"runs of each page interleaved, {args.repeat} of each (medians; spread is min-max requests a second)"
    )
    labels = {page.key: page.label for page in pages}
    floor_ratios: dict[str, dict[int, float]] = {}
    for (size, connections), figures in results.items():
        bare, floor = figures["bare"], figures["floor"]
        rows = [Row(labels[key], queries[size][key], figure) for key, figure in figures.items()]
        rows += [
            Row(
                f"whole response ({requests_per_response} requests), {clients} client{'s' if clients > 1 else ''}",
                None,
                submissions[(size, clients)],
                unit="responses",
            )
            for clients in args.clients
        ]
        print(f"\n## {size:,} consultations, {connections} connections\n")
        print(table_format(rows, bare=bare, floor=floor))
        for page in pages:
            if page.public and connections == args.connections[0]:
                floor_ratios.setdefault(labels[page.key], {})[size] = (
                    figures[page.key].requests_per_second / floor.requests_per_second
                )
    smallest, largest = args.sizes[0], args.sizes[-1]
    if largest != smallest:
        connections = args.connections[0]
        small, large = results[(smallest, connections)], results[(largest, connections)]
        growth = [
            f"{page.label} {ratio(large[page.key].requests_per_second / small[page.key].requests_per_second)}"
            for page in pages
            if page.key not in ("bare", "floor")
        ]
        print(f"\nThroughput at {largest:,} as a share of {smallest:,} (flat is 0.8 or more): {'; '.join(growth)}.")
    print(verdict(floor_ratios))
    if args.abuse:
        print(abuse_report(abuse, env_abuse, args.abuse_threads))


if __name__ == "__main__":
    main()
