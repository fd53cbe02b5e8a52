from django.contrib.auth.backends import ModelBackend

from .rights import rights_of


class PortalModelBackend(ModelBackend):
    """Django's ModelBackend, with a user's permissions read as part of their rights (accounts.rights):
    once, and kept across requests until they change."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return rights_of(user_obj).permissions
