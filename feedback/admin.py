from django.contrib import admin

# --- Six-monthly theme reports ----------------------------------------------------------------------
from .models import ReportAudience


@admin.register(ReportAudience)
class ReportAudienceAdmin(admin.ModelAdmin):
    """The boards that receive theme reports, and which feedback each covers."""

    list_display = ["name", "scope", "active"]
    list_filter = ["scope", "active"]
    search_fields = ["name"]
