from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "Consultations"
    # Staff and managers work on consultations through the object rules in rules.py; administrators
    # also hold every model permission of an app that declares this (accounts.roles.roles_sync).
    role_permissions: dict[str, list[str]] = {}

    def ready(self):
        from auditlog.registry import auditlog

        from .models import RespondentContact

        # Contact details a respondent gave: who changed or deleted them (viewing is logged by
        # services.respondent_contact_view). The address itself is masked in the entries.
        auditlog.register(RespondentContact, mask_fields=["email"])
