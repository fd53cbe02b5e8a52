"""How long a theme report takes to build against the raw SQL aggregation it needs.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_reports \\
        DJANGO_DEBUG=1 .venv/bin/python bench/theme_reports.py [--items 100000 1000000] [--repeat 3]

Fills an empty database you name (PostgreSQL; without one, a throwaway SQLite file) with feedback
items in one half-year, each coded with a theme and a polarity, and for each size prints the median
time of a report build (every section, as the job runs them) and of the raw SQL its counts need
(the same GROUP BY queries written by hand), their ratio, and the build's query count. The report
should stay within 2x the raw aggregation.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "participation_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
# Never the portal's own database: the benchmark deletes and creates rows freely.
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
os.environ.setdefault("CACHE_URL", "locmemcache://")

FIRST, LAST = "2026-04-01", "2026-09-30"
THEMES = 20
TEAMS = 12

RAW_SQL = [
    "SELECT source, COUNT(*) FROM feedback_feedbackitem WHERE received_on BETWEEN %s AND %s GROUP BY source",
    "SELECT channel, COUNT(*) FROM feedback_feedbackitem WHERE received_on BETWEEN %s AND %s GROUP BY channel",
    "SELECT team_id, COUNT(*) FROM feedback_feedbackitem WHERE received_on BETWEEN %s AND %s GROUP BY team_id",
    "SELECT rating, COUNT(*) FROM feedback_feedbackitem WHERE received_on BETWEEN %s AND %s AND rating <> '' "
    "GROUP BY rating",
    "SELECT c.theme_id, c.polarity, COUNT(DISTINCT c.item_id) FROM feedback_coding c "
    "JOIN feedback_feedbackitem i ON i.id = c.item_id WHERE i.received_on BETWEEN %s AND %s "
    "GROUP BY c.theme_id, c.polarity",
    "SELECT COUNT(*) FROM feedback_feedbackitem i WHERE i.received_on BETWEEN %s AND %s "
    "AND EXISTS (SELECT 1 FROM feedback_coding c WHERE c.item_id = i.id)",
    "SELECT COUNT(*) FROM feedback_feedbackitem WHERE received_on BETWEEN %s AND %s",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, nargs="+", default=[100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)

    from accounts.models import Team, User
    from feedback.models import Coding, FeedbackItem, Theme
    from feedback.reports.sections import SECTIONS, Scope

    coder = User.objects.filter(email="bench-coder@example.gov.uk").first() or User.objects.create_user(
        "bench-coder@example.gov.uk", full_name="Bench coder"
    )
    teams = [
        Team.objects.get_or_create(slug=f"bench-{n}", defaults={"name": f"Bench team {n}"})[0] for n in range(TEAMS)
    ]
    themes = [Theme.objects.get_or_create(name=f"Bench theme {n}")[0] for n in range(THEMES)]

    def fill(size: int) -> None:
        Coding.objects.all().delete()
        FeedbackItem.objects.all().delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    """
                    INSERT INTO feedback_feedbackitem (source, channel, team_id, received_on, text, rating,
                        consent_to_quote, child_protection, source_key, source_url, created_at)
                    SELECT (ARRAY['closed_case','letter','interview','telephone_follow_up'])[1 + n %% 4],
                           (ARRAY['online','paper','telephone'])[1 + n %% 3],
                           (%s)[1 + n %% %s],
                           DATE %s + (n %% 183),
                           'Feedback number ' || n,
                           (ARRAY['very_good','good','neither','poor','very_poor','dont_know',''])[1 + n %% 7],
                           n %% 3 = 0, n %% 17 = 0, 'bench:' || n, '', now()
                    FROM generate_series(1, %s) AS n
                    """,
                    [[team.pk for team in teams], TEAMS, FIRST, size],
                )
                cursor.execute(
                    """
                    INSERT INTO feedback_coding (item_id, theme_id, polarity, coded_by_id, coded_at)
                    SELECT i.id, (%s)[1 + i.id %% %s],
                           (ARRAY['works_well','needs_improving','missing'])[1 + (i.id / 7) %% 3], %s, now()
                    FROM feedback_feedbackitem i
                    """,
                    [[theme.pk for theme in themes], THEMES, coder.pk],
                )
                cursor.execute("ANALYZE")
        else:
            items = [
                FeedbackItem(
                    source=("closed_case", "letter", "interview")[n % 3],
                    channel=("online", "paper", "telephone")[n % 3],
                    team=teams[n % TEAMS],
                    received_on=f"2026-{4 + n % 6:02d}-{1 + n % 28:02d}",
                    text=f"Feedback number {n}",
                    rating=("very_good", "good", "poor", "")[n % 4],
                    consent_to_quote=n % 3 == 0,
                    source_key=f"bench:{n}",
                )
                for n in range(size)
            ]
            FeedbackItem.objects.bulk_create(items, batch_size=2000)
            Coding.objects.bulk_create(
                [
                    Coding(
                        item=item,
                        theme=themes[n % THEMES],
                        polarity=("works_well", "needs_improving", "missing")[n % 3],
                        coded_by=coder,
                        coded_at=item.created_at,
                    )
                    for n, item in enumerate(FeedbackItem.objects.only("pk", "created_at"))
                ],
                batch_size=2000,
            )

    def timed(function) -> float:
        function()  # warm
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    def build():
        scope = Scope(first_day=date.fromisoformat(FIRST), last_day=date.fromisoformat(LAST), audience_scope="all")
        for _key, section in SECTIONS:
            section(scope)

    def raw():
        with connection.cursor() as cursor:
            for sql in RAW_SQL:
                cursor.execute(sql.replace("%%", "%"), [FIRST, LAST])
                cursor.fetchall()

    print(f"{'items':>10}{'build ms':>12}{'raw SQL ms':>12}{'ratio':>8}{'queries':>9}   ({connection.vendor})")
    for size in args.items:
        fill(size)
        with CaptureQueriesContext(connection) as queries:
            build()
        build_time, raw_time = timed(build), timed(raw)
        ratio = build_time / raw_time
        print(f"{size:>10}{build_time * 1000:>12.1f}{raw_time * 1000:>12.1f}{ratio:>8.2f}{len(queries):>9}")


if __name__ == "__main__":
    main()
