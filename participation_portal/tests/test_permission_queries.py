"""Signed-in pages pay for the user's roles and permissions once per request at most: one query for
the role names and one for the permissions, shared by the staff guard, the views' checks and the
header's links."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from consultations.tests.factories import ConsultationFactory, QuestionFactory, bulk_responses

pytestmark = pytest.mark.django_db


def role_and_permission_queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries if "auth_group" in query["sql"] or "auth_permission" in query["sql"]]


@pytest.mark.parametrize("role", [Role.STAFF, Role.MANAGER, Role.ADMINISTRATOR])
@pytest.mark.parametrize("page", ["staff-dashboard", "consultations:staff-list", "consultation", "feedback:inbox"])
def test_a_staff_page_reads_roles_and_permissions_once(staff_client, make_user, team, role, page):
    consultation = ConsultationFactory(team=team)
    QuestionFactory(consultation=consultation)
    bulk_responses(consultation, 3)
    client = staff_client(make_user(role, teams=[team]))
    if page == "consultation":
        url = reverse("consultations:staff-overview", kwargs={"pk": consultation.pk})
    else:
        url = reverse(page)
    queries = role_and_permission_queries(client, url)
    # the user's role names (the staff guard, the header); their permissions (every has_perm after)
    assert len(queries) <= 2, queries


def test_a_participant_page_reads_roles_and_permissions_once(client, participant):
    client.force_login(participant)
    queries = role_and_permission_queries(client, reverse("consultations:your-responses"))
    assert len(queries) <= 1, queries  # the role names: a participant's header needs no permission


def test_permissions_are_still_those_of_the_roles_and_the_user(make_user, team):
    staff = make_user(Role.STAFF, teams=[team])
    assert staff.has_perm("accounts.access_staff_area") and not staff.has_perm("accounts.work_across_teams")
    staff = type(staff).objects.get(pk=staff.pk)  # a new request: nothing kept from before
    staff.user_permissions.add(Permission.objects.get(codename="work_across_teams"))
    assert staff.get_all_permissions() >= {"accounts.access_staff_area", "accounts.work_across_teams"}
