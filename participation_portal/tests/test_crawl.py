"""Every page, filled with the demo data, answers without a server error: for an anonymous
visitor, a participant and a manager, today and once the upcoming consultation has opened."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import get_resolver, resolve, reverse
from django.utils import timezone

from accounts.models import User
from consultations.models import Consultation, Document, OutcomeItem, Question, Response
from coproduction import services as coproduction_services
from coproduction.models import (
    Action,
    AgendaItem,
    AgreedOutcome,
    Invitation,
    Membership,
    Participant,
    ParticipationGroup,
    Recognition,
    Session,
)
from feedback.models import (
    CaseFeedback,
    ClosedCase,
    Coding,
    FollowUpCall,
    ImprovementAction,
    LetterBatch,
    LocalOfferPublication,
    Suggestion,
    ThemeReport,
)

from .conftest import walk


def named_patterns():
    """(namespaced name, its keyword arguments) for every URL pattern of the portal's own apps."""
    return [
        (key, list(pattern.pattern.converters))
        for key, pattern, _route in walk(get_resolver().url_patterns)
        if pattern.name and not key.startswith("admin:")
    ]


def argument_sets(consultation: Consultation) -> dict:
    question = Question.objects.filter(consultation=consultation).first()
    document = Document.objects.filter(consultation=consultation).first()
    response = Response.objects.filter(consultation=consultation).submitted().first()
    item = OutcomeItem.objects.filter(consultation=consultation).first()
    return {
        "pk": consultation.pk,
        "slug": consultation.slug,
        "page": 1,
        "question_pk": question.pk if question else None,
        "document_pk": document.pk if document else None,
        "response_pk": response.pk if response else None,
        "item_pk": item.pk if item else None,
        "reference": response.reference if response else "ABCD-EFGH",
        "token": "not-a-real-token",
    }


def coproduction_argument_sets() -> list[dict]:
    """Each group with one of its memberships (and its member), each participant, and each session with
    an item of its agenda."""
    sets = []
    for group in ParticipationGroup.objects.all():
        membership = Membership.objects.filter(group=group).order_by("ends_on").first()
        sets.append(
            {
                "group_pk": group.pk,
                "membership_pk": membership.pk if membership else None,
                "participant_pk": membership.participant_id if membership else None,
                "feed_token": coproduction_services.feed_token_for(group),
            }
        )
    sets += [{"participant_pk": pk} for pk in Participant.objects.values_list("pk", flat=True)]
    for session in Session.objects.all():
        item = AgendaItem.objects.filter(session=session).first()
        # A reply link of each session's first invitee: open, cancelled or past, each a page.
        if invitation := Invitation.objects.filter(session=session).order_by("pk").first():
            sets.append({"rsvp_token": coproduction_services.rsvp_token_for(invitation)})
        outcome = AgreedOutcome.objects.filter(session=session).first()
        sets.append(
            {
                "session_pk": session.pk,
                "agenda_item_pk": item.pk if item else None,
                "agreed_outcome_pk": outcome.pk if outcome else None,
            }
        )
    sets += [{"action_pk": pk} for pk in Action.objects.values_list("pk", flat=True)]
    for line in Recognition.objects.all():
        sets.append({"session_pk": line.session_id, "recognition_pk": line.pk})
    return sets


def coding_argument_sets() -> list[dict]:
    """A few coded items with one of their codings, and a few with one of their suggestions."""
    sets = [
        {"feedback_item_pk": coding.item_id, "coding_pk": coding.pk}
        for coding in Coding.objects.order_by("item_id", "pk").distinct()[:3]
    ]
    sets += [
        {"feedback_item_pk": suggestion.item_id, "suggestion_pk": suggestion.pk}
        for suggestion in Suggestion.objects.order_by("-confidence", "pk")[:3]
    ]
    return sets


def feedback_argument_sets() -> list[dict]:
    """Each closed case, each piece of feedback and each day's letters."""
    sets = [{"case_pk": pk} for pk in ClosedCase.objects.values_list("pk", flat=True)]
    sets += [{"batch_pk": pk} for pk in LetterBatch.objects.values_list("pk", flat=True)]
    sets += [{"call_pk": pk} for pk in FollowUpCall.objects.values_list("pk", flat=True)]
    return sets + [{"feedback_pk": pk} for pk in CaseFeedback.objects.values_list("pk", flat=True)]


def theme_report_argument_sets() -> list[dict]:
    """Each theme report, each improvement action and each Local Offer publication."""
    sets = [{"report_pk": pk} for pk in ThemeReport.objects.values_list("pk", flat=True)]
    sets += [{"improvement_action_pk": pk} for pk in ImprovementAction.objects.values_list("pk", flat=True)]
    return sets + [
        {"publication_pk": pk, "year": year} for pk, year in LocalOfferPublication.objects.values_list("pk", "year")
    ]


def urls_to_visit():
    urls = set()
    argument_values = [argument_sets(c) for c in Consultation.objects.all()]
    argument_values += coproduction_argument_sets() + feedback_argument_sets() + coding_argument_sets()
    argument_values += theme_report_argument_sets()
    for values in argument_values:
        for name, arguments in named_patterns():
            if not arguments:
                urls.add(reverse(name))
            elif all(values.get(a) is not None for a in arguments):
                urls.add(reverse(name, kwargs={a: values[a] for a in arguments}))
    return sorted(urls)


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the demo's printed letters
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False
    settings.REQUIRE_STAFF_2FA = False


@pytest.mark.django_db
@pytest.mark.parametrize("days_later", [0, 10])
@pytest.mark.parametrize("who", ["anonymous", "parent@example.com", "manager@example.gov.uk"])
def test_no_page_fails_with_the_demo_data(client, demo, who, days_later):
    if who != "anonymous":
        client.force_login(User.objects.get(email=who))
    urls = urls_to_visit()
    assert len(urls) > 40
    with time_machine.travel(timezone.now() + timedelta(days=days_later)):
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, f"{url} answered {response.status_code} for {who}"
            if url.endswith("/respond/"):  # start a draft so the question pages render too
                client.post(url)


@pytest.mark.django_db
def test_the_crawl_reaches_every_coproduction_and_feedback_page(demo):
    """Each co-production and feedback URL pattern is visited at least once with the demo data."""
    visited = {resolve(url).view_name for url in urls_to_visit()}
    wanted = {name for name, _arguments in named_patterns() if name.startswith(("coproduction:", "feedback:"))}
    assert wanted - visited == set()


@pytest.mark.django_db
def test_the_crawl_reaches_every_theme_report_page(demo):
    """Each theme report URL pattern is visited at least once with the demo data."""
    visited = {resolve(url).view_name for url in urls_to_visit()}
    wanted = {
        name for name, _arguments in named_patterns() if name.startswith("feedback:report") or name == "feedback:action"
    }
    assert wanted and wanted - visited == set()
    assert ThemeReport.objects.filter(state="approved").exists() and ThemeReport.objects.filter(state="draft").exists()
    assert LocalOfferPublication.objects.published().exists()
