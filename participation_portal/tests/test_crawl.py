"""Every page, filled with the demo data, answers without a server error: for an anonymous
visitor, a participant and a manager, today and once the upcoming consultation has opened."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import User
from consultations.models import Consultation, Document, OutcomeItem, Question, Response


def named_patterns():
    """(namespaced name, its keyword arguments) for every URL pattern of the portal's own apps."""
    found = []

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in ("admin",):
                    continue
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.append((namespace + pattern.name, list(pattern.pattern.converters)))

    walk(get_resolver().url_patterns)
    return found


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


def urls_to_visit():
    urls = set()
    for consultation in Consultation.objects.all():
        values = argument_sets(consultation)
        for name, arguments in named_patterns():
            if not arguments:
                urls.add(reverse(name))
            elif all(values.get(a) is not None for a in arguments):
                urls.add(reverse(name, kwargs={a: values[a] for a in arguments}))
    return sorted(urls)


@pytest.fixture
def demo(settings):
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
