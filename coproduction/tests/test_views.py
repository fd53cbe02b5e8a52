"""The staff pages: who sees and changes what, searches and filters, errors beside fields, query budgets."""

from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from coproduction.models import ActionStatus, Membership, Participant, ParticipationGroup, Reply

from .factories import (
    ActionFactory,
    InvitationFactory,
    MembershipFactory,
    ParticipantFactory,
    ParticipationGroupFactory,
    SessionFactory,
)

MARKUP = '<script>alert("x")</script>'


def test_every_section_page_answers_for_staff(staff_client, staff, group):
    client = staff_client(staff)
    membership = MembershipFactory(group=group, participant=ParticipantFactory(team=group.team))
    urls = [
        reverse("coproduction:index"),
        reverse("coproduction:groups"),
        reverse("coproduction:group-create"),
        reverse("coproduction:group", args=[group.pk]),
        reverse("coproduction:group-edit", args=[group.pk]),
        reverse("coproduction:group-close", args=[group.pk]),
        reverse("coproduction:membership-add", args=[group.pk]),
        reverse("coproduction:membership-end", args=[group.pk, membership.pk]),
        reverse("coproduction:participants"),
        reverse("coproduction:participant-create"),
        reverse("coproduction:participant", args=[membership.participant_id]),
        reverse("coproduction:participant-edit", args=[membership.participant_id]),
        reverse("coproduction:import"),
        reverse("coproduction:import-template"),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_staff_create_a_group_and_see_errors_beside_fields(staff_client, staff, team):
    client = staff_client(staff)
    response = client.post(reverse("coproduction:group-create"), {"name": "", "team": team.pk})
    page = response.content.decode()
    assert "There is a problem" in page and "Enter the group&#x27;s name" in page
    response = client.post(
        reverse("coproduction:group-create"),
        {
            "name": "Youth voice",
            "kind": "youth_forum",
            "purpose": "Young people",
            "bench_level": "service",
            "team": team.pk,
        },
    )
    group = ParticipationGroup.objects.get()
    assert response.url == reverse("coproduction:group", args=[group.pk])


def test_another_teams_staff_read_but_cannot_change_a_group(staff_client, make_user, other_team, group):
    client = staff_client(make_user(Role.STAFF, teams=[other_team]))
    assert client.get(reverse("coproduction:group", args=[group.pk])).status_code == 200
    assert client.get(reverse("coproduction:group-edit", args=[group.pk])).status_code == 403
    assert client.post(reverse("coproduction:group-close", args=[group.pk])).status_code == 403
    assert client.get(reverse("coproduction:membership-add", args=[group.pk])).status_code == 403


def test_closing_a_group_from_its_page(staff_client, staff, group):
    response = staff_client(staff).post(reverse("coproduction:group-close", args=[group.pk]))
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.is_closed


def test_adding_and_ending_a_membership(staff_client, staff, group, team):
    person = ParticipantFactory(team=team, full_name="Robin Hart")
    client = staff_client(staff)
    page = client.get(reverse("coproduction:membership-add", args=[group.pk]), {"q": "robin"}).content.decode()
    assert "Robin Hart" in page
    response = client.post(
        reverse("coproduction:membership-add", args=[group.pk]),
        {"participant": person.pk, "role": "chair", "starts_on_0": "1", "starts_on_1": "3", "starts_on_2": "2026"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get()
    response = client.post(
        reverse("coproduction:membership-end", args=[group.pk, membership.pk]),
        {"ends_on_0": "1", "ends_on_1": "2", "ends_on_2": "2026"},
    )
    assert "The last day must be on or after the day they joined" in response.content.decode()
    client.post(
        reverse("coproduction:membership-end", args=[group.pk, membership.pk]),
        {"ends_on_0": "1", "ends_on_1": "4", "ends_on_2": "2026"},
    )
    membership.refresh_from_db()
    assert membership.ends_on == date(2026, 4, 1)


def test_details_are_shown_and_logged_only_for_those_who_may_see_them(staff_client, make_user, staff, team, other_team):
    person = ParticipantFactory(team=team, email="robin@example.com", access_needs="BSL", access_needs_consent=True)
    url = reverse("coproduction:participant", args=[person.pk])
    outsider = make_user(Role.STAFF, teams=[other_team])
    page = staff_client(outsider).get(url).content.decode()
    assert "robin@example.com" not in page and "BSL" not in page
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()
    assert staff_client(outsider).get(reverse("coproduction:participant-edit", args=[person.pk])).status_code == 403
    page = staff_client(staff).get(url).content.decode()
    assert "robin@example.com" in page and "BSL" in page
    assert LogEntry.objects.get(action=LogEntry.Action.ACCESS).actor == staff


def test_text_people_wrote_is_never_markup(staff_client, staff, team):
    group = ParticipationGroupFactory(team=team, name=MARKUP, purpose=MARKUP)
    person = ParticipantFactory(team=team, full_name=MARKUP, organisation=MARKUP)
    MembershipFactory(group=group, participant=person)
    client = staff_client(staff)
    for url in (
        reverse("coproduction:groups"),
        reverse("coproduction:group", args=[group.pk]),
        reverse("coproduction:participants"),
        reverse("coproduction:participant", args=[person.pk]),
    ):
        page = client.get(url).content.decode()
        assert MARKUP not in page and "&lt;script&gt;" in page, url


def test_lists_search_and_filter(staff_client, staff, team, other_team):
    ParticipationGroupFactory(team=team, name="Youth voice", kind="youth_forum")
    ParticipationGroupFactory(team=other_team, name="SEND board", kind="partnership_board")
    client = staff_client(staff)
    page = client.get(reverse("coproduction:groups"), {"q": "youth"}).content.decode()
    assert "Youth voice" in page and "SEND board" not in page
    page = client.get(reverse("coproduction:groups"), {"kind": "partnership_board"}).content.decode()
    assert "SEND board" in page and "Youth voice" not in page
    ParticipantFactory(full_name="Ann Young", role="young_person")
    ParticipantFactory(full_name="Bob Carer")
    page = client.get(reverse("coproduction:participants"), {"role": "young_person"}).content.decode()
    assert "Ann Young" in page and "Bob Carer" not in page


def upload(name: str, text: str):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_importing_a_file_with_a_bad_row_names_the_line_and_saves_nothing(staff_client, staff, group):
    client = staff_client(staff)
    bad = "full_name,role,email\nAnn,parent carer,ann@example.com\nBob,wizard,bob@example.com\n"
    response = client.post(reverse("coproduction:import"), {"file": upload("members.csv", bad), "group": group.pk})
    page = response.content.decode()
    assert "The file was not imported" in page and "Line 3: the role must be" in page
    assert not Participant.objects.exists()
    good = bad.replace("wizard", "young person")
    response = client.post(reverse("coproduction:import"), {"file": upload("members.csv", good), "group": group.pk})
    assert response.url == reverse("coproduction:group", args=[group.pk])
    assert group.memberships.count() == 2


def test_the_template_downloads_as_csv(staff_client, staff):
    response = staff_client(staff).get(reverse("coproduction:import-template"))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().startswith("full_name,role,email,reference")


@pytest.mark.parametrize("rows", [10, 1000])
def test_group_list_query_count_is_flat(staff_client, staff, team, rows, django_assert_max_num_queries):
    ParticipationGroup.objects.bulk_create(
        ParticipationGroup(name=f"Group {n}", kind="youth_forum", purpose="x", bench_level="service", team=team)
        for n in range(rows)
    )
    client = staff_client(staff)
    # session, user, its permissions (2), roles, count, page of groups with teams and member counts, filter's teams
    with django_assert_max_num_queries(8):
        assert client.get(reverse("coproduction:groups")).status_code == 200


def bulk_members(group, team, rows):
    people = Participant.objects.bulk_create(
        Participant(full_name=f"Person {n}", role="parent_carer", email=f"p{n}@example.com", team=team)
        for n in range(rows)
    )
    Membership.objects.bulk_create(
        Membership(group=group, participant=person, role="member", starts_on=date(2026, 1, 1)) for person in people
    )


@pytest.mark.parametrize("rows", [10, 1000])
def test_group_page_query_count_is_flat(staff_client, staff, team, group, rows, django_assert_max_num_queries):
    bulk_members(group, team, rows)
    client = staff_client(staff)
    # session, user, its permissions (2), roles, group with team, user's teams, count, page of members with
    # their participants
    with django_assert_max_num_queries(9):
        assert client.get(reverse("coproduction:group", args=[group.pk])).status_code == 200


@pytest.mark.parametrize("rows", [10, 1000])
def test_participant_list_query_count_is_flat(staff_client, staff, team, group, rows, django_assert_max_num_queries):
    bulk_members(group, team, rows)
    client = staff_client(staff)
    # session, user, its permissions (2), roles, count, page of participants with teams and group counts,
    # filter's teams
    with django_assert_max_num_queries(8):
        assert client.get(reverse("coproduction:participants")).status_code == 200


@pytest.mark.parametrize("rows", [10, 1000])
def test_participant_page_query_count_is_flat(staff_client, staff, team, rows, django_assert_max_num_queries):
    person = ParticipantFactory(team=team)
    groups = ParticipationGroup.objects.bulk_create(
        ParticipationGroup(name=f"Group {n}", kind="youth_forum", purpose="x", bench_level="service", team=team)
        for n in range(rows)
    )
    Membership.objects.bulk_create(
        Membership(group=g, participant=person, role="member", starts_on=date(2026, 1, 1)) for g in groups
    )
    session = SessionFactory(group=groups[0])
    for n in range(min(rows, 40)):
        ActionFactory(source_session=session, owner_participant=person, team=team)
        InvitationFactory(
            session=SessionFactory(group=groups[0], starts_at=session.starts_at + timedelta(days=n)), participant=person
        )
    client = staff_client(staff)
    # session, user, its permissions (2), roles, participant, user's teams, content type, audit entry,
    # memberships with groups (the first 50), actions with owners and sessions, invitations with sessions
    # (the first 20 of each)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("coproduction:participant", args=[person.pk])).content.decode()
    assert ("Only 20 are shown" in page) == (rows > 20)


def test_the_participant_page_lists_the_actions_they_own_and_their_invitations(staff_client, staff, team, group):
    person = ParticipantFactory(team=team)
    MembershipFactory(group=group, participant=person)
    session = SessionFactory(group=group, title="Autumn forum")
    ActionFactory(source_session=session, owner_participant=person, description="Write to the schools <b>now</b>")
    ActionFactory(source_session=session, owner_participant=person, description="Done one", status=ActionStatus.DONE)
    ActionFactory(source_session=session, owner_participant=ParticipantFactory(), description="Someone else's")
    InvitationFactory(session=SessionFactory(group=group, title="Winter forum"), participant=person, reply=Reply.NO)
    InvitationFactory(session=SessionFactory(group=group, title="Spring forum"), participant=person)
    page = staff_client(staff).get(reverse("coproduction:participant", args=[person.pk])).content.decode()
    actions = page.split('id="actions"')[1].split('id="invitations"')[0]
    assert "Write to the schools &lt;b&gt;now&lt;/b&gt;" in actions and "Done one" in actions
    assert actions.index("Write to the schools") < actions.index("Done one")  # open first
    assert "Someone else" not in actions
    invitations = page.split('id="invitations"')[1].split('id="recognition"')[0]
    assert "Winter forum" in invitations and "No, I cannot come" in invitations
    assert "Spring forum" in invitations and "No reply yet" in invitations


def test_a_closed_group_offers_no_changes(staff_client, staff, group):
    client = staff_client(staff)
    client.post(reverse("coproduction:group-close", args=[group.pk]))
    page = client.get(reverse("coproduction:group", args=[group.pk])).content.decode()
    assert "Closed on" in page and "Add a member" not in page and "Change details" not in page
    for name in ("group-edit", "group-close"):
        response = client.get(reverse(f"coproduction:{name}", args=[group.pk]), follow=True)
        assert response.redirect_chain[-1][0] == reverse("coproduction:group", args=[group.pk])
