"""Report periods: half-years by default (April-September and October-March), from a setting.

A period is its first and last day. The months periods start in are
``THEME_REPORT_PERIOD_START_MONTHS`` (two months make half-years, four make quarters).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

from common.dates import govuk_date


@dataclass(frozen=True, order=True)
class Period:
    first_day: date
    last_day: date

    def __str__(self) -> str:
        return f"{govuk_date(self.first_day)} to {govuk_date(self.last_day)}"


def _start_months() -> tuple[int, ...]:
    months = tuple(sorted(set(settings.THEME_REPORT_PERIOD_START_MONTHS)))
    if not months or any(not 1 <= month <= 12 for month in months):
        raise ValueError("THEME_REPORT_PERIOD_START_MONTHS needs months from 1 to 12.")
    return months


def _start_on_or_before(day: date) -> date:
    """The first day of the period ``day`` falls in."""
    months = _start_months()
    earlier = [month for month in months if month <= day.month]
    if earlier:
        return date(day.year, earlier[-1], 1)
    return date(day.year - 1, months[-1], 1)


def _next_start(first_day: date) -> date:
    months = _start_months()
    later = [month for month in months if month > first_day.month]
    if later:
        return date(first_day.year, later[0], 1)
    return date(first_day.year + 1, months[0], 1)


def period_containing(day: date) -> Period:
    first = _start_on_or_before(day)
    return Period(first, _next_start(first) - timedelta(days=1))


def period_before(period: Period) -> Period:
    return period_containing(period.first_day - timedelta(days=1))


def period_after(period: Period) -> Period:
    return period_containing(period.last_day + timedelta(days=1))


def last_ended_by(day: date) -> Period:
    """The latest period that ended before ``day``: the day after a period ends, it is this one."""
    return period_before(period_containing(day))
