"""How page time grows with data: each page timed with a small and a large data set in one run.

    DJANGO_DEBUG=1 .venv/bin/python bench/pages.py [--large 1000] [--repeat 15]

A data set of size N holds N/10 open and N/10 coming-up consultations and the rest closed (a
tenth of them with "You said, we did"), as a council's pile up over the years. Public pages are
read by a visitor who is not signed in (so the home page and the unfiltered hub come from the
data visitors share, as in production); "fresh" rows read them with that cache emptied first.

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

# bench/http.py shares its name with the standard library's http package: take this folder off the
# path so that Django's `from http import cookies` finds the real one.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]
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
    from django.core.cache import cache
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
    from consultations.models import QuestionKind
    from consultations.tests.factories import (
        ConsultationFactory,
        QuestionFactory,
        ServiceAreaFactory,
        bulk_answers,
        bulk_responses,
    )

    team, area = TeamFactory(), ServiceAreaFactory()
    staff = UserFactory(role=Role.STAFF, teams=[team])

    def fill(size: int, tag: str):
        """`size` consultations as they pile up over the years (a tenth open, a tenth coming up, the
        rest closed), and one consultation with `size` responses."""
        # One team and service area, as in a council: the filters list a handful, not one per row.
        shared = {"team": team, "service_area": area}
        tenth = max(size // 10, 1)
        for state, count in (("open", tenth), ("upcoming", tenth), ("closed", size - 2 * tenth)):
            traits = {} if state == "open" else {state: True}
            built = ConsultationFactory.build_batch(count, title=f"Bench {state} {tag}", **traits, **shared)
            for number, consultation in enumerate(built):
                if state == "closed" and number % 10 == 0:
                    consultation.outcomes_published_at = consultation.closes_at
            Consultation.objects.bulk_create(built, batch_size=500)
        target = ConsultationFactory(slug=f"bench-target-{tag}", **shared)
        # Each response answers a choice, a multiple choice and a text question, so the summary counts.
        bulk_answers(
            bulk_responses(target, size),
            choice_question=QuestionFactory(consultation=target, kind=QuestionKind.SINGLE_CHOICE),
            multiple_question=QuestionFactory(consultation=target, kind=QuestionKind.MULTIPLE_CHOICE),
            text_question=QuestionFactory(consultation=target),
        )
        return target

    def measure(client, url: str, *, fresh: bool = False) -> tuple[float, int]:
        client.get(url)  # warm caches and templates
        times = []
        for _ in range(args.repeat):
            if fresh:
                cache.clear()
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            times.append(time.perf_counter() - start)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
        return statistics.median(times), len(queries)

    from consultations.models import Consultation

    results = {}
    for label, size in (("small", args.small), ("large", args.large)):
        Consultation.objects.all().delete()
        cache.clear()
        target = fill(size, label)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would after a bulk load, so plans fit the data
        visitor = Client()
        public = {
            "floor (accessibility)": "/accessibility/",  # a static page: no query, the base layout
            "home": "/",
            "hub": "/consultations/",
            "hub, audience+search": "/consultations/?audience=parent_carers&q=bench",
            "hub, open, page 2": "/consultations/?status=open&page=2",
            "consultation page": f"/consultations/{target.slug}/",
            "respond start": f"/consultations/{target.slug}/respond/",
            "you said, we did": "/you-said-we-did/",
        }
        for name, url in public.items():
            results.setdefault(name, {})[label] = measure(visitor, url)
        for name in ("home", "hub"):
            results.setdefault(f"{name} (fresh)", {})[label] = measure(visitor, public[name], fresh=True)
        client = Client()
        client.force_login(staff)
        pages = {
            "hub, signed in": "/consultations/",
            "staff responses": f"/staff/consultations/{target.pk}/responses/",
            "staff responses by channel": f"/staff/consultations/{target.pk}/responses/?channel=paper",
            "staff summary": f"/staff/consultations/{target.pk}/responses/summary/",
            "staff consultations": "/staff/consultations/",
        }
        for name, url in pages.items():
            results.setdefault(name, {})[label] = measure(client, url)

    print(
        f"{'page':<24}{'small ms':>10}{'q':>4}{'large ms':>10}{'q':>4}{'ratio':>8}   "
        f"(small={args.small}, large={args.large} rows)"
    )
    for name, by_size in results.items():
        (small_t, small_q), (large_t, large_q) = by_size["small"], by_size["large"]
        print(
            f"{name:<24}{small_t * 1000:>10.1f}{small_q:>4}{large_t * 1000:>10.1f}{large_q:>4}{large_t / small_t:>8.2f}"
        )


if __name__ == "__main__":
    main()
