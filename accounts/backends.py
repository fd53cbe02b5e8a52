from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

PERMISSION_NAME = ("content_type__app_label", "codename")


class PortalModelBackend(ModelBackend):
    """Django's ModelBackend, reading a user's permissions in one query instead of two.

    Every signed-in page asks what the user may do (the header's links, the staff guard, the
    views' own checks), so the answer is read once per request and kept on the user object, as
    Django keeps it, for every has_perm that follows.
    """

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list(*PERMISSION_NAME)
            else:
                # The user's own permissions and those of their roles, in one UNION.
                direct = Permission.objects.filter(user=user_obj).order_by().values_list(*PERMISSION_NAME)
                roles = Permission.objects.filter(group__user=user_obj).order_by().values_list(*PERMISSION_NAME)
                rows = direct.union(roles)
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache
