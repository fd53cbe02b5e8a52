"""The closed-case upload against a bare bulk insert of the same rows.

    DJANGO_DEBUG=1 .venv/bin/python bench/closed_cases.py [--rows 10000] [--repeat 3]

The upload reads and checks every row (dates, choices, e-mail addresses, teams, repeats) and inserts or
updates them; the floor is Django's bulk_create of the same cases, already built, into an empty table.
The upload should take at most three times the floor. Builds a throwaway SQLite database (or, with
BENCH_DATABASE_URL, an empty database you name).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "participation_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
os.environ.setdefault("CACHE_URL", "locmemcache://")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from datetime import date

    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from accounts.roles import Role
    from accounts.tests.factories import TeamFactory, UserFactory
    from feedback import services
    from feedback.models import ClosedCase

    team = TeamFactory()
    manager = UserFactory(role=Role.MANAGER)
    header = ",".join(services.CASE_COLUMN_NAMES)
    lines = [
        f'CMS-{n},{team.slug},2026-03-01,Plan completed,Family {n},"{n} High Street, Town",07700 900000,'
        f"family{n}@example.com,standard,,,no,,11 to 15"
        for n in range(args.rows)
    ]
    data = ("\n".join([header, *lines]) + "\n").encode()

    def floor():
        ClosedCase.objects.all().delete()
        cases = [
            ClosedCase(
                reference=f"CMS-{n}", reference_key=f"cms-{n}", team=team, closed_on=date(2026, 3, 1),
                closure_reason="Plan completed", contact_name=f"Family {n}", address=f"{n} High Street, Town",
                phone="07700 900000", email=f"family{n}@example.com", child_age_band="11_15",
            )
            for n in range(args.rows)
        ]  # fmt: skip
        started = time.perf_counter()
        ClosedCase.objects.bulk_create(cases, batch_size=1000)
        return time.perf_counter() - started

    def upload(empty: bool):
        if empty:
            ClosedCase.objects.all().delete()
        started = time.perf_counter()
        services.cases_import(data=data, team=team, user=manager)
        return time.perf_counter() - started

    floors = [floor() for _ in range(args.repeat)]
    firsts = [upload(empty=True) for _ in range(args.repeat)]
    agains = [upload(empty=False) for _ in range(args.repeat)]
    base = statistics.median(floors)
    print(f"{args.rows} rows, median of {args.repeat}:")
    print(f"  bare bulk insert            {base:7.2f} s")
    for name, times in (("upload into an empty table", firsts), ("upload again (all updates)", agains)):
        median = statistics.median(times)
        print(f"  {name:27} {median:7.2f} s  {median / base:4.1f}x the floor")


if __name__ == "__main__":
    main()
