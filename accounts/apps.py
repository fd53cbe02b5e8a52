from django.apps import AppConfig
from django.db.models.signals import post_migrate

from .roles import Role


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and teams"
    # What each role's group holds of accounts' permissions (accounts.roles.roles_sync gathers every
    # app's); administrators also hold every model permission of each app that declares this.
    role_permissions = {
        Role.STAFF: ["accounts.access_staff_area"],
        Role.MANAGER: ["accounts.access_staff_area", "accounts.work_across_teams", "accounts.approve_theme_reports"],
        Role.ADMINISTRATOR: [
            "accounts.access_staff_area",
            "accounts.work_across_teams",
            "accounts.approve_theme_reports",
            "accounts.administer_portal",
            # The audit log of personal data, read-only: only administrators read it.
            "auditlog.view_logentry",
        ],
    }

    def ready(self):
        from django.contrib.auth import signals

        from . import audit, sign_in_log
        from .rights import rights_signals_connect
        from .roles import roles_sync_after_migrate

        audit.accounts_register()
        rights_signals_connect()
        # Apps that arrive later bring permissions for the roles: grant them after every migrate.
        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="accounts.roles_sync")
        signals.user_logged_in.connect(sign_in_log.signed_in, dispatch_uid="accounts.log_signed_in")
        signals.user_login_failed.connect(sign_in_log.sign_in_failed, dispatch_uid="accounts.log_sign_in_failed")
        signals.user_logged_out.connect(sign_in_log.signed_out, dispatch_uid="accounts.log_signed_out")
