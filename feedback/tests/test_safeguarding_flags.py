"""Safeguarding flags are handled: who may, what is recorded and audited, and what an open flag keeps
out (the coding queue, bulk coding, suggestion training, the quarterly sample)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from feedback import calls, coding, services
from feedback.collation import feedback_collate
from feedback.models import CaseFeedback, Coding, FeedbackItem, FeedbackStatus, Polarity
from feedback.suggestions import training_set

from .factories import CaseFeedbackFactory, ClosedCaseFactory, CodingFactory, FeedbackItemFactory, ThemeFactory

pytestmark = pytest.mark.django_db
MOMENT = datetime(2026, 4, 2, 10, tzinfo=UTC)
MARKUP = '<script>alert("x")</script>'


def flagged(team, **kwargs) -> CaseFeedback:
    feedback = CaseFeedbackFactory(case__team=team, **kwargs)
    services.flag_raise(feedback, by=None, reason="Words from the list", moment=MOMENT)
    return feedback


@pytest.fixture
def officer(make_user, settings):
    """The designated safeguarding officer: a member of staff in no team, named by the setting."""
    settings.SAFEGUARDING_OFFICER_EMAIL = "Safeguarding@Example.gov.uk"
    return make_user(Role.STAFF, email="safeguarding@example.gov.uk")


# --- Who may handle a flag -------------------------------------------------------------------------


def test_the_officer_managers_and_administrators_handle_flags_and_team_staff_do_not(
    officer, manager, administrator, staff, other_staff, participant
):
    assert officer.has_perm("feedback.handle_flag")
    assert manager.has_perm("feedback.handle_flag") and administrator.has_perm("feedback.handle_flag")
    for person in (staff, other_staff, participant):
        assert not person.has_perm("feedback.handle_flag")


def test_someone_with_the_officers_address_but_no_staff_role_cannot_handle_flags(make_user, settings):
    settings.SAFEGUARDING_OFFICER_EMAIL = "safeguarding@example.gov.uk"
    assert not make_user(Role.PARTICIPANT, email="safeguarding@example.gov.uk").has_perm("feedback.handle_flag")


# --- The service ------------------------------------------------------------------------------------


def test_handling_records_who_when_and_what_once_and_is_audited(team, officer, manager):
    feedback = flagged(team)
    note = "  Spoke to the social worker.  "
    services.feedback_flag_handle(feedback=feedback, user=officer, note=note, moment=MOMENT)
    feedback.refresh_from_db()
    assert (feedback.flag_handled_at, feedback.flag_handled_by, feedback.flag_handled_note) == (
        MOMENT,
        officer,
        "Spoke to the social worker.",
    )
    assert feedback.status == FeedbackStatus.FLAG_HANDLED and not feedback.flag_is_open
    entry = LogEntry.objects.get_for_object(feedback).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == officer and "flag_handled_note" in entry.changes_dict
    with pytest.raises(ValidationError) as refused:
        services.feedback_flag_handle(feedback=feedback, user=manager, note="Again", moment=MOMENT)
    assert refused.value.code == "handled"
    feedback.refresh_from_db()
    assert feedback.flag_handled_by == officer


def test_handling_needs_a_note_a_flag_and_the_permission(team, staff, manager):
    feedback = flagged(team)
    with pytest.raises(ValidationError) as refused:
        services.feedback_flag_handle(feedback=feedback, user=staff, note="Done", moment=MOMENT)
    assert refused.value.code == "not_permitted"
    with pytest.raises(ValidationError) as refused:
        services.feedback_flag_handle(feedback=feedback, user=manager, note="   ", moment=MOMENT)
    assert "note" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        services.feedback_flag_handle(feedback=CaseFeedbackFactory(), user=manager, note="Done", moment=MOMENT)
    assert refused.value.code == "not_flagged"
    feedback.refresh_from_db()
    assert feedback.flag_is_open


# --- What an open flag keeps out -------------------------------------------------------------------


def test_an_open_flag_keeps_its_items_out_of_the_queue_until_handled(team, manager):
    feedback = flagged(team)
    clean = CaseFeedbackFactory(case__team=team)
    feedback_collate(moment=MOMENT)
    held = set(FeedbackItem.objects.filter(case_feedback=feedback).values_list("pk", flat=True))
    assert len(held) == 2 and all(FeedbackItem.objects.filter(pk__in=held).values_list("child_protection", flat=True))
    other = FeedbackItemFactory()  # from another source: no case feedback at all
    queue = set(FeedbackItem.objects.in_coding_queue().values_list("pk", flat=True))
    assert not queue & held
    assert {other.pk} | set(clean.items.values_list("pk", flat=True)) <= queue
    assert set(FeedbackItem.objects.awaiting_safeguarding_review().values_list("pk", flat=True)) == held
    services.feedback_flag_handle(feedback=feedback, user=manager, note="Referred", moment=MOMENT)
    assert held <= set(FeedbackItem.objects.in_coding_queue().values_list("pk", flat=True))
    assert not FeedbackItem.objects.awaiting_safeguarding_review().exists()


def test_items_awaiting_review_cannot_be_coded_alone_or_in_bulk(team, staff):
    feedback = flagged(team)
    feedback_collate(moment=MOMENT)
    item = feedback.items.first()
    theme = ThemeFactory()
    with pytest.raises(ValidationError) as refused:
        coding.coding_apply(item=item, theme=theme, polarity=Polarity.WORKS_WELL, coder=staff, moment=MOMENT)
    assert refused.value.code == "awaiting_safeguarding_review"
    with pytest.raises(ValidationError):
        coding.codings_bulk_apply(
            items=[FeedbackItemFactory(), item], theme=theme, polarity=Polarity.WORKS_WELL, coder=staff, moment=MOMENT
        )
    assert not Coding.objects.exists()


def test_items_awaiting_review_are_left_out_of_suggestion_training(team, staff):
    feedback = CaseFeedbackFactory(case__team=team)
    feedback_collate(moment=MOMENT)
    item = feedback.items.first()
    CodingFactory(item=item, coded_by=staff)  # coded before anyone flagged it
    CodingFactory(item=FeedbackItemFactory(text="Fine"), coded_by=staff)
    assert len(training_set()[0]) == 2
    services.flag_raise(feedback, by=staff, reason="Later worry", moment=MOMENT)
    assert training_set()[0] == ["Fine"]


def test_the_quarterly_sample_never_draws_a_case_with_a_flag(team):
    """A case with any feedback is not called (the call asks for feedback); an open flag is one such."""
    open_flag = flagged(team, case__closed_on=date(2026, 2, 2)).case
    quiet = ClosedCaseFactory(team=team, closed_on=date(2026, 2, 3))
    eligible = set(calls.cases_eligible(quarter_start=date(2026, 1, 1)).values_list("pk", flat=True))
    assert quiet.pk in eligible and open_flag.pk not in eligible


# --- The pages --------------------------------------------------------------------------------------


def test_the_inbox_leaves_out_items_awaiting_review_and_the_item_page_says_why(staff_client, staff, team):
    feedback = flagged(team, worked_well="Held back words", could_be_better="")
    feedback_collate(moment=MOMENT)
    FeedbackItemFactory(text="In the queue")
    client = staff_client(staff)
    inbox = client.get(reverse("feedback:inbox")).content.decode()
    assert "In the queue" in inbox and "Held back words" not in inbox
    item = feedback.items.get()
    page = client.get(reverse("feedback:item", args=[item.pk])).content.decode()
    assert "Awaiting safeguarding review" in page and "Add theme" not in page
    bulk = {"items": [item.pk], "theme": ThemeFactory().pk, "polarity": "works_well"}
    posted = client.post(reverse("feedback:inbox"), bulk)
    assert posted.status_code == 200 and not Coding.objects.exists()


def test_the_officer_reviews_the_list_and_marks_a_flag_handled(staff_client, officer, other_team):
    feedback = flagged(other_team)
    feedback.flag_reason = MARKUP
    feedback.save(update_fields=["flag_reason"])
    client = staff_client(officer)
    listing = client.get(reverse("feedback:flags")).content.decode()
    assert reverse("feedback:flag-handle", args=[feedback.pk]) in listing
    assert MARKUP not in listing and "&lt;script&gt;" in listing
    assert client.get(reverse("feedback:feedback", args=[feedback.pk])).status_code == 200
    url = reverse("feedback:flag-handle", args=[feedback.pk])
    page = client.get(url).content.decode()
    assert MARKUP not in page
    refused = client.post(url, {"note": ""}).content.decode()
    assert "Say what was done about the concern" in refused
    done = client.post(url, {"note": MARKUP})
    assert done.status_code == 302 and done.url == reverse("feedback:flags")
    feedback.refresh_from_db()
    assert feedback.flag_handled_by == officer
    listing = client.get(reverse("feedback:flags")).content.decode()
    assert "No safeguarding flags are awaiting review." in listing and MARKUP not in listing
    detail = client.get(reverse("feedback:feedback", args=[feedback.pk])).content.decode()
    assert "How the concern was handled" in detail and MARKUP not in detail
    assert client.get(url).status_code == 302  # handled: nothing left to review


def test_team_staff_neither_see_the_list_nor_handle_a_flag(staff_client, staff, team):
    feedback = flagged(team)
    client = staff_client(staff)
    assert client.get(reverse("feedback:flags")).status_code == 403
    assert client.post(reverse("feedback:flag-handle", args=[feedback.pk]), {"note": "Done"}).status_code == 403
    feedback.refresh_from_db()
    assert feedback.flag_is_open


def test_the_flag_list_query_count_is_flat(staff_client, manager, team, django_assert_max_num_queries):
    for _number in range(30):
        flagged(team)
    client = staff_client(manager)
    # session, user, roles, count, page of open flags, handled flags (permissions are cached per request)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("feedback:flags")).status_code == 200


def test_items_filed_before_the_link_existed_are_linked_by_the_migration(team):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("feedback.migrations.0008_safeguarding_flag_handled")
    feedback = flagged(team)
    feedback_collate(moment=MOMENT)
    FeedbackItem.objects.update(case_feedback=None)
    migration.items_link_their_case_feedback(apps, None)
    assert FeedbackItem.objects.filter(case_feedback=feedback).count() == 2
    assert FeedbackItem.objects.awaiting_safeguarding_review().count() == 2


def test_a_handled_flag_stays_handled_when_more_words_arrive(team, manager):
    feedback = flagged(team)
    services.feedback_flag_handle(feedback=feedback, user=manager, note="Referred", moment=MOMENT)
    services.flag_raise(feedback, by=None, reason="Again", moment=MOMENT + timedelta(days=1))
    feedback.refresh_from_db()
    assert feedback.flag_handled_at == MOMENT and feedback.flag_reason == "Words from the list"
