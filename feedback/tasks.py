from celery import shared_task
from django.utils import timezone

from . import calls, collation, retention, services, suggestions


@shared_task(name="feedback.collate")
def collate() -> int:
    """Daily: file new consultation answers (and, when there are any, session comments) as feedback
    items, once each however often it runs, and suggest themes for those filed now."""
    moment = timezone.now()
    filed = collation.feedback_collate(moment=moment)
    suggestions.suggestions_make(item_ids=filed, moment=moment)
    return len(filed)


@shared_task(name="feedback.suggestion_model_train")
def suggestion_model_train() -> int:
    """Weekly: learn again from everything coded so far and suggest afresh for items not yet coded.
    Safe to repeat: the newest model is used, and suggestions are replaced, never coding."""
    moment = timezone.now()
    if suggestions.suggestion_model_train(moment=moment) is None:
        return 0
    return suggestions.suggestions_refresh(moment=moment)


@shared_task(name="feedback.letters_send")
def letters_send() -> int:
    """Daily: the closure letter (codes, the day's printable batch, e-mails) for each case due one.
    Once per case, however often it runs or however many workers run it at once."""
    batch = services.letters_send(moment=timezone.now())
    return batch.letters if batch else 0


@shared_task(name="feedback.samples_draw")
def samples_draw() -> int:
    """Daily: draw the telephone sample of any ended quarter that has none yet (once per quarter, however
    often it runs; a missed quarter is caught up)."""
    return len(calls.samples_catch_up(moment=timezone.now()))


@shared_task(name="feedback.call_reminders_send")
def call_reminders_send() -> int:
    """Daily: remind each caller of their calls due soon or overdue, once a day."""
    return calls.call_reminders_send(moment=timezone.now())


@shared_task(name="feedback.retention_apply")
def retention_apply() -> int:
    """Daily: remove the contact details of cases closed longer ago than their retention period."""
    return retention.case_contacts_retention_apply(moment=timezone.now())
