from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template

from common.dates import govuk_date, govuk_datetime, govuk_time


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 12, 14, 17, 30, tzinfo=UTC), "5:30pm"),
        (datetime(2026, 12, 14, 9, 0, tzinfo=UTC), "9am"),
        (datetime(2026, 12, 14, 12, 0, tzinfo=UTC), "midday"),
        (datetime(2026, 12, 14, 0, 0, tzinfo=UTC), "midnight"),
        (datetime(2026, 12, 14, 0, 5, tzinfo=UTC), "12:05am"),
    ],
)
def test_times_are_written_the_govuk_way(moment, expected):
    assert govuk_time(moment) == expected


def test_a_date_and_time_reads_time_on_date_in_uk_time():
    # 16:30 UTC in July is 5:30pm British Summer Time.
    assert govuk_datetime(datetime(2026, 7, 1, 16, 30, tzinfo=UTC)) == "5:30pm on 1 July 2026"


def test_a_date_alone_has_no_leading_zero_and_a_full_month():
    assert govuk_date(date(2026, 12, 4)) == "4 December 2026"
    # 23:30 UTC on 30 June is already 1 July in the UK.
    assert govuk_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"


def test_template_filters_print_nothing_for_a_missing_date():
    template = Template("{% load govuk_dates %}[{{ when|govuk_datetime }}][{{ none|govuk_date }}]")
    rendered = template.render(Context({"when": datetime(2026, 12, 14, 17, 30, tzinfo=UTC), "none": None}))
    assert rendered == "[5:30pm on 14 December 2026][]"
