from django.contrib import admin

from .models import Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    """The theme taxonomy: administrators add, rename, describe and retire themes (a theme in use is
    made inactive rather than deleted, so past coding keeps its meaning)."""

    list_display = ["name", "service_area", "active"]
    list_filter = ["active", "service_area"]
    search_fields = ["name", "description", "keywords"]
