"""The administration site for consultations.

Administrators keep the list of service areas and people's notice subscriptions here. Consultations
are read here, not changed: drafting, publishing and withdrawing have rules that live in
consultations/services.py and run from the staff pages. The safeguarding log is read-only.
"""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.admin_read_only import ReadOnlyAdmin

from .models import Consultation, ConsultationStatus, Document, Question, SafeguardingFlag, ServiceArea, Subscription


@admin.register(ServiceArea)
class ServiceAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "consultation_count"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(consultation_count=Count("consultations"))

    @admin.display(description=_("consultations"), ordering="consultation_count")
    def consultation_count(self, area):
        return area.consultation_count


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class QuestionInline(ReadOnlyInline):
    model = Question
    fields = ["page", "position", "kind", "text", "required", "options"]
    readonly_fields = fields


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = ["title", "easy_read", "content_type", "size", "file"]
    readonly_fields = fields


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return ConsultationStatus.choices

    def queryset(self, request, queryset):
        if self.value() in ConsultationStatus.values:
            return queryset.with_status_at(self.value(), timezone.now())
        return queryset


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    """Read-only: changes go through the staff pages, whose services keep the rules. Deleting is allowed."""

    list_display = ["title", "team", "service_area", "status_display", "opens_at", "closes_at", "published_at"]
    list_filter = [
        StatusFilter,
        "team",
        "service_area",
        "for_parent_carers",
        "for_young_people",
        "for_professionals",
    ]
    list_select_related = ["team", "service_area"]
    search_fields = ["title", "slug", "summary"]
    date_hierarchy = "opens_at"
    inlines = [QuestionInline, DocumentInline]
    readonly_fields = ["staff_page"]
    fieldsets = [
        (None, {"fields": ["staff_page", "title", "slug", "team", "service_area", "summary", "proposal"]}),
        (_("Audience"), {"fields": ["for_parent_carers", "for_young_people", "for_professionals", "child_friendly"]}),
        (_("Dates"), {"fields": ["opens_at", "closes_at", "published_at", "withdrawn_at", "withdrawal_reason"]}),
        (
            _("Responding"),
            {"fields": ["anonymous_allowed", "other_ways_to_respond", "contact_details", "decision_informed"]},
        ),
        (_("Children and young people"), {"fields": ["who_decides", "feedback_due"]}),
        (_("You said, we did"), {"fields": ["outcomes_summary", "outcomes_published_at"]}),
        (_("Record"), {"fields": ["created_by", "created_at", "updated_at"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("status"))
    def status_display(self, consultation):
        return consultation.status.capitalize()

    @admin.display(description=_("staff page"))
    def staff_page(self, consultation):
        if not consultation.pk:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("consultations:staff-overview", kwargs={"pk": consultation.pk}),
            _("Open in the staff pages to change it"),
        )


@admin.register(SafeguardingFlag)
class SafeguardingFlagAdmin(ReadOnlyAdmin):
    """The log of safeguarding concerns: kept as raised, never edited or removed here."""

    list_display = ["raised_at", "response", "consultation", "raised_by", "reason_start"]
    list_select_related = ["response__consultation", "raised_by"]
    list_filter = ["raised_at"]
    search_fields = ["response__reference", "reason", "raised_by__email"]
    date_hierarchy = "raised_at"
    fields = ["raised_at", "response", "raised_by", "reason"]
    readonly_fields = fields

    @admin.display(description=_("consultation"), ordering="response__consultation__title")
    def consultation(self, flag):
        return flag.response.consultation

    @admin.display(description=_("reason"))
    def reason_start(self, flag):
        return flag.reason if len(flag.reason) <= 80 else flag.reason[:79] + "…"


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "service_area"]
    list_select_related = ["user", "service_area"]
    list_filter = ["service_area"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user"]
