"""Who may do what with consultations. Staff read every team's; they change their own team's."""

import rules

from accounts.roles import in_owning_team, is_staff_member, works_across_teams

rules.add_perm("consultations.read_consultation", is_staff_member)
may_edit = is_staff_member & (works_across_teams | in_owning_team)

rules.add_perm("consultations.edit_consultation", may_edit)
# Contact details are kept apart from answers; only those who act on them (to send a receipt or
# what happened next) may look them up, and every look is recorded (services.respondent_contact_view).
rules.add_perm("consultations.view_respondent_contact", may_edit)
