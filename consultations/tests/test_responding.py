"""Responding online, through the test client: every page, every kind of question, every bad input."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from common.cache import shared_forget
from consultations import services
from consultations.models import Answer, QuestionKind, RespondentContact, Response, Selection
from consultations.tests.factories import (
    ConsultationFactory,
    QuestionFactory,
    ResponseFactory,
    draft_of,
    page_url,
    start,
    url,
)
from consultations.views.public import REFERENCES_SESSION_KEY, draft_session_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation():
    """Five pages: one question each, except page 3, which asks two."""
    consultation = ConsultationFactory(title="Short breaks booking")
    QuestionFactory(
        consultation=consultation,
        page=1,
        kind=QuestionKind.SHORT_TEXT,
        text="What works well about short breaks now?",
        required=True,
    )
    QuestionFactory(
        consultation=consultation,
        page=2,
        kind=QuestionKind.LONG_TEXT,
        text="Tell us anything else about booking",
        help_text="For example, how long it takes",
    )
    QuestionFactory(
        consultation=consultation,
        page=3,
        kind=QuestionKind.SINGLE_CHOICE,
        text="When do you most need a short break?",
        required=True,
    )
    QuestionFactory(
        consultation=consultation,
        page=3,
        kind=QuestionKind.MULTIPLE_CHOICE,
        text="Which times would also help?",
    )
    QuestionFactory(
        consultation=consultation, page=4, kind=QuestionKind.AGREEMENT, text="Booking should be online", required=True
    )
    QuestionFactory(
        consultation=consultation, page=5, kind=QuestionKind.YES_NO, text="Have you used short breaks?", required=True
    )
    return consultation


def questions(consultation):
    return {question.kind: question for question in consultation.questions.all()}


def field(question) -> str:
    return f"question_{question.pk}"


def answer_everything(client, consultation):
    q = questions(consultation)
    start(client, consultation)
    client.post(page_url(consultation, 1), {field(q["short_text"]): "The staff are kind"})
    client.post(page_url(consultation, 2), {field(q["long_text"]): "Booking takes\nthree phone calls."})
    client.post(
        page_url(consultation, 3), {field(q["single_choice"]): "Weekends", field(q["multiple_choice"]): ["Holidays"]}
    )
    client.post(page_url(consultation, 4), {field(q["agreement"]): "Strongly agree"})
    client.post(page_url(consultation, 5), {field(q["yes_no"]): "Yes"})


def error_summary(page: str) -> list[str]:
    summary = re.search(r'<div class="govuk-error-summary.*?</ul>', page, re.S)
    return re.findall(r"<a href=\"[^\"]*\">(.*?)</a>", summary.group(0)) if summary else []


# --- The whole journey -------------------------------------------------------------------------------------


def test_a_parent_carer_answers_every_kind_of_question_checks_and_sends(
    client, consultation, django_capture_on_commit_callbacks
):
    q = questions(consultation)
    start_page = client.get(url("respond", consultation)).content.decode()
    assert "If you tell us something that makes us worried about a child's safety, we will pass it on" in start_page
    assert "There are 6 questions on 5 pages. It takes about 10 minutes." in start_page
    assert "You do not have to tell us your name." in start_page

    response = start(client, consultation)
    assert response["Location"] == page_url(consultation, 1)

    response = client.post(page_url(consultation, 1), {field(q["short_text"]): "  The staff are kind  "})
    assert response["Location"] == page_url(consultation, 2)
    response = client.post(page_url(consultation, 2), {field(q["long_text"]): "Booking takes\nthree phone calls."})
    assert response["Location"] == page_url(consultation, 3)
    response = client.post(
        page_url(consultation, 3),
        {field(q["single_choice"]): "Weekends", field(q["multiple_choice"]): ["Holidays", "After school"]},
    )
    assert response["Location"] == page_url(consultation, 4)
    response = client.post(page_url(consultation, 4), {field(q["agreement"]): "Strongly agree"})
    assert response["Location"] == page_url(consultation, 5)
    response = client.post(page_url(consultation, 5), {field(q["yes_no"]): "No"})
    assert response["Location"] == url("respond-about-you", consultation)

    response = client.post(
        url("respond-about-you", consultation),
        {
            "respondent_type": "parent_carer",
            "consent_to_quote": "yes",
            "contact": ["receipt", "outcome"],
            "email": "Jo@Example.com",
        },
    )
    assert response["Location"] == url("respond-check", consultation)

    check = client.get(url("respond-check", consultation)).content.decode()
    assert "Check your answers before sending your response" in check
    for text in ("The staff are kind", "Booking takes<br>three phone calls.", "Weekends", "Holidays", "After school"):
        assert text in check
    assert "Strongly agree" in check and "jo@example.com" in check and "Parent carer" in check
    assert check.index(">Holidays</li>") < check.index(">After school</li>")  # in the order offered
    assert error_summary(check) == []

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("respond-check", consultation))
    sent = Response.objects.get(consultation=consultation)
    assert sent.is_submitted and re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", sent.reference)
    assert response["Location"] == url("respond-done", consultation, reference=sent.reference)
    assert sent.respondent_type == "parent_carer" and sent.consent_to_quote
    assert sent.contact.email == "jo@example.com" and sent.contact.wants_outcome
    answers = {answer.question.kind: answer for answer in sent.answers.select_related("question")}
    assert answers["short_text"].text == "The staff are kind"
    assert answers["long_text"].text == "Booking takes\nthree phone calls."
    assert set(Selection.objects.filter(answer=answers["multiple_choice"]).values_list("value", flat=True)) == {
        "Holidays",
        "After school",
    }
    assert answers["agreement"].selections.get().value == "Strongly agree"
    assert answers["yes_no"].selections.get().value == "No"

    done = client.get(response["Location"]).content.decode()
    assert "Response sent" in done and sent.reference in done
    assert "We have sent a receipt to" in done and "jo@example.com" in done
    assert "What happens next" in done

    # The receipt e-mail: reference, the consultation's title and a link to it.
    assert len(mail.outbox) == 1
    receipt = mail.outbox[0]
    assert receipt.to == ["jo@example.com"]
    assert sent.reference in receipt.subject and "Short breaks booking" in receipt.subject
    assert sent.reference in receipt.body and consultation.get_absolute_url() in receipt.body
    assert sent.reference in receipt.alternatives[0][0]


def test_a_single_question_page_uses_the_question_as_its_heading(client, consultation):
    start(client, consultation)
    page = client.get(page_url(consultation, 4)).content.decode()
    assert page.count("<h1") == 1
    assert re.search(r'<h1 class="govuk-fieldset__heading">\s*Booking should be online\s*</h1>', page)
    assert "<title>Booking should be online – Short breaks booking" in page
    short = client.get(page_url(consultation, 1)).content.decode()
    assert re.search(
        r'<h1 class="govuk-label-wrapper">\s*<label for="id_question_\d+" class="govuk-label govuk-label--l">', short
    )


def test_a_page_of_several_questions_gives_its_position_and_asks_with_legends(client, consultation):
    start(client, consultation)
    page = client.get(page_url(consultation, 3)).content.decode()
    assert page.count("<h1") == 1
    assert "Questions: page 3 of 5</h1>" in page
    assert "When do you most need a short break?" in page
    assert "Which times would also help? (optional)" in page
    assert page.count('<legend class="govuk-fieldset__legend govuk-fieldset__legend--m">') == 2
    assert 'type="checkbox"' in page and 'type="radio"' in page


def test_a_long_answer_shows_its_character_limit_and_hint(client, consultation):
    start(client, consultation)
    page = client.get(page_url(consultation, 2)).content.decode()
    assert "Tell us anything else about booking (optional)" in page
    assert "For example, how long it takes" in page
    assert 'data-maxlength="10000"' in page and "You can enter up to 10000 characters" in page
    assert "<textarea" in page and " maxlength=" not in page  # the browser must not cut text off silently


def test_saved_answers_are_shown_again_on_returning_to_a_page(client, consultation):
    q = questions(consultation)
    answer_everything(client, consultation)
    assert 'value="The staff are kind"' in client.get(page_url(consultation, 1)).content.decode()
    assert "Booking takes\nthree phone calls.</textarea>" in client.get(page_url(consultation, 2)).content.decode()
    page3 = client.get(page_url(consultation, 3)).content.decode()
    assert re.search(rf'name="{field(q["single_choice"])}"\s+id="[^"]+" value="Weekends"\s+checked', page3)
    assert re.search(rf'name="{field(q["multiple_choice"])}"\s+id="[^"]+" value="Holidays"\s+checked', page3)
    assert not re.search(rf'name="{field(q["multiple_choice"])}"\s+id="[^"]+" value="Weekends"\s+checked', page3)
    assert re.search(r'value="Strongly agree"\s+checked', client.get(page_url(consultation, 4)).content.decode())


def test_the_back_link_goes_to_the_previous_page(client, consultation):
    start(client, consultation)
    assert (
        f'href="{url("respond", consultation)}" class="govuk-back-link"'
        in client.get(page_url(consultation, 1)).content.decode()
    )
    assert (
        f'href="{page_url(consultation, 2)}" class="govuk-back-link"'
        in client.get(page_url(consultation, 3)).content.decode()
    )


def test_change_links_return_to_check_your_answers_after_saving(client, consultation):
    q = questions(consultation)
    answer_everything(client, consultation)
    check = client.get(url("respond-check", consultation)).content.decode()
    change = page_url(consultation, 4) + "?change=1"
    assert (
        f'<a class="govuk-link" href="{change}">Change<span class="govuk-visually-hidden"> your answer to: '
        "Booking should be online</span></a>" in check
    )
    assert page_url(consultation, 3) + f"?change=1#id_{field(q['multiple_choice'])}" in check

    page = client.get(change).content.decode()
    assert f'href="{url("respond-check", consultation)}" class="govuk-back-link"' in page
    assert "Save and go back to check your answers" in page
    response = client.post(change, {field(q["agreement"]): "Disagree"})
    assert response["Location"] == url("respond-check", consultation)
    assert "Disagree" in client.get(url("respond-check", consultation)).content.decode()


def test_check_your_answers_lists_missing_required_answers_as_errors(client, consultation):
    q = questions(consultation)
    start(client, consultation)
    client.post(page_url(consultation, 1), {field(q["short_text"]): "Kind staff"})

    page = client.get(url("respond-check", consultation)).content.decode()

    assert "<title>Error: Check your answers" in page
    assert error_summary(page) == [
        "Answer ‘When do you most need a short break?’",
        "Answer ‘Booking should be online’",
        "Answer ‘Have you used short breaks?’",
    ]
    assert f'<a href="{page_url(consultation, 4)}?change=1">' in page
    response = client.post(url("respond-check", consultation))
    assert response.status_code == 200 and "Answer ‘Booking should be online’" in response.content.decode()
    assert not Response.objects.submitted().exists()


# --- Validation: a clear message, what was typed shown again, never a 500 ------------------------------


def test_a_required_text_answer_left_empty(client, consultation):
    start(client, consultation)
    response = client.post(page_url(consultation, 1), {field(questions(consultation)["short_text"]): "   "})
    page = response.content.decode()
    assert response.status_code == 200
    assert error_summary(page) == ["Enter your answer"]
    assert "<title>Error: What works well about short breaks now?" in page
    assert "govuk-form-group--error" in page


def test_a_short_answer_over_500_characters_is_refused_naming_its_question(client, consultation):
    start(client, consultation)
    typed = "a" * 501
    response = client.post(page_url(consultation, 1), {field(questions(consultation)["short_text"]): typed})
    page = response.content.decode()
    assert error_summary(page) == [
        "Your answer to ‘What works well about short breaks now?’ must be 500 characters or fewer"
    ]
    assert f'value="{typed}"' in page
    assert not Answer.objects.exists()


def test_a_long_answer_over_10000_characters(client, consultation):
    start(client, consultation)
    typed = "b" * 10001
    response = client.post(page_url(consultation, 2), {field(questions(consultation)["long_text"]): typed})
    page = response.content.decode()
    assert error_summary(page) == [
        "Your answer to ‘Tell us anything else about booking’ must be 10,000 characters or fewer"
    ]
    assert f">\n{typed}</textarea>" in page


def test_a_nul_character_gets_a_plain_message_and_is_not_echoed_back(client, consultation):
    start(client, consultation)
    response = client.post(page_url(consultation, 1), {field(questions(consultation)["short_text"]): "Kind\x00 staff"})
    page = response.content.decode()
    assert error_summary(page) == ["We removed a character that cannot be saved. Check your answer and send it again."]
    assert "\x00" not in page and "Null characters" not in page
    assert 'value="Kind staff"' in page
    assert not Answer.objects.exists()


def test_check_your_answers_shows_each_answer_in_its_own_direction(client, consultation):
    answer_everything(client, consultation)
    client.post(
        page_url(consultation, 1), {field(questions(consultation)["short_text"]): "\u0645\u0631\u062d\u0628\u0627"}
    )
    page = client.get(url("respond-check", consultation)).content.decode()
    assert 'dir="auto">\u0645\u0631\u062d\u0628\u0627</p>' in page


def test_the_email_address_is_revealed_under_the_contact_choices_not_marked_optional(client, consultation):
    answer_everything(client, consultation)
    page = client.get(url("respond-about-you", consultation)).content.decode()
    reveal = re.search(
        r'<div class="govuk-checkboxes__conditional[^"]*" id="contact-email">.*?</div> </div>', page, re.S
    )
    assert reveal and 'id="id_email"' in reveal.group(0)
    assert "govuk-checkboxes__conditional--hidden" in reveal.group(0)  # until a choice is ticked
    assert "Email address (optional)" not in page
    assert "aria-controls" not in page  # set by the script, so nothing points at a reveal without it


def test_where_an_address_is_required_it_is_asked_for_plainly_without_a_reveal(client):
    consultation = ConsultationFactory(anonymous_allowed=False)
    start(client, consultation)
    page = client.get(url("respond-about-you", consultation)).content.decode()
    assert 'id="id_email"' in page and "contact-email" not in page


def test_check_your_answers_has_a_back_link_to_about_you(client, consultation):
    answer_everything(client, consultation)
    page = client.get(url("respond-check", consultation)).content.decode()
    assert f'<a href="{url("respond-about-you", consultation)}" class="govuk-back-link">Back</a>' in page


@pytest.mark.parametrize(("choice", "shown"), [(None, "Not given"), ("no", "No"), ("yes", "Yes")])
def test_check_your_answers_says_not_given_for_quoting_left_unanswered(client, consultation, choice, shown):
    answer_everything(client, consultation)
    client.post(url("respond-about-you", consultation), {"consent_to_quote": choice} if choice else {})
    page = client.get(url("respond-check", consultation)).content.decode()
    row = re.search(r"We can quote you, without your name</dt>\s*<dd[^>]*>(.*?)</dd>", page, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", row).strip() == shown
    assert draft_of(client, consultation).consent_to_quote == {"yes": True, "no": False}.get(choice)


def test_choices_left_empty_on_a_page_of_several_questions_name_the_question(client, consultation):
    start(client, consultation)
    response = client.post(page_url(consultation, 3), {})
    page = response.content.decode()
    assert error_summary(page) == ["Select an answer for ‘When do you most need a short break?’"]
    # The summary's link lands on the first radio, which carries the field's own id.
    q = questions(consultation)
    assert f'<a href="#id_{field(q["single_choice"])}">' in page
    assert f'id="id_{field(q["single_choice"])}" value="Weekends"' in page


def test_scale_and_yes_no_left_empty(client, consultation):
    start(client, consultation)
    assert error_summary(client.post(page_url(consultation, 4), {}).content.decode()) == ["Select how much you agree"]
    assert error_summary(client.post(page_url(consultation, 5), {}).content.decode()) == ["Select yes or no"]


def test_a_choice_that_was_not_offered_is_refused(client, consultation):
    q = questions(consultation)
    start(client, consultation)
    response = client.post(
        page_url(consultation, 3),
        {field(q["single_choice"]): "Midnight", field(q["multiple_choice"]): ["Holidays", "Never"]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert error_summary(page) == ["Select one of the options given", "Select one of the options given"]
    assert not Answer.objects.exists()
    response = client.post(page_url(consultation, 4), {field(q["agreement"]): "Totally"})
    assert error_summary(response.content.decode()) == ["Select one of the options given"]
    response = client.post(page_url(consultation, 5), {field(q["yes_no"]): "Maybe"})
    assert error_summary(response.content.decode()) == ["Select one of the options given"]


def test_typed_answers_are_shown_again_beside_an_error_elsewhere_on_the_page(client, consultation):
    q = questions(consultation)
    start(client, consultation)
    page = client.post(page_url(consultation, 3), {field(q["multiple_choice"]): ["Holidays"]}).content.decode()
    assert re.search(r'value="Holidays"\s+checked', page)


def test_a_question_id_that_is_not_on_the_page_is_ignored(client, consultation):
    q = questions(consultation)
    other = QuestionFactory(kind=QuestionKind.SHORT_TEXT)  # another consultation's question
    start(client, consultation)
    response = client.post(
        page_url(consultation, 1),
        {
            field(q["short_text"]): "Kind staff",
            field(q["agreement"]): "Agree",  # this consultation, another page
            field(other): "Sneaky",
            "question_abc": "x",
            "question_99999999": "x",
        },
    )
    assert response.status_code == 302
    draft = draft_of(client, consultation)
    assert list(draft.answers.values_list("question_id", flat=True)) == [q["short_text"].pk]
    assert not Answer.objects.filter(question=other).exists()


def test_a_page_that_does_not_exist_is_not_found(client, consultation):
    start(client, consultation)
    assert client.get(page_url(consultation, 9)).status_code == 404
    assert client.post(page_url(consultation, 9), {}).status_code == 404


def test_about_you_needs_an_email_address_to_contact_you(client, consultation):
    answer_everything(client, consultation)
    response = client.post(url("respond-about-you", consultation), {"contact": ["receipt"], "email": ""})
    page = response.content.decode()
    assert error_summary(page) == ["Enter your email address so we can contact you"]
    assert re.search(r'value="receipt"\s+checked', page)
    assert re.search(
        r'class="govuk-input [^"]*govuk-input--error"[^>]*name="email"|name="email"[^>]*govuk-input--error', page
    )

    response = client.post(url("respond-about-you", consultation), {"contact": ["outcome"], "email": "not an email"})
    assert error_summary(response.content.decode()) == [
        "Enter an email address in the correct format, like name@example.com"
    ]
    assert 'value="not an email"' in response.content.decode()

    response = client.post(
        url("respond-about-you", consultation), {"respondent_type": "alien", "consent_to_quote": "x"}
    )
    assert error_summary(response.content.decode()) == ["Select one of the options given"] * 2


def test_about_you_is_optional_and_prefer_not_to_say_stores_nothing(client, consultation):
    answer_everything(client, consultation)
    response = client.post(url("respond-about-you", consultation), {"respondent_type": "prefer_not_to_say"})
    assert response["Location"] == url("respond-check", consultation)
    draft = draft_of(client, consultation)
    assert draft.respondent_type == "" and not draft.consent_to_quote
    assert not RespondentContact.objects.filter(response=draft).exists()
    assert "Do not contact me" in client.get(url("respond-check", consultation)).content.decode()


def test_an_email_address_is_required_when_anonymous_responses_are_not_allowed(client, consultation):
    consultation.anonymous_allowed = False
    consultation.save()
    assert "You need to give an email address" in client.get(url("respond", consultation)).content.decode()
    answer_everything(client, consultation)
    response = client.post(url("respond-about-you", consultation), {})
    assert error_summary(response.content.decode()) == ["Enter your email address"]

    # Skipping "about you" altogether is caught at the end, too.
    response = client.post(url("respond-check", consultation))
    assert "Give an email address" in response.content.decode()
    assert not Response.objects.submitted().exists()

    client.post(url("respond-about-you", consultation), {"email": "jo@example.com"})
    response = client.post(url("respond-check", consultation))
    assert response.status_code == 302
    sent = Response.objects.submitted().get()
    assert sent.contact.email == "jo@example.com" and not sent.contact.wants_receipt


# --- Drafts: whose they are, and sending once -------------------------------------------------------------


def test_sending_twice_or_from_a_second_tab_makes_one_response(client, consultation):
    answer_everything(client, consultation)
    first = client.post(url("respond-check", consultation))
    second = client.post(url("respond-check", consultation))  # double click, or the back button
    assert Response.objects.count() == 1
    assert first["Location"] == second["Location"]
    # An old question page re-posted after sending goes to the confirmation, and changes nothing.
    q = questions(consultation)
    again = client.post(page_url(consultation, 1), {field(q["short_text"]): "Changed after sending"})
    assert again["Location"] == first["Location"]
    assert Answer.objects.get(question=q["short_text"]).text == "The staff are kind"
    assert client.post(url("respond-about-you", consultation), {})["Location"] == first["Location"]


def test_starting_twice_keeps_one_draft(client, consultation):
    start(client, consultation)
    start(client, consultation)
    assert Response.objects.count() == 1


def test_the_confirmation_is_shown_only_to_the_browser_that_sent_it(client, consultation, django_user_model):
    answer_everything(client, consultation)
    done = client.post(url("respond-check", consultation))["Location"]
    assert client.get(done).status_code == 200

    from django.test import Client

    stranger = Client()
    assert stranger.get(done).status_code == 404
    assert client.get(url("respond-done", consultation, reference="ZZZZ-ZZZZ")).status_code == 404


def test_someone_elses_draft_in_the_session_is_not_found(client, consultation, participant, make_user):
    theirs = ResponseFactory(draft=True, consultation=consultation, user=make_user())
    other_consultation = ResponseFactory(draft=True, consultation=ConsultationFactory())
    client.force_login(participant)
    for pk in (theirs.pk, other_consultation.pk, "not-a-number"):
        session = client.session
        session[draft_session_key(consultation)] = pk
        session.save()
        assert client.get(page_url(consultation, 1)).status_code == 404
        assert client.post(url("respond-check", consultation)).status_code == 404
    assert not Response.objects.submitted().exists()


def test_a_signed_in_participant_gets_their_own_draft_back_on_another_device(consultation, participant):
    from django.test import Client

    laptop, phone = Client(), Client()
    laptop.force_login(participant)
    phone.force_login(participant)
    start(laptop, consultation)
    laptop.post(page_url(consultation, 1), {field(questions(consultation)["short_text"]): "Kind staff"})

    start_page = phone.get(url("respond", consultation)).content.decode()
    assert "Continue your response" in start_page and f'href="{page_url(consultation, 2)}"' in start_page
    assert 'value="Kind staff"' in phone.get(page_url(consultation, 1)).content.decode()
    assert Response.objects.get().user == participant


def test_without_a_draft_a_question_page_goes_to_the_start_which_says_why(client, consultation):
    response = client.get(page_url(consultation, 1))
    assert response.status_code == 302 and response["Location"] == url("respond", consultation) + "?lost=1"
    assert "We could not find your response on this device" in client.get(response["Location"]).content.decode()


# --- A consultation that is not open ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trait", "message"),
    [
        ("upcoming", "This consultation has not opened yet"),
        ("closed", "This consultation has closed"),
        ("withdrawn", "This consultation has been withdrawn"),
    ],
)
def test_every_respond_url_of_a_consultation_not_open_says_so_and_takes_nothing(client, trait, message):
    consultation = ConsultationFactory(**{trait: True})
    question = QuestionFactory(consultation=consultation, kind=QuestionKind.SHORT_TEXT)
    urls = [
        url("respond", consultation),
        page_url(consultation, 1),
        url("respond-about-you", consultation),
        url("respond-check", consultation),
        url("respond-save", consultation),
    ]
    for address in urls:
        for method in (client.get, client.post):
            response = method(address, {field(question): "Hello", "email": "jo@example.com"})
            assert response.status_code == 200, address
            assert message in response.content.decode(), address
    assert not Response.objects.exists()
    assert mail.outbox == []


def test_a_draft_consultation_has_no_respond_pages(client):
    consultation = ConsultationFactory(draft=True)
    QuestionFactory(consultation=consultation)
    assert client.get(url("respond", consultation)).status_code == 404
    assert client.post(url("respond", consultation)).status_code == 404


def test_a_draft_started_before_closing_can_be_sent_for_15_minutes_after(client, consultation):
    closes = consultation.closes_at
    with time_machine.travel(closes - timedelta(minutes=5), tick=False):
        answer_everything(client, consultation)
    with time_machine.travel(closes + timedelta(minutes=10), tick=False):
        assert "Check your answers" in client.get(url("respond-check", consultation)).content.decode()
        response = client.post(url("respond-check", consultation))
    assert response.status_code == 302 and Response.objects.submitted().count() == 1


def test_a_draft_is_refused_once_the_grace_period_is_over(client, consultation):
    closes = consultation.closes_at
    with time_machine.travel(closes - timedelta(minutes=5), tick=False):
        answer_everything(client, consultation)
    with time_machine.travel(closes + timedelta(minutes=16), tick=False):
        response = client.post(url("respond-check", consultation))
        page = response.content.decode()
        assert "This consultation has closed" in page and "Your unfinished response was not sent." in page
        # Nobody can start afresh in the grace period either.
        fresh = type(client)()
        assert "This consultation has closed" in fresh.post(url("respond", consultation)).content.decode()
    assert not Response.objects.submitted().exists()


def test_no_new_draft_is_started_after_closing_even_within_15_minutes(consultation):
    from django.test import Client

    with time_machine.travel(consultation.closes_at + timedelta(minutes=5), tick=False):
        response = Client().post(url("respond", consultation))
    assert "This consultation has closed" in response.content.decode()
    assert not Response.objects.exists()


# --- Save and come back later -----------------------------------------------------------------------------


def resume_link_from_outbox() -> str:
    return re.search(r"https?://\S+/resume/\S+/", mail.outbox[-1].body).group(0)


def test_save_and_come_back_later_keeps_half_a_page_and_emails_a_link(
    client, consultation, django_capture_on_commit_callbacks
):
    from django.test import Client

    q = questions(consultation)
    start(client, consultation)
    client.post(page_url(consultation, 1), {field(q["short_text"]): "Kind staff"})
    # Required questions may be left for later; what was chosen is kept.
    response = client.post(
        page_url(consultation, 3), {field(q["multiple_choice"]): ["Holidays"], "action": "save-later"}
    )
    assert response["Location"] == url("respond-save", consultation)
    assert Answer.objects.filter(question=q["multiple_choice"]).exists()

    page = client.get(url("respond-save", consultation)).content.decode()
    assert "Save your answers and come back later" in page and "7 days" in page

    bad = client.post(url("respond-save", consultation), {"email": "nope"})
    assert error_summary(bad.content.decode()) == [
        "Enter an email address in the correct format, like name@example.com"
    ]
    assert error_summary(client.post(url("respond-save", consultation), {"email": ""}).content.decode()) == [
        "Enter your email address"
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("respond-save", consultation), {"email": "jo@example.com"})
    assert response["Location"] == url("respond-save", consultation) + "?sent=1"
    sent_page = client.get(response["Location"]).content.decode()
    assert "We have sent you a link" in sent_page and "jo@example.com" in sent_page

    email = mail.outbox[-1]
    assert email.to == ["jo@example.com"] and "Short breaks booking" in email.subject
    assert "7 days" in email.body and "closes" in email.body

    # On another device the link puts the draft back and goes to the first required question unanswered.
    other = Client()
    link = resume_link_from_outbox()
    response = other.get(link[link.index("/consultations/") :])
    assert response["Location"] == page_url(consultation, 3)
    assert re.search(r'value="Holidays"\s+checked', other.get(page_url(consultation, 3)).content.decode())


def test_return_links_are_rate_limited_because_they_email_any_address(client, consultation, settings):
    settings.ANONYMOUS_FORM_RATE = "2/h"
    start(client, consultation)
    for _attempt in range(2):
        assert client.post(url("respond-save", consultation), {"email": "jo@example.com"}).status_code == 302
    assert client.post(url("respond-save", consultation), {"email": "jo@example.com"}).status_code == 429


def test_a_save_for_later_link_is_offered_on_every_question_page(client, consultation):
    start(client, consultation)
    for page in range(1, 6):
        assert 'name="action" value="save-later"' in client.get(page_url(consultation, page)).content.decode()


def test_a_resume_link_that_expired_or_is_invalid_gives_a_plain_page(client, consultation):
    draft = services.response_start(consultation=consultation, user=None, moment=timezone.now())
    token = services.resume_token_for(draft)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.get(url("resume", consultation, token=token))
    assert response.status_code == 400 and "This link has expired" in response.content.decode()

    response = client.get(url("resume", consultation, token="not-a-real-token"))
    assert response.status_code == 400 and "This link does not work" in response.content.decode()

    other = ConsultationFactory()
    response = client.get(url("resume", other, token=token))
    assert response.status_code == 400


def test_a_resume_link_for_a_sent_response_says_it_was_sent(client, consultation):
    answer_everything(client, consultation)
    draft = draft_of(client, consultation)
    token = services.resume_token_for(draft)
    client.post(url("respond-check", consultation))
    response = type(client)().get(url("resume", consultation, token=token))
    assert response.status_code == 400 and "You have already sent this response" in response.content.decode()


def test_a_resume_link_to_an_account_draft_asks_for_signing_in(client, consultation, participant):
    draft = services.response_start(consultation=consultation, user=participant, moment=timezone.now())
    link = url("resume", consultation, token=services.resume_token_for(draft))
    response = client.get(link)
    assert response.status_code == 302 and reverse("accounts:sign-in") in response["Location"]
    client.force_login(participant)
    assert client.get(link)["Location"] == page_url(consultation, 1)


def test_a_resume_link_after_closing_says_the_consultation_has_closed(client, consultation):
    consultation.closes_at = timezone.now() + timedelta(days=1)
    consultation.save()
    draft = services.response_start(consultation=consultation, user=None, moment=timezone.now())
    token = services.resume_token_for(draft)
    with time_machine.travel(consultation.closes_at + timedelta(hours=1)):
        response = client.get(url("resume", consultation, token=token))
    assert response.status_code == 200 and "This consultation has closed" in response.content.decode()


# --- The child-friendly version --------------------------------------------------------------------------


def test_the_child_friendly_version_shows_pictures_beside_scale_and_yes_no_choices(client):
    consultation = ConsultationFactory(for_children=True)
    QuestionFactory(consultation=consultation, page=1, kind=QuestionKind.AGREEMENT, text="School is fun")
    QuestionFactory(consultation=consultation, page=2, kind=QuestionKind.YES_NO, text="Do you like clubs?")
    start(client, consultation)

    scale = client.get(page_url(consultation, 1)).content.decode()
    assert 'class="app-child-friendly"' in scale
    assert 'src="/static/images/symbols/strongly-agree.svg" alt=""' in scale
    assert 'src="/static/images/symbols/strongly-disagree.svg" alt=""' in scale
    yes_no = client.get(page_url(consultation, 2)).content.decode()
    assert 'src="/static/images/symbols/yes.svg" alt=""' in yes_no and "/no.svg" in yes_no

    plain = ConsultationFactory()
    QuestionFactory(consultation=plain, kind=QuestionKind.AGREEMENT)
    start(client, plain)
    assert "symbols/" not in client.get(page_url(plain, 1)).content.decode()


def test_the_references_a_browser_sent_are_kept_in_its_session(client, consultation):
    answer_everything(client, consultation)
    client.post(url("respond-check", consultation))
    assert client.session[REFERENCES_SESSION_KEY] == [Response.objects.get().reference]


@pytest.mark.django_db
def test_a_long_text_question_without_a_hint_shows_its_character_count(client):
    """crispy-forms-gds fails on a counted textarea with no hint unless the widget is prepared."""
    consultation = ConsultationFactory()
    QuestionFactory(consultation=consultation, kind=QuestionKind.LONG_TEXT, help_text="", text="Tell us more")
    client.post(reverse("consultations:respond", args=[consultation.slug]))
    page = client.get(reverse("consultations:respond-page", args=[consultation.slug, 1]))
    assert page.status_code == 200
    assert "govuk-character-count" in page.content.decode()


def test_an_empty_question_page_is_drawn_once_yet_shows_a_changed_question_and_each_persons_answers(
    client, consultation
):
    from django.test import Client

    q = questions(consultation)
    start(client, consultation)
    first_visit = client.get(page_url(consultation, 1)).content.decode()
    assert "What works well about short breaks now?" in first_visit

    # Another person's empty page comes from the same drawing; a change to the question is a new drawing.
    # (Changed here directly: the service refuses once anyone has started, and forgets the shared reading.)
    q["short_text"].text = "What works well about booking now?"
    q["short_text"].save()
    shared_forget(services.respond_reading_key_for(consultation.slug))
    other = Client()
    start(other, consultation)
    page = other.get(page_url(consultation, 1)).content.decode()
    assert "What works well about booking now?" in page and "short breaks now?" not in page

    # Answers a person saved are drawn for them alone.
    client.post(page_url(consultation, 1), {field(q["short_text"]): "The staff are kind"})
    assert 'value="The staff are kind"' in client.get(page_url(consultation, 1)).content.decode()
    assert "The staff are kind" not in other.get(page_url(consultation, 1)).content.decode()
