from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["template", "recipient", "state", "due_at", "attempts", "handed_over_at", "sent_at"]
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
        "handed_over_at",
        "last_error",
        "created_at",
        "sent_at",
    ]
    date_hierarchy = "created_at"
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(permissions=["change"], description=_("Send again (delivery uncertain or failed)"))
    def send_again(self, request, queryset):
        # A person decides: the recipient may already have a message whose delivery is uncertain.
        moment = timezone.now()
        chosen = queryset.values_list("pk", flat=True)
        resent = sum(services.message_resend(message_id=pk, moment=moment) for pk in chosen)
        self.message_user(
            request,
            ngettext("%(count)d message queued to send again.", "%(count)d messages queued to send again.", resent)
            % {"count": resent},
            messages.SUCCESS if resent else messages.WARNING,
        )
