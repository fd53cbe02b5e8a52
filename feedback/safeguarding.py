"""The administrators' safeguarding words, and what they trip outside closed-case feedback.

Feedback that uses a word or phrase from the list (``SafeguardingWord``) is flagged at once
(services.tripwire_check). What a participant said at a co-production session, recorded by staff as
a comment, is read against the same list when it is written: a comment that uses one e-mails the
designated safeguarding officer, once, and is logged; the collation job files it as concerning child
protection, so it is never quoted.
"""

import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.urls import reverse

from coproduction.models import SessionComment
from notifications.services import message_queue

from .models import SafeguardingWord

logger = logging.getLogger(__name__)


def safeguarding_matcher() -> Callable[[list[str]], list[str]]:
    """A function giving the words and phrases of the list found in some texts (whole words, any
    case), reading the list once, when first asked: for a job that checks many texts, or none."""
    patterns: list[tuple[str, re.Pattern]] | None = None

    def found(texts: list[str]) -> list[str]:
        nonlocal patterns
        joined = " ".join(text for text in texts if text).lower()
        if not joined.strip():
            return []
        if patterns is None:
            patterns = [
                (phrase, re.compile(r"(?<!\w)" + re.escape(phrase.strip().lower()) + r"(?!\w)"))
                for phrase in SafeguardingWord.objects.values_list("phrase", flat=True)
            ]
        return [phrase for phrase, pattern in patterns if pattern.search(joined)]

    return found


def safeguarding_words_in(texts: list[str]) -> list[str]:
    return safeguarding_matcher()(texts)


def session_comment_written(sender, instance: SessionComment, **kwargs) -> None:
    """A comment using words from the list e-mails the designated officer, once however often it is
    saved, in the comment's own transaction."""
    words = safeguarding_words_in([instance.text])
    if not words:
        return
    path = reverse("coproduction:session", kwargs={"session_pk": instance.session_id}) + "#comments"
    queued = message_queue(
        recipient=settings.SAFEGUARDING_OFFICER_EMAIL,
        template="feedback/session_comment_concern",
        context={"words": ", ".join(words), "session_url": settings.SITE_URL + path},
        dedupe_key=f"session-comment-safeguarding-{instance.pk}",
    )
    if queued is not None:
        logger.warning(
            "Safeguarding words in comment %s at co-production session %s: designated officer e-mailed",
            instance.pk,
            instance.session_id,
        )


def safeguarding_signals_connect() -> None:
    from django.db.models.signals import post_save

    post_save.connect(session_comment_written, sender=SessionComment, dispatch_uid="feedback.session_comment")
