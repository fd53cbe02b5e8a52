"""Speed under abuse: a burst from one address is refused quickly while another visitor's pages keep
their speed, under gunicorn.

    DJANGO_DEBUG=1 .venv/bin/python bench/abuse.py [--starts 300] [--guesses 100] [--workers 3]

Builds a throwaway SQLite database and file cache, starts gunicorn on a free local port as if behind
one proxy (PROXY_COUNT=1, each client named by X-Forwarded-For, as nginx would), and runs:

1. a visitor's pages (a no-query page, home, the hub, a consultation, its start page) while quiet;
2. the same visitor while another address sends ``--starts`` "Start now" posts (each would open a
   draft) from several threads at once;
3. the same visitor while that address sends ``--guesses`` wrong sign-ins across 25 accounts;
4. the same visitor while that address tries ``--codes`` made-up letter codes on /feedback/ (each
   well formed, with a good check character, so each reaches the database unless refused).

It prints, for each burst, how many posts were accepted and refused (429) and how long each kind
took, the drafts actually written, and the visitor's median and 95th percentile times in each
phase. Figures are only comparable within one run. The limits are the portal's defaults
(RESPONSE_START_RATE, SIGN_IN_ADDRESS_RATE, FEEDBACK_CODE_ADDRESS_RATE) unless set in the environment.
"""

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this folder comes first on the path, and its http.py would stand in for the
# standard library's http; the project's root takes its place.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
import http.client  # noqa: E402

ATTACKER = "203.0.113.66"
VISITOR = "198.51.100.7"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def environment_set(work: Path) -> None:
    """Never the portal's own database or cache: the benchmark writes freely. The cache is a file
    cache so that every gunicorn worker counts against the same limits, as Redis does in production.
    (Set here, not on import, so bench/http.py can borrow this module's pieces.)"""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "participation_portal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ["CACHE_URL"] = f"filecache://{work / 'cache'}"
    os.environ["PROXY_COUNT"] = "1"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    os.environ["EMAIL_URL"] = "consolemail://"
    os.environ["LOG_LEVEL"] = "ERROR"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    def __init__(self, port: int):
        self.port = port

    def fetch(self, method: str, path: str, *, address: str, cookie: str = "", form: dict | None = None):
        """(status, body, seconds, set-cookie headers) for one request from ``address``."""
        headers = {"X-Forwarded-For": address, "Host": f"127.0.0.1:{self.port}"}
        body = None
        if cookie:
            headers["Cookie"] = cookie
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
            cookies = response.headers.get_all("Set-Cookie") or []
            return response.status, content, time.perf_counter() - started, cookies
        finally:
            connection.close()

    def wait_until_up(self) -> None:
        for _attempt in range(100):
            try:
                self.fetch("GET", "/robots.txt", address=VISITOR)
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start")

    def csrf(self, path: str, *, address: str) -> tuple[str, str]:
        """A CSRF cookie and the form's token, from one GET of a form page."""
        _status, body, _seconds, cookies = self.fetch("GET", path, address=address)
        cookie = next(c.split(";")[0] for c in cookies if c.startswith("csrftoken="))
        return cookie, TOKEN.search(body).group(1)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def visitor_loop(site: Site, pages: dict, stop: threading.Event, times: dict) -> None:
    while not stop.is_set():
        for name, path in pages.items():
            status, _body, seconds, _cookies = site.fetch("GET", path, address=VISITOR)
            if status != 200:
                raise SystemExit(f"the visitor's {name} page answered {status}")
            times.setdefault(name, []).append(seconds)


def burst(
    site: Site, posts: Iterable[tuple[str, str, dict]], threads: int, stop: threading.Event | None = None
) -> dict:
    """Send every (path, cookie, form) post from the attacker's address over ``threads`` threads, or
    as many as go before ``stop`` is set (the posts may then never end)."""
    results: list[tuple[int, float]] = []
    lock = threading.Lock()
    queue = iter(posts)

    def work():
        while not (stop and stop.is_set()):
            with lock:
                post = next(queue, None)
            if post is None:
                return
            path, cookie, form = post
            status, _body, seconds, _cookies = site.fetch("POST", path, address=ATTACKER, cookie=cookie, form=form)
            with lock:
                results.append((status, seconds))

    started = time.perf_counter()
    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {"results": results, "seconds": time.perf_counter() - started}


def with_visitor(site: Site, pages: dict, action) -> tuple[object, dict]:
    times: dict = {}
    stop = threading.Event()
    visitor = threading.Thread(target=visitor_loop, args=(site, pages, stop, times))
    visitor.start()
    try:
        outcome = action()
    finally:
        stop.set()
        visitor.join()
    return outcome, times


def report_burst(title: str, outcome: dict, accepted_status: set[int]) -> None:
    accepted = [seconds for status, seconds in outcome["results"] if status in accepted_status]
    refused = [seconds for status, seconds in outcome["results"] if status == 429]
    other = sorted({status for status, _seconds in outcome["results"]} - accepted_status - {429})
    print(f"\n{title}: {len(outcome['results'])} posts in {outcome['seconds']:.1f} s")
    if accepted:
        print(f"  accepted {len(accepted):>4}   median {statistics.median(accepted) * 1000:7.1f} ms")
    if refused:
        print(
            f"  refused  {len(refused):>4}   median {statistics.median(refused) * 1000:7.1f} ms"
            f"   p95 {percentile(refused, 0.95) * 1000:7.1f} ms  (429)"
        )
    if other:
        print(f"  other statuses: {other}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--starts", type=int, default=300)
    parser.add_argument("--guesses", type=int, default=100)
    parser.add_argument("--codes", type=int, default=100, help="made-up feedback codes tried from one address")
    parser.add_argument("--threads", type=int, default=4, help="attacker's parallel connections")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--quiet-seconds", type=float, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="abuse-bench-"))
    environment_set(work)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.roles import Role
    from accounts.tests.factories import UserFactory
    from consultations.models import Response
    from consultations.tests.factories import ConsultationFactory, QuestionFactory
    from feedback.codes import code_new

    consultation = ConsultationFactory(slug="bench-abuse")
    QuestionFactory(consultation=consultation)
    accounts = [UserFactory(role=Role.PARTICIPANT) for _ in range(25)]
    ConsultationFactory.create_batch(20, closed=True)

    port = free_port()
    server_log = (work / "gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, local port, fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "participation_portal.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "error",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=server_log,
        stderr=server_log,  # one warning per refusal: kept out of the figures, in the log file
    )
    try:
        site = Site(port)
        site.wait_until_up()
        start_path = f"/consultations/{consultation.slug}/respond/"
        pages = {
            "no-query page": "/accessibility/",
            "home": "/",
            "hub": "/consultations/",
            "consultation": f"/consultations/{consultation.slug}/",
            "start page": start_path,
        }
        for path in pages.values():
            site.fetch("GET", path, address=VISITOR)  # warm every worker's templates

        quiet: dict = {}
        stop = threading.Event()
        timer = threading.Timer(args.quiet_seconds, stop.set)
        timer.start()
        visitor_loop(site, pages, stop, quiet)

        cookie, token = site.csrf(start_path, address=ATTACKER)
        # No session cookie is kept, so each post would open a new draft, as the script did.
        starts = [(start_path, cookie, {"csrfmiddlewaretoken": token})] * args.starts
        start_outcome, during_starts = with_visitor(site, pages, lambda: burst(site, starts, args.threads))

        sign_in = "/account/sign-in/"
        cookie, token = site.csrf(sign_in, address=ATTACKER)
        guess = {"csrfmiddlewaretoken": token, "password": "Summer2026!"}
        guesses = [(sign_in, cookie, guess | {"username": accounts[n % 25].email}) for n in range(args.guesses)]
        guess_outcome, during_guesses = with_visitor(site, pages, lambda: burst(site, guesses, args.threads))

        feedback_page = "/feedback/"
        cookie, token = site.csrf(feedback_page, address=ATTACKER)
        tries = [(feedback_page, cookie, {"csrfmiddlewaretoken": token, "code": code_new()}) for _ in range(args.codes)]
        code_outcome, during_codes = with_visitor(site, pages, lambda: burst(site, tries, args.threads))
    finally:
        server.terminate()
        server.wait(timeout=30)
        server_log.close()

    print(f"(gunicorn's log: {work / 'gunicorn.log'})")
    print(
        f"gunicorn, {args.workers} sync workers, SQLite and a file cache; attacker {ATTACKER}, visitor {VISITOR} "
        f"(PROXY_COUNT=1)\nlimits: RESPONSE_START_RATE={settings.RESPONSE_START_RATE}, "
        f"SIGN_IN_ADDRESS_RATE={settings.SIGN_IN_ADDRESS_RATE}, "
        f"FEEDBACK_CODE_ADDRESS_RATE={settings.FEEDBACK_CODE_ADDRESS_RATE}"
    )
    report_burst('"Start now" burst from one address', start_outcome, {302})
    print(f"  drafts written: {Response.objects.count()}")
    report_burst("Sign-in guesses across 25 accounts from one address", guess_outcome, {200})
    report_burst("Made-up letter codes from one address", code_outcome, {200})

    print(
        f"\n{'visitor page':<16}{'quiet ms':>16}{'during starts':>18}{'during guesses':>18}{'during codes':>18}"
        "   (median / p95)"
    )
    for name in pages:
        cells = []
        for phase in (quiet, during_starts, during_guesses, during_codes):
            values = phase.get(name) or [float("nan")]
            cells.append(f"{statistics.median(values) * 1000:7.1f} /{percentile(values, 0.95) * 1000:6.1f}")
        print(f"{name:<16}{cells[0]:>16}{cells[1]:>18}{cells[2]:>18}{cells[3]:>18}")


if __name__ == "__main__":
    main()
