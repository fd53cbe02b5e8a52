"""Slow clients: what a handful of connections that send their request a byte at a time do to
everyone else, with gunicorn as `gunicorn.conf.py` sets it up, alone and behind nginx.

    DJANGO_DEBUG=1 .venv/bin/python bench/slow_clients.py [--slow 3 24] [--seconds 8]

Builds a throwaway SQLite database (never the portal's), starts gunicorn with the portal's
`gunicorn.conf.py` (threads per process, so a slow request holds a thread, not a whole worker), and
for each count of slow clients opens that many connections that trickle their request headers,
one byte a second, while a visitor fetches a page over and over. It prints the visitor's median and
worst times and how many of its requests failed or waited more than two seconds.

When `nginx` is installed (Debian: `apt-get install nginx-light`) it runs the same with the
README's nginx settings in front: nginx reads each request whole before passing it on, so the
trickling clients never reach gunicorn and the visitor's times stay as when quiet. Without nginx
the largest count (more than gunicorn's processes x threads) shows why the README puts one there.
"""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# As in abuse.py: this folder's http.py must not stand in for the standard library's.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
from bench.abuse import VISITOR, Site, free_port  # noqa: E402

WORK = Path(tempfile.mkdtemp(prefix="slow-clients-bench-"))
PAGE = "/accessibility/"
SLOW_REQUEST = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow\r\n" + b"X-Padding: " + b"a" * 200


def trickle(port: int, stop: threading.Event) -> None:
    """Send a request's headers a byte a second and never finish them; reconnect when dropped."""
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                for byte in SLOW_REQUEST:
                    if stop.wait(1):
                        return
                    sock.sendall(bytes([byte]))
        except OSError:
            stop.wait(0.5)


def visitor(site: Site, seconds: float) -> dict:
    times, failures = [], 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, _body, took, _cookies = site.fetch("GET", PAGE, address=VISITOR)
            times.append(took)
            failures += status != 200
        except OSError:
            failures += 1
    return {"times": times, "failures": failures}


def measure(site: Site, slow_port: int, slow: int, seconds: float) -> dict:
    stop = threading.Event()
    clients = [threading.Thread(target=trickle, args=(slow_port, stop), daemon=True) for _ in range(slow)]
    for client in clients:
        client.start()
    time.sleep(2 if slow else 0)  # let the slow connections take their places first
    try:
        return visitor(site, seconds)
    finally:
        stop.set()


def nginx_start(upstream: int) -> tuple[subprocess.Popen, int] | None:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not nginx:
        return None
    port = free_port()
    prefix = WORK / "nginx"
    (prefix / "logs").mkdir(parents=True)
    # The README's settings, on plain HTTP for a local run.
    (prefix / "nginx.conf").write_text(
        textwrap.dedent(f"""
        daemon off;
        worker_processes 1;
        pid {prefix}/nginx.pid;
        error_log {prefix}/logs/error.log warn;
        events {{ worker_connections 1024; }}
        http {{
            access_log off;
            client_body_temp_path {prefix}/body; proxy_temp_path {prefix}/proxy;
            fastcgi_temp_path {prefix}/f; uwsgi_temp_path {prefix}/u; scgi_temp_path {prefix}/s;
            upstream portal {{ server 127.0.0.1:{upstream}; }}
            server {{
                listen 127.0.0.1:{port};
                client_max_body_size 25m;
                client_body_timeout 15s;
                client_header_timeout 15s;
                send_timeout 30s;
                location / {{
                    proxy_pass http://portal;
                    proxy_request_buffering on;
                    proxy_buffering on;
                    proxy_set_header Host $host;
                    proxy_set_header X-Forwarded-For $remote_addr;
                    proxy_read_timeout 60s;
                }}
            }}
        }}
        """)
    )
    process = subprocess.Popen(  # noqa: S603 - a local nginx with our own configuration
        [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return process, port


def row(label: str, outcome: dict) -> str:
    answered = outcome["times"]
    times = answered or [float("nan")]
    slow = sum(took > 2 for took in answered)
    return (
        f"{label:<34}{len(answered) + outcome['failures']:>9}"
        f"{statistics.median(times) * 1000:>12.1f}{max(times) * 1000:>12.1f}"
        f"{slow:>10}{outcome['failures']:>10}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--slow", type=int, nargs="+", default=[3, 24], help="counts of slow clients to try")
    parser.add_argument("--seconds", type=float, default=8, help="how long the visitor browses in each phase")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    env = os.environ.copy() | {"PROXY_COUNT": "0"}
    port = free_port()
    log = (WORK / "gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, local port, fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "participation_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "error",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    proxy = None
    try:
        site = Site(port)
        site.wait_until_up()
        for _ in range(20):
            site.fetch("GET", PAGE, address=VISITOR)  # warm every process's templates
        results = [("gunicorn alone, quiet", measure(site, port, 0, args.seconds))]
        for slow in args.slow:
            results.append((f"gunicorn alone, {slow} slow clients", measure(site, port, slow, args.seconds)))
        proxy = nginx_start(port)
        if proxy:
            process, proxy_port = proxy
            through = Site(proxy_port)
            through.wait_until_up()
            results.append(("behind nginx, quiet", measure(through, proxy_port, 0, args.seconds)))
            for slow in args.slow:
                results.append((f"behind nginx, {slow} slow clients", measure(through, proxy_port, slow, args.seconds)))
    finally:
        if proxy:
            proxy[0].terminate()
            proxy[0].wait(timeout=10)
        server.terminate()
        server.wait(timeout=30)
        log.close()

    workers = os.environ.get("WEB_CONCURRENCY", "3")
    threads = os.environ.get("GUNICORN_THREADS", "4")
    print(f"gunicorn.conf.py: {workers} processes x {threads} threads; page {PAGE}; {args.seconds:.0f} s a phase")
    print(f"{'phase':<34}{'requests':>9}{'median ms':>12}{'worst ms':>12}{'over 2 s':>10}{'failed':>10}")
    for label, outcome in results:
        print(row(label, outcome))
    if not proxy:
        print("nginx is not installed: apt-get install nginx-light, and run again to compare.")


if __name__ == "__main__":
    main()
