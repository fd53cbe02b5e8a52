from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from feedback.demo import half_years_before
from feedback.models import Coding, FeedbackItem, FeedbackSource, Suggestion, SuggestionModel

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("today", "earlier", "latest"),
    [
        (
            datetime(2026, 11, 24, tzinfo=LONDON),
            (date(2025, 10, 1), date(2026, 3, 31)),
            (date(2026, 4, 1), date(2026, 9, 30)),
        ),
        (
            datetime(2026, 5, 2, tzinfo=LONDON),
            (date(2025, 4, 1), date(2025, 9, 30)),
            (date(2025, 10, 1), date(2026, 3, 31)),
        ),
        (
            datetime(2026, 2, 1, tzinfo=LONDON),
            (date(2024, 10, 1), date(2025, 3, 31)),
            (date(2025, 4, 1), date(2025, 9, 30)),
        ),
    ],
)
def test_the_demo_half_years_are_the_last_two_whole_ones(today, earlier, latest):
    assert half_years_before(today) == (earlier, latest)


@pytest.mark.django_db
def test_demo_feedback_is_coded_across_two_half_years_with_suggestions_and_loads_once(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    counts = FeedbackItem.objects.count()
    call_command("load_demo", verbosity=0)
    assert FeedbackItem.objects.count() == counts
    (first, last), (later_first, later_last) = half_years_before(datetime.now(tz=LONDON))
    assert Coding.objects.filter(item__received_on__range=(first, last)).exists()
    assert Coding.objects.filter(item__received_on__range=(later_first, later_last)).exists()
    assert FeedbackItem.objects.filter(source=FeedbackSource.CONSULTATION_RESPONSE).exists()
    assert FeedbackItem.objects.filter(child_protection=True).exists()
    assert SuggestionModel.objects.exists() and Suggestion.objects.exists()
