"""The staff pages (who sees which cases, the upload, query budgets) and the family's pages (the code,
the forms, never a 500, nothing lost)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from auditlog.models import LogEntry
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from feedback import calls
from feedback.codes import check_character, code_display
from feedback.models import CaseFeedback, Channel, ClosedCase, FeedbackCode, FollowUpCall

from .factories import CaseFeedbackFactory, ClosedCaseFactory, FeedbackCodeFactory

pytestmark = pytest.mark.django_db
MARKUP = '<script>alert("x")</script>'


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("cases.csv", text.encode(), content_type="text/csv")


def fresh_code(**kwargs) -> FeedbackCode:
    now = timezone.now()
    return FeedbackCodeFactory(issued_at=now - timedelta(days=1), expires_at=now + timedelta(days=100), **kwargs)


# --- Staff ---------------------------------------------------------------------------------------


def test_every_staff_page_answers(staff_client, staff, team):
    feedback = CaseFeedbackFactory(case__team=team)
    client = staff_client(staff)
    for url in [
        reverse("feedback:cases"),
        reverse("feedback:case-create"),
        reverse("feedback:import"),
        reverse("feedback:import-template"),
        reverse("feedback:case", args=[feedback.case_id]),
        reverse("feedback:case-edit", args=[feedback.case_id]),
        reverse("feedback:record") + f"?case={feedback.case_id}",
        reverse("feedback:feedback", args=[feedback.pk]),
    ]:
        assert client.get(url).status_code == 200, url


def test_staff_see_their_teams_cases_and_managers_all(staff_client, staff, make_user, team, other_team):
    ClosedCaseFactory(team=team, reference="OURS-1")
    theirs = ClosedCaseFactory(team=other_team, reference="THEIRS-1")
    page = staff_client(staff).get(reverse("feedback:cases")).content.decode()
    assert "OURS-1" in page and "THEIRS-1" not in page
    assert staff_client(staff).get(reverse("feedback:case", args=[theirs.pk])).status_code == 403
    page = staff_client(make_user(Role.MANAGER)).get(reverse("feedback:cases")).content.decode()
    assert "OURS-1" in page and "THEIRS-1" in page


def test_the_list_searches_by_reference(staff_client, staff, team):
    ClosedCaseFactory(team=team, reference="CMS-111")
    ClosedCaseFactory(team=team, reference="CMS-222")
    page = staff_client(staff).get(reverse("feedback:cases"), {"q": "111"}).content.decode()
    assert "CMS-111" in page and "CMS-222" not in page


def test_each_view_of_a_case_is_logged_and_text_is_escaped(staff_client, staff, team):
    case = ClosedCaseFactory(team=team, contact_name=MARKUP, closure_reason=MARKUP, address=MARKUP)
    CaseFeedbackFactory(case=case, worked_well=MARKUP)
    client = staff_client(staff)
    page = client.get(reverse("feedback:case", args=[case.pk])).content.decode()
    client.get(reverse("feedback:case", args=[case.pk]))
    assert MARKUP not in page and "&lt;script&gt;" in page
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(case.pk)).count() == 2


def test_adding_a_case_by_the_form(staff_client, staff, team):
    response = staff_client(staff).post(
        reverse("feedback:case-create"),
        {
            "reference": "CMS-5",
            "team": team.pk,
            "closed_on_0": "2",
            "closed_on_1": "3",
            "closed_on_2": "2026",
            "contact_name": "Sam",
            "preferred_format": "large_print",
            "do_not_contact": "on",
        },
    )
    assert response.status_code == 200
    assert "Enter why the family must not be contacted" in response.content.decode()
    assert not ClosedCase.objects.exists()


def test_uploading_a_file_with_a_bad_row_names_the_line_and_saves_nothing(staff_client, staff, team):
    client = staff_client(staff)
    bad = "reference,closed_on,contact_name\nCMS-1,2026-03-01,Ann\nCMS-2,soon,Bob\n"
    page = client.post(reverse("feedback:import"), {"file": upload(bad), "team": team.pk}).content.decode()
    assert "The file was not imported" in page and "Line 3: closed_on must be a date" in page
    assert not ClosedCase.objects.exists()
    good = bad.replace("soon", "2026-03-02")
    response = client.post(reverse("feedback:import"), {"file": upload(good), "team": team.pk})
    assert response.url == reverse("feedback:cases")
    assert ClosedCase.objects.count() == 2


def test_the_template_downloads_as_csv(staff_client, staff):
    response = staff_client(staff).get(reverse("feedback:import-template"))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().startswith("reference,team,closed_on")


@pytest.mark.parametrize("rows", [10, 500])
def test_case_list_query_count_is_flat(staff_client, staff, team, rows, django_assert_max_num_queries):
    ClosedCaseFactory.create_batch(rows, team=team)
    client = staff_client(staff)
    # session, user, roles, teams (rules), count, page of cases with teams, teams for the filter, +2 spare
    with django_assert_max_num_queries(10):
        assert client.get(reverse("feedback:cases")).status_code == 200


@pytest.mark.parametrize("count", [1, 60])
def test_case_page_query_count_is_flat(staff_client, staff, team, count, django_assert_max_num_queries):
    case = ClosedCaseFactory(team=team)
    CaseFeedbackFactory.create_batch(count, case=case)
    client = staff_client(staff)
    # session, user, roles, case, teams (rule), audit entry (+ content type), codes, feedback, +2 spare
    with django_assert_max_num_queries(12):
        assert client.get(reverse("feedback:case", args=[case.pk])).status_code == 200


def test_staff_record_feedback_from_a_letter_against_a_case(staff_client, staff, team):
    case = ClosedCaseFactory(team=team, reference="CMS-77")
    response = staff_client(staff).post(
        reverse("feedback:record"),
        {
            "channel": "letter",
            "case_reference": "cms-77",
            "received_on_0": "5",
            "received_on_1": "3",
            "received_on_2": "2026",
            "worked_well": "Kind staff",
            "contact_wish": "no",
        },
    )
    feedback = CaseFeedback.objects.get()
    assert response.url == reverse("feedback:feedback", args=[feedback.pk])
    assert feedback.case == case and feedback.channel == Channel.LETTER


def test_staff_flag_feedback(staff_client, staff, team):
    feedback = CaseFeedbackFactory(case__team=team)
    client = staff_client(staff)
    page = client.post(reverse("feedback:feedback-flag", args=[feedback.pk]), {"reason": ""}).content.decode()
    assert "Say what the concern is" in page
    client.post(reverse("feedback:feedback-flag", args=[feedback.pk]), {"reason": "Mentions bruises"})
    feedback.refresh_from_db()
    assert feedback.flagged_by == staff


# --- The family's pages ----------------------------------------------------------------------------


def enter(client, typed: str):
    return client.post(reverse("feedback:code"), {"code": typed})


FORM = {
    "worked_well": "Quick replies",
    "could_be_better": "",
    "missing": "",
    "experience": "good",
    "listened_to": "yes",
    "may_quote": "yes",
    "contact_wish": "no",
}


def test_a_code_typed_in_lower_case_without_the_dash_opens_the_form_and_sends_once(client):
    code = fresh_code()
    response = enter(client, code.code.lower())
    assert response.url == reverse("feedback:form")
    page = client.get(response.url).content.decode()
    assert "Overall, how was your experience of our service?" in page
    assert page.index("safeguarding-notice") < page.index("What worked well?")
    response = client.post(reverse("feedback:form"), FORM | {"code": code.code})
    assert response.url == reverse("feedback:thanks")
    feedback = CaseFeedback.objects.get()
    assert feedback.case == code.case and feedback.may_quote and feedback.experience == "good"
    again = enter(Client(), code_display(code.code))
    assert again.status_code == 200 and "We have your feedback" in again.content.decode()


def test_a_young_persons_code_opens_the_child_form_and_records_who_answered(client):
    code = fresh_code(for_child=True)
    response = enter(client, code.code)
    assert response.url == reverse("feedback:child-form")
    page = client.get(response.url).content.decode()
    assert "Tell us what you think" in page and "scale-agree.svg" in page
    assert client.get(reverse("feedback:form")).url == reverse("feedback:code")  # not the family's form
    enter(client, code.code)
    client.post(
        reverse("feedback:child-form"),
        {"code": code.code, "picture_listened": "agree", "answered_by": "young_person", "may_quote": "no",
         "contact_wish": "no", "worked_well": "My worker"},
    )  # fmt: skip
    feedback = CaseFeedback.objects.get()
    assert feedback.channel == Channel.ONLINE_CHILD and feedback.answered_by == "young_person"
    assert feedback.picture_answers == {"listened": "agree"}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("K7PM", "Check the code on your letter"),
        ("", "Enter the code from your letter"),
        ("K7PMX9Q" + check_character("K7PMX9Q"), "We do not recognise this code"),
        ("\x00" * 3, "Enter the code from your letter"),
        ("K7PM\x00", "We removed a character"),
        (MARKUP, "Check the code on your letter"),
    ],
)
def test_a_code_that_does_not_open_the_form_says_why(client, typed, message):
    response = enter(client, typed)
    page = response.content.decode()
    assert response.status_code == 200 and message in page and MARKUP not in page


def test_a_mistyped_code_reads_as_a_typo_not_unknown(client):
    code = fresh_code()
    typo = code.code[:-1] + ("2" if code.code[-1] != "2" else "3")
    assert "Check the code on your letter" in enter(client, typo).content.decode()


def test_an_expired_code_says_so(client):
    code = FeedbackCodeFactory(
        issued_at=timezone.now() - timedelta(days=200), expires_at=timezone.now() - timedelta(days=1)
    )
    assert "This code has expired" in enter(client, code.code).content.decode()


def test_the_qr_link_fills_in_the_code(client):
    page = client.get(reverse("feedback:code") + "?code=k7pmx9qd").content.decode()
    assert 'value="K7PM-X9QD"' in page


def test_the_empty_code_form_drawn_once_never_carries_one_visitors_code_or_error_to_another(client):
    assert "B3CD-F4GH" not in Client().get(reverse("feedback:code")).content.decode()  # the shared drawing
    assert 'value="B3CD-F4GH"' in Client().get(reverse("feedback:code") + "?code=b3cdf4gh").content.decode()
    assert "Check the code on your letter" in enter(client, MARKUP).content.decode()
    fresh = Client().get(reverse("feedback:code")).content.decode()
    assert "B3CD-F4GH" not in fresh and "Check the code on your letter" not in fresh


def test_code_tries_are_limited_per_address(client, settings):
    settings.FEEDBACK_CODE_ADDRESS_RATE = "3/h"
    for _ in range(3):
        assert enter(client, "K7PM").status_code == 200
    assert enter(client, "K7PM").status_code == 429


def test_code_tries_are_limited_per_code_from_any_address(settings):
    settings.FEEDBACK_CODE_TRIES_RATE = "2/h"
    code = fresh_code()
    for number in range(2):
        assert enter(Client(REMOTE_ADDR=f"192.0.2.{number}"), code.code).status_code == 302
    assert enter(Client(REMOTE_ADDR="192.0.2.99"), code.code.lower()).status_code == 429


def test_answers_sent_after_the_session_ended_are_still_received(client):
    code = fresh_code()
    response = Client().post(reverse("feedback:form"), FORM | {"code": code.code})
    assert response.url == reverse("feedback:thanks")
    assert CaseFeedback.objects.filter(code=code).exists()


def test_a_form_posted_without_its_csrf_cookie_is_shown_again_holding_the_answers():
    code = fresh_code()
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("feedback:code"))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    del client.cookies[settings.CSRF_COOKIE_NAME]
    typed = "A long answer that took a while to write"
    response = client.post(
        reverse("feedback:form"), FORM | {"code": code.code, "worked_well": typed, "csrfmiddlewaretoken": token}
    )
    page = response.content.decode()
    assert response.status_code == 403 and typed in page and "has not been saved yet" in page
    assert not CaseFeedback.objects.exists()


def test_the_form_re_shows_typed_answers_with_errors(client):
    code = fresh_code()
    enter(client, code.code)
    response = client.post(reverse("feedback:form"), {"code": code.code, "worked_well": MARKUP})
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Select how your experience was overall" in page
    assert "&lt;script&gt;" in page and MARKUP not in page
    assert not CaseFeedback.objects.exists()


def test_a_tampered_code_in_the_form_is_sent_back_to_the_code_page(client):
    response = client.post(reverse("feedback:form"), FORM | {"code": "NOT-A-CODE"})
    assert response.url == reverse("feedback:code")


# --- Calls ---------------------------------------------------------------------------------------


def drawn_call(team, caller):
    ClosedCaseFactory(team=team, closed_on=date(2026, 8, 1), contact_name=MARKUP)
    calls.sample_draw_for_quarter(quarter_start=date(2026, 7, 1), moment=timezone.now())
    call = FollowUpCall.objects.get()
    call.caller = caller
    call.save()
    return call


def test_a_caller_sees_their_calls_and_records_an_outcome(staff_client, staff, team):
    call = drawn_call(team, staff)
    client = staff_client(staff)
    assert "CMS-" in client.get(reverse("feedback:calls")).content.decode()
    page = client.get(reverse("feedback:call", args=[call.pk])).content.decode()
    assert "What to say" in page and MARKUP not in page
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(call.case_id)).exists()
    page = client.post(reverse("feedback:call", args=[call.pk]), {"disposition": "complete", "contact_wish": "no"})
    assert "Enter what they said" in page.content.decode()
    response = client.post(reverse("feedback:call", args=[call.pk]), {"disposition": "no_answer", "contact_wish": "no"})
    assert response.url == reverse("feedback:calls")
    assert call.attempts.count() == 1


def test_a_no_answer_at_a_time_of_day_tried_already_is_refused_beside_the_outcome_keeping_the_notes(
    staff_client, staff, team
):
    call = drawn_call(team, staff)
    morning = datetime(2026, 10, 5, 9, 30, tzinfo=ZoneInfo("Europe/London"))
    calls.call_attempt_record(call=call, user=staff, disposition="no_answer", moment=morning)
    client = staff_client(staff)
    listing = client.get(reverse("feedback:calls")).content.decode()
    assert "Afternoon, Evening" in listing
    with time_machine.travel(morning + timedelta(days=1, hours=1), tick=False):
        page = client.get(reverse("feedback:call", args=[call.pk])).content.decode()
        assert "(morning): No answer" in page and "Times of day not tried yet: afternoon, evening." in page
        response = client.post(
            reverse("feedback:call", args=[call.pk]),
            {"disposition": "no_answer", "notes": f"Rang twice {MARKUP}", "contact_wish": "no"},
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert "They did not answer in the morning before. Try again at another time of day: afternoon, evening." in page
    beside = page.split('class="govuk-form-group govuk-form-group--error"', 1)[1].split("</fieldset>", 1)[0]
    assert "What happened?" in beside and "They did not answer in the morning before." in beside
    assert f"Rang twice {MARKUP}" not in page and "Rang twice &lt;script&gt;" in page
    assert call.attempts.count() == 1
    with time_machine.travel(morning + timedelta(days=1, hours=6), tick=False):  # 3.30pm
        response = client.post(
            reverse("feedback:call", args=[call.pk]), {"disposition": "no_answer", "contact_wish": "no"}
        )
    assert response.status_code == 302 and call.attempts.count() == 2
    assert "Evening" in client.get(reverse("feedback:calls")).content.decode()


def test_another_callers_call_is_refused_plainly(staff_client, staff, make_user, team):
    call = drawn_call(team, make_user(Role.STAFF, teams=[team]))
    response = staff_client(staff).post(
        reverse("feedback:call", args=[call.pk]), {"disposition": "refused", "contact_wish": "no"}
    )
    assert response.status_code == 200 and "another caller" in response.content.decode()
    assert not call.attempts.exists()


def test_managers_see_each_quarters_rates(staff_client, make_user, team, django_assert_max_num_queries):
    manager = make_user(Role.MANAGER)
    call = drawn_call(team, manager)
    calls.call_attempt_record(call=call, user=manager, disposition="refused", moment=timezone.now())
    client = staff_client(manager)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("feedback:quarters")).content.decode()
    assert "100%" in page  # contact and refusal: the one family reached declined


@pytest.mark.parametrize("count", [2, 60])
def test_call_list_and_letters_query_counts_are_flat(staff_client, staff, team, count, django_assert_max_num_queries):
    ClosedCaseFactory.create_batch(count, team=team, closed_on=date(2026, 8, 1))
    calls.sample_draw_for_quarter(
        quarter_start=date(2026, 7, 1), moment=timezone.now(), rule={"percent": 100, "minimum": 0, "maximum": 100}
    )
    FollowUpCall.objects.update(caller=staff)
    client = staff_client(staff)
    # session, user, roles, count, calls with cases, teams and callers, their no answers, permission
    # check, +1 spare
    with django_assert_max_num_queries(9):
        assert client.get(reverse("feedback:calls")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("feedback:letters")).status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_feedback_page_query_count_is_flat(staff_client, staff, team, count, django_assert_max_num_queries):
    case = ClosedCaseFactory(team=team)
    feedback = CaseFeedbackFactory.create_batch(count, case=case)[0]
    client = staff_client(staff)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("feedback:feedback", args=[feedback.pk])).status_code == 200


def test_staff_see_their_teams_quarter_and_managers_all(staff_client, staff, other_staff, team):
    call = drawn_call(team, staff)
    calls.call_attempt_record(call=call, user=staff, disposition="refused", moment=timezone.now())
    theirs = staff_client(other_staff).get(reverse("feedback:quarters")).content.decode()
    ours = staff_client(staff).get(reverse("feedback:quarters")).content.decode()
    assert "Your teams' calls" in ours and "100%" in ours and "100%" not in theirs


def test_the_form_drawn_once_for_every_family_carries_each_familys_own_code():
    pages = []
    for code in (fresh_code(), fresh_code()):
        visitor = Client()
        enter(visitor, code.code)
        page = visitor.get(reverse("feedback:form")).content.decode()
        assert f'name="code" value="{code.code}"' in page and "What worked well?" in page
        pages.append((code, page))
    (first, first_page), (second, second_page) = pages
    assert second.code not in first_page and first.code not in second_page
