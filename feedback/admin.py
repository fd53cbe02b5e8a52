from django.contrib import admin
from django.utils import timezone

from .models import PublicationExclusion, ReportAudience

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
