import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from accounts.roles import Role, portal_app_labels, role_permissions

pytestmark = pytest.mark.django_db


def test_each_portal_app_declares_what_its_roles_get_and_accounts_names_none_of_them():
    assert portal_app_labels() == ["accounts", "notifications", "consultations", "coproduction", "feedback"]
    assert role_permissions()[Role.STAFF] == {"accounts.access_staff_area"}
    assert role_permissions()[Role.PARTICIPANT] == set()
    assert not hasattr(apps.get_app_config("axes"), "role_permissions")


def test_administrators_hold_every_model_permission_of_the_portal_apps_and_no_one_elses():
    held = {
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.get(name=Role.ADMINISTRATOR).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }
    assert {"consultations.change_consultation", "notifications.view_message", "accounts.administer_portal"} <= held
    assert not any(name.startswith(("axes.", "auth.", "otp_totp.")) for name in held)
    managers = set(Group.objects.get(name=Role.MANAGER).permissions.values_list("codename", flat=True))
    assert managers == {"access_staff_area", "work_across_teams", "approve_theme_reports"}
