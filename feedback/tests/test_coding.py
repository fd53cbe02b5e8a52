import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from feedback.coding import coding_apply, coding_remove, codings_bulk_apply, suggestion_accept
from feedback.models import Coding, CodingChange, Polarity

from .factories import FeedbackItemFactory, SuggestionFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def test_coding_an_item_records_who_and_when_and_the_same_again_changes_nothing(coder):
    item, theme, moment = FeedbackItemFactory(), ThemeFactory(), timezone.now()
    coding = coding_apply(item=item, theme=theme, polarity=Polarity.MISSING, coder=coder, moment=moment)
    coding_apply(item=item, theme=theme, polarity=Polarity.MISSING, coder=coder, moment=moment)
    assert (coding.coded_by, coding.coded_at) == (coder, moment)
    change = CodingChange.objects.get()
    assert (change.action, change.changed_by, change.changed_at, change.theme) == ("added", coder, moment, theme)


def test_a_new_polarity_changes_the_coders_coding_and_is_recorded(coder):
    item, theme = FeedbackItemFactory(), ThemeFactory()
    coding_apply(item=item, theme=theme, polarity=Polarity.WORKS_WELL, coder=coder, moment=timezone.now())
    coding_apply(item=item, theme=theme, polarity=Polarity.NEEDS_IMPROVING, coder=coder, moment=timezone.now())
    assert Coding.objects.get().polarity == Polarity.NEEDS_IMPROVING
    assert list(CodingChange.objects.order_by("pk").values_list("action", flat=True)) == ["added", "changed"]


def test_two_coders_each_keep_their_own_coding(coder, manager):
    item, theme = FeedbackItemFactory(), ThemeFactory()
    for person in (coder, manager):
        coding_apply(item=item, theme=theme, polarity=Polarity.WORKS_WELL, coder=person, moment=timezone.now())
    assert Coding.objects.filter(item=item).count() == 2


def test_an_inactive_theme_or_unknown_polarity_is_refused(coder):
    item = FeedbackItemFactory()
    with pytest.raises(ValidationError) as error:
        coding_apply(
            item=item, theme=ThemeFactory(active=False), polarity="works_well", coder=coder, moment=timezone.now()
        )
    assert error.value.code == "theme_inactive"
    with pytest.raises(ValidationError) as error:
        coding_apply(item=item, theme=ThemeFactory(), polarity="great", coder=coder, moment=timezone.now())
    assert error.value.code == "polarity"
    assert not CodingChange.objects.exists()


def test_participants_cannot_code():
    with pytest.raises(PermissionDenied):
        coding_apply(
            item=FeedbackItemFactory(),
            theme=ThemeFactory(),
            polarity="works_well",
            coder=UserFactory(role=Role.PARTICIPANT),
            moment=timezone.now(),
        )


def test_a_coding_is_removed_by_its_coder_or_a_manager_only_and_the_removal_is_kept(coder, manager):
    item, theme = FeedbackItemFactory(), ThemeFactory()
    coding = coding_apply(item=item, theme=theme, polarity=Polarity.WORKS_WELL, coder=coder, moment=timezone.now())
    with pytest.raises(PermissionDenied):
        coding_remove(coding=coding, remover=UserFactory(role=Role.STAFF), moment=timezone.now())
    coding_remove(coding=coding, remover=manager, moment=timezone.now())
    assert not Coding.objects.exists()
    removed = CodingChange.objects.get(action="removed")
    assert (removed.changed_by, removed.theme, removed.polarity) == (manager, theme, Polarity.WORKS_WELL)


def test_bulk_coding_codes_every_selected_item_and_counts_the_changes(coder):
    items, theme = FeedbackItemFactory.create_batch(3), ThemeFactory()
    coding_apply(item=items[0], theme=theme, polarity=Polarity.MISSING, coder=coder, moment=timezone.now())
    changed = codings_bulk_apply(
        items=items, theme=theme, polarity=Polarity.MISSING, coder=coder, moment=timezone.now()
    )
    assert changed == 2
    assert Coding.objects.filter(theme=theme, polarity=Polarity.MISSING).count() == 3


def test_accepting_a_suggestion_is_a_normal_coding_by_the_person(coder):
    suggestion = SuggestionFactory()
    coding = suggestion_accept(
        suggestion=suggestion, polarity=Polarity.NEEDS_IMPROVING, coder=coder, moment=timezone.now()
    )
    assert (coding.item, coding.theme, coding.coded_by) == (suggestion.item, suggestion.theme, coder)
    assert CodingChange.objects.get().action == "added"
