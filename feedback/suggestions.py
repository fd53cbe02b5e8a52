"""Suggested themes that explain themselves, worked out on the portal's own machine.

Two ways, each with its reason shown to the coder:

- keywords: the words or phrases of a theme's keyword list found in the text ("Matched: bus, taxi");
- past coding: TF-IDF over words and word pairs with a one-vs-rest logistic regression, learned from
  items people have coded; its reason names the words of this item that counted most for the theme
  ("Items like this were coded Transport: bus, escort").

Suggestions are stored apart from coding (``Suggestion``) and never applied without a person; a
coder sees only those at or above FEEDBACK_SUGGESTION_MIN_CONFIDENCE. The learned model is pickled
into a ``SuggestionModel`` row with an HMAC of the bytes, and a blob whose HMAC does not match is
never unpickled: only what the portal itself wrote is loaded.
"""

import hmac
import pickle  # noqa: S403 - only blobs signed with the site's secret key are ever loaded
import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .models import Coding, FeedbackItem, Suggestion, SuggestionMethod, SuggestionModel, Theme

SIGNING_SALT = "feedback.suggestion-model"
MIN_ITEMS_TO_TRAIN = 8  # fewer coded items than this teach nothing worth showing
KEPT_PER_METHOD = 3  # suggestions kept per item and method: the most confident
WORDS_SHOWN = 4
STORE_FLOOR = 0.05  # below this a suggestion is noise, whatever the setting says
MODELS_KEPT = 3  # earlier models are kept a few weeks, to compare; older ones are deleted


def min_confidence() -> float:
    return settings.FEEDBACK_SUGGESTION_MIN_CONFIDENCE


@dataclass(frozen=True)
class Suggested:
    theme_id: int
    method: str
    confidence: float
    reason: str


# --- Keywords -------------------------------------------------------------------------------------


def keyword_pattern(keyword: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + re.escape(keyword) + r"(?!\w)", re.IGNORECASE)


class KeywordMatcher:
    """The active themes' keyword lists, compiled once for a batch of items."""

    def __init__(self, themes: list[Theme]):
        self.patterns = [(theme.pk, [(word, keyword_pattern(word)) for word in theme.keyword_list]) for theme in themes]

    def suggest(self, text: str) -> list[Suggested]:
        found = []
        for theme_id, patterns in self.patterns:
            matched = [word for word, pattern in patterns if pattern.search(text)]
            if matched:
                # One word is a hint, three are a strong sign.
                confidence = min(0.95, 0.45 + 0.2 * len(matched))
                reason = _("Matched the words: %(words)s") % {"words": ", ".join(matched[:WORDS_SHOWN])}
                found.append(Suggested(theme_id, SuggestionMethod.KEYWORDS, confidence, reason))
        return found


# --- Past coding ----------------------------------------------------------------------------------


@dataclass
class LearnedModel:
    """What is pickled: the fitted vectoriser and classifier, and the theme each column stands for."""

    vectoriser: object
    classifier: object
    theme_ids: list[int]
    theme_names: dict[int, str]

    def suggest_many(self, texts: list[str]) -> list[list[Suggested]]:
        if not texts:
            return []
        matrix = self.vectoriser.transform(texts)
        probabilities = self.classifier.predict_proba(matrix)
        vocabulary = self.vectoriser.get_feature_names_out()
        results = []
        for row, scores in enumerate(probabilities):
            found = []
            for column, confidence in enumerate(scores):
                if confidence < STORE_FLOOR:
                    continue
                theme_id = self.theme_ids[column]
                words = self.top_words(matrix[row], column, vocabulary)
                if not words:
                    continue  # nothing in the text itself speaks for it: the base rate is no reason
                reason = _("Items like this were coded %(theme)s. Words that counted most: %(words)s") % {
                    "theme": self.theme_names.get(theme_id, ""),
                    "words": ", ".join(words),
                }
                found.append(Suggested(theme_id, SuggestionMethod.PAST_CODING, round(float(confidence), 3), reason))
            results.append(found)
        return results

    def top_words(self, vector, column: int, vocabulary) -> list[str]:
        """The words of this text that raised the theme's score most (tf-idf weight x coefficient)."""
        estimator = self.classifier.estimators_[column]
        coefficients = getattr(estimator, "coef_", None)
        if coefficients is None:  # a theme every item (or none) had: a constant, no words to show
            return []
        row = vector.tocoo()
        contributions = sorted(
            ((value * coefficients[0][index], index) for index, value in zip(row.col, row.data, strict=True)),
            reverse=True,
        )
        return [str(vocabulary[index]) for weight, index in contributions[:WORDS_SHOWN] if weight > 0]


def training_set(items=None) -> tuple[list[str], list[list[int]]]:
    """Texts of coded items and the active themes people gave each (every coder's, together); items
    awaiting safeguarding review are left out until the concern is handled."""
    codings = Coding.objects.filter(theme__active=True).exclude(
        item__in=FeedbackItem.objects.awaiting_safeguarding_review()
    )
    if items is not None:
        codings = codings.filter(item__in=items)
    labels: dict[int, set[int]] = {}
    for item_id, theme_id in codings.values_list("item_id", "theme_id"):
        labels.setdefault(item_id, set()).add(theme_id)
    texts = dict(FeedbackItem.objects.filter(pk__in=list(labels)).values_list("pk", "text"))
    ordered = sorted(labels)
    return [texts[pk] for pk in ordered], [sorted(labels[pk]) for pk in ordered]


def model_fit(texts: list[str], labels: list[list[int]]) -> LearnedModel | None:
    """A model learned from the texts and their themes, or None when there is too little to learn."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.preprocessing import MultiLabelBinarizer

    theme_ids = sorted({theme for item in labels for theme in item})
    if len(texts) < MIN_ITEMS_TO_TRAIN or len(theme_ids) < 2:
        return None
    binarizer = MultiLabelBinarizer(classes=theme_ids)
    targets = binarizer.fit_transform(labels)
    vectoriser = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english", min_df=1)
    matrix = vectoriser.fit_transform(texts)
    classifier = OneVsRestClassifier(LogisticRegression(C=10.0, class_weight="balanced", max_iter=1000))
    classifier.fit(matrix, targets)
    names = dict(Theme.objects.filter(pk__in=theme_ids).values_list("pk", "name"))
    return LearnedModel(vectoriser=vectoriser, classifier=classifier, theme_ids=theme_ids, theme_names=names)


def signature_of(blob: bytes) -> str:
    return salted_hmac(SIGNING_SALT, blob, algorithm="sha256").hexdigest()


def suggestion_model_train(*, moment: datetime) -> SuggestionModel | None:
    """Learn from every coded item and store the model (its time, item count and size); None when
    there is too little coding. Safe to repeat: the newest row is the one used."""
    texts, labels = training_set()
    learned = model_fit(texts, labels)
    if learned is None:
        return None
    blob = pickle.dumps(learned, protocol=pickle.HIGHEST_PROTOCOL)
    row = SuggestionModel.objects.create(
        trained_at=moment,
        items_trained=len(texts),
        themes_known=len(learned.theme_ids),
        size=len(blob),
        blob=blob,
        signature=signature_of(blob),
    )
    kept = SuggestionModel.objects.order_by("-trained_at", "-pk").values_list("pk", flat=True)[:MODELS_KEPT]
    SuggestionModel.objects.exclude(pk__in=list(kept)).delete()
    return row


def model_load() -> LearnedModel | None:
    """The newest stored model, if its signature shows the portal wrote it."""
    row = SuggestionModel.objects.latest_trained()
    if row is None:
        return None
    blob = bytes(row.blob)
    if not hmac.compare_digest(row.signature, signature_of(blob)):
        return None
    return pickle.loads(blob)  # noqa: S301 - signed by this portal, checked above


# --- Suggesting -----------------------------------------------------------------------------------


class Suggester:
    """Keywords and the learned model together, loaded once for a batch of items."""

    def __init__(self, learned: LearnedModel | None = None, *, load: bool = True):
        self.keywords = KeywordMatcher(list(Theme.objects.active()))
        self.learned = learned if learned is not None or not load else model_load()
        self.active = set(Theme.objects.active().values_list("pk", flat=True))

    def suggest_many(self, texts: list[str]) -> list[list[Suggested]]:
        learned = self.learned.suggest_many(texts) if self.learned else [[] for _text in texts]
        results = []
        for text, from_model in zip(texts, learned, strict=True):
            found = [s for s in from_model if s.theme_id in self.active] + self.keywords.suggest(text)
            kept = []
            for method in SuggestionMethod.values:
                of_method = sorted((s for s in found if s.method == method), key=lambda s: -s.confidence)
                kept += of_method[:KEPT_PER_METHOD]
            results.append(kept)
        return results


@transaction.atomic
def suggestions_make(*, item_ids: list[int], moment: datetime, suggester: Suggester | None = None) -> int:
    """Work out the suggestions for these items afresh, replacing what was suggested before; how many
    were stored. Coding is never touched."""
    suggester = suggester or Suggester()
    made = 0
    for start in range(0, len(item_ids), 500):
        items = list(FeedbackItem.objects.filter(pk__in=item_ids[start : start + 500]).only("pk", "text"))
        Suggestion.objects.filter(item__in=items).delete()
        rows = [
            Suggestion(
                item=item,
                theme_id=s.theme_id,
                method=s.method,
                confidence=s.confidence,
                reason=s.reason[:300],
                made_at=moment,
            )
            for item, found in zip(items, suggester.suggest_many([i.text for i in items]), strict=True)
            for s in found
        ]
        Suggestion.objects.bulk_create(rows, ignore_conflicts=True)
        made += len(rows)
    return made


def suggestions_refresh(*, moment: datetime) -> int:
    """Suggest again for every item not coded yet (after training, or a change of keywords)."""
    return suggestions_make(item_ids=list(FeedbackItem.objects.not_coded().values_list("pk", flat=True)), moment=moment)
