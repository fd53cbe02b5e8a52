"""Dates and times written the GOV.UK way, in UK time: "5:30pm on 14 December 2026".

One place for every page, e-mail and export, so the portal never writes a time three ways.
The GOV.UK style guide writes "midday" (not 12pm or noon) and "midnight" (not 12am or 00:00),
and a time on the hour without minutes ("9am").
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext

DATE_FORMAT = "j F Y"


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def govuk_time(moment: datetime) -> str:
    """For example "9am", "5:30pm", "midday" or "midnight"."""
    local = _local(moment)
    return _time_in_words(local.hour, local.minute, get_language())


def govuk_date(value: date | datetime) -> str:
    """For example "14 December 2026"; a date and time gives its UK date."""
    if isinstance(value, datetime):
        value = _local(value).date()
    return _date_in_words(value, get_language())


def govuk_datetime(moment: datetime) -> str:
    """For example "5:30pm on 14 December 2026"."""
    local, language = _local(moment), get_language()
    return _time_on_date(language) % {
        "time": _time_in_words(local.hour, local.minute, language),
        "date": _date_in_words(local.date(), language),
    }


# A list of a thousand rows spent a fifth of its time converting to UK time and formatting dates
# through date_format and gettext, mostly on the same few dates: each value is converted once, and
# each day's and time's words are worked out once per language and process.
@lru_cache(maxsize=4096)
def _date_in_words(day: date, language: str | None) -> str:
    return date_format(day, DATE_FORMAT)


@lru_cache(maxsize=4096)
def _time_in_words(hour: int, minute: int, language: str | None) -> str:
    if minute == 0 and hour in (0, 12):
        return gettext("midnight") if hour == 0 else gettext("midday")
    minutes = f":{minute:02d}" if minute else ""
    return f"{hour % 12 or 12}{minutes}{'am' if hour < 12 else 'pm'}"


@lru_cache(maxsize=64)
def _time_on_date(language: str | None) -> str:
    return gettext("%(time)s on %(date)s")


# --- The council's financial year ------------------------------------------------------------------
# Every UK local authority keeps its accounts from 1 April to 31 March (the tax year, 6 April to
# 5 April, is a person's, not the council's), so this is a fact, not a setting.
FINANCIAL_YEAR_STARTS = (4, 1)  # month, day


@dataclass(frozen=True)
class FinancialYear:
    """A council financial year, named by the calendar year it starts in: 2026 is 1 April 2026 to
    31 March 2027."""

    starts_in: int

    @property
    def first_day(self) -> date:
        return date(self.starts_in, *FINANCIAL_YEAR_STARTS)

    @property
    def last_day(self) -> date:
        return date(self.starts_in + 1, *FINANCIAL_YEAR_STARTS) - timedelta(days=1)

    def __str__(self) -> str:
        return gettext("%(first)s to %(last)s") % {"first": self.starts_in, "last": self.starts_in + 1}


def financial_year_of(day: date) -> FinancialYear:
    return FinancialYear(day.year if (day.month, day.day) >= FINANCIAL_YEAR_STARTS else day.year - 1)


def local_day_bounds(first_day: date, last_day: date) -> tuple[datetime, datetime]:
    """The UK moments from the start of ``first_day`` to the start of the day after ``last_day``, for
    filtering stored (UTC) times by UK dates."""
    return (
        timezone.make_aware(datetime.combine(first_day, time.min)),
        timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min)),
    )
