"""Who may do what with closed cases, feedback and its themes.

Staff see and change the closed cases of their own teams; managers and administrators, who work
across teams, see them all. A case's contact details follow the same rule, and each look is logged
(services.case_details_view). Any member of staff may flag feedback as a safeguarding concern: a
concern is never blocked by team boundaries. A flag is handled (reviewed, with a note of what was
done) by the designated safeguarding officer (the staff account with SAFEGUARDING_OFFICER_EMAIL) or
by someone who works across teams (managers, administrators): they see every team's flagged feedback,
where a team's own staff, who raised or received the concern, do not close it themselves.

Every staff role reads the collated feedback of every team and codes it: coding is one council-wide
picture, so team boundaries do not split it. A coding is removed by the person who made it, or by
someone who works across teams (managers, administrators). Themes themselves are administered in
the administration site (administrators).
"""

import rules
from django.conf import settings

from accounts.roles import in_owning_team, is_staff_member, team_ids, works_across_teams


@rules.predicate
def made_the_coding(user, coding) -> bool:
    return coding is not None and coding.coded_by_id == user.pk


@rules.predicate
def is_designated_safeguarding_officer(user) -> bool:
    officer = (settings.SAFEGUARDING_OFFICER_EMAIL or "").strip().lower()
    return bool(officer) and (user.email or "").strip().lower() == officer


rules.add_perm("feedback.read_feedback", is_staff_member)
rules.add_perm("feedback.code_feedback", is_staff_member)
rules.add_perm("feedback.remove_coding", is_staff_member & (works_across_teams | made_the_coding))


rules.add_perm("feedback.read_case", is_staff_member)
may_handle_case = is_staff_member & (works_across_teams | in_owning_team)
rules.add_perm("feedback.view_case", may_handle_case)
rules.add_perm("feedback.edit_case", may_handle_case)
rules.add_perm("feedback.flag_feedback", is_staff_member)
rules.add_perm("feedback.handle_flag", is_staff_member & (works_across_teams | is_designated_safeguarding_officer))
# A day's letters hold every team's families' names and addresses: for the post room's managers.
rules.add_perm("feedback.print_letters", is_staff_member & works_across_teams)


def cases_for(user, queryset):
    """The closed cases in ``queryset`` that ``user`` may see (the view_case rule, as a query)."""
    if works_across_teams(user):
        return queryset
    return queryset.of_teams(team_ids(user))
