"""Disclosure control, tested with tables built so that a naive report would leak."""

import itertools
import random

import pytest

from common import disclosure
from common.disclosure import Count, count, percent, quotable, table


def hidden_cells(result) -> set[tuple[int, int]]:
    return {(r, c) for r, row in enumerate(result.cells) for c, cell in enumerate(row) if cell.hidden}


def recoverable(result) -> list[tuple[int, int]]:
    """Cells a reader could work out exactly: alone hidden in a line whose total is shown."""
    leaks = []
    for r, row in enumerate(result.cells):
        hidden = [c for c, cell in enumerate(row) if cell.hidden]
        if len(hidden) == 1 and not result.row_totals[r].hidden:
            leaks.append((r, hidden[0]))
    for c in range(len(result.column_totals)):
        column = [result.cells[r][c] for r in range(len(result.cells))]
        hidden = [r for r, cell in enumerate(column) if cell.hidden]
        if len(hidden) == 1 and not result.column_totals[c].hidden:
            leaks.append((hidden[0], c))
    for totals in (result.row_totals, result.column_totals):
        hidden = [i for i, total in enumerate(totals) if total.hidden]
        if len(totals) > 1 and len(hidden) == 1 and not result.total.hidden:
            leaks.append(("total", hidden[0]))
    return leaks


@pytest.mark.parametrize(
    ("value", "shown"), [(0, "0"), (1, "fewer than 5"), (4, "fewer than 5"), (5, "5"), (120, "120")]
)
def test_counts_from_one_to_four_read_fewer_than_five(value, shown):
    assert str(count(value)) == shown


def test_a_hidden_count_has_no_value_for_a_chart_or_csv():
    assert count(3).shown is None and count(7).shown == 7


def test_one_small_cell_beside_a_total_takes_a_second_cell_with_it():
    # Naively: 3 hidden, but 20 - 10 - 7 = 3 gives it away.
    result = disclosure.breakdown([10, 3, 7])
    assert [str(c) for c in result.cells[0]] == ["10", "fewer than 5", "fewer than 5"]
    assert str(result.total) == "20"
    assert result.suppressed
    assert recoverable(result) == []


def test_a_breakdown_with_nothing_small_hides_nothing():
    result = disclosure.breakdown([10, 6, 7])
    assert not result.suppressed
    assert [c.value for c in result.cells[0]] == [10, 6, 7]


def test_a_small_total_is_hidden_with_everything_in_it():
    result = disclosure.breakdown([2, 1, 0])
    assert result.total.hidden and all(c.hidden for c in result.cells[0] if c.value)


def test_a_cross_table_built_to_leak_by_rows_and_columns_leaks_nothing():
    # Team by polarity: one small cell per row and per column; both totals shown.
    values = [[12, 2, 9], [8, 15, 3], [20, 11, 30]]
    result = table(values)
    assert recoverable(result) == []
    assert (0, 1) in hidden_cells(result) and (1, 2) in hidden_cells(result)
    # Nothing above 4 is hidden without a reason: at most one extra cell per small cell found.
    assert len(hidden_cells(result)) <= 4


def test_a_small_row_total_among_shown_ones_takes_another_total_with_it():
    values = [[1, 2], [10, 12], [9, 7]]
    result = table(values)
    assert result.row_totals[0].hidden
    assert recoverable(result) == []


@pytest.mark.parametrize("values", list(itertools.product([0, 1, 3, 5, 9], repeat=4)))
def test_no_two_by_two_table_can_be_worked_back(values):
    result = table([list(values[:2]), list(values[2:])])
    assert recoverable(result) == []
    for row in result.cells:
        for cell in row:
            assert not disclosure.needs_hiding(cell.value) or cell.hidden


def test_no_percentage_from_a_hidden_part():
    assert percent(count(3), count(40)) is None
    assert percent(count(10), Count(12, hidden=True)) is None
    assert percent(count(10), count(40)) == 25
    assert percent(count(0), count(0)) is None


def test_quotes_come_only_from_groups_of_five_or_more():
    assert not quotable(4) and quotable(5)


def test_rows_must_be_the_same_length():
    with pytest.raises(ValueError):
        table([[1, 2], [3]])


def test_no_cell_of_many_random_cross_tables_can_be_worked_back():
    chooser = random.Random(56)
    for _ in range(500):
        rows, columns = chooser.randint(1, 5), chooser.randint(1, 6)
        values = [[chooser.choice([0, 0, 1, 2, 4, 5, 6, 12, 40]) for _ in range(columns)] for _ in range(rows)]
        result = table(values)
        assert recoverable(result) == [], values
