"""Logs say who signed in, who failed and who was refused, and never what people wrote or their
contact details: a marker planted in every field of every public form is found in no log record,
with every logger at DEBUG."""

import logging

import pytest
from django.urls import reverse

from accounts.roles import Role
from accounts.sign_in_log import address_fingerprint
from accounts.tests.factories import PASSWORD
from consultations.models import QuestionKind
from consultations.tests.factories import ConsultationFactory, QuestionFactory

pytestmark = pytest.mark.django_db

MARKER = "Qz7plantedmarker"
MARKED_EMAIL = f"{MARKER.lower()}@example.com"


class Collector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def texts(self) -> list[str]:
        formatter = logging.Formatter()
        texts = []
        for record in self.records:
            text = record.getMessage()
            if record.exc_info:
                text += formatter.formatException(record.exc_info)
            texts.append(text)
        return texts


@pytest.fixture
def every_log_record():
    """Every logger at DEBUG, each record caught, including loggers that do not propagate."""
    collector = Collector()
    loggers = [logging.getLogger()] + [
        logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        if logger is logging.getLogger() or not logger.propagate:
            logger.addHandler(collector)
    yield collector
    for logger, level, disabled in saved:
        logger.setLevel(level)
        logger.disabled = disabled
        logger.removeHandler(collector)


@pytest.fixture
def consultation():
    consultation = ConsultationFactory()
    for page, kind in enumerate(
        [QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE],
        start=1,
    ):
        QuestionFactory(consultation=consultation, page=page, kind=kind, required=True)
    QuestionFactory(consultation=consultation, page=5, kind=QuestionKind.AGREEMENT)
    QuestionFactory(consultation=consultation, page=5, kind=QuestionKind.YES_NO)
    return consultation


def respond_with_markers(client, consultation):
    def url(name, **kwargs):
        return reverse(f"consultations:{name}", kwargs={"slug": consultation.slug, **kwargs})

    client.get(url("respond"))
    client.post(url("respond"))
    for question in consultation.questions.all():
        name = f"question_{question.pk}"
        page = url("respond-page", page=question.page)
        client.post(page, {name: MARKER})  # text is kept; a choice that was never offered is refused
        if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            client.post(page, {name: "Weekends"})
    client.post(url("respond-page", page=5), {})
    about_you = url("respond-about-you")
    client.post(about_you, {"respondent_type": MARKER, "consent_to_quote": MARKER, "contact": MARKER, "email": MARKER})
    client.post(about_you, {"respondent_type": "parent_carer", "contact": ["receipt"], "email": MARKED_EMAIL})
    client.post(url("respond-save"), {"email": MARKER})
    client.post(url("respond-save"), {"email": MARKED_EMAIL})
    response = client.post(url("respond-check"))
    assert response.status_code == 302 and "/respond/done/" in response.url, response.content.decode()[:3000]
    client.get(reverse("consultations:hub"), {"q": MARKER})


def account_forms_with_markers(client, user_with_marked_email):
    register = reverse("accounts:register")
    client.post(register, {"full_name": MARKER, "email": MARKER, "password": MARKER, "password_again": MARKER})
    for email in (f"new-{MARKED_EMAIL}", MARKED_EMAIL):  # a new address, then one with an account
        data = {
            "full_name": MARKER,
            "email": email,
            "password": f"plum-tree-lantern-orchard-kite-river-{MARKER}",
            "password_again": f"plum-tree-lantern-orchard-kite-river-{MARKER}",
        }
        assert client.post(register, data).status_code == 302
    for email in (MARKER, f"nobody-{MARKED_EMAIL}", MARKED_EMAIL):
        client.post(reverse("accounts:password-reset"), {"email": email})
    sign_in = reverse("accounts:sign-in")
    client.post(sign_in, {"username": MARKER, "password": MARKER})
    client.post(sign_in, {"username": f"nobody-{MARKED_EMAIL}", "password": MARKER})
    assert client.post(sign_in, {"username": MARKED_EMAIL, "password": PASSWORD}).status_code == 302
    client.post(reverse("accounts:sign-out"))
    for _attempt in range(6):  # past the lock-out, which axes logs
        client.post(sign_in, {"username": MARKED_EMAIL, "password": MARKER})


def test_what_people_write_and_their_addresses_reach_no_log(
    client, consultation, make_user, every_log_record, django_capture_on_commit_callbacks
):
    user = make_user(Role.PARTICIPANT, email=MARKED_EMAIL)
    with django_capture_on_commit_callbacks(execute=True):  # e-mails are rendered and sent too
        respond_with_markers(client, consultation)
        account_forms_with_markers(client, user)
    texts = every_log_record.texts()
    assert len(texts) > 10, "the flows logged nothing: the capture is not working"
    leaks = [text for text in texts if MARKER.lower() in text.lower()]
    assert leaks == []


def test_sign_ins_and_failures_are_logged_by_user_id_and_hashed_address(client, participant, caplog):
    caplog.set_level(logging.INFO)
    sign_in = reverse("accounts:sign-in")
    client.post(sign_in, {"username": participant.email, "password": "wrong"})
    client.post(sign_in, {"username": participant.email, "password": PASSWORD})
    messages = [record.getMessage() for record in caplog.records if record.name == "accounts.sign_in_log"]
    assert messages == [
        f"Sign-in failed: address {address_fingerprint(participant.email)} from 127.0.0.1",
        f"Signed in: user {participant.pk} from 127.0.0.1",
    ]
    assert participant.email not in caplog.text


def test_refused_access_to_the_staff_area_is_logged(client, participant, caplog):
    client.force_login(participant)
    assert client.get(reverse("staff-dashboard")).status_code == 403
    assert f"Refused the staff area to user {participant.pk} (no staff role): /staff/" in caplog.text


def test_a_refusal_by_a_rate_limit_is_logged(client, settings, caplog):
    settings.SIGN_IN_ADDRESS_RATE = "1/h"
    for _attempt in range(2):
        client.post(reverse("accounts:sign-in"), {"username": "x@example.com", "password": "x"})
    assert "Refused by a rate limit: POST /account/sign-in/ from 127.0.0.1" in caplog.text
