"""Staff create a participation group, import its members from CSV (a bad file first), and find them."""

from coproduction.models import Participant, ParticipationGroup

from .conftest import assert_accessible, assert_no_sideways_scrolling, follow, sign_in

HEADER = "full_name,role,email,reference,phone,preferred_contact,age_band,access_needs,access_needs_consent,contact_consent,group_role\n"  # noqa: E501
GOOD_ROWS = [
    "Priya Shah,parent carer,priya@example.com,,,email,,Step-free access,yes,yes,chair\n",
    "Leo Martin,young person,,YV-1,07700 900456,text,16 to 17,,no,yes,\n",
    "Dr Hannah Price,professional,hannah@example.nhs.uk,,,email,,,no,no,member\n",
]
BAD_ROW = "Sam Bell,wizard,sam@example.com,,,email,,,no,no,\n"


def csv_file(*rows: str) -> dict:
    return {"name": "members.csv", "mimeType": "text/csv", "buffer": (HEADER + "".join(rows)).encode()}


def test_staff_create_a_group_and_import_its_members(page, staff):
    sign_in(page, staff.email)
    with page.expect_navigation():
        page.get_by_role("navigation", name="Staff menu").get_by_role("link", name="Co-production").click()
    assert page.locator("h1").inner_text() == "Co-production"
    assert_accessible(page, "staff-coproduction")
    follow(page, "link", "Participation groups")
    assert_accessible(page, "staff-coproduction-groups-empty")

    # An empty form: the problems are listed at the top and beside each field.
    follow(page, "button", "Create a group")
    assert_accessible(page, "staff-coproduction-group-form")
    follow(page, "button", "Save group")
    assert page.title().startswith("Error: Create a group")
    assert page.locator(".govuk-error-summary").get_by_role("link", name="Enter the group's name").count() == 1
    assert_accessible(page, "staff-coproduction-group-form-errors")
    page.get_by_label("Name", exact=True).fill("Parent Carer Forum")
    page.get_by_label("Parent carer forum").check()
    page.get_by_label("Purpose").fill("Parent carers shape SEND services with the council.")
    page.get_by_label("Strategic").check()
    follow(page, "button", "Save group")
    assert page.locator(".govuk-error-summary").count() == 0, page.locator(".govuk-error-summary").inner_text()
    assert page.locator("h1").inner_text() == "Parent Carer Forum"
    group = ParticipationGroup.objects.get()
    assert group.team.slug == "participation"

    # A file with one bad row is refused whole, and the page names the line.
    follow(page, "button", "Import members from a CSV file")
    assert page.locator("h1").inner_text() == "Import participants"
    assert page.get_by_label("Add everyone in the file to a group (optional)").input_value() == str(group.pk)
    assert_accessible(page, "staff-coproduction-import")
    page.get_by_label("Upload a CSV file").set_input_files(files=[csv_file(GOOD_ROWS[0], BAD_ROW, *GOOD_ROWS[1:])])
    follow(page, "button", "Import participants")
    problems = page.locator("#import-problems").inner_text()
    assert "Line 3: the role must be parent carer" in problems
    assert "Line 2" not in problems
    assert not Participant.objects.exists()
    assert_accessible(page, "staff-coproduction-import-errors")

    # The corrected file goes in, and everyone is listed on the group's page.
    page.get_by_label("Upload a CSV file").set_input_files(files=[csv_file(*GOOD_ROWS)])
    follow(page, "button", "Import participants")
    assert page.locator("h1").inner_text() == "Parent Carer Forum"
    assert "3 new participants" in page.locator(".govuk-notification-banner").inner_text()
    members = page.locator("#members-caption + thead + tbody, table:has(#members-caption) tbody").first.inner_text()
    for name in ("Priya Shah", "Leo Martin", "Dr Hannah Price"):
        assert name in members
    assert_accessible(page, "staff-coproduction-group")
    assert_no_sideways_scrolling(page)
    page.set_viewport_size({"width": 1024, "height": 800})

    # Each member's page; their details are the team's to see.
    with page.expect_navigation():
        page.get_by_role("link", name="Priya Shah", exact=True).click()
    assert "Step-free access" in page.locator("main").inner_text()
    assert_accessible(page, "staff-coproduction-participant")
    follow(page, "button", "Change details")
    assert_accessible(page, "staff-coproduction-participant-form")
    page.go_back()
    follow(page, "link", "All participants")
    assert page.locator("h2", has_text="3 participants").count() == 1
    assert_accessible(page, "staff-coproduction-participants")
    follow(page, "button", "Add a participant")
    assert_accessible(page, "staff-coproduction-participant-new")

    # Membership pages and closing the group.
    page.goto(f"/staff/coproduction/groups/{group.pk}/")
    follow(page, "button", "Add a member")
    assert_accessible(page, "staff-coproduction-membership-add")
    page.goto(f"/staff/coproduction/groups/{group.pk}/")
    page.get_by_role("link", name="End Leo Martin's membership").click()
    page.wait_for_load_state()
    assert_accessible(page, "staff-coproduction-membership-end")
    follow(page, "button", "End membership")
    assert "Leo Martin's membership has ended." in page.locator(".govuk-notification-banner").inner_text()
    follow(page, "button", "Change details")
    assert_accessible(page, "staff-coproduction-group-edit")
    page.go_back()
    follow(page, "button", "Close the group")
    assert_accessible(page, "staff-coproduction-group-close")
    follow(page, "button", "Close the group")
    assert "Group closed." in page.locator(".govuk-notification-banner").inner_text()
    follow(page, "link", "All groups")
    assert_accessible(page, "staff-coproduction-groups")
