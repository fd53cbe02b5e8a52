"""Dates and times written the GOV.UK way, in UK time: "5:30pm on 14 December 2026".

One place for every page, e-mail and export, so the portal never writes a time three ways.
The GOV.UK style guide writes "midday" (not 12pm or noon) and "midnight" (not 12am or 00:00),
and a time on the hour without minutes ("9am").
"""

from datetime import date, datetime
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
