"""How far to trust the suggestions and the coding: measured on the council's own items.

- Suggestions against people: of the items coded since a date, a fixed share is held out (one in
  five, by id, so the same items every time); a model is learned from every other coded item, and
  the suggestions a coder would see (keywords and that model, at or above the confidence setting)
  are compared per theme with the themes the person chose: precision (how many suggestions were
  right) and recall (how many of the person's themes were suggested).
- Two coders: where two people coded the same item, Cohen's kappa per theme on "coded with it or
  not", and over every item-and-theme pair together.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count

from .models import Coding, FeedbackItem, Theme
from .suggestions import Suggester, min_confidence, model_fit, training_set

HELD_OUT_EVERY = 5


@dataclass
class ThemeScore:
    theme: str
    suggested: int = 0
    chosen: int = 0
    matched: int = 0

    @property
    def precision(self) -> float | None:
        return self.matched / self.suggested if self.suggested else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.chosen if self.chosen else None


@dataclass
class SuggestionAgreement:
    since: date
    held_out: int = 0
    trained_on: int = 0
    themes: list[ThemeScore] = field(default_factory=list)

    @property
    def overall(self) -> ThemeScore:
        total = ThemeScore(theme="")
        for score in self.themes:
            total.suggested += score.suggested
            total.chosen += score.chosen
            total.matched += score.matched
        return total


@dataclass
class CoderAgreement:
    since: date
    items: int = 0
    kappa: float | None = None
    themes: list[tuple[str, float | None]] = field(default_factory=list)


def half_year_start(day: date) -> date:
    """The first day of the half-year (April to September, October to March) the day is in."""
    if day.month >= 10:
        return date(day.year, 10, 1)
    return date(day.year, 4, 1) if day.month >= 4 else date(day.year - 1, 10, 1)


def coded_since(since: date):
    return FeedbackItem.objects.filter(codings__coded_at__date__gte=since).distinct()


def is_held_out(item_id: int) -> bool:
    return item_id % HELD_OUT_EVERY == 0


def suggestion_agreement(*, since: date) -> SuggestionAgreement:
    result = SuggestionAgreement(since=since)
    held_out = [pk for pk in coded_since(since).values_list("pk", flat=True) if is_held_out(pk)]
    if not held_out:
        return result
    texts, labels = training_set(FeedbackItem.objects.exclude(pk__in=held_out))
    result.trained_on = len(texts)
    suggester = Suggester(model_fit(texts, labels), load=False)
    chosen: dict[int, set[int]] = {}
    for item_id, theme_id in Coding.objects.filter(item__in=held_out).values_list("item_id", "theme_id"):
        chosen.setdefault(item_id, set()).add(theme_id)
    items = list(FeedbackItem.objects.filter(pk__in=held_out).order_by("pk").values_list("pk", "text"))
    result.held_out = len(items)
    names = dict(Theme.objects.values_list("pk", "name"))
    scores: dict[int, ThemeScore] = {}
    threshold = min_confidence()
    for (item_id, _text), found in zip(items, suggester.suggest_many([t for _pk, t in items]), strict=True):
        suggested = {s.theme_id for s in found if s.confidence >= threshold}
        person = chosen.get(item_id, set())
        for theme_id in suggested | person:
            score = scores.setdefault(theme_id, ThemeScore(theme=names.get(theme_id, "")))
            score.suggested += theme_id in suggested
            score.chosen += theme_id in person
            score.matched += theme_id in suggested and theme_id in person
    result.themes = sorted(scores.values(), key=lambda score: score.theme)
    return result


def kappa(first: list[int], second: list[int]) -> float | None:
    """Cohen's kappa, or None where it says nothing (both coders gave one answer throughout)."""
    from sklearn.metrics import cohen_kappa_score

    if len(set(first) | set(second)) < 2:
        return None
    return float(cohen_kappa_score(first, second))


def coder_agreement(*, since: date) -> CoderAgreement:
    """Each item coded by two or more people since the date: the first two coders (by id) compared."""
    result = CoderAgreement(since=since)
    twice = (
        coded_since(since)
        .annotate(coders=Count("codings__coded_by", distinct=True))
        .filter(coders__gte=2)
        .values_list("pk", flat=True)
    )
    codings: dict[int, dict[int, set[int]]] = {}
    for item_id, coder_id, theme_id in Coding.objects.filter(item__in=list(twice)).values_list(
        "item_id", "coded_by_id", "theme_id"
    ):
        codings.setdefault(item_id, {}).setdefault(coder_id, set()).add(theme_id)
    result.items = len(codings)
    if not codings:
        return result
    theme_ids = sorted({t for coders in codings.values() for themes in coders.values() for t in themes})
    names = dict(Theme.objects.filter(pk__in=theme_ids).values_list("pk", "name"))
    all_first, all_second = [], []
    for theme_id in theme_ids:
        first, second = [], []
        for coders in codings.values():
            one, two = (coders[coder] for coder in sorted(coders)[:2])
            first.append(int(theme_id in one))
            second.append(int(theme_id in two))
        result.themes.append((names[theme_id], kappa(first, second)))
        all_first += first
        all_second += second
    result.kappa = kappa(all_first, all_second)
    return result
