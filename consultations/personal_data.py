"""Consultations' part of a person's data: their responses, contact details and subscriptions.

Found by common.data_registry (see there). A deleted account's sent responses stay, anonymised:
what was said still counts in summaries and reports, but nothing links it to the person.
"""

from datetime import datetime

from django.db.models import Prefetch

from common.data_registry import when

from .models import Answer, RespondentContact, Response, Selection, Subscription


def personal_data_for(user) -> dict:
    responses = (
        Response.objects.filter(user=user)
        .select_related("consultation", "contact")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related("question")
                .prefetch_related(Prefetch("selections", queryset=Selection.objects.order_by("pk")))
                .order_by("question__page", "question__position", "question__pk"),
            )
        )
        .order_by("started_at", "pk")
    )
    return {
        "responses": [_response_data(response) for response in responses],
        "subscriptions": [
            {"service_area": name}
            for name in Subscription.objects.filter(user=user)
            .order_by("service_area__name")
            .values_list("service_area__name", flat=True)
        ],
    }


def _response_data(response: Response) -> dict:
    try:
        contact = response.contact
    except RespondentContact.DoesNotExist:
        contact = None
    return {
        "consultation": response.consultation.title,
        "reference": response.reference,
        "state": "sent" if response.is_submitted else "draft",
        "started": when(response.started_at),
        "last_changed": when(response.updated_at),
        "sent": when(response.submitted_at),
        "channel": response.get_channel_display(),
        "you_are": response.get_respondent_type_display() if response.respondent_type else None,
        "may_be_quoted_anonymously": response.consent_to_quote,
        "answers": [
            {
                "question": answer.question.text,
                "answer": answer.text,
                "choices": [selection.value for selection in answer.selections.all()],
            }
            for answer in response.answers.all()
        ],
        "contact_details": None
        if contact is None
        else {
            "email": contact.email,
            "send_a_receipt": contact.wants_receipt,
            "tell_me_what_happens_next": contact.wants_outcome,
        },
    }


def personal_data_erase(*, user, moment: datetime) -> dict[str, int]:
    """Delete the user's drafts, subscriptions and contact details; unlink their sent responses."""
    mine = Response.objects.filter(user=user)
    _total, deleted = mine.drafts().delete()
    drafts = deleted.get(Response._meta.label, 0)
    contacts, _detail = RespondentContact.objects.filter(response__user=user).delete()
    anonymised = mine.submitted().update(user=None)
    subscriptions, _detail = Subscription.objects.filter(user=user).delete()
    return {"drafts": drafts, "contacts": contacts, "responses": anonymised, "subscriptions": subscriptions}
