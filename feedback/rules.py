"""Who may do what with feedback and its themes.

Every staff role (staff, managers, administrators) reads the collated feedback of every team and
codes it: coding is one council-wide picture, so team boundaries do not split it. A coding is
removed by the person who made it, or by someone who works across teams (managers, administrators).
Themes themselves are administered in the administration site (administrators).
"""

import rules

from accounts.roles import is_staff_member, works_across_teams


@rules.predicate
def made_the_coding(user, coding) -> bool:
    return coding is not None and coding.coded_by_id == user.pk


rules.add_perm("feedback.read_feedback", is_staff_member)
rules.add_perm("feedback.code_feedback", is_staff_member)
rules.add_perm("feedback.remove_coding", is_staff_member & (works_across_teams | made_the_coding))
