"""Coding feedback with themes: every write here records who changed what and when (CodingChange).

A coding is one person's: an item coded by two people holds both, which is what the agreement
measure compares. Accepting a suggestion is a coding like any other, made by the person who accepts it.
Feedback awaiting safeguarding review (an open flag) is not coded until the flag is handled.
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from .models import Coding, CodingChange, FeedbackItem, Polarity, Suggestion, Theme


def ensure_may_code(user: User) -> None:
    if not user.has_perm("feedback.code_feedback"):
        raise PermissionDenied("Only staff can code feedback.")


def ensure_codable(theme: Theme, polarity: str) -> None:
    if not theme.active:
        raise ValidationError(_("The theme %(theme)s is no longer used.") % {"theme": theme}, code="theme_inactive")
    if polarity not in Polarity.values:
        raise ValidationError(_("Select whether it works well, needs improving or is missing."), code="polarity")


def ensure_not_awaiting_review(items: Iterable[FeedbackItem]) -> None:
    pks = [item.pk for item in items]
    if FeedbackItem.objects.filter(pk__in=pks).awaiting_safeguarding_review().exists():
        raise ValidationError(
            _("Feedback flagged as a safeguarding concern is coded once the concern is handled."),
            code="awaiting_safeguarding_review",
        )


def change_record(coding: Coding, action: str, *, by: User, moment: datetime) -> CodingChange:
    return CodingChange.objects.create(
        item_id=coding.item_id,
        theme_id=coding.theme_id,
        polarity=coding.polarity,
        action=action,
        changed_by=by,
        changed_at=moment,
    )


@transaction.atomic
def coding_apply(*, item: FeedbackItem, theme: Theme, polarity: str, coder: User, moment: datetime) -> Coding:
    """Code the item with the theme and polarity as this coder's; the same again is a no-op, another
    polarity changes their coding. Each change is recorded."""
    ensure_may_code(coder)
    ensure_codable(theme, polarity)
    ensure_not_awaiting_review([item])
    return coding_write(item=item, theme=theme, polarity=polarity, coder=coder, moment=moment)[0]


def coding_write(*, item, theme, polarity, coder, moment) -> tuple[Coding, bool]:
    """The coding as asked, and whether anything changed (checks done by the caller)."""
    coding = Coding.objects.select_for_update().filter(item=item, theme=theme, coded_by=coder).first()
    if coding is None:
        coding = Coding.objects.create(item=item, theme=theme, polarity=polarity, coded_by=coder, coded_at=moment)
        change_record(coding, CodingChange.Action.ADDED, by=coder, moment=moment)
        return coding, True
    if coding.polarity != polarity:
        coding.polarity, coding.coded_at = polarity, moment
        coding.save(update_fields=["polarity", "coded_at"])
        change_record(coding, CodingChange.Action.CHANGED, by=coder, moment=moment)
        return coding, True
    return coding, False


@transaction.atomic
def coding_remove(*, coding: Coding, remover: User, moment: datetime) -> None:
    """Remove a coding (its coder's own, or anyone's for those who work across teams); recorded."""
    if not remover.has_perm("feedback.remove_coding", coding):
        raise PermissionDenied("Only the person who coded this, or a manager, can remove it.")
    change_record(coding, CodingChange.Action.REMOVED, by=remover, moment=moment)
    coding.delete()


@transaction.atomic
def codings_bulk_apply(
    *, items: Iterable[FeedbackItem], theme: Theme, polarity: str, coder: User, moment: datetime
) -> int:
    """Code every item with one theme and polarity (the inbox's selected items); how many changed."""
    ensure_may_code(coder)
    ensure_codable(theme, polarity)
    items = list(items)
    ensure_not_awaiting_review(items)
    return sum(coding_write(item=item, theme=theme, polarity=polarity, coder=coder, moment=moment)[1] for item in items)


def suggestion_accept(*, suggestion: Suggestion, polarity: str, coder: User, moment: datetime) -> Coding:
    """A person takes up a suggestion: a normal coding by them, with the polarity they chose."""
    return coding_apply(item=suggestion.item, theme=suggestion.theme, polarity=polarity, coder=coder, moment=moment)
