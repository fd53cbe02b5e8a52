from datetime import timedelta

import factory
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import TeamFactory, UserFactory
from consultations.models import (
    Answer,
    Channel,
    Consultation,
    OutcomeItem,
    Question,
    QuestionKind,
    RespondentContact,
    Response,
    Selection,
    ServiceArea,
)
from consultations.views.public import draft_session_key


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Service area {n}")
    slug = factory.Sequence(lambda n: f"area-{n}")


class ConsultationFactory(factory.django.DjangoModelFactory):
    """A published consultation open now; traits: draft, upcoming, closed, withdrawn."""

    class Meta:
        model = Consultation

    title = factory.Sequence(lambda n: f"Short breaks review {n}")
    slug = factory.Sequence(lambda n: f"short-breaks-review-{n}")
    summary = "We want to know how short breaks work for your family."
    proposal = "We propose to change how short breaks are booked, because families told us it is hard."
    for_parent_carers = True
    service_area = factory.SubFactory(ServiceAreaFactory)
    team = factory.SubFactory(TeamFactory)
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=21))
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=8))

    class Params:
        draft = factory.Trait(published_at=None)
        upcoming = factory.Trait(
            opens_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=7)),
            closes_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=35)),
        )
        closed = factory.Trait(
            opens_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=60)),
            closes_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=2)),
            published_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=61)),
        )
        withdrawn = factory.Trait(
            withdrawn_at=factory.LazyFunction(timezone.now), withdrawal_reason="The proposal was dropped."
        )
        for_children = factory.Trait(
            for_young_people=True,
            child_friendly=True,
            who_decides="The SEND partnership board",
            feedback_due=factory.LazyFunction(lambda: (timezone.now() + timedelta(days=90)).date()),
        )


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    consultation = factory.SubFactory(ConsultationFactory)
    page = 1
    position = factory.Sequence(lambda n: n)
    kind = QuestionKind.LONG_TEXT
    text = factory.Sequence(lambda n: f"What would make short breaks better? ({n})")
    options = factory.LazyAttribute(
        lambda q: ["Weekends", "Holidays", "After school"] if q.kind in ("single_choice", "multiple_choice") else []
    )


class ResponseFactory(factory.django.DjangoModelFactory):
    """A submitted response; ``draft=True`` for one still being filled in."""

    class Meta:
        model = Response

    consultation = factory.SubFactory(ConsultationFactory)
    channel = Channel.ONLINE
    reference = factory.Sequence(lambda n: f"T{n:03d}-TEST"[:9])
    submitted_at = factory.LazyFunction(timezone.now)

    class Params:
        draft = factory.Trait(reference=None, submitted_at=None)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(QuestionFactory)
    text = "Booking is hard."


def answer_choices(*, response, question, values):
    answer = Answer.objects.create(response=response, question=question)
    Selection.objects.bulk_create([Selection(answer=answer, value=v) for v in values])
    return answer


class RespondentContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RespondentContact

    response = factory.SubFactory(ResponseFactory)
    email = factory.Sequence(lambda n: f"respondent{n}@example.com")
    wants_receipt = True
    wants_outcome = True


class OutcomeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeItem

    consultation = factory.SubFactory(ConsultationFactory, closed=True)
    you_said = "Booking short breaks takes too many phone calls."
    we_did = "You can now book online, and a named worker calls you back within two days."
    changed = True


def consultation_staff_url(name: str, consultation, **kwargs) -> str:
    """The address of one of a consultation's staff pages, by its URL name."""
    return reverse(f"consultations:{name}", kwargs={"pk": consultation.pk, **kwargs})


def bulk_responses(consultation, count: int, *, start: int = 0, **fields) -> list[Response]:
    """Submitted responses made in one query, a second apart, newest last."""
    now = timezone.now()
    return Response.objects.bulk_create(
        [
            Response(
                consultation=consultation,
                reference=f"B{start + number:05d}-ZZ",
                submitted_at=now - timedelta(seconds=count - number),
                started_at=now - timedelta(hours=1),
                **fields,
            )
            for number in range(count)
        ]
    )


def bulk_answers(responses, *, choice_question=None, text_question=None, multiple_question=None) -> None:
    """An answer to each given question for every response, in a few queries."""
    answers = []
    for number, response in enumerate(responses):
        if text_question:
            answers.append(Answer(response=response, question=text_question, text=f"Written answer {number}"))
        if choice_question:
            answers.append(Answer(response=response, question=choice_question))
        if multiple_question:
            answers.append(Answer(response=response, question=multiple_question))
    Answer.objects.bulk_create(answers)
    selections = []
    for answer in answers:
        if choice_question and answer.question_id == choice_question.pk:
            selections.append(Selection(answer=answer, value=choice_question.choices[answer.response_id % 2]))
        if multiple_question and answer.question_id == multiple_question.pk:
            selections += [Selection(answer=answer, value=value) for value in multiple_question.choices[:2]]
    Selection.objects.bulk_create(selections)


def editor():
    """A manager, who may change any consultation: for tests of rules other than who may."""
    return UserFactory(role=Role.MANAGER)


def two_page_consultation():
    """A required short answer on page 1 and an optional long one on page 2."""
    consultation = ConsultationFactory(title="Booking short breaks")
    QuestionFactory(
        consultation=consultation,
        page=1,
        kind=QuestionKind.SHORT_TEXT,
        text="What works well about short breaks now?",
        required=True,
    )
    QuestionFactory(
        consultation=consultation, page=2, kind=QuestionKind.LONG_TEXT, text="What would make booking easier?"
    )
    return consultation


def url(name: str, consultation, **kwargs) -> str:
    """The address of one of a consultation's public pages, by its URL name."""
    return reverse(f"consultations:{name}", kwargs={"slug": consultation.slug, **kwargs})


def page_url(consultation, page: int) -> str:
    return url("respond-page", consultation, page=page)


def start(client, consultation):
    """Start a response through the client, as the "Start now" button does."""
    response = client.post(url("respond", consultation))
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def draft_of(client, consultation) -> Response:
    """The draft this client's session is filling in."""
    return Response.objects.get(pk=client.session[draft_session_key(consultation)])
