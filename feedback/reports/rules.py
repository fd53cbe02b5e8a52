"""Who may do what with theme reports.

A report covers every team's feedback, and a Child Protection Committee's covers child-protection
feedback: managers and administrators read, annotate, review and approve them (DESIGN.md: managers
review, annotate and approve six-monthly reports). Staff code themes but do not read the reports.
An approved report is locked; its improvement actions live on and their status can still change.
"""

import rules

from accounts.roles import is_staff_member


@rules.predicate
def approves_reports(user) -> bool:
    return user.has_perm("accounts.approve_theme_reports")


@rules.predicate
def report_open(user, report) -> bool:
    return report is not None and not report.is_locked


may_read = is_staff_member & approves_reports
rules.add_perm("feedback.read_theme_report", may_read)
rules.add_perm("feedback.change_theme_report", may_read & report_open)
rules.add_perm("feedback.update_improvement_action", may_read)
