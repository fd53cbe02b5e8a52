"""Participants' comments at a session: recorded by the session's team (or a manager) once it has
started, with the role of who said it and never a name; shown as text; listed for the feedback app's
collation by key and by when they were recorded."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coproduction import follow_up
from coproduction.models import SESSION_COMMENT_KEY, ParticipantRole, SessionComment

from .conftest import codes
from .factories import MinutesFactory, SessionCommentFactory, SessionFactory

pytestmark = pytest.mark.django_db
MARKUP = '<script>alert("x")</script>'


def add(session, user, **changes):
    fields = {"text": "The form is too long.", "said_by": ParticipantRole.YOUNG_PERSON, "consent_to_quote": True}
    return follow_up.comment_add(session=session, user=user, moment=timezone.now(), **(fields | changes))


def test_the_sessions_team_records_a_comment_with_a_role_and_consent(held, staff):
    comment = add(held, staff, text="  The form is too long.  ")
    assert (comment.text, comment.said_by, comment.consent_to_quote, comment.recorded_by) == (
        "The form is too long.",
        ParticipantRole.YOUNG_PERSON,
        True,
        staff,
    )


def test_comments_may_follow_approved_minutes(held, staff):
    MinutesFactory(session=held, approved_at=timezone.now())
    assert add(held, staff).pk


@pytest.mark.parametrize(
    ("changes", "code"),
    [({"text": "  "}, "required"), ({"said_by": "neighbour"}, "invalid")],
)
def test_a_comment_needs_words_and_a_known_role(held, staff, changes, code):
    with pytest.raises(ValidationError) as refused:
        add(held, staff, **changes)
    assert code in codes(refused.value)


def test_another_team_a_cancelled_session_and_one_not_started_are_refused(group, held, other_staff, staff):
    with pytest.raises(ValidationError) as refused:
        add(held, other_staff)
    assert "not_permitted" in codes(refused.value)
    with pytest.raises(ValidationError) as refused:
        add(SessionFactory(group=group, starts_at=timezone.now() + timedelta(days=3)), staff)
    assert "not_started" in codes(refused.value)
    cancelled = SessionFactory(group=group, starts_at=timezone.now() - timedelta(days=3))
    cancelled.cancelled_at, cancelled.cancel_reason = timezone.now(), "Snow"
    cancelled.save()
    with pytest.raises(ValidationError) as refused:
        add(cancelled, staff)
    assert "cancelled" in codes(refused.value)
    assert not SessionComment.objects.exists()


def test_comments_are_listed_by_key_and_by_when_recorded(held):
    early = SessionCommentFactory(session=held, recorded_at=timezone.now() - timedelta(days=2))
    late = SessionCommentFactory(session=held, recorded_at=timezone.now())
    keyed = dict(SessionComment.objects.with_feedback_key().values_list("pk", "feedback_key"))
    assert keyed == {early.pk: f"{SESSION_COMMENT_KEY}{early.pk}", late.pk: f"{SESSION_COMMENT_KEY}{late.pk}"}
    since = timezone.now() - timedelta(days=1)
    assert list(SessionComment.objects.recorded_since(since)) == [late]


def test_staff_record_a_comment_on_the_session_page_as_text(staff_client, staff, held):
    client = staff_client(staff)
    page = client.get(reverse("coproduction:session", args=[held.pk])).content.decode()
    assert reverse("coproduction:comment-add", args=[held.pk]) in page
    url = reverse("coproduction:comment-add", args=[held.pk])
    kept = client.post(url, {"text": f"Keep me {MARKUP}"}).content.decode()
    assert "Select who said it" in kept and "Keep me &lt;script&gt;" in kept and MARKUP not in kept
    done = client.post(url, {"text": f"Too long {MARKUP}", "said_by": "parent_carer", "consent_to_quote": "on"})
    assert done.status_code == 302 and done.url.endswith("#comments")
    page = client.get(reverse("coproduction:session", args=[held.pk])).content.decode()
    assert "Too long &lt;script&gt;" in page and MARKUP not in page and "Parent carer, may be quoted" in page


def test_another_teams_staff_cannot_open_the_comment_page(staff_client, other_staff, held):
    response = staff_client(other_staff).post(
        reverse("coproduction:comment-add", args=[held.pk]), {"text": "x", "said_by": "parent_carer"}
    )
    assert response.status_code == 403 and not SessionComment.objects.exists()
