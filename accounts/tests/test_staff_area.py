"""Every page under /staff/ against every role, with and without a second factor."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role


def staff_paths() -> list[str]:
    """Every URL under /staff/ that takes no arguments (the rest are covered in their app's tests)."""
    found = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("staff/") and "<" not in route:
                found.append("/" + route.replace("^", "").replace("$", ""))

    walk(get_resolver().url_patterns)
    return sorted(set(found))


STAFF_PATHS = staff_paths()
# Theme reports cover every team's feedback: managers and administrators read them, staff do not.
# Safeguarding flags are reviewed by managers and the designated officer, whom a setting names.
MANAGERS_ONLY = ("/staff/reports/", "/staff/feedback/safeguarding-flags/")


def test_the_staff_dashboard_is_among_the_guarded_pages():
    assert reverse("staff-dashboard") in STAFF_PATHS


@pytest.mark.django_db
@pytest.mark.parametrize("path", STAFF_PATHS)
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in") + "?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("path", STAFF_PATHS)
def test_participants_are_refused(client, participant, path):
    client.force_login(participant)
    response = client.get(path)
    assert response.status_code == 403
    assert "You cannot see this page" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.STAFF, Role.MANAGER, Role.ADMINISTRATOR])
@pytest.mark.parametrize("path", STAFF_PATHS)
def test_staff_roles_are_let_in_when_no_second_factor_is_required(staff_client, make_user, role, path):
    refused = role == Role.STAFF and path.startswith(MANAGERS_ONLY)
    assert staff_client(make_user(role)).get(path).status_code == (403 if refused else 200)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.STAFF, Role.MANAGER, Role.ADMINISTRATOR])
@pytest.mark.parametrize("path", STAFF_PATHS)
def test_staff_without_a_device_are_sent_to_set_one_up(client, make_user, settings, role, path):
    settings.REQUIRE_STAFF_2FA = True
    client.force_login(make_user(role))
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two-factor-setup"))


@pytest.mark.django_db
@pytest.mark.parametrize("path", STAFF_PATHS)
def test_staff_with_a_device_must_enter_a_code_first(client, staff_member, settings, path):
    settings.REQUIRE_STAFF_2FA = True
    TOTPDevice.objects.create(user=staff_member, name="phone", confirmed=True)
    client.force_login(staff_member)
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two-factor-verify"))


@pytest.mark.django_db
def test_a_user_with_no_role_is_refused(client, make_user):
    client.force_login(make_user())
    assert client.get(reverse("staff-dashboard")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"), [(Role.PARTICIPANT, 403), (Role.STAFF, 403), (Role.MANAGER, 403), (Role.ADMINISTRATOR, 200)]
)
def test_the_administration_site_is_for_administrators_only(staff_client, make_user, role, status):
    assert staff_client(make_user(role)).get("/admin/").status_code == status


@pytest.mark.django_db
def test_the_administration_site_sends_anonymous_visitors_to_our_sign_in(client):
    response = client.get("/admin/")
    assert response.url.startswith(reverse("accounts:sign-in"))


@pytest.mark.django_db
def test_role_groups_hold_their_permissions(make_user):
    staff, manager, administrator = (make_user(r) for r in (Role.STAFF, Role.MANAGER, Role.ADMINISTRATOR))
    assert staff.has_perm("accounts.access_staff_area") and not staff.has_perm("accounts.work_across_teams")
    assert manager.has_perm("accounts.approve_theme_reports") and not manager.has_perm("accounts.administer_portal")
    assert administrator.has_perm("accounts.administer_portal") and administrator.has_perm("accounts.change_team")
