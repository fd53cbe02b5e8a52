"""Disclosure control: no published count, share or quote may point to a person.

Every report, page, PDF, CSV and chart that shows numbers beyond the staff who run the work uses this
module, so the rules live in one place (regulation 56(3) of the SEND Regulations: no one can be
identified):

- a count from 1 to 4 shows as "fewer than 5" (primary suppression); 0 is shown, it names nobody;
- wherever a hidden count could be worked back from a total that is shown (a row or a column with
  one hidden cell), a second cell is hidden too (secondary suppression), the smallest one, so the
  least is lost;
- no percentage is shown whose numerator or denominator is hidden;
- no quote comes from a group smaller than 5.

A table says whether anything was hidden, so the output can say that this was done. Every hidden
cell reads the same ("fewer than 5"), the second cells too: a different label for them would tell a
reader which hidden cell is the small one, and with the total that can give it away.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

# The smallest count shown as itself.
SMALLEST_SHOWN = 5


@dataclass(frozen=True)
class Count:
    """A count as it may be published: its value, and whether the value must stay hidden."""

    value: int
    hidden: bool = False

    def __str__(self) -> str:
        return _("fewer than %(smallest)s") % {"smallest": SMALLEST_SHOWN} if self.hidden else str(self.value)

    @property
    def shown(self) -> int | None:
        """The value for a chart or a CSV cell: None where it is hidden."""
        return None if self.hidden else self.value


def needs_hiding(value: int) -> bool:
    return 0 < value < SMALLEST_SHOWN


def count(value: int) -> Count:
    """A lone count, with primary suppression only (use ``table`` where totals are shown beside it)."""
    return Count(value, needs_hiding(value))


def percent(numerator: Count, denominator: Count) -> int | None:
    """A whole-number percentage, or None where either part is hidden or there is nothing to divide."""
    if numerator.hidden or denominator.hidden or not denominator.value:
        return None
    return round(100 * numerator.value / denominator.value)


def quotable(group_size: int) -> bool:
    """A quote may be published only from a group of at least the smallest shown count."""
    return group_size >= SMALLEST_SHOWN


@dataclass(frozen=True)
class Table:
    """A table of counts after suppression: cells by row, each row's total, each column's total and
    the grand total, all as Counts."""

    cells: list[list[Count]]
    row_totals: list[Count]
    column_totals: list[Count]
    total: Count

    @property
    def suppressed(self) -> bool:
        """Whether anything was hidden, so the output can say so."""
        every = [c for row in self.cells for c in row] + self.row_totals + self.column_totals + [self.total]
        return any(c.hidden for c in every)


def table(values: Sequence[Sequence[int]]) -> Table:
    """Suppress a table of counts published with its row, column and grand totals.

    A one-dimensional breakdown is a table of one row. Primary suppression hides every count from 1
    to 4, totals included. Then, until nothing changes: in any row or column whose total is shown
    and which holds exactly one hidden cell, the hidden value could be worked out by subtraction, so
    the smallest shown cell of that line is hidden too (or, where there is none, the total).
    """
    rows = [list(row) for row in values]
    width = max((len(row) for row in rows), default=0)
    if any(len(row) != width for row in rows):
        raise ValueError("Every row of a table needs the same number of cells.")
    row_sums = [sum(row) for row in rows]
    column_sums = [sum(row[c] for row in rows) for c in range(width)]
    grand = sum(row_sums)

    hidden = {(r, c) for r, row in enumerate(rows) for c, value in enumerate(row) if needs_hiding(value)}
    hidden_rows = {r for r, value in enumerate(row_sums) if needs_hiding(value)}
    hidden_columns = {c for c, value in enumerate(column_sums) if needs_hiding(value)}
    grand_hidden = needs_hiding(grand)

    def crossing_cost(cell: tuple[int, int], across_row: bool) -> int:
        """What hiding this cell does to the line crossing it: 0 mends it (it held one hidden cell),
        1 costs nothing (its total is hidden or it holds two already), 2 breaks it (it held none)."""
        r, c = cell
        if across_row:
            if c in hidden_columns:
                return 1
            crossing = sum((i, c) in hidden for i in range(len(rows)))
        else:
            if r in hidden_rows:
                return 1
            crossing = sum((r, i) in hidden for i in range(width))
        return {0: 2, 1: 0}.get(crossing, 1)

    def protect(line: list[tuple[int, int]], values_of: dict, across_row: bool) -> bool:
        """Hide one more cell of a line that holds exactly one hidden cell; True if something changed.
        The cell chosen mends a crossing line where it can, then is the smallest, so the least is lost."""
        hidden_here = [cell for cell in line if cell in hidden]
        if len(hidden_here) != 1:
            return False
        shown = [cell for cell in line if cell not in hidden]
        if not shown:
            return False
        hidden.add(min(shown, key=lambda cell: (crossing_cost(cell, across_row), values_of[cell], cell)))
        return True

    values_of = {(r, c): value for r, row in enumerate(rows) for c, value in enumerate(row)}
    changed = True
    while changed:
        changed = False
        for r in range(len(rows)):
            if r not in hidden_rows:
                line = [(r, c) for c in range(width)]
                if protect(line, values_of, across_row=True):
                    changed = True
                elif width == 1 and (r, 0) in hidden:
                    # A row of one cell: its total is the cell itself.
                    hidden_rows.add(r)
        for c in range(width):
            if c not in hidden_columns:
                line = [(r, c) for r in range(len(rows))]
                if protect(line, values_of, across_row=False):
                    changed = True
                elif len(rows) == 1 and (0, c) in hidden:
                    hidden_columns.add(c)
        # The totals form a line with the grand total: one hidden total among shown ones gives itself away.
        if not grand_hidden:
            for sums, hidden_set in ((row_sums, hidden_rows), (column_sums, hidden_columns)):
                if len(sums) > 1 and len(hidden_set) == 1:
                    candidates = [i for i in range(len(sums)) if i not in hidden_set]
                    hidden_set.add(min(candidates, key=lambda i: (sums[i], i)))
                    changed = True
                elif len(sums) == 1 and hidden_set:
                    grand_hidden = True
                    changed = True

    return Table(
        cells=[[Count(value, (r, c) in hidden) for c, value in enumerate(row)] for r, row in enumerate(rows)],
        row_totals=[Count(value, r in hidden_rows) for r, value in enumerate(row_sums)],
        column_totals=[Count(value, c in hidden_columns) for c, value in enumerate(column_sums)],
        total=Count(grand, grand_hidden),
    )


def breakdown(values: Sequence[int]) -> Table:
    """A single breakdown (one row) with its total: counts by source, by team, by theme."""
    return table([list(values)])
