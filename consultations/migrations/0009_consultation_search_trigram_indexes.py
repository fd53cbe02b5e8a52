"""Trigram indexes for the hub's search, on PostgreSQL only.

The search is a case-insensitive "contains" over title, summary and proposal, which Django writes
as ``UPPER(column::text) LIKE UPPER(%s)``. A GIN index of trigrams on that same expression lets
PostgreSQL answer it (and count its matches) from the index instead of reading every row, for any
part of a word of three characters or more. SQLite (the embedded set-up) keeps the plain scan.
The extension is created when the database user may; where it may not, the search still works,
only without these indexes.
"""

from django.db import migrations

COLUMNS = ("title", "summary", "proposal")


def index_name(column: str) -> str:
    return f"consultation_{column}_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            cursor.execute("SAVEPOINT pg_trgm_create")
            try:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            except Exception:  # noqa: BLE001 - not allowed to create it: the search works unindexed
                cursor.execute("ROLLBACK TO SAVEPOINT pg_trgm_create")
                return
            cursor.execute("RELEASE SAVEPOINT pg_trgm_create")
        for column in COLUMNS:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {index_name(column)} ON consultations_consultation "  # noqa: S608
                f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for column in COLUMNS:
            cursor.execute(f"DROP INDEX IF EXISTS {index_name(column)}")


class Migration(migrations.Migration):
    dependencies = [("consultations", "0008_consultation_list_order_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
