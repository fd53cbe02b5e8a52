from celery import shared_task
from django.utils import timezone

from . import collation, suggestions


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
