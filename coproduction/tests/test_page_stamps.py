"""A session's staff page is drawn once for each state of what it shows (page_stamps.py): a second
view reads nothing below the agenda, and every change to what the page shows, made the way the
portal makes it, is on the very next view."""

import re
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coproduction import follow_up, page_stamps, selectors, services
from coproduction.models import (
    ActionStatus,
    AgendaItem,
    Arrangement,
    Attendance,
    ParticipantRole,
    Reply,
    Session,
)
from coproduction.services import Mark

from .factories import (
    ActionFactory,
    InvitationFactory,
    MembershipFactory,
    ParticipantFactory,
    RegisterEntryFactory,
    SessionFactory,
)

MARKUP = "<b>bold</b>"


@pytest.fixture
def viewer(staff_client, staff):
    client = staff_client(staff)

    def view(session: Session) -> str:
        response = client.get(reverse("coproduction:session", kwargs={"session_pk": session.pk}))
        assert response.status_code == 200
        return response.content.decode()

    return view


def without_tokens(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_a_second_view_reads_nothing_below_the_agenda_and_shows_the_same(viewer, held):
    RegisterEntryFactory(session=held, participant__full_name="Sam Carer")
    InvitationFactory(session=held, reply=Reply.YES)
    first = viewer(held)
    with mock.patch.object(selectors, "session_page_reading", side_effect=AssertionError("read again")):
        with CaptureQueriesContext(connection) as queries:
            second = viewer(held)
    assert without_tokens(second) == without_tokens(first)
    assert "Sam Carer" in second and 'id="reply-counts"' in second
    assert len(queries) <= 5  # the signed-in user, the session and its agenda


def test_the_drawing_is_the_page_drawn_afresh(viewer, held, settings):
    RegisterEntryFactory(session=held, participant__full_name=f"Sam {MARKUP}")
    ActionFactory(source_session=held, description=f"Call {MARKUP}")
    drawn = viewer(held)
    viewer(held)
    settings.CACHES = {**settings.CACHES, "drawings": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert without_tokens(viewer(held)) == without_tokens(drawn)
    assert MARKUP not in drawn and "Sam &lt;b&gt;bold&lt;/b&gt;" in drawn


def test_a_reply_shows_at_once(viewer, group):
    upcoming = SessionFactory(group=group, starts_at=timezone.now() + timedelta(days=7), arrangements=[Arrangement.BSL])
    invitation = InvitationFactory(session=upcoming)
    assert "Nobody has asked for anything yet." in viewer(upcoming)
    services.invitation_reply(
        invitation=invitation,
        reply=Reply.YES,
        arrangements=[Arrangement.BSL],
        access_needs="",
        keep_needs=False,
        moment=timezone.now(),
    )
    assert "British Sign Language interpreter: 1" in viewer(upcoming)


def test_the_register_and_its_share_show_at_once(viewer, held, staff, group):
    person = ParticipantFactory(full_name="Robin Parent", role=ParticipantRole.PARENT_CARER)
    MembershipFactory(group=group, participant=person)
    assert "Robin Parent" not in viewer(held)
    with CaptureQueriesContext(connection) as writes:
        services.register_record(
            session=held,
            user=staff,
            marks={person.pk: Mark(attendance=Attendance.ATTENDED, role=ParticipantRole.PARENT_CARER)},
            moment=timezone.now(),
        )
    stamps = [
        query["sql"] for query in writes.captured_queries if query["sql"].startswith('UPDATE "coproduction_session"')
    ]
    assert len(stamps) == 1, stamps  # gathered: one stamp for the whole register
    page = viewer(held)
    assert "Robin Parent" in page and 'id="share"' in page


def test_the_agenda_kept_with_the_drawing_follows_each_change(viewer, held, staff):
    first = services.agenda_item_save(item=AgendaItem(session=held, title="Welcome"), user=staff)
    page = viewer(held)
    assert "Welcome" in page and "Move up" not in page
    services.agenda_item_save(item=AgendaItem(session=held, title="Booking"), user=staff)
    page = viewer(held)
    assert page.index("Welcome") < page.index("Booking") and "Move up" in page
    services.agenda_item_move(item=first, user=staff, up=False)
    page = viewer(held)
    assert page.index("Booking") < page.index("Welcome")
    services.agenda_item_delete(item=first, user=staff)
    assert "Welcome" not in viewer(held)


def test_outcomes_comments_minutes_and_actions_show_at_once(viewer, held, staff):
    viewer(held)
    moment = timezone.now()
    follow_up.outcome_add(session=held, user=staff, text="Booking opens earlier", agreed=True, moment=moment)
    assert "Booking opens earlier" in viewer(held)
    follow_up.comment_add(
        session=held,
        user=staff,
        text="The form asks twice",
        said_by=ParticipantRole.YOUNG_PERSON,
        consent_to_quote=True,
        moment=moment,
    )
    assert "The form asks twice" in viewer(held)
    follow_up.minutes_save(session=held, user=staff, text="We met and agreed things", moment=moment)
    assert "We met and agreed things" in viewer(held)
    action = ActionFactory(source_session=held, description="Write to every family")
    assert "Write to every family" in viewer(held)
    follow_up.action_update(
        action=action, user=staff, text="Done", status=ActionStatus.DONE, drop_reason="", moment=moment
    )
    assert "Done" in viewer(held).split("Write to every family", 1)[1][:800]


# Other sessions a change shows on are stamped once it commits (page_stamps.others_changed): the
# tests run inside a transaction, so they run its commit callbacks.


def test_an_action_carried_from_an_earlier_session_follows_its_changes(
    viewer, held, group, staff, django_capture_on_commit_callbacks
):
    later = SessionFactory(group=group, starts_at=timezone.now() + timedelta(days=14))
    action = ActionFactory(source_session=held, description="Ask the bus company")
    assert "Ask the bus company" in viewer(later)
    with django_capture_on_commit_callbacks(execute=True):
        held.title = "The renamed first meeting"
        held.save()
    assert "The renamed first meeting" in viewer(later)
    with django_capture_on_commit_callbacks(execute=True):
        follow_up.action_update(
            action=action, user=staff, text="Asked", status=ActionStatus.DONE, drop_reason="", moment=timezone.now()
        )
    assert "Ask the bus company" not in viewer(later)  # done: no longer carried


def test_a_session_moved_out_of_the_group_takes_its_actions_off_the_later_pages(
    viewer, held, group, django_capture_on_commit_callbacks
):
    later = SessionFactory(group=group, starts_at=timezone.now() + timedelta(days=14))
    ActionFactory(source_session=held, description="Ask the bus company")
    assert "Ask the bus company" in viewer(later)
    with django_capture_on_commit_callbacks(execute=True):
        held.group = None
        held.save()
    assert "Ask the bus company" not in viewer(later)


def test_renamed_people_and_teams_show_at_once(viewer, held, staff, team, django_capture_on_commit_callbacks):
    person = ParticipantFactory(full_name="Robin Parent", team=team)
    RegisterEntryFactory(session=held, participant=person)
    ActionFactory(source_session=held, description="Phone the school")
    viewer(held)
    with django_capture_on_commit_callbacks(execute=True):
        person.full_name = "Robin Renamed"
        services.participant_save(participant=person, user=staff, moment=timezone.now())
    assert "Robin Renamed" in viewer(held)
    with django_capture_on_commit_callbacks(execute=True):
        team.name = "Renamed team"
        team.save()
    assert viewer(held).count("Renamed team") >= 2  # the caption, and the action's owner


def test_other_sessions_are_stamped_after_the_commit_holding_no_row_of_theirs(
    held, group, staff, django_capture_on_commit_callbacks
):
    """A change takes no other session's row inside its transaction, so two changes (or a rename and
    that person's reply) cannot each wait on the other."""
    later = SessionFactory(group=group, starts_at=timezone.now() + timedelta(days=14))
    action = ActionFactory(source_session=held)
    stamps = dict(Session.objects.values_list("pk", "page_stamp"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        follow_up.action_update(
            action=action, user=staff, text="Asked", status=ActionStatus.DONE, drop_reason="", moment=timezone.now()
        )
    inside = dict(Session.objects.values_list("pk", "page_stamp"))
    assert inside[held.pk] != stamps[held.pk]  # its own session, with the change
    assert inside[later.pk] == stamps[later.pk]
    for callback in callbacks:
        callback()
    assert Session.objects.get(pk=later.pk).page_stamp != stamps[later.pk]


def test_a_day_passing_marks_an_action_overdue(staff_client, staff, held):
    ActionFactory(source_session=held, due_on=timezone.localdate() + timedelta(days=1))
    url = reverse("coproduction:session", kwargs={"session_pk": held.pk})
    assert "Overdue" not in staff_client(staff).get(url).content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert "Overdue" in staff_client(staff).get(url).content.decode()


def test_readers_and_editors_each_see_their_own_drawing(staff_client, staff, other_staff, held):
    url = reverse("coproduction:session", kwargs={"session_pk": held.pk})
    editor = staff_client(staff).get(url).content.decode()
    reader = staff_client(other_staff).get(url).content.decode()
    assert "Invite people" not in reader and "You can read this session" in reader
    assert "Take the register" in editor or "Change the register" in editor


def test_retention_takes_names_off_the_page(viewer, group, settings):
    old = SessionFactory(
        group=group, starts_at=timezone.now() - timedelta(days=settings.COPRODUCTION_REGISTER_RETENTION_DAYS + 2)
    )
    RegisterEntryFactory(session=old, participant__full_name="Robin Parent")
    assert "Robin Parent" in viewer(old)
    services.retention_apply(moment=timezone.now())
    assert "Robin Parent" not in viewer(old)


def test_every_model_hanging_from_a_session_is_stamped_or_known_not_shown():
    """A new model about sessions must say whether the page shows it (page_stamps_connect) or not."""
    not_shown = {"recognition"}  # payments have their own page, linked from the session's
    stamped = {
        model._meta.model_name
        for model in (page_stamps.AgendaItem, page_stamps.Invitation, page_stamps.RegisterEntry)
        + (page_stamps.AgreedOutcome, page_stamps.SessionComment, page_stamps.Minutes, page_stamps.Action)
    }
    hanging = {relation.related_model._meta.model_name for relation in Session._meta.related_objects}
    assert hanging <= stamped | not_shown, hanging - stamped - not_shown
