"""Who may do what with participation groups and participants.

Every staff role reads every team's groups and who is in them. A group is changed by staff of its
owning team (and managers and administrators, who work across teams). A participant's personal
details (contact details, access needs, consent) are seen and changed only by staff of a team that
recorded them or runs a group they belong to (now or before), and by managers and administrators.
"""

import rules

from accounts.roles import in_owning_team, is_staff_member, team_ids, works_across_teams


@rules.predicate
def knows_participant(user, participant) -> bool:
    """The participant was recorded by, or is in a group of, one of the user's teams."""
    if participant is None:
        return False
    teams = team_ids(user)
    if not teams:
        return False
    if participant.team_id in teams:
        return True
    return participant.memberships.filter(group__team_id__in=teams).exists()


rules.add_perm("coproduction.read_group", is_staff_member)
rules.add_perm("coproduction.edit_group", is_staff_member & (works_across_teams | in_owning_team))
rules.add_perm("coproduction.read_participant", is_staff_member)
may_handle_details = is_staff_member & (works_across_teams | knows_participant)
rules.add_perm("coproduction.view_participant_details", may_handle_details)
rules.add_perm("coproduction.edit_participant", may_handle_details)


def participants_with_details_for(user, queryset):
    """The participants in ``queryset`` whose details ``user`` may see (the same rule, as a query)."""
    if works_across_teams(user):
        return queryset
    return queryset.in_groups_of_teams(team_ids(user))


def groups_changeable_by(user, queryset):
    """The groups in ``queryset`` that ``user``'s teams run, or all of them for those who work across
    teams (the edit_group rule, as a query, for a staff member)."""
    if works_across_teams(user):
        return queryset
    return queryset.of_teams(user.teams.all())


# Sessions: every staff role reads them; the owning team (or a manager) plans, cancels and takes the
# register. in_owning_team reads ``team_id``, which a session has as a group does.
rules.add_perm("coproduction.read_session", is_staff_member)
rules.add_perm("coproduction.edit_session", is_staff_member & (works_across_teams | in_owning_team))

# Actions: every staff role reads them; the team that follows one up (the source session's team) or a
# manager updates it. in_owning_team reads the action's ``team_id``.
rules.add_perm("coproduction.edit_action", is_staff_member & (works_across_teams | in_owning_team))
