"""How page time grows with data: each page timed with a small and a large data set in one run.

    DJANGO_DEBUG=1 .venv/bin/python bench/pages.py [--large 1000] [--repeat 15]

Builds a throwaway SQLite database (or, with BENCH_DATABASE_URL, an empty database you name, which
it fills), and prints for each page the median time and query count at both sizes, and the ratio
large/small. Figures are only comparable within one run: the small data set is the baseline.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "participation_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
# Never the portal's own database: the benchmark deletes and creates rows freely.
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
os.environ.setdefault("CACHE_URL", "locmemcache://")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--large", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.REQUIRE_STAFF_2FA = False
    call_command("migrate", verbosity=0)

    from accounts.roles import Role
    from accounts.tests.factories import TeamFactory, UserFactory
    from consultations.tests.factories import ConsultationFactory, QuestionFactory, ServiceAreaFactory, bulk_responses

    team, area = TeamFactory(), ServiceAreaFactory()
    staff = UserFactory(role=Role.STAFF, teams=[team])

    def fill(size: int, tag: str):
        """`size` consultations as they pile up over the years (a few open, the rest closed), and one
        consultation with `size` responses."""
        # One team and service area, as in a council: the filters list a handful, not one per row.
        shared = {"team": team, "service_area": area}
        ConsultationFactory.create_batch(5, title=f"Bench open {tag}", **shared)
        ConsultationFactory.create_batch(size, closed=True, title=f"Bench closed {tag}", **shared)
        target = ConsultationFactory(slug=f"bench-target-{tag}", **shared)
        QuestionFactory(consultation=target)
        bulk_responses(target, size)
        return target

    def measure(client, url: str) -> tuple[float, int]:
        client.get(url)  # warm caches and templates
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            times.append(time.perf_counter() - start)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
        return statistics.median(times), len(queries)

    results = {}
    for label, size in (("small", args.small), ("large", args.large)):
        from consultations.models import Consultation

        Consultation.objects.all().delete()
        target = fill(size, label)
        client = Client()
        client.force_login(staff)
        pages = {
            "hub": "/consultations/",
            "staff responses": f"/staff/consultations/{target.pk}/responses/",
            "staff consultations": "/staff/consultations/",
        }
        for name, url in pages.items():
            results.setdefault(name, {})[label] = measure(client, url)

    print(
        f"{'page':<22}{'small ms':>10}{'q':>4}{'large ms':>10}{'q':>4}{'ratio':>8}   "
        f"(small={args.small}, large={args.large} rows)"
    )
    for name, by_size in results.items():
        (small_t, small_q), (large_t, large_q) = by_size["small"], by_size["large"]
        print(
            f"{name:<22}{small_t * 1000:>10.1f}{small_q:>4}{large_t * 1000:>10.1f}{large_q:>4}{large_t / small_t:>8.2f}"
        )


if __name__ == "__main__":
    main()
