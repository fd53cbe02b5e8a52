from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Closed-case feedback and theme reports"
    # Staff and managers work on closed cases through the object rules in rules.py (their own teams'
    # cases; managers across teams); administrators also hold every model permission of this app,
    # for the administration site (accounts.roles.roles_sync).
    role_permissions: dict[str, list[str]] = {}

    def ready(self):
        from auditlog.registry import auditlog

        from .models import CaseFeedback, ClosedCase
        from .safeguarding import safeguarding_signals_connect

        safeguarding_signals_connect()

        # Who changed a closed case or its feedback (viewing contact details is logged by
        # services.case_details_view). Contact details are masked in the entries, so the log is not
        # a second copy of them.
        auditlog.register(ClosedCase, mask_fields=["contact_name", "address", "phone", "email"])
        auditlog.register(CaseFeedback, mask_fields=["contact_detail"])
