"""What the home page and the staff dashboard show, gathered from the feature apps."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from consultations.models import Consultation
from notifications.models import Message

HOME_LIST_LENGTH = 5


def home_page(*, user) -> dict:
    """Open consultations closing soonest and the latest "You said, we did". Two queries."""
    now = timezone.now()
    return {
        "open_consultations": list(Consultation.objects.open_at(now).order_by("closes_at")[:HOME_LIST_LENGTH]),
        "consultations_url": reverse("consultations:hub"),
        "recent_outcomes": list(
            Consultation.objects.with_outcomes_published().order_by("-outcomes_published_at")[:HOME_LIST_LENGTH]
        ),
        "outcomes_url": reverse("consultations:outcome-list"),
    }


def staff_dashboard(*, user) -> dict:
    now = timezone.now()
    mine = Consultation.objects.editable_by(user)
    consultations = mine.aggregate(
        drafts=Count("pk", filter=Q(published_at__isnull=True)),
        open=Count(
            "pk", filter=Q(published_at__isnull=False, withdrawn_at__isnull=True, opens_at__lte=now, closes_at__gt=now)
        ),
        awaiting_outcomes=Count(
            "pk",
            filter=Q(
                published_at__isnull=False,
                withdrawn_at__isnull=True,
                closes_at__lte=now,
                outcomes_published_at__isnull=True,
            ),
        ),
    )
    return {
        "consultations": consultations,
        "outbox_due": Message.objects.due_at(now).count(),
        "outbox_failed": Message.objects.filter(state=Message.State.FAILED).count(),
    }
