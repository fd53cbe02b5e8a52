from django.contrib import admin
from django.utils import timezone

from .models import (
    CaseFeedback,
    ClosedCase,
    FeedbackCode,
    FeedbackLetter,
    FollowUpCall,
    FollowUpSample,
    LetterBatch,
    LetterTemplate,
    PublicationExclusion,
    ReportAudience,
    SafeguardingWord,
    Theme,
)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    """The theme taxonomy: administrators add, rename, describe and retire themes (a theme in use is
    made inactive rather than deleted, so past coding keeps its meaning)."""

    list_display = ["name", "service_area", "active"]
    list_filter = ["active", "service_area"]
    search_fields = ["name", "description", "keywords"]


class MadeByThePortal:
    """Rows the portal makes (codes, feedback, letters): read, corrected or removed here, never added."""

    def has_add_permission(self, request):
        return False


@admin.register(ClosedCase)
class ClosedCaseAdmin(admin.ModelAdmin):
    list_display = ["reference", "team", "closed_on", "preferred_format", "do_not_contact", "letter_sent_on"]
    list_filter = ["team", "preferred_format", "do_not_contact"]
    search_fields = ["reference"]


@admin.register(FeedbackCode)
class FeedbackCodeAdmin(MadeByThePortal, admin.ModelAdmin):
    """Codes are made by the letters job; an administrator may read them or end one early."""

    list_display = ["__str__", "case", "for_child", "issued_at", "expires_at", "used_at"]
    raw_id_fields = ["case"]
    readonly_fields = ["code", "case", "for_child", "issued_at", "used_at"]


@admin.register(CaseFeedback)
class CaseFeedbackAdmin(MadeByThePortal, admin.ModelAdmin):
    list_display = ["__str__", "team", "channel", "received_at", "flagged_at"]
    list_filter = ["channel", "team"]
    raw_id_fields = ["case", "code", "recorded_by", "flagged_by"]


@admin.register(SafeguardingWord)
class SafeguardingWordAdmin(admin.ModelAdmin):
    """The words and phrases that flag feedback for safeguarding review as soon as it arrives."""

    search_fields = ["phrase"]


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    """The closure letter's wording. Placeholders: {{ contact_name }}, {{ team }}, {{ code }},
    {{ feedback_address }}, {{ expires_on }}."""

    list_display = ["subject", "updated_at"]

    def has_add_permission(self, request):
        return not LetterTemplate.objects.exists()


@admin.register(LetterBatch)
class LetterBatchAdmin(MadeByThePortal, admin.ModelAdmin):
    list_display = ["day", "letters", "large_print", "emailed", "made_at"]
    readonly_fields = ["day", "pdf", "letters", "large_print", "emailed", "made_at"]


@admin.register(FeedbackLetter)
class FeedbackLetterAdmin(MadeByThePortal, admin.ModelAdmin):
    list_display = ["case", "batch", "printed", "emailed", "made_at"]
    raw_id_fields = ["case", "batch"]


@admin.register(FollowUpSample)
class FollowUpSampleAdmin(MadeByThePortal, admin.ModelAdmin):
    """A quarter's draw: its seed and the cases it considered reproduce it, so they are not changed."""

    list_display = ["quarter_start", "drawn_at"]
    readonly_fields = ["quarter_start", "seed", "considered", "drawn_at"]


@admin.register(FollowUpCall)
class FollowUpCallAdmin(MadeByThePortal, admin.ModelAdmin):
    """Pass a call to another caller, or move its due date."""

    list_display = ["case", "caller", "due_on", "status"]
    list_filter = ["status"]
    raw_id_fields = ["case", "caller", "sample"]


# --- Six-monthly theme reports ----------------------------------------------------------------------


@admin.register(ReportAudience)
class ReportAudienceAdmin(admin.ModelAdmin):
    """The boards that receive theme reports, and which feedback each covers."""

    list_display = ["name", "scope", "active"]
    list_filter = ["scope", "active"]
    search_fields = ["name"]


# --- The annual Local Offer publication ----------------------------------------------------------------


@admin.register(PublicationExclusion)
class PublicationExclusionAdmin(admin.ModelAdmin):
    """Feedback left out of the Local Offer publication (regulation 56(4)), with who decided."""

    list_display = ["item", "reason", "recorded_by", "recorded_at"]
    list_filter = ["reason"]
    raw_id_fields = ["item"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
            obj.recorded_at = timezone.now()
        super().save_model(request, obj, form, change)
