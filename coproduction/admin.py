"""The administration site for co-production.

Administrators keep groups, participants and memberships here. Sessions and what hangs from them
(agenda, register, invitations and replies, outcomes, minutes, actions, recognition) are read here,
not changed: inviting, replying, the register's share, approving minutes, actions' owners and
payments' benefits advice have rules that live in the services and run from the staff pages. A
session may be deleted (one made by mistake); the rest is the record of what happened.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.admin_read_only import ReadOnlyAdmin

from .models import (
    Action,
    AgendaItem,
    AgreedOutcome,
    Invitation,
    Membership,
    Minutes,
    Participant,
    ParticipationGroup,
    Recognition,
    RegisterEntry,
    Session,
    SessionComment,
)


@admin.register(ParticipationGroup)
class ParticipationGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "bench_level", "team", "closed_at"]
    list_filter = ["kind", "bench_level", "team"]
    search_fields = ["name"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["full_name", "role", "organisation", "team"]
    list_filter = ["role", "team"]
    search_fields = ["full_name", "organisation"]
    raw_id_fields = ["user"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["participant", "group", "role", "starts_on", "ends_on"]
    list_filter = ["role"]
    raw_id_fields = ["participant", "group"]


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    """Read-only: planning, correcting and cancelling go through the staff pages. Deleting is allowed."""

    list_display = ["title", "group", "team", "starts_at", "rung", "cancelled_at"]
    list_filter = ["team", "bench_level", "rung"]
    list_select_related = ["group", "team"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"
    readonly_fields = ["staff_page"]

    def has_delete_permission(self, request, obj=None):
        return admin.ModelAdmin.has_delete_permission(self, request, obj)

    @admin.display(description=_("staff page"))
    def staff_page(self, session):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("coproduction:session", kwargs={"session_pk": session.pk}),
            _("Open in the staff pages to change it"),
        )


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyAdmin):
    list_display = ["title", "session", "lead", "minutes", "position"]
    list_select_related = ["session"]
    search_fields = ["title", "session__title"]


@admin.register(RegisterEntry)
class RegisterEntryAdmin(ReadOnlyAdmin):
    list_display = ["session", "participant", "role", "attendance", "walk_in", "recorded_at"]
    list_filter = ["attendance", "role", "walk_in"]
    list_select_related = ["session", "participant"]
    search_fields = ["session__title", "participant__full_name"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["session", "participant", "reply", "replied_at", "waiting_since", "invited_at"]
    list_filter = ["reply"]
    list_select_related = ["session", "participant"]
    search_fields = ["session__title", "participant__full_name"]


@admin.register(AgreedOutcome)
class AgreedOutcomeAdmin(ReadOnlyAdmin):
    list_display = ["session", "text", "recorded_at"]
    list_select_related = ["session"]
    search_fields = ["text", "session__title"]


@admin.register(SessionComment)
class SessionCommentAdmin(ReadOnlyAdmin):
    list_display = ["session", "said_by", "text", "recorded_at"]
    list_select_related = ["session"]
    search_fields = ["text", "session__title"]


@admin.register(Minutes)
class MinutesAdmin(ReadOnlyAdmin):
    list_display = ["session", "updated_at", "approved_at"]
    list_select_related = ["session"]
    search_fields = ["session__title"]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ["description", "owner_participant", "owner_team", "due_on", "status", "team"]
    list_filter = ["status", "team"]
    list_select_related = ["owner_participant", "owner_team", "team"]
    search_fields = ["description"]


@admin.register(Recognition)
class RecognitionAdmin(ReadOnlyAdmin):
    """Money offered and paid: the voucher code is as good as cash, so it is not shown here."""

    list_display = ["session", "participant", "kind", "amount", "answer", "paid_on"]
    list_filter = ["kind", "answer"]
    list_select_related = ["session", "participant"]
    search_fields = ["session__title", "participant__full_name"]
    exclude = ["voucher_code"]
