"""Staff record what a held session agreed: an outcome and an action, then approve the minutes, which
go to those present; the action shows on the group's next session, and the weekly job reminds its
owner once it is overdue. A participant sees their invitations, sessions and actions on their account
page, and staff see the actions a participant owns and their invitations on the participant's page.
Every new page is axe-clean."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import PASSWORD, UserFactory
from coproduction import tasks
from coproduction.models import Action, ActionStatus, AgreedOutcome, ParticipantRole, Reply
from coproduction.tests.factories import (
    InvitationFactory,
    MembershipFactory,
    ParticipantFactory,
    ParticipationGroupFactory,
    RegisterEntryFactory,
    SessionFactory,
)
from notifications.models import Message

from .conftest import assert_accessible, assert_no_sideways_scrolling, fill_date, follow, sign_in


@pytest.fixture
def meetings(staff):
    """The forum's meeting yesterday (Priya came, Leo sent apologies) and its next one in a fortnight."""
    group = ParticipationGroupFactory(team=staff.teams.get(), name="Short Breaks Redesign")
    priya = ParticipantFactory(
        full_name="Priya Shah",
        email="priya@example.com",
        contact_consent=True,
        contact_consented_on=date(2025, 1, 1),
        team=group.team,
    )
    leo = ParticipantFactory(full_name="Leo Martin", role=ParticipantRole.YOUNG_PERSON, team=group.team)
    for person in (priya, leo):
        MembershipFactory(group=group, participant=person, starts_on=date(2020, 1, 1))
    yesterday = timezone.now() - timedelta(days=1)
    held = SessionFactory(group=group, title="Booking a short break", starts_at=yesterday)
    RegisterEntryFactory(session=held, participant=priya)
    RegisterEntryFactory(session=held, participant=leo, attendance="apologies")
    upcoming = SessionFactory(group=group, title="Testing the new form", starts_at=timezone.now() + timedelta(days=14))
    return held, upcoming


def test_staff_record_an_outcome_and_an_action_approve_the_minutes_and_the_action_carries_on(page, staff, meetings):
    held, upcoming = meetings
    sign_in(page, staff.email)
    page.goto(f"/staff/coproduction/sessions/{held.pk}/")
    assert "No outcomes recorded yet." in page.locator("main").inner_text()

    # An outcome: the form asks that the group agreed it, and keeps the text when it is not confirmed.
    follow(page, "button", "Record an agreed outcome")
    assert_accessible(page, "staff-coproduction-outcome-form")
    page.get_by_label("What did the group agree?").fill("Booking takes <b>one</b> form, not three.")
    follow(page, "button", "Record outcome")
    assert page.locator(".govuk-error-summary").get_by_role("link", name="Confirm that the group agreed").count()
    assert page.get_by_label("What did the group agree?").input_value() == "Booking takes <b>one</b> form, not three."
    assert_accessible(page, "staff-coproduction-outcome-form-errors")
    page.get_by_label("The group agreed this outcome together").check()
    follow(page, "button", "Record outcome")
    assert "Booking takes <b>one</b> form, not three." in page.locator("#outcomes + ol").inner_text()
    assert AgreedOutcome.objects.count() == 1
    follow(page, "link", "Remove this outcome")
    assert_accessible(page, "staff-coproduction-outcome-remove")
    follow(page, "link", "Keep it")
    assert AgreedOutcome.objects.count() == 1

    # An action owned by Priya, due a week ago (recorded late), with one owner only.
    follow(page, "button", "Record an action")
    assert_accessible(page, "staff-coproduction-action-form")
    page.get_by_label("What is to be done?").fill("Send comments on the current booking form.")
    page.get_by_label("Owner: a participant").select_option(label="Priya Shah")
    page.get_by_label("Owner: a team").select_option(label="Participation Team")
    fill_date(page, "due_on", timezone.localdate() - timedelta(days=7))
    follow(page, "button", "Record action")
    assert page.locator(".govuk-error-summary").get_by_role("link", name="Select one owner").count() == 1
    assert_accessible(page, "staff-coproduction-action-form-errors")
    page.get_by_label("Owner: a team").select_option(label="No team")
    follow(page, "button", "Record action")
    row = page.locator("table:has(#session-actions-caption) tr", has_text="Send comments")
    assert "Priya Shah" in row.inner_text() and "Overdue" in row.inner_text()
    action = Action.objects.get()

    # The minutes: drafted, then approved, which e-mails Priya (present, may be contacted), not Leo.
    follow(page, "button", "Write the minutes")
    assert_accessible(page, "staff-coproduction-minutes-form")
    page.get_by_label("Minutes").fill("Priya described booking today. The group agreed a single form.")
    follow(page, "button", "Save draft minutes")
    assert "Draft" in page.locator("#minutes + p").inner_text()
    follow(page, "button", "Approve and send the minutes")
    assert "1 person who was present" in page.locator(".govuk-warning-text").inner_text()
    assert_accessible(page, "staff-coproduction-minutes-approve")
    follow(page, "button", "Approve and send")
    assert "Approved and sent" in page.locator("#minutes + p").inner_text()
    assert page.get_by_role("button", name="Record an agreed outcome").count() == 0
    sent = Message.objects.filter(template="coproduction/minutes_approved")
    assert list(sent.values_list("recipient", flat=True)) == ["priya@example.com"]
    assert_accessible(page, "staff-coproduction-session-followed-up")
    assert_no_sideways_scrolling(page)
    page.set_viewport_size({"width": 1024, "height": 800})

    # The next meeting carries the open action in its agenda section.
    page.goto(f"/staff/coproduction/sessions/{upcoming.pk}/")
    carried = page.locator("table:has(#carried-actions-caption)").inner_text()
    assert "Send comments on the current booking form." in carried and "Booking a short break" in carried
    assert_accessible(page, "staff-coproduction-session-carried-actions")

    # The weekly job, a week on: Priya is reminded once, however often it runs.
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        assert tasks.overdue_action_reminders_send() == 1
        assert tasks.overdue_action_reminders_send() == 0
    reminders = Message.objects.filter(template="coproduction/action_overdue")
    assert list(reminders.values_list("recipient", flat=True)) == ["priya@example.com"]

    # The actions list, filtered to overdue, and the action's page with its progress.
    page.goto("/staff/coproduction/actions/")
    assert_accessible(page, "staff-coproduction-actions")
    page.get_by_label("Overdue").select_option(label="Overdue only")
    follow(page, "button", "Apply filters")
    follow(page, "link", "Send comments on the current booking form.")
    assert_accessible(page, "staff-coproduction-action")
    follow(page, "button", "Update progress")
    assert_accessible(page, "staff-coproduction-action-update")
    page.get_by_role("radio", name="Dropped").check()
    page.get_by_label("What has happened?").fill("Priya has moved away.")
    follow(page, "button", "Save update")
    assert page.locator(".govuk-error-summary").get_by_role("link", name="Enter why the action is dropped").count()
    assert page.get_by_label("What has happened?").input_value() == "Priya has moved away."
    assert_accessible(page, "staff-coproduction-action-update-errors")
    page.get_by_role("radio", name="In progress").check()
    page.get_by_label("What has happened?").fill("Priya has the form and is reading it.")
    follow(page, "button", "Save update")
    assert "Priya has the form and is reading it." in page.locator("main").inner_text()
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS

    # A new due date: the action is no longer overdue.
    follow(page, "button", "Change details")
    assert_accessible(page, "staff-coproduction-action-change")
    fill_date(page, "due_on", timezone.localdate() + timedelta(days=14))
    follow(page, "button", "Save changes")
    assert "Action changed." in page.locator(".govuk-notification-banner").inner_text()
    assert "Overdue" not in page.locator("main").inner_text()


def test_a_participant_sees_their_sessions_and_actions_on_their_account_page(page, meetings):
    held, _upcoming = meetings
    user = UserFactory(role=Role.PARTICIPANT, email="priya.account@example.com")
    priya = held.register_entries.get(participant__full_name="Priya Shah").participant
    priya.user = user
    priya.save()
    Action.objects.create(
        description="Send comments on the current booking form.",
        owner_participant=priya,
        due_on=timezone.localdate() + timedelta(days=7),
        team=held.team,
        source_session=held,
        created_at=held.ends_at,
        updated_at=held.ends_at,
    )
    page.goto("/account/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    follow(page, "button", "Sign in")
    InvitationFactory(session=_upcoming, participant=priya, reply=Reply.MAYBE)
    SessionFactory(title="Someone else's meeting", starts_at=_upcoming.starts_at)
    page.goto("/account/")
    main = page.locator("main").inner_text()
    assert "Booking a short break" in main and "Someone else's meeting" not in main  # only her sessions
    assert "Send comments on the current booking form." in main
    assert "Testing the new form" in main and "Your reply: Maybe" in main
    assert_accessible(page, "account-coproduction")
    assert_no_sideways_scrolling(page)
    page.get_by_role("link", name="Change your reply to Testing the new form").click()
    assert "Testing the new form" in page.locator("main").inner_text()
    assert page.locator("h1").count() == 1


def test_staff_see_the_actions_a_participant_owns_and_their_invitations(page, staff, meetings):
    held, upcoming = meetings
    priya = held.register_entries.get(participant__full_name="Priya Shah").participant
    Action.objects.create(
        description="Send comments on the current booking form.",
        owner_participant=priya,
        due_on=timezone.localdate() - timedelta(days=1),
        team=held.team,
        source_session=held,
        created_at=held.ends_at,
        updated_at=held.ends_at,
    )
    InvitationFactory(session=upcoming, participant=priya, reply=Reply.YES)
    sign_in(page, staff.email)
    page.goto(f"/staff/coproduction/participants/{priya.pk}/")
    main = page.locator("main").inner_text()
    assert "Send comments on the current booking form." in main and "Overdue" in main
    assert "Testing the new form" in main and "Yes, I will come" in main
    assert_accessible(page, "staff-coproduction-participant-actions-invitations")
