"""The four roles, as Django groups with permissions, and what each lets a user do.

A role is a group; what it allows is a set of permissions, so administrators can see and adjust
them in the admin. Object-level rules (a team's own consultation) live in each app's rules.py.
"""

from dataclasses import dataclass

import rules
from django.db import models
from django.utils.translation import gettext_lazy as _

from .rights import rights_of


class Role(models.TextChoices):
    PARTICIPANT = "Participant", _("Participant")
    STAFF = "Staff", _("Staff")
    MANAGER = "Manager", _("Manager")
    ADMINISTRATOR = "Administrator", _("Administrator")


STAFF_ROLES = (Role.STAFF, Role.MANAGER, Role.ADMINISTRATOR)


def role_permissions() -> dict[str, set[str]]:
    """The permissions ("app_label.codename") each role's group holds.

    Each of the portal's apps says what its roles get in ``role_permissions`` on its AppConfig, so
    accounts names no feature app. Administrators also get every model permission of each app that
    declares it (see roles_sync).
    """
    from django.apps import apps

    wanted: dict[str, set[str]] = {role: set() for role in Role}
    for config in apps.get_app_configs():
        for role, names in getattr(config, "role_permissions", {}).items():
            wanted[role].update(names)
    return wanted


def portal_app_labels() -> list[str]:
    from django.apps import apps

    return [config.label for config in apps.get_app_configs() if hasattr(config, "role_permissions")]


def roles_sync(*, group_model, permission_model) -> None:
    """Create the role groups and grant their permissions; safe to repeat.

    Takes the model classes so a migration can pass its historical ones. Permissions not yet
    created (an app not migrated yet) are granted on a later run.
    """
    for role, names in role_permissions().items():
        group, _created = group_model.objects.get_or_create(name=role)
        wanted = permission_model.objects.none()
        for name in names:
            app_label, codename = name.split(".")
            wanted |= permission_model.objects.filter(content_type__app_label=app_label, codename=codename)
        if role == Role.ADMINISTRATOR:
            wanted |= permission_model.objects.filter(content_type__app_label__in=portal_app_labels())
        group.permissions.add(*wanted.distinct())


def roles_sync_after_migrate(sender, **kwargs):
    from django.contrib.auth.models import Group, Permission

    if hasattr(sender, "role_permissions"):
        roles_sync(group_model=Group, permission_model=Permission)


def roles_of(user) -> frozenset[str]:
    """The names of the user's roles."""
    if user is None or not user.is_authenticated:
        return frozenset()
    return rights_of(user).roles


def has_staff_role(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or roles_of(user) & set(STAFF_ROLES))
    )


def team_ids(user) -> frozenset[int]:
    """The ids of the user's teams."""
    if user is None or not user.is_authenticated:
        return frozenset()
    return rights_of(user).team_ids


# Predicates every app's rules.py builds its permissions from.
@rules.predicate
def is_staff_member(user) -> bool:
    return has_staff_role(user)


@rules.predicate
def works_across_teams(user) -> bool:
    return user.has_perm("accounts.work_across_teams")


@rules.predicate
def in_owning_team(user, owned) -> bool:
    """``owned`` (a consultation, group, session: anything with a ``team_id``) is one of the user's teams'."""
    return owned is not None and owned.team_id in team_ids(user)


@dataclass(frozen=True)
class Capabilities:
    """What a user may do, for templates (``can.staff_area``) and views."""

    staff_area: bool = False
    all_teams: bool = False
    approve_reports: bool = False
    administer: bool = False
    participate: bool = False


def capabilities(user) -> Capabilities:
    if user is None or not user.is_authenticated:
        return Capabilities()
    if not has_staff_role(user):
        return Capabilities(participate=True)
    perms = user.get_all_permissions()
    return Capabilities(
        staff_area=True,
        all_teams="accounts.work_across_teams" in perms,
        approve_reports="accounts.approve_theme_reports" in perms,
        administer="accounts.administer_portal" in perms,
        participate=False,
    )
