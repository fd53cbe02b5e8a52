from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Closed-case feedback and theme reports"
    # Administrators hold every model permission of an app that declares this (accounts.roles.roles_sync).
    role_permissions: dict[str, list[str]] = {}
