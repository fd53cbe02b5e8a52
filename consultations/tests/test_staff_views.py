"""Staff pages for drafting, checking, publishing and withdrawing consultations, through the client."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from consultations import services
from consultations.models import Consultation, Document, Question, QuestionKind, Response, ServiceArea
from consultations.tests.factories import (
    ConsultationFactory,
    QuestionFactory,
    ResponseFactory,
    ServiceAreaFactory,
    editor,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def area():
    return ServiceAreaFactory(name="Short breaks", slug="short-breaks")


@pytest.fixture
def owner(make_user, team):
    return make_user(Role.STAFF, teams=[team])


@pytest.fixture
def outsider(make_user, other_team):
    return make_user(Role.STAFF, teams=[other_team])


@pytest.fixture
def draft(team, area):
    return ConsultationFactory(draft=True, team=team, service_area=area, title="Short breaks review")


@pytest.fixture
def signed_in(staff_client, owner):
    return staff_client(owner)


def url(name, *args):
    return reverse(f"consultations:{name}", args=args)


def page_text(response) -> str:
    return response.content.decode()


def form_data(team, area, **overrides) -> dict:
    data = {
        "title": "Short breaks: how they are booked",
        "slug": "",
        "summary": "We want to make booking short breaks easier.",
        "proposal": "Families told us booking takes too many calls. We propose online booking.",
        "decision_informed": "How short breaks are booked from next April.",
        "audiences": ["parent_carers"],
        "service_area": str(area.pk),
        "team": str(team.pk),
        "opens_on_0": "1",
        "opens_on_1": "6",
        "opens_on_2": "2030",
        "opens_time": "9:00",
        "closes_on_0": "31",
        "closes_on_1": "7",
        "closes_on_2": "2030",
        "closes_time": "23:59",
        "other_ways_to_respond": "Ask for a paper copy at any library.",
        "anonymous_allowed": "True",
        "contact_details": "shortbreaks@example.gov.uk",
        "who_decides": "",
        "feedback_due_0": "",
        "feedback_due_1": "",
        "feedback_due_2": "",
    }
    data.update(overrides)
    return data


def upload(name="proposal.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- Who may do what -------------------------------------------------------------------------------------

ROLES = ["participant", "owner", "outsider", "manager", "administrator"]


@pytest.fixture
def world(team, area, make_user, owner, outsider, tmp_path):
    """A published consultation with a question and a document, and one user of each kind."""
    consultation = ConsultationFactory(team=team, service_area=area)
    question = QuestionFactory(consultation=consultation, page=1)
    QuestionFactory(consultation=consultation, page=1)
    document = services.document_add(
        user=editor(), consultation=consultation, title="Proposal", upload=upload(), easy_read=False
    )
    users = {
        "participant": make_user(Role.PARTICIPANT),
        "owner": owner,
        "outsider": outsider,
        "manager": make_user(Role.MANAGER),
        "administrator": make_user(Role.ADMINISTRATOR),
    }
    return {"consultation": consultation, "question": question, "document": document, "users": users}


def pages(world):
    """(url, changes the consultation) for every staff page of this part, read with GET."""
    c, q, d = world["consultation"].pk, world["question"].pk, world["document"].pk
    return [
        (url("staff-list"), False),
        (url("staff-create"), False),
        (url("staff-overview", c), False),
        (url("staff-preview", c), False),
        (url("staff-document", c, d), False),
        (url("staff-edit", c), True),
        (url("staff-withdraw", c), True),
        (url("staff-question-create", c), True),
        (url("staff-question-edit", c, q), True),
        (url("staff-question-delete", c, q), True),
        (url("staff-document-create", c), True),
        (url("staff-document-delete", c, d), True),
    ]


def actions(world):
    """(url, data) for every POST of this part that changes the consultation."""
    c, q, d = world["consultation"].pk, world["question"].pk, world["document"].pk
    return [
        (url("staff-edit", c), {}),
        (url("staff-publish", c), {}),
        (url("staff-withdraw", c), {"reason": "The proposal was dropped."}),
        (url("staff-question-create", c), {"kind": "short_text", "text": "Why?", "required": "False", "page": "1"}),
        (url("staff-question-edit", c, q), {"kind": "short_text", "text": "Why?", "required": "False", "page": "1"}),
        (url("staff-question-move", c, q), {"direction": "down"}),
        (url("staff-question-delete", c, q), {}),
        (url("staff-document-create", c), {"title": "Easy read"}),
        (url("staff-document-delete", c, d), {}),
    ]


def test_anonymous_visitors_are_sent_to_sign_in_from_every_page_and_action(client, world):
    for path, _changes in pages(world) + [(path, True) for path, _data in actions(world)]:
        for response in (client.get(path), client.post(path)):
            assert response.status_code == 302, path
            assert response.url.startswith(reverse("accounts:sign-in") + "?next="), path


def test_participants_are_refused_every_page_and_action(client, world):
    client.force_login(world["users"]["participant"])
    for path, _changes in pages(world):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "You cannot see this page" in page_text(response)
    for path, data in actions(world):
        assert client.post(path, data).status_code == 403, path
    assert Question.objects.count() == 2 and Document.objects.count() == 1


@pytest.mark.parametrize("role", ["owner", "manager", "administrator"])
def test_the_owning_team_managers_and_administrators_can_open_every_page(client, world, role):
    client.force_login(world["users"][role])
    for path, _changes in pages(world):
        assert client.get(path).status_code == 200, path


def test_staff_of_another_team_can_read_but_not_change(client, world):
    client.force_login(world["users"]["outsider"])
    for path, changes in pages(world):
        response = client.get(path)
        if changes:
            assert response.status_code == 403, path
            assert "You cannot see this page" in page_text(response)  # the site's own 403 page
        else:
            assert response.status_code == 200, path
    for path, data in actions(world):
        assert client.post(path, data).status_code == 403, path
    consultation = Consultation.objects.get()
    assert consultation.withdrawn_at is None
    assert Question.objects.count() == 2 and Document.objects.count() == 1


def test_staff_of_another_team_see_no_change_links_on_the_overview(client, world):
    client.force_login(world["users"]["outsider"])
    text = page_text(client.get(url("staff-overview", world["consultation"].pk)))
    assert "Only Short Breaks Team and managers can change it." in text
    assert url("staff-edit", world["consultation"].pk) not in text
    assert url("staff-question-create", world["consultation"].pk) not in text
    assert url("staff-document-create", world["consultation"].pk) not in text


@pytest.mark.parametrize("role", ["owner", "manager", "administrator"])
def test_editors_can_take_every_action(client, world, role):
    client.force_login(world["users"][role])
    for path, data in actions(world):
        if "documents/new" in path:
            data = {**data, "file": upload("easy-read.pdf")}
        response = client.post(path, data)
        assert response.status_code in (200, 302), path
    assert Consultation.objects.get().withdrawn_at is not None


# --- The list ----------------------------------------------------------------------------------------------


def test_the_list_shows_every_teams_consultations_with_status_in_words(signed_in, team, other_team, area):
    ConsultationFactory(team=team, service_area=area, title="Open one")
    ConsultationFactory(team=other_team, service_area=area, title="Another team's draft", draft=True)
    ConsultationFactory(team=other_team, service_area=area, title="Later", upcoming=True)
    ConsultationFactory(team=team, service_area=area, title="Finished", closed=True)
    ConsultationFactory(team=team, service_area=area, title="Dropped", withdrawn=True)
    text = page_text(signed_in.get(url("staff-list")))
    for title in ("Open one", "Another team&#x27;s draft", "Later", "Finished", "Dropped"):
        assert title in text
    for status in (">Open<", ">Draft<", ">Upcoming<", ">Closed<", ">Withdrawn<"):
        assert status in text
    assert "Create a consultation" in text
    assert "5 consultations" in text


def test_the_list_counts_submitted_responses_only(signed_in, team, area):
    consultation = ConsultationFactory(team=team, service_area=area)
    ResponseFactory.create_batch(3, consultation=consultation)
    ResponseFactory(consultation=consultation, draft=True)
    response = signed_in.get(url("staff-list"))
    assert response.context["consultations"][0].submitted_responses == 3


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("draft", {"Drafted"}),
        ("upcoming", {"Soon"}),
        ("open", {"Running"}),
        ("closed", {"Over"}),
        ("withdrawn", {"Pulled"}),
        ("", {"Drafted", "Soon", "Running", "Over", "Pulled"}),
        ("nonsense", {"Drafted", "Soon", "Running", "Over", "Pulled"}),  # a tampered filter is ignored
    ],
)
def test_the_list_filters_by_status(signed_in, team, area, status, expected):
    ConsultationFactory(team=team, service_area=area, title="Drafted", draft=True)
    ConsultationFactory(team=team, service_area=area, title="Soon", upcoming=True)
    ConsultationFactory(team=team, service_area=area, title="Running")
    ConsultationFactory(team=team, service_area=area, title="Over", closed=True)
    ConsultationFactory(team=team, service_area=area, title="Pulled", withdrawn=True)
    response = signed_in.get(url("staff-list"), {"status": status})
    assert response.status_code == 200
    assert {c.title for c in response.context["consultations"]} == expected


def test_the_list_filters_by_team_and_ignores_a_tampered_team(signed_in, team, other_team, area):
    ConsultationFactory(team=team, service_area=area, title="Ours")
    ConsultationFactory(team=other_team, service_area=area, title="Theirs")
    response = signed_in.get(url("staff-list"), {"team": other_team.pk})
    assert [c.title for c in response.context["consultations"]] == ["Theirs"]
    assert "Clear filters" in page_text(response)
    response = signed_in.get(url("staff-list"), {"team": "999999"})
    assert response.status_code == 200
    assert len(response.context["consultations"]) == 2
    assert "There is a problem" not in page_text(response)


def test_the_list_is_paginated_by_50_keeping_the_filters(signed_in, team, area):
    make_consultations(60, team, area)
    response = signed_in.get(url("staff-list"), {"team": team.pk, "page": 2})
    assert len(response.context["consultations"]) == 10
    text = page_text(response)
    assert f"?team={team.pk}&amp;page=1" in text
    assert "Consultations (page 2 of 2)" in text


def make_consultations(count, team, area, *, start=0, responses_each=0):
    now = timezone.now()
    consultations = Consultation.objects.bulk_create(
        [
            Consultation(
                title=f"Consultation {n}",
                slug=f"consultation-{n}",
                summary="Summary",
                proposal="Proposal",
                for_parent_carers=True,
                service_area=area,
                team=team,
                opens_at=now - timedelta(days=n % 30),
                closes_at=now + timedelta(days=30),
                published_at=None if n % 3 == 0 else now - timedelta(days=40),
            )
            for n in range(start, start + count)
        ]
    )
    if responses_each:
        Response.objects.bulk_create(
            [
                Response(consultation=c, reference=f"R{c.pk}-{n}", submitted_at=now)
                for c in consultations[:20]
                for n in range(responses_each)
            ]
        )
    return consultations


def count_queries(client, path) -> int:
    """The queries of a request after the first, which reads the user's rights for the ones after."""
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_list_makes_the_same_queries_for_10_and_1000_consultations(
    signed_in, team, area, django_assert_max_num_queries
):
    make_consultations(10, team, area, responses_each=2)
    with_ten = count_queries(signed_in, url("staff-list"))
    make_consultations(990, team, area, start=10, responses_each=2)
    # session, user, count of consultations, one page of them with their teams and response counts,
    # teams for the filter (the user's rights were read on the first request and kept)
    with django_assert_max_num_queries(5):
        response = signed_in.get(url("staff-list"))
    assert len(response.context["consultations"]) == 50
    assert count_queries(signed_in, url("staff-list")) == with_ten


# --- Creating and changing a consultation ------------------------------------------------------------------


def test_staff_create_a_draft_with_a_web_address_made_from_the_title(signed_in, owner, team, area):
    response = signed_in.post(url("staff-create"), form_data(team, area))
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response.url == url("staff-overview", consultation.pk)
    assert consultation.slug == "short-breaks-how-they-are-booked"
    assert consultation.published_at is None
    assert consultation.created_by == owner
    assert consultation.audiences == ["parent_carers"]
    assert consultation.anonymous_allowed is True
    # Times are the council's: 9am in June in London is 8am UTC.
    assert consultation.opens_at == datetime(2030, 6, 1, 8, 0, tzinfo=UTC)
    assert consultation.closes_at == datetime(2030, 7, 31, 22, 59, tzinfo=UTC)
    overview = signed_in.get(response.url)
    assert "Consultation saved as a draft" in page_text(overview)


def test_a_consultation_for_children_records_who_decides_and_when_they_hear_back(signed_in, team, area):
    data = form_data(
        team,
        area,
        audiences=["young_people", "parent_carers"],
        who_decides="The SEND partnership board",
        feedback_due_0="30",
        feedback_due_1="9",
        feedback_due_2="2030",
        child_friendly="on",
        anonymous_allowed="False",
    )
    assert signed_in.post(url("staff-create"), data).status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.for_young_people and consultation.for_parent_carers
    assert consultation.who_decides == "The SEND partnership board"
    assert consultation.feedback_due.isoformat() == "2030-09-30"
    assert consultation.child_friendly and not consultation.anonymous_allowed


def errors_of(response) -> dict:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def test_an_empty_form_says_what_to_enter_for_each_required_field(signed_in):
    response = signed_in.post(url("staff-create"), {})
    assert response.status_code == 200
    assert errors_of(response) == {
        "title": ["Enter a title"],
        "summary": ["Enter a summary in plain language"],
        "proposal": ["Enter what is proposed and why"],
        "decision_informed": ["Enter the decision the consultation informs"],
        "audiences": ["Select who the consultation is for"],
        "service_area": ["Select the service area"],
        "team": ["Select the team that runs the consultation"],
        "opens_on": ["Enter the date the consultation opens"],
        "opens_time": ["Enter the time the consultation opens"],
        "closes_on": ["Enter the date the consultation closes"],
        "closes_time": ["Enter the time the consultation closes"],
        "anonymous_allowed": ["Select yes if people can respond without giving their name"],
    }
    text = page_text(response)
    assert "There is a problem" in text
    assert "<title>Error: Create a consultation" in text
    assert 'href="#id_audiences_1"' in text  # the summary links to the first checkbox
    assert 'href="#id_opens_on_0"' in text  # ... and to the day box of a date
    assert Consultation.objects.count() == 0


def test_a_missing_title_keeps_everything_else_that_was_typed(signed_in, team, area):
    response = signed_in.post(url("staff-create"), form_data(team, area, title=""))
    assert errors_of(response) == {"title": ["Enter a title"]}
    text = page_text(response)
    assert "We want to make booking short breaks easier." in text
    assert "Ask for a paper copy at any library." in text
    assert 'value="2030"' in text and 'value="23:59"' in text
    assert re.search(r'value="parent_carers"\s*checked', text)
    assert re.search(r'value="True"\s*checked', text)  # anonymous responses: yes


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"closes_on_0": "1", "closes_on_1": "6", "closes_on_2": "2030", "closes_time": "8:00"},
            "closes_on",
            "The closing date and time must be after it opens",
        ),
        ({"audiences": []}, "audiences", "Select who the consultation is for"),
        ({"audiences": ["everyone"]}, "audiences", None),
        (
            {"audiences": ["young_people"]},
            "who_decides",
            "Enter who will decide, as children and young people are an audience",
        ),
        (
            {"audiences": ["young_people"], "who_decides": "The board"},
            "feedback_due",
            "Enter the date children and young people will hear back, as they are an audience",
        ),
        (
            {
                "audiences": ["young_people"],
                "who_decides": "The board",
                "feedback_due_0": "1",
                "feedback_due_1": "7",
                "feedback_due_2": "2030",
            },
            "feedback_due",
            "The date they will hear back must be on or after the closing date",
        ),
        ({"title": "x" * 151}, "title", "Title must be 150 characters or fewer"),
        ({"summary": "x" * 1001}, "summary", "The summary must be 1000 characters or fewer"),
        ({"proposal": "x" * 10001}, "proposal", "What is proposed and why must be 10000 characters or fewer"),
        ({"slug": "a" * 81}, "slug", "The web address must be 80 characters or fewer"),
        ({"who_decides": "x" * 301}, "who_decides", "Who will decide must be 300 characters or fewer"),
        ({"contact_details": "x" * 2001}, "contact_details", "Contact details must be 2000 characters or fewer"),
        (
            {"decision_informed": "x" * 3001},
            "decision_informed",
            "The decision it informs must be 3000 characters or fewer",
        ),
        (
            {"other_ways_to_respond": "x" * 3001},
            "other_ways_to_respond",
            "Other ways to respond must be 3000 characters or fewer",
        ),
        ({"slug": "Short_Breaks"}, "slug", "The web address can only use lowercase letters, numbers and hyphens"),
        ({"slug": "short--breaks"}, "slug", "The web address can only use lowercase letters, numbers and hyphens"),
        ({"opens_on_0": "31", "opens_on_1": "2"}, "opens_on", "The date the consultation opens must be a real date"),
        ({"opens_on_1": ""}, "opens_on", "The date the consultation opens must include a month"),
        ({"opens_on_2": "30"}, "opens_on", "Enter the year as 4 numbers, for example 2025"),
        ({"opens_time": "25:00"}, "opens_time", "Enter the time the consultation opens like 9:00, 17:30 or 5:30pm"),
        ({"anonymous_allowed": "perhaps"}, "anonymous_allowed", None),
        ({"service_area": "999999"}, "service_area", "Select the service area"),
    ],
)
def test_each_invalid_field_gets_a_message_beside_it(signed_in, team, area, overrides, field, message):
    response = signed_in.post(url("staff-create"), form_data(team, area, **overrides))
    assert response.status_code == 200
    errors = errors_of(response)
    assert field in errors, errors
    if message:
        assert errors[field] == [message]
    assert Consultation.objects.count() == 0


def test_a_web_address_already_in_use_is_refused(signed_in, team, area):
    ConsultationFactory(slug="short-breaks", team=team, service_area=area)
    response = signed_in.post(url("staff-create"), form_data(team, area, slug="short-breaks"))
    assert errors_of(response) == {
        "slug": ["Another consultation already uses this web address. Choose a different one"]
    }
    assert 'value="short-breaks"' in page_text(response)


def test_a_blank_web_address_is_made_unique(signed_in, team, area):
    ConsultationFactory(slug="short-breaks-how-they-are-booked", team=team, service_area=area)
    signed_in.post(url("staff-create"), form_data(team, area))
    assert Consultation.objects.filter(slug="short-breaks-how-they-are-booked-2").exists()


def test_staff_can_only_give_a_consultation_to_their_own_team(signed_in, other_team, area):
    response = signed_in.post(url("staff-create"), form_data(other_team, area))
    assert errors_of(response) == {"team": ["Select one of your teams"]}
    assert Consultation.objects.count() == 0


def test_managers_can_give_a_consultation_to_any_team(client, manager, other_team, area):
    client.force_login(manager)
    assert client.post(url("staff-create"), form_data(other_team, area)).status_code == 302
    assert Consultation.objects.get().team == other_team


def test_someone_in_no_team_is_told_to_ask_to_join_one(client, staff_member, team, area):
    client.force_login(staff_member)
    response = client.get(url("staff-create"))
    assert response.status_code == 200
    assert "You are not in a team yet" in page_text(response)
    response = client.post(url("staff-create"), form_data(team, area))
    assert errors_of(response) == {"team": ["Select one of your teams"]}


def test_the_edit_form_shows_the_stored_values(signed_in, draft):
    text = page_text(signed_in.get(url("staff-edit", draft.pk)))
    opens = timezone.localtime(draft.opens_at)
    assert 'value="Short breaks review"' in text
    assert f'value="{opens:%H:%M}"' in text
    assert f'value="{opens.year}"' in text
    assert "Changes are public" not in text


def test_editing_saves_the_details_and_keeps_the_state(signed_in, draft, team, area):
    response = signed_in.post(url("staff-edit", draft.pk), form_data(team, area, title="New title", slug=draft.slug))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "New title"
    assert draft.published_at is None


def test_a_published_consultation_warns_that_changes_are_public_and_keeps_its_web_address(signed_in, team, area):
    consultation = ConsultationFactory(team=team, service_area=area, slug="fixed-address")
    response = signed_in.get(url("staff-edit", consultation.pk))
    assert "Changes are public as soon as you save them" in page_text(response)
    data = form_data(team, area, title="Renamed", slug="new-address")
    response = signed_in.post(url("staff-edit", consultation.pk), data, follow=True)
    consultation.refresh_from_db()
    assert consultation.title == "Renamed"
    assert consultation.slug == "fixed-address"  # the field is disabled; what was posted is ignored
    assert "They are on the public page now" in page_text(response)


def test_a_withdrawn_consultation_cannot_be_edited(signed_in, team, area):
    consultation = ConsultationFactory(team=team, service_area=area, withdrawn=True)
    response = signed_in.post(url("staff-edit", consultation.pk), form_data(team, area), follow=True)
    assert "A withdrawn consultation cannot be changed." in page_text(response)
    consultation.refresh_from_db()
    assert consultation.title != "Short breaks: how they are booked"


def test_a_missing_consultation_is_a_404(signed_in):
    assert signed_in.get(url("staff-overview", 999999)).status_code == 404
    assert signed_in.get(url("staff-edit", 999999)).status_code == 404


# --- The overview ------------------------------------------------------------------------------------------


def test_the_overview_shows_details_questions_by_page_and_documents(signed_in, draft):
    QuestionFactory(consultation=draft, page=1, text="How easy is booking?", kind=QuestionKind.AGREEMENT)
    QuestionFactory(
        consultation=draft,
        page=2,
        text="When do you need a break?",
        kind=QuestionKind.SINGLE_CHOICE,
        help_text="Pick one.",
        required=True,
    )
    services.document_add(
        user=editor(), consultation=draft, title="Easy-read proposal", upload=upload(content=PDF * 6000), easy_read=True
    )
    size = filesizeformat(len(PDF) * 6000)
    text = page_text(signed_in.get(url("staff-overview", draft.pk)))
    assert "<h1" in text and text.count("<h1") == 1
    assert ">Draft<" in text
    assert "Page 1" in text and "Page 2" in text
    assert "Agreement scale" in text and "Strongly agree" in text
    assert "Single choice" in text and "Weekends" in text and "Pick one." in text and "Required" in text
    assert "Easy-read proposal" in text and "Easy read" in text
    assert f"PDF, {size}" in text and "KB" in size
    assert "Publish consultation" in text
    assert url("staff-edit", draft.pk) + "#id_title" in text


def test_a_locked_consultation_explains_why_questions_cannot_change(signed_in, team, area):
    consultation = ConsultationFactory(team=team, service_area=area)
    question = QuestionFactory(consultation=consultation)
    ResponseFactory(consultation=consultation, draft=True)  # someone has started: that is enough
    text = page_text(signed_in.get(url("staff-overview", consultation.pk)))
    assert "Questions cannot be changed once people have started responding" in text
    assert url("staff-question-create", consultation.pk) not in text
    assert url("staff-question-edit", consultation.pk, question.pk) not in text
    assert url("staff-question-move", consultation.pk, question.pk) not in text


def test_the_overview_makes_the_same_queries_for_10_and_1000_rows(signed_in, team, area, django_assert_max_num_queries):
    consultation = ConsultationFactory(team=team, service_area=area)

    def add_rows(count):
        Question.objects.bulk_create(
            [
                Question(consultation=consultation, page=n % 20 + 1, position=n, kind="long_text", text=f"Q{n}")
                for n in range(count)
            ]
        )
        Document.objects.bulk_create(
            [
                Document(
                    consultation=consultation, title=f"D{n}", file=f"d{n}.pdf", content_type="application/pdf", size=n
                )
                for n in range(count)
            ]
        )
        Response.objects.bulk_create(
            [
                Response(consultation=consultation, reference=f"R-{count}-{n}", submitted_at=timezone.now())
                for n in range(count)
            ]
        )

    add_rows(10)
    with_ten = count_queries(signed_in, url("staff-overview", consultation.pk))
    add_rows(990)
    # session, user, consultation with team and service area, whether any response exists (locked
    # questions), questions, documents, count of submitted responses (the user's rights are kept)
    with django_assert_max_num_queries(7):
        signed_in.get(url("staff-overview", consultation.pk))
    assert count_queries(signed_in, url("staff-overview", consultation.pk)) == with_ten


# --- Questions ---------------------------------------------------------------------------------------------


def question_data(**overrides):
    return {
        "kind": "short_text",
        "text": "What works well?",
        "help_text": "",
        "required": "True",
        "page": "1",
    } | overrides


@pytest.mark.parametrize("kind", [k.value for k in QuestionKind])
def test_each_kind_of_question_can_be_added(signed_in, draft, kind):
    data = question_data(kind=kind, choices_text="Weekends\nHolidays\n\n After school ")
    response = signed_in.post(url("staff-question-create", draft.pk), data)
    assert response.status_code == 302
    question = draft.questions.get()
    assert question.kind == kind and question.required
    if kind in ("single_choice", "multiple_choice"):
        assert question.options == ["Weekends", "Holidays", "After school"]
    else:
        assert question.options == []  # typed choices are ignored for the other kinds


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"kind": ""}, "kind", "Select the type of question"),
        ({"kind": "essay"}, "kind", "Select the type of question"),
        ({"text": ""}, "text", "Enter the question"),
        ({"text": "x" * 501}, "text", "The question must be 500 characters or fewer"),
        ({"help_text": "x" * 501}, "help_text", "The hint must be 500 characters or fewer"),
        ({"required": ""}, "required", "Select yes if people must answer the question"),
        ({"page": ""}, "page", "Enter the page number"),
        ({"page": "0"}, "page", "The page number must be between 1 and 20"),
        ({"page": "21"}, "page", "The page number must be between 1 and 20"),
        ({"page": "two"}, "page", "The page number must be a number, like 2"),
        (
            {"kind": "single_choice", "choices_text": "Only one"},
            "choices_text",
            "Enter at least 2 choices, each on its own line",
        ),
        (
            {"kind": "multiple_choice", "choices_text": "\n".join(f"Choice {n}" for n in range(21))},
            "choices_text",
            "Enter no more than 20 choices",
        ),
        (
            {"kind": "single_choice", "choices_text": "Short\n" + "x" * 201},
            "choices_text",
            "Each choice must be 200 characters or fewer",
        ),
        (
            {"kind": "single_choice", "choices_text": "Weekends\nweekends"},
            "choices_text",
            "Each choice must be different: “weekends” is there twice",
        ),
    ],
)
def test_each_invalid_question_field_gets_a_message_and_keeps_what_was_typed(
    signed_in, draft, overrides, field, message
):
    data = question_data(help_text="Think about last year.") | overrides
    response = signed_in.post(url("staff-question-create", draft.pk), data)
    assert response.status_code == 200
    assert errors_of(response)[field] == [message]
    if "help_text" not in overrides:
        assert "Think about last year." in page_text(response)
    assert not draft.questions.exists()


def test_editing_a_question_shows_its_choices_one_per_line(signed_in, draft):
    question = QuestionFactory(consultation=draft, kind="single_choice", options=["Weekends", "Holidays"])
    text = page_text(signed_in.get(url("staff-question-edit", draft.pk, question.pk)))
    assert "Weekends\nHolidays" in text
    data = question_data(kind="single_choice", text="When?", choices_text="Mornings\nEvenings")
    signed_in.post(url("staff-question-edit", draft.pk, question.pk), data)
    question.refresh_from_db()
    assert question.text == "When?" and question.options == ["Mornings", "Evenings"]


def test_a_question_of_another_consultation_is_a_404(signed_in, draft, team, area):
    elsewhere = QuestionFactory(consultation=ConsultationFactory(team=team, service_area=area))
    for name in ("staff-question-edit", "staff-question-delete"):
        assert signed_in.get(url(name, draft.pk, elsewhere.pk)).status_code == 404
    assert signed_in.post(url("staff-question-move", draft.pk, elsewhere.pk), {"direction": "up"}).status_code == 404
    assert signed_in.post(url("staff-question-delete", draft.pk, elsewhere.pk)).status_code == 404
    assert Question.objects.filter(pk=elsewhere.pk).exists()


def test_questions_move_up_and_down_within_their_page(signed_in, draft):
    first, second, third = (QuestionFactory(consultation=draft, page=1, position=n) for n in range(3))
    signed_in.post(url("staff-question-move", draft.pk, third.pk), {"direction": "up"})
    assert list(draft.questions.values_list("pk", flat=True)) == [first.pk, third.pk, second.pk]
    signed_in.post(url("staff-question-move", draft.pk, first.pk), {"direction": "down"})
    assert list(draft.questions.values_list("pk", flat=True)) == [third.pk, first.pk, second.pk]
    signed_in.post(url("staff-question-move", draft.pk, first.pk), {"direction": "sideways"})
    assert list(draft.questions.values_list("pk", flat=True)) == [third.pk, first.pk, second.pk]


def test_deleting_a_question_asks_first(signed_in, draft):
    question = QuestionFactory(consultation=draft, text="Is this needed?")
    response = signed_in.get(url("staff-question-delete", draft.pk, question.pk))
    assert "Delete this question?" in page_text(response) and "Is this needed?" in page_text(response)
    assert draft.questions.exists()
    response = signed_in.post(url("staff-question-delete", draft.pk, question.pk), follow=True)
    assert "Question deleted." in page_text(response)
    assert not draft.questions.exists()


def test_questions_cannot_change_once_someone_has_responded(signed_in, team, area):
    consultation = ConsultationFactory(team=team, service_area=area)
    question = QuestionFactory(consultation=consultation, page=1, text="Original")
    other = QuestionFactory(consultation=consultation, page=1)
    ResponseFactory(consultation=consultation)
    locked = "Questions cannot be changed once people have started responding"
    for path in (
        url("staff-question-create", consultation.pk),
        url("staff-question-edit", consultation.pk, question.pk),
        url("staff-question-delete", consultation.pk, question.pk),
    ):
        response = signed_in.get(path, follow=True)
        assert locked in page_text(response), path
    signed_in.post(url("staff-question-edit", consultation.pk, question.pk), question_data(text="Changed"))
    signed_in.post(url("staff-question-create", consultation.pk), question_data(text="Added"))
    signed_in.post(url("staff-question-move", consultation.pk, question.pk), {"direction": "down"})
    response = signed_in.post(url("staff-question-delete", consultation.pk, question.pk), follow=True)
    assert locked in page_text(response)
    question.refresh_from_db()
    assert question.text == "Original"
    assert list(consultation.questions.values_list("pk", flat=True)) == [question.pk, other.pk]


# --- Documents ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "stored_type", "shown"),
    [
        ("proposal.pdf", PDF, "application/pdf", "PDF"),
        ("Easy Read.PNG", PNG, "image/png", "PNG image"),
        ("notes.txt", "Plain words, café.".encode(), "text/plain", "Text"),
        (
            "plan.docx",
            b"PK\x03\x04" + b"\x00" * 40,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word",
        ),
        ("plan.odt", b"PK\x03\x04" + b"\x00" * 40, "application/vnd.oasis.opendocument.text", "OpenDocument"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 40, "image/jpeg", "JPEG image"),
    ],
)
def test_allowed_documents_are_stored_with_their_type_and_size(signed_in, draft, name, content, stored_type, shown):
    # The browser's content type is not trusted: it is worked out from the name and checked against the contents.
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    response = signed_in.post(
        url("staff-document-create", draft.pk), {"title": "Proposal", "file": file, "easy_read": "on"}
    )
    assert response.status_code == 302
    document = draft.documents.get()
    assert document.content_type == stored_type and document.size == len(content) and document.easy_read
    text = page_text(signed_in.get(url("staff-overview", draft.pk)))
    assert f"{shown}, {filesizeformat(len(content))}" in text


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00", "application/pdf"), "The file must be a PDF, Word document"),
        (SimpleUploadedFile("page.html", b"<script>", "text/html"), "The file must be a PDF, Word document"),
        (SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"), "does not look like a PDF file"),
        (SimpleUploadedFile("binary.txt", b"\x00\x01\x02", "text/plain"), "does not look like a TXT file"),
        (SimpleUploadedFile("empty.pdf", b"", "application/pdf"), "The selected file is empty"),
    ],
)
def test_other_kinds_of_file_are_refused_with_a_clear_message(signed_in, draft, file, message):
    response = signed_in.post(url("staff-document-create", draft.pk), {"title": "Typed title", "file": file})
    assert response.status_code == 200
    assert message in errors_of(response)["file"][0]
    assert 'value="Typed title"' in page_text(response)
    assert not draft.documents.exists()


def test_a_file_over_20_mb_is_refused(signed_in, draft):
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (20 * 1024 * 1024), "application/pdf")
    response = signed_in.post(url("staff-document-create", draft.pk), {"title": "Big", "file": big})
    assert errors_of(response)["file"] == ["The file must be smaller than 20 MB (this one is 20.0\xa0MB)"]
    assert not draft.documents.exists()


def test_a_document_needs_a_title_and_a_file(signed_in, draft):
    response = signed_in.post(url("staff-document-create", draft.pk), {"title": "x" * 201})
    assert errors_of(response) == {
        "title": ["The title must be 200 characters or fewer"],
        "file": ["Select a file to upload"],
    }


def test_deleting_a_document_asks_first_and_removes_the_file(signed_in, draft, tmp_path):
    document = services.document_add(
        user=editor(), consultation=draft, title="Proposal", upload=upload(), easy_read=False
    )
    path = tmp_path / document.file.name
    assert path.exists()
    assert "Delete this document?" in page_text(signed_in.get(url("staff-document-delete", draft.pk, document.pk)))
    signed_in.post(url("staff-document-delete", draft.pk, document.pk))
    assert not draft.documents.exists()
    assert not path.exists()


def test_a_pdf_opens_in_the_browser_and_other_documents_download(signed_in, draft):
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = services.document_add(
        user=editor(), consultation=draft, title="Proposal", upload=upload(), easy_read=False
    )
    response = signed_in.get(url("staff-document", draft.pk, document.pk))
    assert response["Content-Disposition"].startswith('inline; filename="proposal')
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    word = services.document_add(
        user=editor(),
        consultation=draft,
        title="Letter",
        easy_read=False,
        upload=SimpleUploadedFile("letter.txt", b"Dear parent", "text/plain"),
    )
    download = signed_in.get(url("staff-document", draft.pk, word.pk))
    assert download["Content-Disposition"].startswith('attachment; filename="letter')


def test_a_document_of_another_consultation_is_a_404(signed_in, draft, team, area):
    other = ConsultationFactory(team=team, service_area=area)
    document = services.document_add(user=editor(), consultation=other, title="Other", upload=upload(), easy_read=False)
    assert signed_in.get(url("staff-document", draft.pk, document.pk)).status_code == 404
    assert signed_in.post(url("staff-document-delete", draft.pk, document.pk)).status_code == 404
    assert Document.objects.filter(pk=document.pk).exists()


# --- Preview, publish, withdraw ----------------------------------------------------------------------------


def test_the_preview_is_the_public_page_marked_as_a_preview(signed_in, draft):
    QuestionFactory(consultation=draft)
    response = signed_in.get(url("staff-preview", draft.pk))
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "consultations/public/detail.html"
    assert response.context["preview"] is True
    assert response.context["consultation"] == draft
    assert "This is a preview" in page_text(response)


def test_publishing_without_questions_says_why_on_the_overview(signed_in, draft):
    response = signed_in.post(url("staff-publish", draft.pk), follow=True)
    assert response.status_code == 200
    assert "Add at least one question before publishing." in page_text(response)
    draft.refresh_from_db()
    assert draft.published_at is None


def test_publishing_after_the_closing_date_says_why(signed_in, team, area):
    consultation = ConsultationFactory(team=team, service_area=area, draft=True, closed=True, published_at=None)
    QuestionFactory(consultation=consultation)
    response = signed_in.post(url("staff-publish", consultation.pk), follow=True)
    assert "The closing date has passed. Change it before publishing." in page_text(response)
    consultation.refresh_from_db()
    assert consultation.published_at is None


def test_publishing_for_children_without_the_lundy_details_says_why(signed_in, team, area):
    consultation = ConsultationFactory(team=team, service_area=area, draft=True, for_young_people=True)
    QuestionFactory(consultation=consultation)
    response = signed_in.post(url("staff-publish", consultation.pk), follow=True)
    assert "Say who will decide" in page_text(response)


def test_publishing_a_ready_draft(signed_in, draft):
    QuestionFactory(consultation=draft)
    response = signed_in.post(url("staff-publish", draft.pk), follow=True)
    assert "Consultation published. It is open for responses now." in page_text(response)
    draft.refresh_from_db()
    assert draft.published_at is not None
    assert "Publish consultation" not in page_text(response)
    response = signed_in.post(url("staff-publish", draft.pk), follow=True)
    assert "already published" in page_text(response)


def test_a_get_to_publish_changes_nothing(signed_in, draft):
    QuestionFactory(consultation=draft)
    assert signed_in.get(url("staff-publish", draft.pk)).status_code == 302
    draft.refresh_from_db()
    assert draft.published_at is None


def test_withdrawing_needs_a_reason_and_is_shown_on_the_overview(signed_in, team, area):
    consultation = ConsultationFactory(team=team, service_area=area)
    response = signed_in.post(url("staff-withdraw", consultation.pk), {"reason": "  "})
    assert errors_of(response) == {"reason": ["Enter why the consultation is being withdrawn"]}
    response = signed_in.post(url("staff-withdraw", consultation.pk), {"reason": "x" * 2001})
    assert errors_of(response) == {"reason": ["The reason must be 2000 characters or fewer"]}
    response = signed_in.post(
        url("staff-withdraw", consultation.pk), {"reason": "The proposal was dropped."}, follow=True
    )
    text = page_text(response)
    assert "Consultation withdrawn." in text and "The proposal was dropped." in text and ">Withdrawn<" in text
    consultation.refresh_from_db()
    assert consultation.withdrawn_at is not None
    assert "Withdraw</a>" not in text


def test_only_a_published_consultation_can_be_withdrawn(signed_in, draft):
    response = signed_in.get(url("staff-withdraw", draft.pk), follow=True)
    assert "Only a published consultation can be withdrawn." in page_text(response)
    signed_in.post(url("staff-withdraw", draft.pk), {"reason": "Why not"})
    draft.refresh_from_db()
    assert draft.withdrawn_at is None


# --- The administration site -------------------------------------------------------------------------------


def test_administrators_keep_service_areas_and_read_consultations_in_the_admin(client, administrator, world):
    administrator.is_staff = True
    administrator.save(update_fields=["is_staff"])
    client.force_login(administrator)
    consultation = world["consultation"]
    flag = services.safeguarding_flag_raise(
        response=ResponseFactory(consultation=consultation),
        raised_by=administrator,
        reason="Mentions harm.",
        moment=timezone.now(),
    )
    for path in (
        "/admin/consultations/servicearea/",
        "/admin/consultations/servicearea/add/",
        "/admin/consultations/consultation/",
        "/admin/consultations/consultation/?state=draft",
        f"/admin/consultations/consultation/{consultation.pk}/change/",
        "/admin/consultations/safeguardingflag/",
        f"/admin/consultations/safeguardingflag/{flag.pk}/change/",
        "/admin/consultations/subscription/",
        "/admin/consultations/subscription/add/",
    ):
        assert client.get(path).status_code == 200, path
    text = page_text(client.get(f"/admin/consultations/consultation/{consultation.pk}/change/"))
    assert url("staff-overview", consultation.pk) in text
    assert 'name="title"' not in text  # read-only: no inputs to change it here
    assert client.get("/admin/consultations/consultation/add/").status_code == 403
    assert client.get("/admin/consultations/safeguardingflag/add/").status_code == 403
    assert client.post(f"/admin/consultations/safeguardingflag/{flag.pk}/delete/").status_code == 403
    response = client.post(
        "/admin/consultations/servicearea/add/", {"name": "Transport", "slug": "transport"}, follow=True
    )
    assert response.status_code == 200
    assert ServiceArea.objects.filter(slug="transport").exists()


def test_publishing_an_upcoming_consultation_says_when_it_opens(signed_in, team, area):
    consultation = ConsultationFactory(team=team, service_area=area, draft=True, upcoming=True, published_at=None)
    QuestionFactory(consultation=consultation)
    response = signed_in.post(url("staff-publish", consultation.pk), follow=True)
    text = page_text(response)
    assert "Consultation published. It opens for responses at" in text
    assert ">Upcoming<" in text


def test_someone_in_one_team_has_it_chosen_for_them(signed_in, team):
    response = signed_in.get(url("staff-create"))
    assert response.context["form"].initial["team"] == team.pk
    assert response.context["form"].initial.get("anonymous_allowed") is None  # radios start unselected


def test_the_choices_box_is_marked_to_show_only_for_single_and_multiple_choice(signed_in, draft):
    html = signed_in.get(url("staff-question-create", draft.pk)).content.decode()
    # Without JavaScript the box is there, and its label says when it applies.
    assert 'data-app-show-for-name="kind" data-app-show-for-values="single_choice multiple_choice"' in html
    assert "Choices (for single and multiple choice questions)" in html
