import pytest
from django.core.management import call_command
from django.utils import timezone

from feedback import suggestions
from feedback.models import Coding, Suggestion, SuggestionMethod, SuggestionModel
from feedback.tasks import collate, suggestion_model_train

from .factories import FeedbackItemFactory, ThemeFactory
from .labelled import labelled_items

pytestmark = pytest.mark.django_db


def test_keywords_suggest_a_theme_and_say_which_words_matched():
    transport = ThemeFactory(name="Transport", keywords="bus\ntaxi\nschool run")
    ThemeFactory(name="Retired", keywords="bus", active=False)
    found = suggestions.KeywordMatcher(list(suggestions.Theme.objects.active())).suggest(
        "The Bus was late and the taxi never came. Business as usual."
    )
    assert [(s.theme_id, s.method) for s in found] == [(transport.pk, SuggestionMethod.KEYWORDS)]
    assert found[0].reason == "Matched the words: bus, taxi"


def test_a_model_learned_from_past_coding_suggests_with_the_words_that_counted(coder):
    labelled_items(count=60, coder=coder)
    trained = suggestions.suggestion_model_train(moment=timezone.now())
    assert trained.items_trained == 60 and trained.themes_known == 4 and trained.size == len(bytes(trained.blob))
    learned = suggestions.model_load()
    found = learned.suggest_many(["The escort on the bus did not turn up and the driver left."])[0]
    best = max(found, key=lambda s: s.confidence)
    assert learned.theme_names[best.theme_id] == "Transport"
    assert best.reason.startswith("Items like this were coded Transport. Words that counted most:")
    assert "escort" in best.reason or "bus" in best.reason


def test_each_training_stores_a_model_and_only_the_latest_few_are_kept(coder):
    labelled_items(count=20, coder=coder)
    for _week in range(suggestions.MODELS_KEPT + 2):
        latest = suggestions.suggestion_model_train(moment=timezone.now())
    assert SuggestionModel.objects.count() == suggestions.MODELS_KEPT
    assert SuggestionModel.objects.latest_trained() == latest


def test_a_model_is_not_learned_from_too_little_coding(coder):
    labelled_items(count=3, coder=coder)
    assert suggestions.suggestion_model_train(moment=timezone.now()) is None
    assert suggestion_model_train() == 0


def test_a_stored_model_whose_bytes_were_changed_is_never_unpickled(coder):
    labelled_items(count=30, coder=coder)
    trained = suggestions.suggestion_model_train(moment=timezone.now())
    SuggestionModel.objects.filter(pk=trained.pk).update(blob=bytes(trained.blob) + b"x")
    assert suggestions.model_load() is None


def test_suggestions_are_stored_apart_from_coding_and_never_applied(coder):
    labelled_items(count=40, coder=coder)
    suggestion_model_train()
    item = FeedbackItemFactory(text="Nobody called back after my phone calls about the respite short break.")
    suggestions.suggestions_make(item_ids=[item.pk], moment=timezone.now())
    made = {(s.theme.name, s.method) for s in Suggestion.objects.filter(item=item)}
    assert ("Communication", SuggestionMethod.KEYWORDS) in made
    assert ("Short breaks", SuggestionMethod.PAST_CODING) in made
    assert not Coding.objects.filter(item=item).exists()


def test_collation_suggests_for_the_items_it_files(coder):
    from consultations.models import QuestionKind
    from consultations.tests.factories import AnswerFactory, QuestionFactory

    ThemeFactory(name="Transport", keywords="taxi")
    AnswerFactory(question=QuestionFactory(kind=QuestionKind.SHORT_TEXT), text="The taxi was late.")
    assert collate() == 1
    assert Suggestion.objects.get().reason == "Matched the words: taxi"


def test_the_agreement_command_prints_precision_recall_and_kappa(coder, manager, capsys):
    items = labelled_items(count=60, coder=coder)
    for item in items[:20]:  # a second coder agrees on most
        for coding in item.codings.all():
            Coding.objects.create(
                item=item, theme=coding.theme, polarity=coding.polarity, coded_by=manager, coded_at=timezone.now()
            )
    call_command("feedback_agreement", since=str(timezone.localdate()))
    out = capsys.readouterr().out
    assert "held-out items" in out and "All themes" in out
    assert "Coded by two people: 20 items; Cohen's kappa overall 1.00" in out
