"""Staff reading responses: the list, one response in full, the summary, safeguarding concerns and
recording paper, telephone and event responses. Permissions as a matrix; query budgets flat."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from accounts.roles import Role
from accounts.tests.factories import TeamFactory
from consultations import selectors, services
from consultations.models import (
    Channel,
    QuestionKind,
    RespondentType,
    Response,
    SafeguardingFlag,
)
from consultations.tests.factories import (
    AnswerFactory,
    ConsultationFactory,
    QuestionFactory,
    RespondentContactFactory,
    ResponseFactory,
    answer_choices,
    bulk_answers,
    bulk_responses,
    consultation_staff_url,
)
from notifications.models import Message

pytestmark = pytest.mark.django_db


url = consultation_staff_url


@pytest.fixture
def consultation(team):
    return ConsultationFactory(team=team, title="Short breaks review", slug="short-breaks-review")


@pytest.fixture
def questions(consultation):
    return {
        "choice": QuestionFactory(consultation=consultation, kind=QuestionKind.SINGLE_CHOICE, text="When?", position=0),
        "text": QuestionFactory(consultation=consultation, kind=QuestionKind.LONG_TEXT, text="What else?", position=1),
        "multiple": QuestionFactory(
            consultation=consultation, kind=QuestionKind.MULTIPLE_CHOICE, text="Which ones?", position=2
        ),
        "agree": QuestionFactory(consultation=consultation, kind=QuestionKind.AGREEMENT, text="Agree?", position=3),
        "short": QuestionFactory(
            consultation=consultation, kind=QuestionKind.SHORT_TEXT, text="Your area?", position=4
        ),
    }


@pytest.fixture
def response(consultation, questions):
    response = ResponseFactory(
        consultation=consultation, respondent_type=RespondentType.PARENT_CARER, consent_to_quote=True
    )
    answer_choices(response=response, question=questions["choice"], values=["Holidays"])
    AnswerFactory(response=response, question=questions["text"], text="Booking takes too many phone calls.")
    answer_choices(response=response, question=questions["multiple"], values=["Weekends", "After school"])
    RespondentContactFactory(response=response, email="parent@example.com", wants_outcome=True)
    return response


ROLES = ["anonymous", "participant", "own_team", "other_team", "manager", "administrator"]


@pytest.fixture
def person(make_user, team):
    def make(who: str):
        return {
            "anonymous": lambda: None,
            "participant": lambda: make_user(Role.PARTICIPANT),
            "own_team": lambda: make_user(Role.STAFF, teams=[team]),
            "other_team": lambda: make_user(Role.STAFF, teams=[TeamFactory()]),
            "manager": lambda: make_user(Role.MANAGER),
            "administrator": lambda: make_user(Role.ADMINISTRATOR),
        }[who]()

    return make


# --- Permissions --------------------------------------------------------------------------------------

READ = {"anonymous": 302, "participant": 403, "own_team": 200, "other_team": 200, "manager": 200, "administrator": 200}
EDIT = READ | {"other_team": 403}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize(
    ("name", "with_response", "expected"),
    [
        ("staff-responses", False, READ),
        ("staff-summary", False, READ),
        ("staff-export-csv", False, READ),
        ("staff-export-xlsx", False, READ),
        ("staff-response", True, READ),
        # A safeguarding concern is never blocked by team boundaries.
        ("staff-safeguarding", True, READ),
        # Contact details: only those who act on the response, never the whole staff.
        ("staff-response-contact", True, EDIT),
        ("staff-record-response", False, EDIT),
        ("staff-outcomes", False, EDIT),
    ],
)
def test_who_may_open_each_staff_page(
    client, settings, person, consultation, response, who, name, with_response, expected
):
    settings.REQUIRE_STAFF_2FA = False
    user = person(who)
    if user:
        client.force_login(user)
    kwargs = {"response_pk": response.pk} if with_response else {}
    result = client.get(url(name, consultation, **kwargs))
    assert result.status_code == expected[who]
    if who == "anonymous":
        assert result.url.startswith(reverse("accounts:sign-in"))


@pytest.mark.parametrize("who", ROLES)
def test_any_staff_member_may_raise_a_safeguarding_concern(client, settings, person, consultation, response, who):
    settings.REQUIRE_STAFF_2FA = False
    user = person(who)
    if user:
        client.force_login(user)
    result = client.post(url("staff-safeguarding", consultation, response_pk=response.pk), {"reason": "Mentions harm."})
    assert result.status_code == (302 if READ[who] == 200 else READ[who])  # allowed: back to the response
    assert SafeguardingFlag.objects.filter(response=response).exists() == (READ[who] == 200)


@pytest.mark.parametrize("who", ROLES)
def test_only_the_owning_team_and_managers_may_record_a_response(
    client, settings, person, consultation, questions, who
):
    settings.REQUIRE_STAFF_2FA = False
    user = person(who)
    if user:
        client.force_login(user)
    today = timezone.localdate()
    data = {"channel": "paper", "received_on_0": today.day, "received_on_1": today.month, "received_on_2": today.year}
    result = client.post(url("staff-record-response", consultation), data)
    assert result.status_code == (302 if EDIT[who] == 200 else EDIT[who])
    assert Response.objects.filter(channel=Channel.PAPER).exists() == (EDIT[who] == 200)


def test_an_unknown_consultation_is_not_found(staff_client, staff_member):
    client = staff_client(staff_member)
    for name in ("staff-responses", "staff-summary", "staff-export-csv", "staff-record-response", "staff-outcomes"):
        assert client.get(reverse(f"consultations:{name}", kwargs={"pk": 999999})).status_code == 404


def test_a_draft_consultation_has_an_empty_list_of_responses(staff_client, staff_member):
    draft = ConsultationFactory(draft=True)
    page = staff_client(staff_member).get(url("staff-responses", draft))
    assert page.status_code == 200
    assert "No responses have been submitted yet." in page.content.decode()


# --- The list ------------------------------------------------------------------------------------------


def test_the_list_shows_submitted_responses_newest_first_with_their_details(
    staff_client, staff_member, consultation, response
):
    older = ResponseFactory(
        consultation=consultation, channel=Channel.TELEPHONE, submitted_at=timezone.now() - timedelta(days=2)
    )
    ResponseFactory(consultation=consultation, draft=True)  # someone still answering: not listed
    ResponseFactory()  # another consultation's response: not listed
    SafeguardingFlag.objects.create(response=older, raised_by=staff_member, reason="Worrying")

    page = staff_client(staff_member).get(url("staff-responses", consultation))

    assert list(page.context["responses"]) == [response, older]
    html = page.content.decode()
    assert url("staff-response", consultation, response_pk=response.pk) in html
    assert "Parent carer" in html and "Telephone" in html and "Not given" in html
    assert html.count("Concern raised") == 1
    assert "2 responses submitted." in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"channel": "telephone"}, ["phone"]),
        ({"respondent_type": "young_person"}, ["young"]),
        ({"respondent_type": "not_given"}, ["phone", "old"]),
        ({"submitted_from": "DAYS_AGO_3"}, ["phone", "young"]),
        ({"submitted_to": "DAYS_AGO_3"}, ["old"]),
        ({"submitted_from": "DAYS_AGO_3", "submitted_to": "DAYS_AGO_3"}, []),
        ({"submitted_from": "DAYS_AGO_10", "channel": "online"}, ["young", "old"]),
    ],
)
def test_the_list_can_be_filtered(staff_client, staff_member, consultation, query, expected):
    now = timezone.now()
    made = {
        "phone": ResponseFactory(consultation=consultation, channel=Channel.TELEPHONE, submitted_at=now),
        "young": ResponseFactory(
            consultation=consultation, respondent_type=RespondentType.YOUNG_PERSON, submitted_at=now - timedelta(days=1)
        ),
        "old": ResponseFactory(consultation=consultation, submitted_at=now - timedelta(days=5)),
    }
    days = {"DAYS_AGO_3": 3, "DAYS_AGO_10": 10}
    boxes = {}
    for key, value in query.items():
        if value in days:
            day = timezone.localdate() - timedelta(days=days[value])
            boxes |= {f"{key}_0": day.day, f"{key}_1": day.month, f"{key}_2": day.year}
        else:
            boxes[key] = value
    query = boxes
    page = staff_client(staff_member).get(url("staff-responses", consultation), query)
    assert page.status_code == 200
    assert list(page.context["responses"]) == [made[name] for name in expected]
    if not expected:
        assert "No responses match these filters." in page.content.decode()


def test_dates_are_asked_for_in_day_month_and_year_boxes(staff_client, staff_member, consultation):
    ResponseFactory(consultation=consultation)
    today = timezone.localdate()
    page = staff_client(staff_member).get(
        url("staff-responses", consultation),
        {"submitted_from_0": today.day, "submitted_from_1": today.month, "submitted_from_2": today.year},
    )
    assert len(page.context["responses"]) == 1
    html = page.content.decode()
    assert 'name="submitted_from_0"' in html and 'name="submitted_to_2"' in html
    assert 'type="date"' not in html


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            {"submitted_from_0": "31", "submitted_from_1": "2", "submitted_from_2": "2025"},
            "submitted_from",
            "Submitted from must be a real date",
        ),
        (
            {"submitted_to_0": "yesterday", "submitted_to_1": "3", "submitted_to_2": "2025"},
            "submitted_to",
            "Submitted to must be a real date",
        ),
        (
            {
                "submitted_from_0": "10",
                "submitted_from_1": "3",
                "submitted_from_2": "2025",
                "submitted_to_0": "1",
                "submitted_to_1": "3",
                "submitted_to_2": "2025",
            },
            "submitted_to",
            "Submitted to must be the same as or after submitted from",
        ),
        ({"channel": "carrier-pigeon"}, "channel", "Select a channel from the list"),
        ({"respondent_type": "<script>"}, "respondent_type", "Select a respondent type from the list"),
    ],
)
def test_bad_filters_are_explained_beside_the_field_and_the_list_is_unfiltered(
    staff_client, staff_member, consultation, query, field, message
):
    ResponseFactory(consultation=consultation)
    page = staff_client(staff_member).get(url("staff-responses", consultation), query)
    assert page.status_code == 200
    assert page.context["form"].errors[field] == [message]
    html = page.content.decode()
    assert "There is a problem" in html and message in html
    assert html.count("<title>Error: ") == 1
    value = next(iter(query.values()))
    assert f'value="{value}"' in html or field in ("channel", "respondent_type")  # typed text is shown again
    assert len(page.context["responses"]) == 1


def test_the_list_is_paginated_by_50_and_keeps_the_filters(staff_client, staff_member, consultation):
    bulk_responses(consultation, 120, channel=Channel.PAPER)
    client = staff_client(staff_member)
    first = client.get(url("staff-responses", consultation), {"channel": "paper"})
    assert len(first.context["responses"]) == 50
    html = first.content.decode()
    assert "?channel=paper&amp;page=2" in html and "120 responses match the filters." in html
    last = client.get(url("staff-responses", consultation), {"channel": "paper", "page": 3})
    assert len(last.context["responses"]) == 20
    assert client.get(url("staff-responses", consultation), {"page": "nonsense"}).status_code == 200


@pytest.mark.parametrize("count", [10, 1000])
def test_the_list_makes_the_same_queries_for_10_or_1000_responses(
    staff_client, staff_member, consultation, count, django_assert_num_queries
):
    bulk_responses(consultation, count)
    client = staff_client(staff_member)
    # user, user's rights (roles, teams and permissions, in one query), consultation, count of
    # responses, the page of responses; the session is read from the cache
    with django_assert_num_queries(5):
        page = client.get(url("staff-responses", consultation))
    assert len(page.context["responses"]) == min(count, 50)


# --- One response ---------------------------------------------------------------------------------------


def test_a_response_is_shown_in_full_in_question_order(
    staff_client, make_user, team, consultation, questions, response
):
    page = staff_client(make_user(Role.STAFF, teams=[team])).get(
        url("staff-response", consultation, response_pk=response.pk)
    )
    html = page.content.decode()
    order = [html.index(text) for text in ("When?", "What else?", "Which ones?", "Agree?", "Your area?")]
    assert order == sorted(order)
    assert "Holidays" in html and "Booking takes too many phone calls." in html
    assert '<li dir="auto">Weekends</li>' in html and '<li dir="auto">After school</li>' in html
    assert html.count("Not answered") == 2  # the scale and the short text question
    assert "Parent carer" in html
    assert "Yes, to hear what happens next" in html
    # The owning team may look the address up, on a page of its own; no page of answers shows it.
    assert "parent@example.com" not in html
    assert url("staff-response-contact", consultation, response_pk=response.pk) in html


def test_answers_are_shown_in_their_own_direction_without_invisible_reordering(
    staff_client, manager, consultation, questions
):
    response = ResponseFactory(consultation=consultation)
    AnswerFactory(response=response, question=questions["text"], text="\u0645\u0631\u062d\u0628\u0627 pay\u202eyap")
    html = staff_client(manager).get(url("staff-response", consultation, response_pk=response.pk)).content.decode()
    assert 'dir="auto">\u0645\u0631\u062d\u0628\u0627 payyap</p>' in html
    assert "\u202e" not in html
    summary = staff_client(manager).get(url("staff-summary", consultation)).content.decode()
    assert 'dir="auto">\u0645\u0631\u062d\u0628\u0627 payyap</li>' in summary


def test_staff_of_another_team_do_not_see_contact_details(staff_client, staff_member, consultation, response):
    page = staff_client(staff_member).get(url("staff-response", consultation, response_pk=response.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert "parent@example.com" not in html
    assert "Only the consultation's team and managers can see contact details." in html


def test_managers_are_offered_contact_details_but_not_shown_them_with_the_answers(
    staff_client, manager, consultation, response
):
    html = staff_client(manager).get(url("staff-response", consultation, response_pk=response.pk)).content.decode()
    assert "parent@example.com" not in html
    assert url("staff-response-contact", consultation, response_pk=response.pk) in html


def test_a_response_of_another_consultation_or_a_draft_is_not_found(staff_client, manager, consultation, response):
    client = staff_client(manager)
    elsewhere = ResponseFactory()
    draft = ResponseFactory(consultation=consultation, draft=True)
    for name in ("staff-response", "staff-safeguarding"):
        assert client.get(url(name, consultation, response_pk=elsewhere.pk)).status_code == 404
        assert client.get(url(name, consultation, response_pk=draft.pk)).status_code == 404
        assert client.get(url(name, consultation, response_pk=999999)).status_code == 404


def test_a_recorded_response_says_who_typed_it_in(staff_client, manager, consultation):
    recorded = ResponseFactory(consultation=consultation, channel=Channel.EVENT, recorded_by=manager)
    page = staff_client(manager).get(url("staff-response", consultation, response_pk=recorded.pk))
    html = page.content.decode()
    assert "Event" in html and f"Recorded by {escape(manager.full_name)}" in html


def test_the_response_page_has_a_flat_query_budget(
    staff_client, staff_member, consultation, questions, response, django_assert_max_num_queries
):
    client = staff_client(staff_member)
    # session, user, roles, permissions (its own and its roles'), consultation, user's teams, response
    # (with contact and recorded by), answers (with questions), selections, safeguarding flags (with
    # who raised them), questions
    with django_assert_max_num_queries(11):
        client.get(url("staff-response", consultation, response_pk=response.pk))


# --- Safeguarding ---------------------------------------------------------------------------------------


def test_raising_a_concern_logs_it_and_emails_the_designated_officer(
    staff_client, staff_member, consultation, response, settings, django_capture_on_commit_callbacks
):
    settings.SAFEGUARDING_OFFICER_EMAIL = "dso@council.example"
    client = staff_client(staff_member)
    detail = url("staff-response", consultation, response_pk=response.pk)
    assert url("staff-safeguarding", consultation, response_pk=response.pk) in client.get(detail).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        result = client.post(
            url("staff-safeguarding", consultation, response_pk=response.pk),
            {"reason": "  The answer says the child is not safe at home.  "},
        )

    assert result.status_code == 302 and result.url == detail
    flag = SafeguardingFlag.objects.get(response=response)
    assert flag.raised_by == staff_member and flag.reason == "The answer says the child is not safe at home."
    assert Response.objects.with_safeguarding_flag().get(pk=response.pk).safeguarding_flagged
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["dso@council.example"]
    assert response.reference in email.subject
    assert "The answer says the child is not safe at home." in email.body
    assert "https://" in email.body or "http://" in email.body
    assert detail in email.body
    page = client.get(detail).content.decode()
    assert "The concern is logged" in page
    assert "The answer says the child is not safe at home." in page and escape(staff_member.full_name) in page


def test_a_second_concern_is_recorded_against_the_first_and_not_emailed_again(
    staff_client, staff_member, manager, consultation, response, django_capture_on_commit_callbacks
):
    raise_url = url("staff-safeguarding", consultation, response_pk=response.pk)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client(staff_member).post(raise_url, {"reason": "A"})
        manager_client = staff_client(manager)
        assert "it is not emailed again" in manager_client.get(raise_url).content.decode()
        second = manager_client.post(raise_url, {"reason": "B"}, follow=True)
        for _repeat in range(20):
            manager_client.post(raise_url, {"reason": "Again"})
    first = SafeguardingFlag.objects.get(response=response, first__isnull=True)
    assert first.reason == "A"
    assert set(first.later_concerns.values_list("reason", flat=True)) == {"B", "Again"}
    assert first.later_concerns.count() == 21
    assert len(mail.outbox) == 1  # the officer is e-mailed about the first concern only
    page = second.content.decode()
    assert "logged with the earlier one" in page
    assert "Added to the first concern, not emailed again" in page and ">B<" in page


def test_concerns_on_different_responses_each_email_the_officer(
    staff_client, staff_member, consultation, response, django_capture_on_commit_callbacks
):
    other = ResponseFactory(consultation=consultation)
    with django_capture_on_commit_callbacks(execute=True):
        for each in (response, other):
            staff_client(staff_member).post(
                url("staff-safeguarding", consultation, response_pk=each.pk), {"reason": "A"}
            )
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Enter what the safeguarding concern is"),
        ("   ", "Enter what the safeguarding concern is"),
        ("x" * 3001, "The concern must be 3,000 characters or fewer"),
    ],
)
def test_a_concern_needs_a_reason_of_sensible_length(
    staff_client, staff_member, consultation, response, reason, message
):
    page = staff_client(staff_member).post(
        url("staff-safeguarding", consultation, response_pk=response.pk), {"reason": reason}
    )
    assert page.status_code == 200
    assert page.context["form"].errors["reason"] == [message]
    assert not SafeguardingFlag.objects.exists()
    assert not Message.objects.exists()
    if len(reason) > 100:
        assert reason in page.content.decode()  # what was typed is kept


# --- Summary --------------------------------------------------------------------------------------------


def test_the_summary_counts_choices_with_percentages_a_chart_and_a_table(
    staff_client, staff_member, consultation, questions
):
    for values in (["Weekends"], ["Weekends"], ["Holidays"]):
        answer_choices(response=ResponseFactory(consultation=consultation), question=questions["choice"], values=values)
    ResponseFactory(consultation=consultation)  # answered nothing
    draft = ResponseFactory(consultation=consultation, draft=True)
    answer_choices(response=draft, question=questions["choice"], values=["Holidays"])  # not counted
    written = ResponseFactory(consultation=consultation, submitted_at=timezone.now() + timedelta(minutes=1))
    AnswerFactory(response=written, question=questions["text"], text="More weekend places, please.")

    page = staff_client(staff_member).get(url("staff-summary", consultation))

    html = page.content.decode()
    choice = page.context["summaries"][0]
    assert choice.answered == 3
    assert [(c.choice, c.count, c.percentage) for c in choice.choices] == [
        ("Weekends", 2, 67),
        ("Holidays", 1, 33),
        ("After school", 0, 0),
    ]
    assert "3 of 5 answered." in html
    assert 'class="app-bar-chart"' in html
    assert "app-bar-chart__bar--65" in html and "app-bar-chart__bar--35" in html
    assert '67%<span class="govuk-visually-hidden">,</span> (2)' in html  # the figures are text, not only bars
    assert '<th scope="row" class="govuk-table__header">Weekends</th>' in html  # and a real table
    assert "More weekend places, please." in html
    assert "People could choose more than one answer" in html  # the multiple choice question


@pytest.mark.parametrize("count", [10, 1000])
def test_the_summary_makes_the_same_queries_for_10_or_1000_responses(
    staff_client, staff_member, consultation, questions, count, django_assert_num_queries
):
    responses = bulk_responses(consultation, count)
    bulk_answers(
        responses,
        choice_question=questions["choice"],
        text_question=questions["text"],
        multiple_question=questions["multiple"],
    )
    client = staff_client(staff_member)
    # user, user's rights (roles, teams and permissions, in one query), consultation, what was
    # submitted (how many, the newest, the latest change), questions, answers counted per question,
    # selections counted per choice, latest answers of each of the two text questions; the session is
    # read from the cache
    with django_assert_num_queries(9):
        page = client.get(url("staff-summary", consultation))
    summary = page.context["summaries"][0]
    assert summary.answered == count
    assert sum(choice.count for choice in summary.choices) == count
    assert len(page.context["summaries"][1].texts) == min(count, 20)
    # Drawn once for what was submitted: read again, nothing is counted again (user, consultation,
    # what was submitted; the user's rights are kept from the first request).
    with django_assert_num_queries(3):
        again = client.get(url("staff-summary", consultation))
    assert summaries_shown(again) == summaries_shown(page)


def summaries_shown(page) -> str:
    """The summary page's questions and figures, without what differs on every request (nonces, tokens)."""
    return summaries_shown_in(page.content.decode())


def summaries_shown_in(html: str) -> str:
    return html[html.index('<h1 class="govuk-heading-l">') : html.index("Download every response")]


def test_a_response_sent_after_the_summary_was_drawn_shows_at_once(
    staff_client, staff_member, make_user, consultation, questions
):
    sent = ResponseFactory(consultation=consultation)
    answer_choices(response=sent, question=questions["choice"], values=["Weekends"])
    client = staff_client(staff_member)
    first = client.get(url("staff-summary", consultation)).content.decode()
    assert "1 of 1 answered." in first and "100%" in first

    # Recorded from paper by staff, as the service does it (sent with an earlier date).
    services.response_record(
        consultation=consultation,
        channel="paper",
        answers={questions["choice"].pk: "Holidays", questions["text"].pk: "Planted <b>text</b>"},
        respondent_type="",
        consent_to_quote=False,
        received_at=consultation.opens_at + timedelta(hours=1),
        recorded_by=make_user(Role.MANAGER),
        moment=timezone.now(),
    )
    second = client.get(url("staff-summary", consultation)).content.decode()
    assert "2 of 2 answered." in second and "50%" in second
    assert "Planted &lt;b&gt;text&lt;/b&gt;" in second

    # A draft changes nothing the summary counts, so the drawing stays.
    draft = ResponseFactory(consultation=consultation, draft=True)
    answer_choices(response=draft, question=questions["choice"], values=["Weekends"])
    assert summaries_shown(client.get(url("staff-summary", consultation))) == summaries_shown_in(second)


def test_the_summary_drawing_is_per_consultation_and_language(consultation, questions):
    sent = ResponseFactory(consultation=consultation)
    answer_choices(response=sent, question=questions["choice"], values=["Weekends"])
    other = ConsultationFactory()
    ResponseFactory(consultation=other)
    mine, theirs = (selectors.submitted_state(consultation=each) for each in (consultation, other))
    assert mine.count == 1 and theirs.count == 1
    assert mine.drawing_key != theirs.drawing_key
    with translation.override("cy"):
        assert selectors.submitted_state(consultation=consultation).drawing_key != mine.drawing_key
    assert selectors.submitted_state(consultation=ConsultationFactory()).drawing_key == ""


def test_the_summary_counts_every_choice_in_one_grouped_query_with_no_subquery(
    staff_client, staff_member, consultation, questions
):
    client = staff_client(staff_member)
    with CaptureQueriesContext(connection) as queries:
        client.get(url("staff-summary", consultation))
    counting = [query["sql"] for query in queries if 'FROM "consultations_selection"' in query["sql"]]
    assert len(counting) == 1 and "GROUP BY" in counting[0]
    assert counting[0].count("SELECT") == 1  # selections joined once to their answers and responses


# --- Recording paper, telephone and event responses -----------------------------------------------------


def record_data(**overrides):
    today = timezone.localdate()
    data = {
        "channel": "paper",
        "received_on_0": str(today.day),
        "received_on_1": str(today.month),
        "received_on_2": str(today.year),
        "respondent_type": "",
    }
    return data | overrides


def test_the_record_form_has_a_field_for_every_question(staff_client, manager, consultation, questions):
    page = staff_client(manager).get(url("staff-record-response", consultation))
    html = page.content.decode()
    for question in questions.values():
        assert f'name="question_{question.pk}"' in html
    assert html.count('name="question_{}"'.format(questions["multiple"].pk)) == 3  # a checkbox per choice
    assert "Strongly agree" in html
    assert 'value="online"' not in html  # online responses come through the public form


def test_a_paper_response_is_recorded_with_its_answers_and_channel(
    staff_client, manager, consultation, questions, django_capture_on_commit_callbacks
):
    received = timezone.localdate() - timedelta(days=2)
    data = record_data(
        channel="telephone",
        received_on_0=str(received.day),
        received_on_1=str(received.month),
        received_on_2=str(received.year),
        respondent_type="young_person",
        consent_to_quote="on",
        **{
            f"question_{questions['choice'].pk}": "Weekends",
            f"question_{questions['text'].pk}": "  Said on the phone.  ",
            f"question_{questions['multiple'].pk}": ["Holidays", "After school"],
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = staff_client(manager).post(url("staff-record-response", consultation), data)

    recorded = Response.objects.get()
    assert result.status_code == 302 and result.url == url("staff-record-response", consultation)
    assert recorded.channel == Channel.TELEPHONE and recorded.recorded_by == manager
    assert recorded.respondent_type == "young_person" and recorded.consent_to_quote
    assert timezone.localdate(recorded.submitted_at) == received
    assert recorded.reference
    answers = {a.question_id: a for a in recorded.answers.prefetch_related("selections")}
    assert set(answers) == {questions["choice"].pk, questions["text"].pk, questions["multiple"].pk}
    assert answers[questions["text"].pk].text == "Said on the phone."
    assert {s.value for s in answers[questions["multiple"].pk].selections.all()} == {"Holidays", "After school"}
    assert mail.outbox == []  # nobody to send a receipt to


def test_a_partly_filled_paper_form_may_be_recorded(staff_client, manager, consultation, questions):
    questions["choice"].required = True
    questions["choice"].save()
    result = staff_client(manager).post(url("staff-record-response", consultation), record_data(channel="event"))
    assert result.status_code == 302
    assert Response.objects.get().answers.count() == 0


def test_a_response_received_today_keeps_the_time_it_was_typed(staff_client, manager, consultation, questions):
    before = timezone.now()
    staff_client(manager).post(url("staff-record-response", consultation), record_data())
    assert Response.objects.get().submitted_at >= before


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"channel": ""}, "channel", "Select how the response came in"),
        ({"channel": "online"}, "channel", "Select paper, telephone or event"),
        ({"received_on_0": "", "received_on_1": "", "received_on_2": ""}, "received_on", None),
        ({"received_on_0": "31", "received_on_1": "2"}, "received_on", "The date received must be a real date"),
        ({"received_on_0": ""}, "received_on", "The date received must include a day"),
        ({"received_on_2": ""}, "received_on", "The date received must include a year"),
        ({"received_on_0": "x"}, "received_on", "The date received must be a real date"),
        ({"received_on_2": "25"}, "received_on", "Enter the year as 4 numbers"),
        ({"received_on_2": str(timezone.localdate().year + 1)}, "received_on", "today or in the past"),
        ({"received_on_2": "2001"}, "received_on", "when the consultation opened"),
        ({"respondent_type": "alien"}, "respondent_type", "Select who responded, or not known"),
    ],
)
def test_bad_input_about_the_response_is_explained(
    staff_client, manager, consultation, questions, overrides, field, message
):
    page = staff_client(manager).post(url("staff-record-response", consultation), record_data(**overrides))
    assert page.status_code == 200
    errors = " ".join(page.context["form"].errors[field])
    assert message is None or message in errors
    if message is None:
        assert errors == "Enter the date the response was received"
    assert "There is a problem" in page.content.decode()
    assert not Response.objects.exists()


def test_bad_answers_are_explained_and_everything_typed_is_shown_again(staff_client, manager, consultation, questions):
    data = record_data(
        channel="event",
        **{
            f"question_{questions['short'].pk}": "x" * 501,
            f"question_{questions['text'].pk}": "A long note that should come back",
            f"question_{questions['choice'].pk}": "Never",
            f"question_{questions['multiple'].pk}": ["Weekends", "Tampered"],
            "question_999999": "a question of another consultation is ignored",
        },
    )
    page = staff_client(manager).post(url("staff-record-response", consultation), data)
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert errors[f"question_{questions['short'].pk}"] == ["The answer must be 500 characters or fewer"]
    assert errors[f"question_{questions['choice'].pk}"] == ["Select one of the options given"]
    assert errors[f"question_{questions['multiple'].pk}"] == ["Select one of the options given"]
    html = page.content.decode()
    assert "A long note that should come back" in html
    assert re.search(r'value="event"\s*checked="checked"', html)  # the channel chosen stays chosen
    assert "x" * 501 in html
    assert not Response.objects.exists()


def test_a_draft_consultation_cannot_take_recorded_responses(staff_client, manager):
    draft = ConsultationFactory(draft=True, opens_at=timezone.now() - timedelta(days=1))
    QuestionFactory(consultation=draft)
    client = staff_client(manager)
    assert "not published yet" in client.get(url("staff-record-response", draft)).content.decode()
    page = client.post(url("staff-record-response", draft), record_data())
    assert page.status_code == 200
    assert "The consultation is not published." in page.content.decode()
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("filters", "index"),
    [({"channel": "paper"}, "response_channel_idx"), ({"respondent_type": "parent_carer"}, "response_respondent_idx")],
)
def test_the_list_filtered_by_channel_or_respondent_reads_through_an_index(consultation, filters, index):
    bulk_responses(consultation, 50)
    assert index in selectors.responses_filtered(consultation=consultation, **filters).explain()
