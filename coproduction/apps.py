from django.apps import AppConfig


class CoproductionConfig(AppConfig):
    name = "coproduction"
    verbose_name = "Participation groups and co-production"
    # Staff and managers work on groups and participants through the object rules in rules.py (their
    # own teams' groups; managers across teams); administrators also hold every model permission of
    # this app, for the administration site (accounts.roles.roles_sync).
    role_permissions: dict[str, list[str]] = {}

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Invitation, Membership, Participant, Recognition
        from .page_stamps import page_stamps_connect

        page_stamps_connect()

        # A participant's details and memberships: who changed or removed them (viewing is logged by
        # services.participant_details_view). Contact details and access needs are masked in the
        # entries, so the log is not a second copy of what retention removes.
        auditlog.register(Participant, mask_fields=["email", "phone", "access_needs"])
        auditlog.register(Membership)
        # A reply to an invitation carries what the person needs to take part: changes to it are
        # logged the same way, masked.
        auditlog.register(Invitation, mask_fields=["access_needs"])
        # Money offered and paid to people: who recorded or changed each line, and when. A voucher
        # code is as good as cash, so the log keeps that it changed, not the code.
        auditlog.register(Recognition, mask_fields=["voucher_code"])
