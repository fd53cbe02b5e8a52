"""What a participant said at a co-production session is read against the safeguarding words when
staff write it down: words from the list e-mail the designated officer once, logged, and the comment
is filed as concerning child protection, so it is never quoted."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from coproduction import follow_up
from coproduction.models import ParticipantRole
from coproduction.tests.factories import SessionCommentFactory, SessionFactory
from feedback.collation import feedback_collate
from feedback.models import FeedbackItem
from notifications.models import Message
from notifications.services import message_render

CONCERN = "feedback/session_comment_concern"


@pytest.fixture
def held(staff):
    return SessionFactory(group__team=staff.teams.get(), starts_at=timezone.now() - timedelta(days=1))


def comment(held, staff, text):
    return follow_up.comment_add(
        session=held,
        user=staff,
        text=text,
        said_by=ParticipantRole.YOUNG_PERSON,
        consent_to_quote=True,
        moment=timezone.now(),
    )


def test_a_comment_with_words_from_the_list_emails_the_officer_once_and_is_logged(held, staff, settings, caplog):
    settings.SAFEGUARDING_OFFICER_EMAIL = "dso@council.example"
    with caplog.at_level(logging.WARNING, logger="feedback.safeguarding"):
        written = comment(held, staff, "She said her brother HITS ME when mum is out")
    message = Message.objects.get(template=CONCERN)
    assert message.recipient == "dso@council.example"
    assert message.context["words"] == "hits me"
    assert message.context["session_url"].endswith(f"/staff/coproduction/sessions/{held.pk}/#comments")
    assert "HITS ME" not in str(message.context)  # the words of the list, not what was said
    assert f"comment {written.pk}" in caplog.text
    email = message_render(message)
    assert "co-production session" in email.subject and "hits me" in email.body and "HITS ME" not in email.body
    assert message.context["session_url"] in email.alternatives[0][0]
    written.save()
    assert Message.objects.filter(template=CONCERN).count() == 1


def test_a_comment_without_them_emails_nobody(held, staff):
    comment(held, staff, "The bus to the short breaks centre is always late")
    assert not Message.objects.filter(template=CONCERN).exists()


def test_such_a_comment_is_filed_as_concerning_child_protection_and_never_quoted(held, staff):
    comment(held, staff, "He is scared to go home at weekends")
    SessionCommentFactory(session=held, text="One form for everything, please", consent_to_quote=True)
    feedback_collate(moment=timezone.now())
    concern = FeedbackItem.objects.get(text__startswith="He is scared")
    other = FeedbackItem.objects.get(text__startswith="One form")
    assert concern.child_protection is True and other.child_protection is False
    assert list(FeedbackItem.objects.quotable()) == [other]
