from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "E-mail outbox"
    # No role holds its permissions but administrators, who hold every model permission of an app
    # that declares this (accounts.roles.roles_sync); notifications names no role, as it sits below accounts.
    role_permissions: dict[str, list[str]] = {}
