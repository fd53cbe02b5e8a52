"""Reads whose SQL is built once per process, for the few reads every public page makes.

Django builds a queryset's SQL afresh on every call. For a read of one row by its key that is
about half the read: 0.36 of 0.68 ms for an invitation with its participant, on PostgreSQL on
the benchmark's machine, more than the database takes to answer. The SQL, and how a row becomes
models, depend only on the queryset's shape, so a `PreparedRead` builds them on first use (for
each database) and then only sends the SQL with the value of the moment.

Only the value given to the read changes between calls: a queryset whose SQL depends on anything
else (the time, the user, a setting) is not a prepared read.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

# Stand-ins for the value while the SQL is built, found again among the SQL's parameters: values
# no caller passes (within a 32-bit key: a larger one is no query at all), of the two types reads are keyed by.
_STAND_INS = {int: -1_873_406_529, str: "\x1fprepared-read-value\x1f"}


@dataclass(frozen=True)
class _Built:
    sql: str
    params: tuple
    value_at: int  # where the value goes among the parameters
    converters: list  # (column, its converters, its expression): database values into Python's
    model: type[Model]
    own_columns: slice  # the model's own columns in a row
    own_names: list[str]
    related: list  # fills in what select_related names from the rest of the row


class PreparedRead:
    """`read = PreparedRead(lambda pk: Invitation.objects.select_related("participant").filter(pk=pk))`,
    then `read.one(pk)` is the model or None, and `read.all(pk)` the list, as the queryset would
    give them, with the related rows `select_related` names filled in."""

    def __init__(self, queryset_for: Callable[[Any], QuerySet], *, value_type: type = int):
        self.queryset_for = queryset_for
        self.value_type = value_type
        self._built: dict[str, _Built] = {}

    def one(self, value, *, using: str = DEFAULT_DB_ALIAS) -> Model | None:
        found = self._read(value, using, single=True)
        return found[0] if found else None

    def all(self, value, *, using: str = DEFAULT_DB_ALIAS) -> list[Model]:
        return self._read(value, using, single=False)

    def _read(self, value, using: str, *, single: bool) -> list[Model]:
        if not isinstance(value, self.value_type) or isinstance(value, bool):
            raise TypeError(f"A prepared read is keyed by {self.value_type.__name__}, not {type(value).__name__}.")
        built = self._built.get(using) or self._build(using)
        params = list(built.params)
        params[built.value_at] = value
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(built.sql, params)
            rows = cursor.fetchmany(1) if single else cursor.fetchall()
        found = []
        for row in rows:
            if built.converters:
                row = list(row)
                for at, converters, expression in built.converters:
                    for converter in converters:
                        row[at] = converter(row[at], expression, connection)
            model = built.model.from_db(using, built.own_names, row[built.own_columns])
            for related in built.related:
                related.populate(row, model)
            found.append(model)
        return found

    def _build(self, using: str) -> _Built:
        stand_in = _STAND_INS[self.value_type]
        queryset = self.queryset_for(stand_in)
        if queryset._fields is not None or queryset._prefetch_related_lookups or queryset.query.annotation_select:
            raise ValueError("A prepared read makes models alone: no values(), annotate() or prefetch_related().")
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        places = [at for at, param in enumerate(params) if param == stand_in and type(param) is type(stand_in)]
        if len(places) != 1:
            raise ValueError(f"The value must appear once among the read's parameters; it appears {len(places)} times.")
        klass_info = compiler.klass_info
        own = klass_info["select_fields"]
        built = _Built(
            sql=sql,
            params=tuple(params),
            value_at=places[0],
            converters=[
                (at, converters, expression)
                for at, (converters, expression) in compiler.get_converters(
                    [column[0] for column in compiler.select[: compiler.col_count]]
                ).items()
            ],
            model=klass_info["model"],
            own_columns=slice(own[0], own[-1] + 1),
            own_names=[column[0].target.attname for column in compiler.select[own[0] : own[-1] + 1]],
            related=get_related_populators(klass_info, compiler.select, using),
        )
        self._built[using] = built
        return built
