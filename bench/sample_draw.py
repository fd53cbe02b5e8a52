"""How long the quarterly telephone sample takes to draw against a raw SQL draw doing the same work.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_sample \\
        DJANGO_DEBUG=1 .venv/bin/python bench/sample_draw.py [--cases 100000] [--repeat 5]

Fills a PostgreSQL database of its own (created if missing; a database holding anyone else's tables is
refused, since the benchmark empties it) with --cases closed cases in one quarter across teams of
different sizes, and a tenth as many in the quarter before. The exclusions all bite: some cases have
feedback (some of it flagged for safeguarding), some are not to be contacted, some have no phone
number, and some were called in a sample of the last twelve months (others in an older sample, which
does not exclude them). Each team has none to three staff to call, and an inactive member.

It then times the portal's draw (``sample_draw_for_quarter``, as the quarterly job calls it) against one
hand-written SQL statement doing the same work: the same eligibility filter, the cases considered kept
by team on the sample, per-team sizes from the percentage, minimum and maximum, a seeded random choice
in each team, and the calls inserted, each given to one of the team's callers in turn. Every repeat runs
in a transaction rolled back afterwards, so each does the same work. It prints both medians, their
ratio (the aim: within 2x) and the draw's query count.
"""

import argparse
import json
import os
import secrets
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH_DIR]
sys.path.insert(0, str(BENCH_DIR.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "participation_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/participation_portal_bench_sample"
# Never the portal's own database: the benchmark empties it.
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
os.environ.setdefault("CACHE_URL", "locmemcache://")

from bench.database import database_claim, database_create_if_missing  # noqa: E402

OWNER_TABLE = "bench_sample_owner"
QUARTER = date(2026, 7, 1)
MOMENT = datetime(2026, 10, 2, 7, tzinfo=UTC)
TEAMS = 8
RECENT_SAMPLE, OLD_SAMPLE = date(2025, 10, 1), date(2025, 4, 1)  # within the twelve months, and before

# The draw in one statement: eligible cases (materialised once), counted and listed by team on the new
# sample, ranked per team by a seeded hash, cut at each team's size, and given to callers in turn.
RAW_DRAW = """
WITH eligible AS MATERIALIZED (
    SELECT c.id, c.team_id FROM feedback_closedcase c
    WHERE c.closed_on >= %(start)s AND c.closed_on < %(end)s AND NOT c.do_not_contact AND c.phone <> ''
      AND NOT EXISTS (SELECT 1 FROM feedback_casefeedback f WHERE f.case_id = c.id)
      AND NOT EXISTS (
          SELECT 1 FROM feedback_followupcall k JOIN feedback_followupsample s ON s.id = k.sample_id
          WHERE k.case_id = c.id AND s.quarter_start >= %(year_before)s)
),
teams AS (
    SELECT team_id, COUNT(*) AS eligible, jsonb_agg(id) AS cases FROM eligible GROUP BY team_id
),
sample AS (
    INSERT INTO feedback_followupsample (quarter_start, seed, considered, size_rule, drawn_at)
    SELECT %(start)s, %(seed)s, COALESCE(jsonb_object_agg(team_id::text, cases), '{}'), %(rule)s, %(moment)s
    FROM teams
    RETURNING id
),
ranked AS (
    SELECT id, team_id, row_number() OVER (PARTITION BY team_id ORDER BY hashint8extended(id, %(seed_number)s)) AS place
    FROM eligible
),
chosen AS (
    SELECT r.id, r.team_id, row_number() OVER (PARTITION BY r.team_id ORDER BY r.id) AS turn
    FROM ranked r JOIN teams t USING (team_id)
    WHERE r.place <= LEAST(t.eligible, GREATEST(%(minimum)s, LEAST(%(maximum)s, round(t.eligible * %(percent)s / 100))))
),
callers AS (
    SELECT ut.team_id, array_agg(DISTINCT u.id ORDER BY u.id) AS people
    FROM accounts_user u
    JOIN accounts_user_teams ut ON ut.user_id = u.id
    JOIN accounts_user_groups ug ON ug.user_id = u.id
    JOIN auth_group g ON g.id = ug.group_id
    WHERE u.is_active AND g.name = ANY(%(roles)s)
    GROUP BY ut.team_id
)
INSERT INTO feedback_followupcall (sample_id, case_id, caller_id, due_on, status)
SELECT sample.id, chosen.id, callers.people[1 + (chosen.turn - 1) %% cardinality(callers.people)], %(due_on)s, 'open'
FROM chosen CROSS JOIN sample LEFT JOIN callers USING (team_id)
"""


def fill(cases: int) -> None:
    """Teams, callers, closed cases (bulk inserts) and the exclusions."""
    from django.db import connection

    from accounts.models import Team
    from accounts.roles import Role
    from accounts.tests.factories import UserFactory
    from feedback import calls
    from feedback.models import FollowUpSample

    teams = [Team.objects.create(slug=f"bench-{n}", name=f"Bench team {n}") for n in range(TEAMS)]
    for number, team in enumerate(teams):
        for _ in range(number % 4):
            UserFactory(role=Role.STAFF, teams=[team])
        UserFactory(role=Role.STAFF, teams=[team], is_active=False)
    recent = FollowUpSample.objects.create(quarter_start=RECENT_SAMPLE, seed="recent", drawn_at=MOMENT)
    old = FollowUpSample.objects.create(quarter_start=OLD_SAMPLE, seed="old", drawn_at=MOMENT)
    before = calls.quarter_before(QUARTER)
    with connection.cursor() as cursor:
        # Teams of different sizes: the square skews the share towards the last teams.
        for first_day, days, count, offset in ((QUARTER, 92, cases, 0), (before, 91, cases // 10, cases)):
            cursor.execute(
                """
                INSERT INTO feedback_closedcase (reference, reference_key, team_id, closed_on, closure_reason,
                    contact_name, address, phone, email, preferred_format, language, preferred_times,
                    do_not_contact, do_not_contact_reason, child_age_band, created_at, updated_at)
                SELECT 'CMS-' || n, 'cms-' || n,
                       (%s::int[])[1 + floor(%s * sqrt((n %% 997) / 997.0))::int],
                       %s::date + (n %% %s), 'Plan completed', 'Family ' || n, n || ' High Street, Town',
                       CASE WHEN n %% 17 = 0 THEN '' ELSE '07700 900000' END, 'family' || n || '@example.com',
                       'standard', '', '', n %% 10 = 0, CASE WHEN n %% 10 = 0 THEN 'Asked not to be' ELSE '' END,
                       '11_15', now(), now()
                FROM generate_series(%s, %s) AS n
                """,
                [[team.pk for team in teams], TEAMS, first_day, days, offset + 1, offset + count],
            )
        # A quarter of the cases have feedback, a third of that flagged for safeguarding and still open.
        cursor.execute(
            """
            INSERT INTO feedback_casefeedback (case_id, team_id, channel, questionnaire, answered_by, received_at,
                worked_well, could_be_better, missing, experience, listened_to, picture_answers, may_quote,
                contact_wish, contact_detail, flagged_at, flag_reason)
            SELECT id, team_id, 'online', '', '', %s, 'Helpful', '', '', 'good', '', '{}', false, 'no', '',
                   CASE WHEN id %% 12 = 1 THEN %s::timestamptz END,
                   CASE WHEN id %% 12 = 1 THEN 'A safeguarding word' ELSE '' END
            FROM feedback_closedcase WHERE id %% 4 = 1
            """,
            [MOMENT, MOMENT],
        )
        # Called in the last twelve months (excluded), or before that (not excluded).
        cursor.execute(
            """
            INSERT INTO feedback_followupcall (sample_id, case_id, due_on, status)
            SELECT CASE WHEN id %% 9 = 2 THEN %s ELSE %s END, id, %s, 'completed'
            FROM feedback_closedcase WHERE id %% 9 IN (2, 5)
            """,
            [recent.pk, old.pk, MOMENT.date()],
        )
        cursor.execute("ANALYZE")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="closed cases in the quarter drawn")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    database_create_if_missing(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.roles import STAFF_ROLES
    from feedback import calls
    from feedback.models import FollowUpCall, FollowUpSample

    if connection.vendor != "postgresql":
        raise SystemExit("The raw draw is PostgreSQL's SQL: name a PostgreSQL database in BENCH_DATABASE_URL.")
    database_claim(OWNER_TABLE)
    started = time.perf_counter()
    fill(args.cases)
    print(f"Filled in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    rule = calls.size_rule_now()

    def service():
        calls.sample_draw_for_quarter(quarter_start=QUARTER, moment=MOMENT)

    def raw():
        seed = secrets.token_hex(8)
        seed_number = int(seed, 16) - 2**63  # the same 64 bits, as PostgreSQL's signed bigint
        due_on = timezone.localdate(MOMENT) + timedelta(days=settings.FEEDBACK_CALL_DUE_DAYS)
        with connection.cursor() as cursor:
            cursor.execute(
                RAW_DRAW,
                {
                    "start": QUARTER,
                    "end": calls.quarter_after(QUARTER),
                    "year_before": date(QUARTER.year - 1, QUARTER.month, 1),
                    "seed": seed,
                    "seed_number": seed_number,
                    "rule": json.dumps(rule),
                    "moment": MOMENT,
                    "due_on": due_on,
                    "roles": list(STAFF_ROLES),
                    **rule,
                },
            )

    def rolled_back(function, queries=None):
        """Run `function` in a transaction rolled back afterwards: its seconds, and what it drew (by team,
        the cases considered and the calls made)."""
        with transaction.atomic():
            start = time.perf_counter()
            if queries is None:
                function()
            else:
                with queries:
                    function()
            seconds = time.perf_counter() - start
            considered = FollowUpSample.objects.get(quarter_start=QUARTER).considered
            calls_made = Counter(
                FollowUpCall.objects.filter(sample__quarter_start=QUARTER).values_list("case__team_id", flat=True)
            )
            transaction.set_rollback(True)
        return seconds, {int(team): (len(cases), calls_made[int(team)]) for team, cases in considered.items()}

    queries = CaptureQueriesContext(connection)
    _, by_team = rolled_back(service, queries)
    _, raw_by_team = rolled_back(raw)
    if by_team != raw_by_team:
        raise SystemExit(f"The raw draw does different work: {raw_by_team} (considered, drawn by team), not {by_team}")
    eligible = sum(considered for considered, _ in by_team.values())
    drawn = sum(made for _, made in by_team.values())
    service_times, raw_times = [], []
    for _ in range(args.repeat):  # interleaved, so a busy moment on the machine slows both
        service_times.append(rolled_back(service)[0])
        raw_times.append(rolled_back(raw)[0])
    service_time, raw_time = statistics.median(service_times), statistics.median(raw_times)
    print(
        f"{args.cases:,} cases in the quarter, {eligible:,} eligible, {drawn} drawn "
        f"in {len(by_team)} teams (median of {args.repeat}, {connection.vendor}):"
    )
    print(f"  raw SQL draw                {raw_time * 1000:8.1f} ms")
    print(
        f"  sample_draw_for_quarter     {service_time * 1000:8.1f} ms  {service_time / raw_time:4.2f}x the raw draw, "
        f"{len(queries)} queries"
    )


if __name__ == "__main__":
    main()
