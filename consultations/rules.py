"""Who may do what with consultations. Staff read every team's; they change their own team's."""

import rules

from accounts.roles import has_staff_role


@rules.predicate
def is_staff_member(user) -> bool:
    return has_staff_role(user)


@rules.predicate
def works_across_teams(user) -> bool:
    return user.has_perm("accounts.work_across_teams")


@rules.predicate
def in_owning_team(user, consultation) -> bool:
    if consultation is None:
        return False
    if not hasattr(user, "_team_ids"):
        user._team_ids = set(user.teams.values_list("pk", flat=True))
    return consultation.team_id in user._team_ids


rules.add_perm("consultations.read_consultation", is_staff_member)
rules.add_perm("consultations.edit_consultation", is_staff_member & (works_across_teams | in_owning_team))
