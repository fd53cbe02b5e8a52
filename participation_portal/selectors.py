"""What the home page and the staff dashboard show, gathered from the feature apps."""

from collections.abc import Callable
from datetime import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from consultations.models import Consultation
from notifications.models import Message

HOME_LIST_LENGTH = 5


def home_page(moment: datetime) -> tuple[dict, Callable[[], datetime | None]]:
    """Open consultations closing soonest and the latest "You said, we did" (two queries), and a
    function giving the next moment the lists change by themselves: the first of them closing, or
    the next consultation opening (one more query, made only when the lists are kept to share)."""
    open_consultations = list(Consultation.objects.open_at(moment).order_by("closes_at")[:HOME_LIST_LENGTH])
    lists = {
        "open_consultations": open_consultations,
        "consultations_url": reverse("consultations:hub"),
        "recent_outcomes": list(
            Consultation.objects.with_outcomes_published().order_by("-outcomes_published_at")[:HOME_LIST_LENGTH]
        ),
        "outcomes_url": reverse("consultations:outcome-list"),
    }

    def changes_at() -> datetime | None:
        moments = [first.closes_at for first in open_consultations[:1]]
        moments += Consultation.objects.upcoming_at(moment).order_by("opens_at").values_list("opens_at", flat=True)[:1]
        return min(moments, default=None)

    return lists, changes_at


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
        **Message.objects.aggregate(
            outbox_failed=Count("pk", filter=Q(state=Message.State.FAILED)),
            outbox_uncertain=Count("pk", filter=Q(state=Message.State.UNCERTAIN)),
        ),
    }
