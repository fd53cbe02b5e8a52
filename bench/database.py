"""A benchmark's own database: created if missing, and refused if it holds anyone else's tables.

Each benchmark that empties its database marks it with a table of its own name (bench_<name>_owner); a
database with tables and without any benchmark's mark is someone else's (a developer's portal, a test
run) and is never emptied. Benchmarks may share a database: each empties it before it fills it.
"""

import re

OWNER_MARK = re.compile(r"^bench_\w+_owner$")


def database_create_if_missing(url: str) -> None:
    """Create a missing PostgreSQL database, so one command runs from a clean checkout."""
    import environ
    import psycopg2

    config = environ.Env.db_url_config(url)
    if "postgresql" not in config["ENGINE"]:
        return
    server = {
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
    }
    connection = psycopg2.connect(dbname="postgres", **server)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    finally:
        connection.close()


def database_claim(owner_table: str) -> None:
    """Make the configured database the benchmark's (marked with `owner_table`), empty and migrated. A
    database with tables and no benchmark's mark is someone else's: refuse it."""
    from django.core.management import call_command
    from django.db import connection

    tables = connection.introspection.table_names()
    if tables and not any(OWNER_MARK.match(table) for table in tables):
        raise SystemExit(
            f"Refusing to run: {connection.settings_dict['NAME']} holds tables no benchmark made. "
            "Name an empty database in BENCH_DATABASE_URL (for PostgreSQL the benchmark creates it if missing)."
        )
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {owner_table} (note varchar(100))")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)
