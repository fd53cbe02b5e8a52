from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and teams"

    def ready(self):
        from .roles import roles_sync_after_migrate

        # Apps that arrive later bring permissions for the roles: grant them after every migrate.
        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="accounts.roles_sync")
