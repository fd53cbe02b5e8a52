"""Staff log a payment for a parent carer at a session that took place, are reminded about benefits
advice, mark it paid and download the file for finance; then open the group's report and see its
chart with the numbers beside it. Every new page is axe-clean."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from coproduction.models import Attendance, ParticipantRole, Recognition
from coproduction.tests.factories import (
    MembershipFactory,
    ParticipantFactory,
    ParticipationGroupFactory,
    RegisterEntryFactory,
    SessionFactory,
)

from .conftest import assert_accessible, assert_no_sideways_scrolling, follow, sign_in


@pytest.fixture
def session(staff):
    group = ParticipationGroupFactory(team=staff.teams.get(), name="Parent Carer Forum")
    held = SessionFactory(
        group=group, title="Local Offer website", starts_at=timezone.now() - timedelta(days=3), rung="coproduction"
    )
    for name, role, reference in [
        ("Priya Shah", ParticipantRole.PARENT_CARER, "PCF-001"),
        ("Leo Martin", ParticipantRole.YOUNG_PERSON, "YV-001"),
        ("Dr Hannah Price", ParticipantRole.PROFESSIONAL, None),
    ]:
        person = ParticipantFactory(full_name=name, role=role, team=group.team, reference=reference)
        MembershipFactory(group=group, participant=person, starts_on=date(2020, 1, 1))
        RegisterEntryFactory(session=held, participant=person, attendance=Attendance.ATTENDED, role=role)
    return held


def test_staff_log_a_payment_mark_it_paid_and_download_the_file_for_finance(page, staff, session):
    sign_in(page, staff.email)
    page.goto(f"/staff/coproduction/sessions/{session.pk}/")
    follow(page, "link", "Payments, vouchers and expenses for this session")
    assert page.locator("h1").inner_text() == "Payments, vouchers and expenses"
    assert_accessible(page, "staff-coproduction-recognition-session-empty")

    follow(page, "button", "Record a payment, voucher or expenses")
    warning = page.locator("#benefits-advice").inner_text()
    assert "point them to benefits advice" in warning
    assert_accessible(page, "staff-coproduction-recognition-form")
    # Only the parent carer and the young person present can be chosen.
    options = page.get_by_label("Who is it for?").locator("option").all_inner_texts()
    assert options == ["Select a person", "Leo Martin", "Priya Shah"]

    # A payment without confirming the benefits advice is refused, beside the checkbox, keeping what was typed.
    page.get_by_label("Who is it for?").select_option(label="Priya Shah")
    page.get_by_label("Payment").check()
    page.get_by_label("Amount, in pounds").fill("25")
    page.get_by_label("Accepted").check()
    follow(page, "button", "Save")
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_role("link", name="Confirm that you pointed them to benefits advice").count() == 1
    assert page.get_by_label("Amount, in pounds").input_value() == "25"
    assert_accessible(page, "staff-coproduction-recognition-form-errors")
    page.get_by_label("I have pointed them to benefits advice").check()
    follow(page, "button", "Save")
    assert page.locator(".govuk-error-summary").count() == 0
    line = Recognition.objects.get()
    assert line.amount == Decimal("25.00") and line.benefits_advice_by == staff
    row = page.locator("tr", has_text="Priya Shah").inner_text()
    assert "£25.00" in row and "Accepted, not yet paid" in row

    follow(page, "link", "Mark as paid Payment for Priya Shah")
    assert_accessible(page, "staff-coproduction-recognition-paid")
    follow(page, "button", "Mark as paid")
    assert "Marked as paid" in page.locator(".govuk-notification-banner").inner_text()
    assert "Paid" in page.locator("tr", has_text="Priya Shah").inner_text()
    assert "£25.00" in page.locator("#totals").inner_text()
    assert_accessible(page, "staff-coproduction-recognition-session")
    assert_no_sideways_scrolling(page)
    page.set_viewport_size({"width": 1024, "height": 800})

    # The ledger across sessions and the file for finance: reference, never the name.
    page.goto("/staff/coproduction/recognition/")
    assert "Priya Shah" in page.locator("table").inner_text()
    assert_accessible(page, "staff-coproduction-recognition-ledger")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download for finance (CSV)").click()
    text = open(download_info.value.path(), encoding="utf-8-sig").read()  # noqa: PTH123, SIM115
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header[:6] == ["Participant reference", "Session", "Session date", "Team", "Kind", "Amount (GBP)"]
    assert rows == [
        [
            "PCF-001",
            "Local Offer website",
            timezone.localdate(session.starts_at).isoformat(),
            session.team.name,
            "Payment",
            "25.00",
            "Paid",
            timezone.localdate().isoformat(),
            "",
        ]
    ]
    assert "Priya" not in text

    # Her page shows the total for this financial year.
    page.goto(f"/staff/coproduction/participants/{line.participant_id}/")
    assert "£25.00" in page.locator("#totals").inner_text()


def test_staff_open_the_group_report_and_see_the_chart_with_its_numbers(page, staff, session):
    # Two earlier months with enough people that a share can be shown (this month's 3 people, and
    # one other month's with them, are hidden).
    for days, people in ((35, 6), (70, 7)):
        earlier = SessionFactory(
            group=session.group, title=f"Short breaks {days}", starts_at=session.starts_at - timedelta(days=days)
        )
        for _person in range(people):
            for role in (ParticipantRole.PARENT_CARER, ParticipantRole.PROFESSIONAL):
                person = ParticipantFactory(role=role, team=session.team)
                RegisterEntryFactory(session=earlier, participant=person, role=role)
    sign_in(page, staff.email)
    page.goto(f"/staff/coproduction/groups/{session.group_id}/")
    follow(page, "link", "The group's report: sessions, attendance and who took part")
    assert page.locator("h1").inner_text() == "Co-production report"
    assert page.locator("svg[role=img] > title").text_content().startswith("Bar chart")
    assert page.locator("svg rect").count() >= 1
    months = page.locator("#months").inner_text()
    assert "fewer than 5" in months and "50%" in months
    assert "small, so they are shown as" in page.locator("#small-numbers").inner_text()
    assert "No actions recorded yet." in page.locator("main").inner_text()
    assert_accessible(page, "staff-coproduction-group-report")

    # A date range typed wrongly is said beside it; the overall report is axe-clean too.
    page.goto("/staff/coproduction/report/")
    page.locator("#id_starts_0").fill("31")
    page.locator("#id_starts_1").fill("2")
    page.locator("#id_starts_2").fill("2026")
    follow(page, "button", "Show the report")
    assert page.locator(".govuk-error-summary").get_by_role("link", name="The date from must be a real date").count()
    assert_accessible(page, "staff-coproduction-report-errors")
    assert_no_sideways_scrolling(page)
