"""A world to open every URL in: one consultation and co-production group of each kind of page, a
person for each role, and the rows the administration site lists. Access control and hostile input
are both tested against it."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Team
from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from consultations import services
from consultations.models import Document, ResponseExport, SafeguardingFlag, Subscription
from consultations.tests.factories import (
    ConsultationFactory,
    OutcomeItemFactory,
    QuestionFactory,
    RespondentContactFactory,
    ResponseFactory,
)
from coproduction import services as coproduction_services
from coproduction.tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    AgreedOutcomeFactory,
    InvitationFactory,
    MembershipFactory,
    MinutesFactory,
    ParticipantFactory,
    ParticipationGroupFactory,
    RecognitionFactory,
    RegisterEntryFactory,
    SessionCommentFactory,
    SessionFactory,
)
from feedback.models import (
    ExclusionReason,
    FeedbackItem,
    FeedbackLetter,
    FollowUpCall,
    FollowUpSample,
    LetterBatch,
    LocalOfferPublication,
    PublicationExclusion,
    ReportAudience,
    ThemeReport,
)
from feedback.reports import services as report_services
from feedback.tests.factories import (
    CaseFeedbackFactory,
    CodingFactory,
    FeedbackCodeFactory,
    FeedbackItemFactory,
    SuggestionFactory,
    ThemeFactory,
)
from feedback.tests.report_factories import audiences_ensure
from notifications.models import Message

PROJECT = Path(__file__).resolve().parents[2]
# A secret key as long and as random-looking as production's must be, to pass the deployment checks.
PRODUCTION_KEY = "k3y-" + "x7Qp2LmZr9Tb4Wc8Nd1Vf6Hj0Ks5Ga3Ye" * 2


def walk(patterns, namespace: str = "", prefix: str = ""):
    """(key, pattern, converters) for every URL pattern; the key is the namespaced name, or the route
    for the few patterns without a name."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            key = namespace + pattern.name if pattern.name else route
            yield key, pattern, route


@pytest.fixture
def world(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    settings.REQUIRE_STAFF_2FA = False
    owning = TeamFactory(name="Short Breaks Team")
    consultation = ConsultationFactory(team=owning)
    question = QuestionFactory(consultation=consultation, page=1)
    document = Document(consultation=consultation, title="Easy read guide", content_type="application/pdf")
    document.file.save("guide.pdf", ContentFile(b"%PDF" + b"x" * 100), save=False)
    document.size = 104
    document.save()
    someone_else = UserFactory(role=Role.PARTICIPANT)
    response = ResponseFactory(consultation=consultation, user=someone_else)
    RespondentContactFactory(response=response)
    draft = ResponseFactory(consultation=consultation, user=someone_else, draft=True)
    item = OutcomeItemFactory(consultation=consultation)
    users = {
        "participant": UserFactory(role=Role.PARTICIPANT),
        "own_team": UserFactory(role=Role.STAFF, teams=[owning]),
        "other_team": UserFactory(role=Role.STAFF, teams=[TeamFactory(name="Transport Team")]),
        "no_team": UserFactory(role=Role.STAFF),
        "manager": UserFactory(role=Role.MANAGER),
        "administrator": UserFactory(role=Role.ADMINISTRATOR),
    }
    Subscription.objects.create(user=someone_else, service_area=consultation.service_area)
    Message.objects.create(
        recipient=someone_else.email, template="consultations/receipt", context={}, due_at=timezone.now()
    )
    AccessAttempt.objects.create(username="someone", ip_address="192.0.2.1", failures_since_start=1)
    AccessFailureLog.objects.create(username="someone", ip_address="192.0.2.1")
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Team), object_pk=str(owning.pk), object_repr="Team", action=0
    )
    SafeguardingFlag.objects.create(
        response=response, raised_by=users["own_team"], reason="Worrying", raised_at=timezone.now()
    )
    # A device of someone else's, so the device pages have a real row to refuse (not a missing one).
    TOTPDevice.objects.create(user=someone_else, name="phone", confirmed=True)
    export = ResponseExport.objects.create(
        consultation=consultation, requested_by=users["own_team"], requested_at=timezone.now()
    )
    group = ParticipationGroupFactory(team=owning)
    membership = MembershipFactory(group=group, participant=ParticipantFactory(team=owning))
    session = SessionFactory(group=group, starts_at=timezone.now() - timedelta(hours=1))
    agenda_item = AgendaItemFactory(session=session)
    RegisterEntryFactory(session=session, participant=membership.participant)
    upcoming = SessionFactory(group=group, starts_at=timezone.now() + timedelta(days=7), capacity=5)
    invitation = InvitationFactory(session=upcoming, participant=membership.participant)
    outcome = AgreedOutcomeFactory(session=session)
    SessionCommentFactory(session=session)
    MinutesFactory(session=session)  # a draft, so the approval page has something to approve
    action = ActionFactory(source_session=session)
    recognition = RecognitionFactory(session=session, participant=membership.participant)  # accepted, not paid
    theme = ThemeFactory(name="Transport", keywords="bus\ntaxi")
    feedback_item = FeedbackItemFactory(team=owning, text="The bus was late every day.")
    coding = CodingFactory(item=feedback_item, theme=ThemeFactory(name="Short breaks"), coded_by=users["own_team"])
    suggestion = SuggestionFactory(item=feedback_item, theme=theme)
    code = FeedbackCodeFactory(
        case__team=owning, issued_at=timezone.now(), expires_at=timezone.now() + timedelta(days=30)
    )
    # Flagged, not yet handled: the review page has a concern to show.
    case_feedback = CaseFeedbackFactory(case=code.case, flagged_at=timezone.now(), flag_reason="Worrying")
    batch = LetterBatch.objects.create(day=timezone.localdate(), made_at=timezone.now(), letters=1)
    batch.pdf.save("letters.pdf", ContentFile(b"%PDF-1.4 letters"), save=True)
    FeedbackLetter.objects.create(case=code.case, batch=batch, made_at=timezone.now())
    sample = FollowUpSample.objects.create(quarter_start=date(2026, 1, 1), seed="seed", drawn_at=timezone.now())
    call = FollowUpCall.objects.create(
        sample=sample, case=code.case, caller=users["own_team"], due_on=timezone.localdate()
    )
    audiences_ensure()
    report = ThemeReport.objects.create(
        audience=ReportAudience.objects.first(),
        first_day=timezone.localdate() - timedelta(days=30),
        last_day=timezone.localdate(),
        requested_at=timezone.now(),
    )
    report_services.theme_report_build(report_id=report.pk, moment=timezone.now())
    improvement_action = report_services.improvement_action_add(
        report=report,
        description="Shorter waits",
        owner_team=owning,
        due_on=timezone.localdate() + timedelta(days=90),
        user=users["manager"],
        moment=timezone.now(),
    )
    publication = LocalOfferPublication.objects.create(
        year=2025,
        first_day=date(2025, 4, 1),
        last_day=date(2026, 3, 31),
        introduction="What you told us",
        built_by=users["manager"],
        built_at=timezone.now(),
        published_by=users["manager"],
        published_at=timezone.now(),
    )
    excluded = FeedbackItem.objects.create(
        source="letter", channel="paper", received_on=date(2025, 5, 1), text="Vexatious", source_key="world:1"
    )
    PublicationExclusion.objects.create(
        item=excluded, reason=ExclusionReason.VEXATIOUS, recorded_by=users["manager"], recorded_at=timezone.now()
    )
    return {
        "arguments": {
            "pk": consultation.pk,
            "slug": consultation.slug,
            "page": question.page,
            "question_pk": question.pk,
            "document_pk": document.pk,
            "response_pk": response.pk,
            "item_pk": item.pk,
            "reference": response.reference,  # another person's response
            "token": services.resume_token_for(draft),  # another person's return link
            "uidb64": "MQ",
            "id": someone_else.pk,
            "app_label": "consultations",
            "content_type_id": ContentType.objects.get_for_model(Team).pk,
            "url": "nothing-here/",
            "team_pk": owning.pk,
            "export_pk": export.pk,
            "group_pk": group.pk,
            "membership_pk": membership.pk,
            "participant_pk": membership.participant_id,
            "session_pk": session.pk,
            "agenda_item_pk": agenda_item.pk,
            "rsvp_token": coproduction_services.rsvp_token_for(invitation),
            "feed_token": coproduction_services.feed_token_for(group),
            "action_pk": action.pk,
            "agreed_outcome_pk": outcome.pk,
            "recognition_pk": recognition.pk,
            "feedback_item_pk": feedback_item.pk,
            "coding_pk": coding.pk,
            "suggestion_pk": suggestion.pk,
            "case_pk": code.case_id,
            "feedback_pk": case_feedback.pk,
            "batch_pk": batch.pk,
            "call_pk": call.pk,
            "report_pk": report.pk,
            "improvement_action_pk": improvement_action.pk,
            "publication_pk": publication.pk,
            "year": publication.year,
        },
        "users": users,
    }


def fill(route: str, arguments: dict) -> dict:
    found = {name: arguments[name] for name in arguments if f"<{name}>" in route or f":{name}>" in route}
    if "object_id>" in route:
        found["object_id"] = admin_object_id(route, arguments)
    if route.startswith("admin/") and "pk>" in route:
        # An administration page's own pk (a device's set-up page) names a row of its model, not
        # the consultation the other pages' pk names.
        found["pk"] = admin_object_id(route, arguments)
    return found


def admin_object_id(route: str, arguments: dict) -> str:
    """A real row of the model an administration page shows (the owning team for "view on site")."""
    match = re.match(r"admin/(\w+)/(\w+)/", route)
    if match is None:
        return str(arguments["team_pk"])
    model = apps.get_model(match.group(1), match.group(2))
    row = model._default_manager.order_by("pk").first()
    return str(row.pk) if row else "1"
