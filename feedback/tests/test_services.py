"""Closed cases, their upload, codes and feedback: the rules each write keeps."""

from datetime import UTC, date, datetime, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from accounts.roles import Role
from coproduction.tests.conftest import codes
from feedback import services
from feedback.codes import code_display, code_normalise
from feedback.models import CaseFeedback, Channel, ClosedCase, ContactWish, FeedbackCode, PreferredFormat
from notifications.models import Message

from .factories import CaseFeedbackFactory, ClosedCaseFactory, FeedbackCodeFactory

MOMENT = datetime(2026, 4, 1, 9, tzinfo=UTC)
HEADER = "reference,team,closed_on,closure_reason,contact_name,address,phone,email,preferred_format,language,do_not_contact,do_not_contact_reason,child_age_band\n"  # noqa: E501


def csv_of(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


GOOD_ROW = 'CMS-1,,2026-03-31,Plan completed,Sam Taylor,"1 High St, Town",07700 900123,sam@example.com,,,no,,11 to 15'


# --- Recording and uploading cases -------------------------------------------------------------------


def test_staff_record_a_case_for_their_team_only(staff, team, other_team):
    case = services.case_save(
        case=ClosedCase(reference=" CMS-9 ", team=team, closed_on=date(2026, 3, 1), contact_name="Sam"), user=staff
    )
    assert case.reference == "CMS-9"
    with pytest.raises(ValidationError) as raised:
        services.case_save(
            case=ClosedCase(reference="CMS-10", team=other_team, closed_on=date(2026, 3, 1), contact_name="Sam"),
            user=staff,
        )
    assert "not_your_team" in codes(raised.value)


def test_a_reference_is_recorded_once_ignoring_case(staff, team):
    ClosedCaseFactory(reference="CMS-9", team=team)
    with pytest.raises(ValidationError) as raised:
        services.case_save(
            case=ClosedCase(reference="cms-9", team=team, closed_on=date(2026, 3, 1), contact_name="Sam"), user=staff
        )
    assert "taken" in codes(raised.value)


def test_do_not_contact_needs_a_reason(staff, team):
    case = ClosedCase(reference="CMS-9", team=team, closed_on=date(2026, 3, 1), contact_name="Sam", do_not_contact=True)
    with pytest.raises(ValidationError) as raised:
        services.case_save(case=case, user=staff)
    assert "do_not_contact_reason_required" in codes(raised.value)


def test_uploading_creates_then_updates_never_duplicates(staff, team):
    first = services.cases_import(data=csv_of(GOOD_ROW), team=team, user=staff)
    assert (first.created, first.updated) == (1, 0)
    again = services.cases_import(
        data=csv_of(GOOD_ROW.replace("Sam Taylor", "Sam Jones").replace("CMS-1", "cms-1")), team=team, user=staff
    )
    assert (again.created, again.updated) == (0, 1)
    case = ClosedCase.objects.get()
    assert case.contact_name == "Sam Jones" and case.child_age_band == "11_15" and case.team == team


def test_a_file_with_bad_rows_is_refused_whole_naming_each_line(staff, team):
    rows = [
        GOOD_ROW,
        "CMS-2,,31/02/2026,,Robin,,,,,,no,,",
        "CMS-3,,2026-03-01,,Kim,,,not-an-email,huge print,,maybe,,",
        "CMS-1,,2026-03-01,,Sam,,,,,,no,,",
        "CMS-4,,2026-03-01,,Ash,,,,,,yes,,",
        "CMS-5,Nowhere Team,2026-03-01,,Lee,,,,,,no,,",
    ]
    with pytest.raises(ValidationError) as raised:
        services.cases_import(data=csv_of(*rows), team=team, user=staff)
    messages = raised.value.messages
    assert [m.split(":")[0] for m in messages] == ["Line 3", "Line 4", "Line 5", "Line 6", "Line 7"]
    assert "closed_on must be a date" in messages[0]
    assert "preferred format" in messages[1] and "do_not_contact must be yes or no" in messages[1]
    assert "repeats the case on line 2" in messages[2]
    assert "why the family must not be contacted" in messages[3]
    assert "team is not one the portal knows" in messages[4]
    assert not ClosedCase.objects.exists()


def test_staff_cannot_upload_for_another_team_or_over_its_cases(staff, team, other_team):
    ClosedCaseFactory(reference="CMS-1", team=other_team)
    rows = [GOOD_ROW, "CMS-2,Transport Team,2026-03-01,,Kim,,,,,,no,,"]
    with pytest.raises(ValidationError) as raised:
        services.cases_import(data=csv_of(*rows), team=team, user=staff)
    assert "recorded by another team" in raised.value.messages[0]
    assert "not one of yours" in raised.value.messages[1]


def test_a_manager_uploads_for_any_team_by_name_or_short_name(make_user, team, other_team):
    manager = make_user(Role.MANAGER)
    rows = [
        "CMS-1,Short Breaks Team,2026-03-01,,Kim,,,,large print,,no,,",
        "CMS-2,transport-team,2026-03-01,,Ash,,,,,,,,",
    ]
    services.cases_import(data=csv_of(*rows), team=None, user=manager)
    assert {case.reference: case.team for case in ClosedCase.objects.all()} == {"CMS-1": team, "CMS-2": other_team}
    assert ClosedCase.objects.get(reference="CMS-1").preferred_format == PreferredFormat.LARGE_PRINT


def test_the_template_uploads_as_it_is(staff, team):
    result = services.cases_import(data=services.cases_template_csv().encode(), team=team, user=staff)
    assert result.created == 2
    assert ClosedCase.objects.get(reference="CMS-100231").preferred_times == "Weekday mornings"


@pytest.mark.parametrize("data", [b"", b"name,role\nx,y\n", HEADER.encode()])
def test_a_file_that_is_not_the_template_is_refused(staff, team, data):
    with pytest.raises(ValidationError) as raised:
        services.cases_import(data=data, team=team, user=staff)
    assert codes(raised.value) == {"bad_file"}


def test_a_large_upload_takes_few_queries(staff, team, django_assert_max_num_queries):
    """Rows are looked up 900 at a time and written in bulk. SQLite takes at most 999 values a query,
    so about 60 rows go in each insert or update there (PostgreSQL takes 1,000 a query)."""
    rows = [f"CMS-{n},,2026-03-01,,Family {n},,,,,,no,," for n in range(3000)]
    with django_assert_max_num_queries(70):
        services.cases_import(data=csv_of(*rows), team=team, user=staff)
    rows = [row.replace("Family", "Household") for row in rows]
    with django_assert_max_num_queries(70):
        result = services.cases_import(data=csv_of(*rows), team=team, user=staff)
    assert result.updated == 3000 and ClosedCase.objects.count() == 3000


def test_viewing_contact_details_is_logged_for_those_who_may(staff, other_staff, team):
    case = ClosedCaseFactory(team=team)
    services.case_details_view(case=case, viewer=staff, moment=MOMENT)
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == staff and entry.object_pk == str(case.pk) and case.email not in entry.object_repr
    with pytest.raises(ValidationError):
        services.case_details_view(case=case, viewer=other_staff, moment=MOMENT)


# --- Codes -----------------------------------------------------------------------------------------


def test_a_case_gets_one_code_and_an_old_enough_child_a_second(team):
    young = ClosedCaseFactory(team=team, child_age_band="under_11")
    older = ClosedCaseFactory(team=team, child_age_band="16_17")
    assert len(services.case_codes_issue(case=young, moment=MOMENT)) == 1
    issued = services.case_codes_issue(case=older, moment=MOMENT)
    assert [code.for_child for code in issued] == [False, True]
    assert services.case_codes_issue(case=older, moment=MOMENT) == issued  # once, however often
    assert issued[0].expires_at == MOMENT + timedelta(days=183)


def test_the_child_code_follows_the_age_band_setting(team, settings):
    settings.FEEDBACK_CHILD_AGE_BANDS = ["16_17"]
    case = ClosedCaseFactory(team=team, child_age_band="11_15")
    assert len(services.case_codes_issue(case=case, moment=MOMENT)) == 1


def test_looking_up_a_code(team):
    code = FeedbackCodeFactory(case__team=team)
    lower = code_display(code.code).lower().replace("-", "")
    assert services.code_lookup(typed=lower, moment=MOMENT).code == code
    typo = code.code[:3] + ("X" if code.code[3] != "X" else "Y") + code.code[4:]
    assert services.code_lookup(typed=typo, moment=MOMENT).problem == "mistyped"
    assert services.code_lookup(typed="K7PM", moment=MOMENT).problem == "mistyped"
    later = code.expires_at + timedelta(seconds=1)
    assert services.code_lookup(typed=code.code, moment=later).problem == "expired"


def test_an_unknown_code_that_passes_its_check_is_unknown_not_mistyped(db):
    from feedback.codes import check_character

    code = "K7PMX9Q" + check_character("K7PMX9Q")
    assert services.code_lookup(typed=code, moment=MOMENT).problem == "unknown"


# --- Feedback ----------------------------------------------------------------------------------------

ANSWERS = {
    "worked_well": "Quick replies",
    "could_be_better": "",
    "missing": "",
    "experience": "good",
    "listened_to": "yes",
    "may_quote": True,
    "contact_wish": ContactWish.NO,
    "contact_detail": "07700 900000",
}


def test_feedback_is_sent_once_with_a_code(team):
    code = FeedbackCodeFactory(case__team=team)
    feedback = services.feedback_submit(
        typed_code=code.code.lower(), answers=ANSWERS, for_child_form=False, moment=MOMENT
    )
    assert feedback.case == code.case and feedback.channel == Channel.ONLINE and feedback.team == team
    assert feedback.contact_detail == ""  # no contact wanted: nothing kept
    code.refresh_from_db()
    assert code.used_at == MOMENT
    with pytest.raises(ValidationError) as raised:
        services.feedback_submit(typed_code=code.code, answers=ANSWERS, for_child_form=False, moment=MOMENT)
    assert raised.value.code == "used"
    assert CaseFeedback.objects.count() == 1


def test_asking_for_contact_needs_a_way_to_contact(team):
    code = FeedbackCodeFactory(case__team=team)
    with pytest.raises(ValidationError) as raised:
        services.feedback_submit(
            typed_code=code.code,
            answers=ANSWERS | {"contact_wish": ContactWish.PHONE, "contact_detail": " "},
            for_child_form=False,
            moment=MOMENT,
        )
    assert "contact_detail_required" in codes(raised.value)
    code.refresh_from_db()
    assert code.used_at is None  # nothing half-saved


def test_words_from_the_safeguarding_list_flag_feedback_at_once(team, settings):
    settings.SAFEGUARDING_OFFICER_EMAIL = "officer@example.gov.uk"
    code = FeedbackCodeFactory(case__team=team)
    feedback = services.feedback_submit(
        typed_code=code.code,
        answers=ANSWERS | {"missing": "Nobody asked why I was SCARED TO GO HOME."},
        for_child_form=True,
        moment=MOMENT,
    )
    assert feedback.flagged_at == MOMENT and feedback.flagged_by is None
    assert "scared to go home" in feedback.flag_reason
    message = Message.objects.get(template="feedback/safeguarding_concern")
    assert message.recipient == "officer@example.gov.uk"


def test_words_inside_other_words_do_not_flag(team):
    code = FeedbackCodeFactory(case__team=team)
    answers = ANSWERS | {"worked_well": "Unsafely-named roads aside, fine"}
    feedback = services.feedback_submit(typed_code=code.code, answers=answers, for_child_form=False, moment=MOMENT)
    assert feedback.flagged_at is None


def test_staff_flag_feedback_once_and_the_officer_is_emailed_once(staff, other_staff, team):
    feedback = CaseFeedbackFactory(case__team=team)
    services.feedback_flag(feedback=feedback, user=other_staff, reason="Mentions bruises", moment=MOMENT)
    services.feedback_flag(feedback=feedback, user=staff, reason="Again", moment=MOMENT + timedelta(hours=1))
    feedback.refresh_from_db()
    assert feedback.flagged_by == other_staff and feedback.flag_reason == "Mentions bruises"
    assert Message.objects.filter(template="feedback/safeguarding_concern").count() == 1


def test_staff_record_feedback_from_other_channels_with_or_without_a_case(staff, team, other_team):
    case = ClosedCaseFactory(team=team)
    by_letter = services.feedback_record(
        user=staff, channel=Channel.LETTER, team=None, case=case, received_at=MOMENT, answers=ANSWERS
    )
    assert by_letter.team == team and by_letter.recorded_by == staff
    questionnaire = services.feedback_record(
        user=staff, channel=Channel.TEAM_QUESTIONNAIRE, team=team, case=None, received_at=MOMENT, answers=ANSWERS,
        questionnaire="Exit interview",
    )  # fmt: skip
    assert questionnaire.case is None and questionnaire.questionnaire == "Exit interview"
    with pytest.raises(ValidationError):
        services.feedback_record(
            user=staff, channel=Channel.LETTER, team=other_team, case=None, received_at=MOMENT, answers=ANSWERS
        )
    with pytest.raises(ValidationError):
        services.feedback_record(
            user=staff, channel=Channel.ONLINE, team=team, case=None, received_at=MOMENT, answers=ANSWERS
        )
    assert FeedbackCode.objects.count() == 0 and code_normalise("") == ""
