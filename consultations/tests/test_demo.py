import pytest
from django.core.management import call_command
from django.utils import timezone

from consultations.models import Consultation


@pytest.mark.django_db
def test_demo_has_open_upcoming_and_closed_consultations_with_responses_and_outcomes(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)  # twice does no harm
    now = timezone.now()
    open_ = Consultation.objects.open_at(now).get()
    closed = Consultation.objects.closed_at(now).get()
    assert Consultation.objects.upcoming_at(now).count() == 1
    assert open_.responses.submitted().count() >= 3
    assert {q.kind for q in open_.questions.all()} == {
        "short_text",
        "long_text",
        "single_choice",
        "multiple_choice",
        "agreement",
        "yes_no",
    }
    assert closed.responses.submitted().exclude(channel="online").exists()
    assert closed.outcomes_published_at and closed.outcome_items.filter(changed=False).exists()
