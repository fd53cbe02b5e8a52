"""An administration page that shows rows and changes none: for records whose changes go through the
staff pages (whose services keep the rules) or that are kept as written."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
