from django.contrib import admin

from .models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["template", "recipient", "state", "due_at", "attempts", "sent_at"]
    list_filter = ["state", "template"]
    search_fields = ["recipient", "template"]
    readonly_fields = [
        "recipient",
        "template",
        "context",
        "dedupe_key",
        "due_at",
        "state",
        "attempts",
        "claimed_until",
        "last_error",
        "created_at",
        "sent_at",
    ]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False
