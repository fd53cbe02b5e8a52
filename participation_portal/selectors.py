"""What the home page and the staff dashboard show, gathered from the feature apps."""

from django.utils import timezone

from notifications.models import Message


def home_page(*, user) -> dict:
    return {}


def staff_dashboard(*, user) -> dict:
    now = timezone.now()
    return {
        "outbox_due": Message.objects.due_at(now).count(),
        "outbox_failed": Message.objects.filter(state=Message.State.FAILED).count(),
    }
