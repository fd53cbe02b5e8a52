"""A user's rights are read once across requests, and any change to them shows on the next request."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.rights import rights_of
from accounts.roles import Role, capabilities, has_staff_role, team_ids
from accounts.tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

WORK_ACROSS_TEAMS = "accounts.work_across_teams"
OWN = "short-breaks-team"  # the slug of the team the member is in


def as_next_request(user) -> User:
    """The user as the next request loads them, from their row."""
    return User.objects.get(pk=user.pk)


def permission(name: str) -> Permission:
    app_label, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@pytest.fixture
def member(make_user, team):
    return make_user(Role.STAFF, teams=[team])


def test_rights_are_read_once_and_kept_for_the_requests_that_follow(member, team):
    rights_of(as_next_request(member))
    with CaptureQueriesContext(connection) as queries:
        user = as_next_request(member)
        can = capabilities(user)
        assert user.has_perm("accounts.access_staff_area") and has_staff_role(user)
        assert team_ids(user) == {team.pk}
    assert len(queries) == 1  # the user row alone
    assert can.staff_area and not can.all_teams


def test_another_users_rights_are_their_own(member, make_user, other_team):
    rights_of(as_next_request(member))
    participant = as_next_request(make_user(Role.PARTICIPANT, teams=[other_team]))
    assert not has_staff_role(participant) and team_ids(participant) == {other_team.pk}


def role(name: Role) -> Group:
    return Group.objects.get(name=name)


CHANGES = {
    "role given": (lambda user, team: user.groups.add(role(Role.MANAGER)), True, {OWN}),
    "role given from the role's side": (
        lambda user, team: role(Role.MANAGER).user_set.add(user),
        True,
        {OWN},
    ),
    "permission given to the user": (
        lambda user, team: user.user_permissions.add(permission(WORK_ACROSS_TEAMS)),
        True,
        {OWN},
    ),
    "permission given to their role": (
        lambda user, team: role(Role.STAFF).permissions.add(permission(WORK_ACROSS_TEAMS)),
        True,
        {OWN},
    ),
    "permission given to their role from the permission's side": (
        lambda user, team: permission(WORK_ACROSS_TEAMS).group_set.add(role(Role.STAFF)),
        True,
        {OWN},
    ),
    "team added": (lambda user, team: user.teams.add(TeamFactory(slug="new")), False, {OWN, "new"}),
    "team taken away": (lambda user, team: user.teams.remove(team), False, set()),
    "team emptied from the team's side": (lambda user, team: team.members.clear(), False, set()),
    "team deleted": (lambda user, team: team.delete(), False, set()),
    "made a superuser": (
        lambda user, team: User.objects.filter(pk=user.pk).update(is_superuser=True),
        True,
        {OWN},
    ),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_a_change_to_a_users_rights_shows_on_their_next_request(member, team, change):
    rights_of(as_next_request(member))
    make_change, across_teams, teams = CHANGES[change]
    make_change(member, team)
    user = as_next_request(member)
    assert user.has_perm(WORK_ACROSS_TEAMS) is across_teams
    assert team_ids(user) == {pk for slug, pk in user.teams.values_list("slug", "pk") if slug in teams}
    assert {slug for slug, _pk in user.teams.values_list("slug", "pk")} == teams


TAKEN_AWAY = {
    "role taken away": lambda user: user.groups.remove(role(Role.STAFF)),
    "roles cleared": lambda user: user.groups.clear(),
    "role emptied from the role's side": lambda user: role(Role.STAFF).user_set.clear(),
    "role's permission taken away": lambda user: role(Role.STAFF).permissions.remove(
        permission("accounts.access_staff_area")
    ),
    "role's permissions cleared from the permission's side": lambda user: permission(
        "accounts.access_staff_area"
    ).group_set.clear(),
    "role deleted": lambda user: role(Role.STAFF).delete(),
    "permission deleted": lambda user: permission("accounts.access_staff_area").delete(),
}


@pytest.mark.parametrize("change", TAKEN_AWAY, ids=list(TAKEN_AWAY))
def test_a_right_taken_away_is_gone_on_the_next_request(member, change):
    assert capabilities(as_next_request(member)).staff_area
    TAKEN_AWAY[change](member)
    user = as_next_request(member)
    assert not user.has_perm("accounts.access_staff_area")
    if change != "role's permission taken away" and "permission" not in change:
        assert not has_staff_role(user)


def test_a_renamed_role_is_no_longer_that_role(member):
    assert has_staff_role(as_next_request(member))
    staff = role(Role.STAFF)
    staff.name = "Former staff"
    staff.save()
    assert not has_staff_role(as_next_request(member))


def test_the_request_that_makes_a_change_sees_it_at_once(member):
    assert not member.has_perm(WORK_ACROSS_TEAMS)
    member.groups.add(role(Role.MANAGER))
    assert member.has_perm(WORK_ACROSS_TEAMS)
