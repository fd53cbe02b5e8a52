"""Staff plan a session for a group, take its register once it has started (a walk-in too), and see
the share of parent carers and young people with the warning; every new page is axe-clean."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from coproduction.models import Attendance, ParticipantRole, RegisterEntry, Session
from coproduction.tests.factories import MembershipFactory, ParticipantFactory, ParticipationGroupFactory

from .conftest import assert_accessible, assert_no_sideways_scrolling, fill_date, follow, sign_in


@pytest.fixture
def group(staff):
    group = ParticipationGroupFactory(team=staff.teams.get(), name="SEND Partnership Board")
    for name, role in [
        ("Priya Shah", ParticipantRole.PARENT_CARER),
        ("Dr Hannah Price", ParticipantRole.PROFESSIONAL),
        ("Cllr Ruth Adams", ParticipantRole.COUNCILLOR),
        ("Leo Martin", ParticipantRole.YOUNG_PERSON),
    ]:
        person = ParticipantFactory(full_name=name, role=role, team=group.team)
        MembershipFactory(group=group, participant=person, starts_on=date(2020, 1, 1))
    ParticipantFactory(full_name="Chris Doyle", role=ParticipantRole.PARTNER_ORGANISATION, team=group.team)
    return group


def test_staff_plan_a_session_take_the_register_and_see_the_warning(page, staff, group):
    sign_in(page, staff.email)
    page.goto("/staff/coproduction/")
    with page.expect_navigation():
        page.get_by_role("navigation", name="Co-production").get_by_role("link", name="Sessions").click()
    assert page.locator("h1").inner_text() == "Sessions"
    assert_accessible(page, "staff-coproduction-sessions-empty")

    # An empty form lists its problems at the top and beside each field.
    follow(page, "button", "Plan a session")
    assert_accessible(page, "staff-coproduction-session-form")
    follow(page, "button", "Save session")
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_role("link", name="Enter the session's title").count() == 1
    assert summary.get_by_role("link", name="Enter a venue or an online link").count() == 1
    assert_accessible(page, "staff-coproduction-session-form-errors")

    # Planned for yesterday (a session recorded after it took place), so its register is open.
    yesterday = timezone.localdate() - timedelta(days=1)
    page.get_by_label("Title").fill("Priorities for next year")
    page.get_by_label("Purpose").fill("Agree the board's priorities with families.")
    page.get_by_label("Group (optional)").select_option(label="SEND Partnership Board")
    page.get_by_label("Strategic").check()
    page.get_by_label("Co-production").check()
    fill_date(page, "day", yesterday)
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("End time").fill("12:00")
    page.get_by_label("Venue", exact=True).fill("Committee Room 2, County Hall")
    page.get_by_label("British Sign Language interpreter").check()
    page.get_by_label("Step-free access").check()
    follow(page, "button", "Save session")
    assert page.locator(".govuk-error-summary").count() == 0, page.locator(".govuk-error-summary").inner_text()
    assert page.locator("h1").inner_text() == "Priorities for next year"
    session = Session.objects.get()
    assert timezone.localtime(session.starts_at).hour == 10
    assert_accessible(page, "staff-coproduction-session")

    follow(page, "button", "Add an agenda item")
    assert_accessible(page, "staff-coproduction-agenda-item-form")
    page.get_by_label("Agenda item").fill("Draft priorities")
    page.get_by_label("Minutes allowed (optional)").fill("45")
    follow(page, "button", "Save agenda item")
    assert "Draft priorities" in page.locator("#agenda + ol").inner_text()

    # The register: a missing mark is named in the error summary and nothing is saved.
    follow(page, "button", "Take the register")
    assert page.locator("h1").inner_text() == "Register"
    assert_accessible(page, "staff-coproduction-register")
    page.get_by_role("group", name="Attendance of Priya Shah").get_by_label("Attended").check()
    follow(page, "button", "Save the register")
    assert page.locator(".govuk-error-summary").get_by_role("link", name="Select whether Leo Martin attended").count()
    assert not RegisterEntry.objects.exists()
    assert_accessible(page, "staff-coproduction-register-errors")
    page.get_by_role("group", name="Attendance of Priya Shah").get_by_label("Attended").check()
    page.get_by_role("group", name="Attendance of Dr Hannah Price").get_by_label("Attended").check()
    page.get_by_role("group", name="Attendance of Cllr Ruth Adams").get_by_label("Attended").check()
    page.get_by_role("group", name="Attendance of Leo Martin").get_by_label("Apologies").check()
    follow(page, "button", "Save the register")
    assert page.locator(".govuk-error-summary").count() == 0

    # A walk-in: someone the team works with who is not in the group.
    page.goto(f"/staff/coproduction/sessions/{session.pk}/register/")
    follow(page, "button", "Add a walk-in")
    page.get_by_label("Search by name or organisation").fill("Chris")
    follow(page, "button", "Search")
    assert_accessible(page, "staff-coproduction-walk-in")
    page.get_by_label("Chris Doyle").check()
    page.get_by_label("Partner organisation").check()
    follow(page, "button", "Add to the register")
    assert "Chris Doyle added to the register as a walk-in" in page.locator(".govuk-notification-banner").inner_text()
    assert "Walk-in: attended" in page.locator("tr", has_text="Chris Doyle").inner_text()

    # One parent carer among four present: the share and both warnings.
    share = page.locator("#share").inner_text()
    assert "1 of the 4 people present were parent carers or young people (25%)" in share
    warning = page.locator(".govuk-warning-text").inner_text()
    assert "fewer than two parent carers or young people" in warning
    assert "less than 33% of the people present" in warning
    assert_accessible(page, "staff-coproduction-register-taken")
    assert RegisterEntry.objects.filter(attendance=Attendance.ATTENDED).count() == 4

    with page.expect_navigation():  # exactly: the staff menu's "Feedback" has "back" in it too
        page.get_by_role("link", name="Back", exact=True).click()
    assert "Chris Doyle" in page.locator("table:has(#register-caption)").inner_text()
    assert page.locator(".govuk-warning-text").count() == 1
    assert_no_sideways_scrolling(page)

    # The list shows it as past; cancelling is offered for an upcoming session only.
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto("/staff/coproduction/sessions/")
    assert "Past" in page.locator("tr", has_text="Priorities for next year").inner_text()
    assert_accessible(page, "staff-coproduction-sessions")


def test_staff_cancel_an_upcoming_session_and_its_register_never_opens(page, staff, group):
    starts = timezone.now() + timedelta(days=7)
    session = Session.objects.create(
        title="Budget workshop",
        purpose="x",
        group=group,
        team=group.team,
        bench_level="service",
        rung="participation",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        online_link="https://meet.example.gov.uk/budget",
    )
    sign_in(page, staff.email)
    page.goto(f"/staff/coproduction/sessions/{session.pk}/")
    assert "The register can be taken once the session has started." in page.locator("main").inner_text()
    follow(page, "button", "Cancel the session")
    assert_accessible(page, "staff-coproduction-session-cancel")
    page.get_by_label("Why is the session cancelled?").fill("The venue is closed for repairs.")
    follow(page, "button", "Cancel the session")
    assert "The venue is closed for repairs." in page.locator("main").inner_text()
    assert_accessible(page, "staff-coproduction-session-cancelled")
