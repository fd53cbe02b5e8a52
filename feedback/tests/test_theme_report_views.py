"""The report pages: who may read and change them, markup typed by people stays text in the page,
the CSV and the PDF, the PDF reads back, and the page's query count stays flat."""

import io
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from feedback.models import Polarity, ReportState, ThemeReport
from feedback.reports import services

from .report_factories import FeedbackItemFactory, ThemeFactory, audience, built_report, code

pytestmark = pytest.mark.django_db
PLANTED = '<script>alert("x")</script><b>bold</b>'
FIRST, LAST = date(2026, 4, 1), date(2026, 9, 30)


@pytest.fixture
def report(manager):
    theme = ThemeFactory(name=f"Waiting {PLANTED}")
    team = TeamFactory(name=f"Team {PLANTED}")
    for index in range(6):
        item = FeedbackItemFactory(team=team, consent_to_quote=True, text=f"Quote {index} {PLANTED}")
        code(item, theme, Polarity.NEEDS_IMPROVING)
    report = built_report(first_day=FIRST, last_day=LAST)
    services.report_commentary_add(report=report, user=manager, text=f"Commentary {PLANTED}", moment=report.built_at)
    services.improvement_action_add(
        report=report,
        description=f"Action {PLANTED}",
        owner_team=team,
        due_on=date(2027, 1, 1),
        user=manager,
        moment=report.built_at,
    )
    return report


def url(name, report):
    return reverse(f"feedback:{name}", kwargs={"report_pk": report.pk})


@pytest.mark.parametrize(
    ("role", "status"), [(Role.STAFF, 403), (Role.PARTICIPANT, 403), (Role.MANAGER, 200), (Role.ADMINISTRATOR, 200)]
)
def test_managers_and_administrators_read_reports_and_staff_do_not(staff_client, report, role, status):
    client = staff_client(UserFactory(role=role))
    for name in ("report", "report-csv"):
        assert client.get(url(name, report)).status_code == status
    assert client.get(reverse("feedback:reports")).status_code == status


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMINISTRATOR])
def test_managers_and_administrators_review_and_approve(staff_client, report, role):
    client = staff_client(UserFactory(role=role))
    client.post(url("report-review", report))
    client.post(url("report-approve", report))
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED and report.approved_by.has_perm("accounts.approve_theme_reports")


def test_staff_cannot_change_a_report(staff_client, report):
    client = staff_client(UserFactory(role=Role.STAFF))
    assert client.post(url("report-review", report)).status_code == 403
    assert client.post(url("report-commentary", report), {"text": "x"}).status_code == 403
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT and report.commentary.count() == 1


def test_an_approved_report_refuses_changes(staff_client, report, manager):
    services.theme_report_review(report=report, user=manager, moment=report.built_at)
    services.theme_report_approve(report=report, user=manager, moment=report.built_at)
    client = staff_client(manager)
    response = client.post(url("report-commentary", report), {"text": "Late words"})
    assert response.status_code == 302
    assert report.commentary.count() == 1
    page = client.get(url("report", report)).content.decode()
    assert "Add commentary" not in page and "approved and locked" in page


def test_planted_markup_is_text_in_the_page(staff_client, report, manager):
    page = staff_client(manager).get(url("report", report)).content.decode()
    assert PLANTED not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page
    assert "Commentary &lt;script&gt;" in page and "Action &lt;script&gt;" in page and "Quote 5 &lt;script&gt;" in page


def test_planted_markup_is_text_in_the_csv(staff_client, report, manager):
    response = staff_client(manager).get(url("report-csv", report))
    body = b"".join(response.streaming_content).decode()
    assert f"Commentary {PLANTED}".replace('"', '""') in body  # as typed, quoted as CSV, never run
    assert "Waiting <script>" in body


def test_the_pdf_reads_back_with_its_figures_and_text(staff_client, report, manager):
    response = staff_client(manager).get(url("report-pdf", report))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Theme report" in text and "Senior Management Team" in text
    assert 'Commentary <script>alert("x")</script><b>bold</b>' in text  # the markup as text, not as markup
    assert "Action <script>" in text
    assert "Feedback by team" in text and "Needs improving: top themes" in text


def test_the_page_query_count_is_flat(staff_client, manager, django_assert_max_num_queries):
    """Session, user, roles, permissions, report, commentary with writers; own actions, their updates
    and their writers; carried actions, their updates and their writers."""
    client = staff_client(manager)
    earlier = built_report(first_day=date(2025, 10, 1), last_day=date(2026, 3, 31))
    report = built_report(first_day=FIRST, last_day=LAST)

    def add_work(count):
        for _ in range(count):
            services.report_commentary_add(report=report, user=manager, text="More", moment=report.built_at)
            for raised_in in (earlier, report):
                services.improvement_action_add(
                    report=raised_in,
                    description="More",
                    owner_team=TeamFactory(),
                    due_on=date(2027, 1, 1),
                    user=UserFactory(role=Role.MANAGER),
                    moment=report.built_at,
                )

    add_work(1)
    with django_assert_max_num_queries(13):
        client.get(url("report", report))
    add_work(10)
    with django_assert_max_num_queries(13):
        page = client.get(url("report", report)).content.decode()
    assert page.count(">More</a>") == 22


def test_a_manager_builds_a_draft_over_any_dates_and_sees_it(staff_client, manager, django_capture_on_commit_callbacks):
    client = staff_client(manager)
    smt = audience()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("feedback:report-request"),
            {
                "audience": smt.pk,
                "first_day_0": "1",
                "first_day_1": "1",
                "first_day_2": "2026",
                "last_day_0": "31",
                "last_day_1": "3",
                "last_day_2": "2026",
            },
        )
    report = ThemeReport.objects.get(scheduled=False)
    assert response.status_code == 302 and response["Location"] == url("report", report)
    assert report.state == ReportState.DRAFT  # the build task ran in-process after the commit
    assert client.get(url("report", report)).status_code == 200


def test_a_report_being_built_shows_its_progress(staff_client, manager):
    report = ThemeReport.objects.create(
        audience=audience(),
        first_day=FIRST,
        last_day=LAST,
        requested_at=manager.date_joined,
        sections_total=9,
        sections_done=3,
    )
    page = staff_client(manager).get(url("report", report)).content.decode()
    assert "3 of 9 sections done (33%)" in page and 'http-equiv="refresh"' in page


def test_dates_in_the_wrong_order_are_shown_back_with_an_error(staff_client, manager):
    response = staff_client(manager).post(
        reverse("feedback:report-request"),
        {
            "audience": audience().pk,
            "first_day_0": "1",
            "first_day_1": "9",
            "first_day_2": "2026",
            "last_day_0": "1",
            "last_day_1": "3",
            "last_day_2": "2026",
        },
    )
    assert response.status_code == 200
    assert "The last day must be on or after the first day" in response.content.decode()
    assert not ThemeReport.objects.exists()
