"""{{ value|govuk_date }}, {{ value|govuk_time }} and {{ value|govuk_datetime }}: see common.dates."""

from django import template

from common import dates

register = template.Library()


def _or_empty(function):
    # A missing date (an optional field left blank) prints nothing, as Django's |date does.
    def filter_function(value):
        return function(value) if value else ""

    filter_function.__name__ = function.__name__
    return filter_function


register.filter("govuk_date", _or_empty(dates.govuk_date))
register.filter("govuk_time", _or_empty(dates.govuk_time))
register.filter("govuk_datetime", _or_empty(dates.govuk_datetime))
