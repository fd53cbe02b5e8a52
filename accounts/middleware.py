import logging

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .roles import has_staff_role
from .two_factor import has_confirmed_device

logger = logging.getLogger(__name__)

GUARDED_PREFIXES = ("/staff/", "/admin/")


class StaffAreaMiddleware:
    """Every page under /staff/ and /admin/ needs a staff role and, when required, a second factor.

    Guarding by path means a staff page added later cannot forget its check. Anonymous users are
    sent to sign in; signed-in users without a staff role get 403.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(GUARDED_PREFIXES):
            if response := self.guard(request):
                return response
        return self.get_response(request)

    def guard(self, request):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
        if not has_staff_role(user):
            logger.warning("Refused the staff area to user %s (no staff role): %s", user.pk, request.path_info)
            raise PermissionDenied("A staff role is needed for this page.")
        if request.path.startswith("/admin/") and not user.is_staff:
            logger.warning("Refused the administration site to user %s (not an administrator)", user.pk)
            raise PermissionDenied("The administration site is for administrators.")
        if settings.REQUIRE_STAFF_2FA and not user.is_verified():
            step = "accounts:two-factor-verify" if has_confirmed_device(user) else "accounts:two-factor-setup"
            return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return None
