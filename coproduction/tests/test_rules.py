"""Who may do what, as a matrix of role and whose group or participant it is."""

import pytest

from accounts.roles import Role
from coproduction.tests.factories import MembershipFactory, ParticipantFactory, ParticipationGroupFactory


@pytest.fixture
def own_group(team):
    return ParticipationGroupFactory(team=team)


@pytest.fixture
def other_group(other_team):
    return ParticipationGroupFactory(team=other_team)


@pytest.mark.parametrize(
    ("role", "read", "edit_own", "edit_other"),
    [
        (None, False, False, False),
        (Role.PARTICIPANT, False, False, False),
        (Role.STAFF, True, True, False),
        (Role.MANAGER, True, True, True),
        (Role.ADMINISTRATOR, True, True, True),
    ],
)
def test_groups(make_user, team, own_group, other_group, role, read, edit_own, edit_other):
    user = make_user(role, teams=[team])
    assert user.has_perm("coproduction.read_group", own_group) is read
    assert user.has_perm("coproduction.edit_group", own_group) is edit_own
    assert user.has_perm("coproduction.edit_group", other_group) is edit_other


@pytest.mark.parametrize(
    ("role", "recorded_by_us", "in_our_group", "in_their_group_only"),
    [
        (None, False, False, False),
        (Role.PARTICIPANT, False, False, False),
        (Role.STAFF, True, True, False),
        (Role.MANAGER, True, True, True),
        (Role.ADMINISTRATOR, True, True, True),
    ],
)
def test_participant_details(
    make_user, team, other_team, own_group, other_group, role, recorded_by_us, in_our_group, in_their_group_only
):
    user = make_user(role, teams=[team])
    ours = ParticipantFactory(team=team)
    joined_ours = MembershipFactory(group=own_group, participant=ParticipantFactory(team=other_team)).participant
    theirs = MembershipFactory(group=other_group, participant=ParticipantFactory(team=other_team)).participant
    for perm in ("coproduction.view_participant_details", "coproduction.edit_participant"):
        assert user.has_perm(perm, ours) is recorded_by_us
        assert user.has_perm(perm, joined_ours) is in_our_group
        assert user.has_perm(perm, theirs) is in_their_group_only
