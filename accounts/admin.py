from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from auditlog.signals import accessed
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from .models import Team, User


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class UserAddForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name"]


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = [
            "email",
            "password",
            "full_name",
            "teams",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
            "last_login",
            "date_joined",
            "email_confirmed_at",
        ]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserAddForm
    form = UserEditForm
    ordering = ["full_name", "email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "groups", "teams"]
    search_fields = ["email", "full_name"]
    filter_horizontal = ["groups", "teams", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "teams"]}),
        (_("Roles and access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined", "email_confirmed_at"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "usable_password", "password1", "password2"]})
    ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Opening a person's account shows their name and address: the audit log records who did.
        if request.method == "GET" and (user := self.get_object(request, unquote(object_id))) is not None:
            accessed.send(sender=User, instance=user)
        return super().change_view(request, object_id, form_url, extra_context)


# The audit log, for administrators only (they hold auditlog.view_logentry; nobody else does), read
# only. auditlog's own admin searches by first and last name, which the portal's users do not have.
admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditEntryAdmin(LogEntryAdmin):
    search_fields = ["object_repr", "actor__email", "actor__full_name"]
