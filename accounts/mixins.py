from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin


class StaffRequiredMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """A staff page: signed in with a staff, manager or administrator role.

    StaffAreaMiddleware guards /staff/ by path as well; this keeps the rule on the view itself.
    """

    permission_required = "accounts.access_staff_area"
