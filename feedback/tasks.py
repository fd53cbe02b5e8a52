from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="feedback.letters_send")
def letters_send() -> int:
    """Daily: the closure letter (codes, the day's printable batch, e-mails) for each case due one.
    Once per case, however often it runs or however many workers run it at once."""
    batch = services.letters_send(moment=timezone.now())
    return batch.letters if batch else 0
