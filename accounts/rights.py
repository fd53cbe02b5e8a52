"""A signed-in user's roles, teams and permissions, read once and kept across requests.

Every staff page asks what the user may do (the staff guard, the header's links, the views' own
checks). It is read in one query and changes rarely, so it is kept in the process under
the user's ``rights_stamp``: a column of the user row, which every request reads anyway. Whatever
changes a user's rights draws them a new stamp (the signals below), so the next request, in any
process, looks under a new key and reads them afresh: rights are never served stale, and nothing
has to be sent to other processes to forget them.
"""

import secrets
from dataclasses import dataclass

from django.core.cache import caches

RIGHTS_CACHE = "rights"
RIGHTS_KEPT_FOR = 15 * 60  # seconds; only to let unused entries go, since a change draws a new key


def new_rights_stamp() -> int:
    return secrets.randbits(62)


@dataclass(frozen=True)
class Rights:
    roles: frozenset[str]  # the names of the user's role groups
    team_ids: frozenset[int]
    permissions: frozenset[str]  # "app_label.codename"


def rights_of(user) -> Rights:
    """The signed-in, active user's rights, kept on the user object for the request."""
    rights = user.__dict__.get("_portal_rights")
    if rights is None:
        # A superuser holds every permission without any link to them, so the flag is in the key too.
        key = f"rights:{user.pk}:{user.rights_stamp}:{int(user.is_superuser)}"
        rights = caches[RIGHTS_CACHE].get(key)
        if rights is None:
            rights = rights_read(user)
            caches[RIGHTS_CACHE].set(key, rights, RIGHTS_KEPT_FOR)
        user._portal_rights = rights
    return rights


def rights_read(user) -> Rights:
    """The user's roles, teams and permissions in one query (a UNION of each, as kind and value)."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    from .models import Team

    def kind(name: str) -> Value:
        return Value(name, output_field=CharField())

    permission_name = Concat("content_type__app_label", Value("."), "codename", output_field=CharField())
    permissions = Permission.objects.all() if user.is_superuser else Permission.objects.filter(user=user)
    parts = [
        Group.objects.filter(user=user).values_list(kind("role"), "name"),
        Team.objects.filter(members=user).values_list(kind("team"), Cast("pk", CharField())),
        permissions.values_list(kind("permission"), permission_name),
    ]
    if not user.is_superuser:
        parts.append(Permission.objects.filter(group__user=user).values_list(kind("permission"), permission_name))
    found: dict[str, set[str]] = {"role": set(), "team": set(), "permission": set()}
    for part_kind, value in parts[0].order_by().union(*(part.order_by() for part in parts[1:]), all=True):
        found[part_kind].add(value)
    return Rights(
        roles=frozenset(found["role"]),
        team_ids=frozenset(int(pk) for pk in found["team"]),
        permissions=frozenset(found["permission"]),
    )


def rights_changed(pks: list[int], *, user=None) -> None:
    """Draw a new stamp for these users; one serves them all, as the key names the user too. The user
    object at hand, if given, sees the change at once (the request that made it)."""
    from .models import User

    if not pks:
        return
    stamp = new_rights_stamp()
    User.objects.filter(pk__in=pks).update(rights_stamp=stamp)
    if user is not None:
        user.rights_stamp = stamp
        user.__dict__.pop("_portal_rights", None)


# --- What changes a user's rights ------------------------------------------------------------------
# Stamps are drawn after a change, never before it: a request between the two would otherwise keep
# the old rights under the new stamp. Where the users are known only before (a clear, a delete), they
# are noted then and their stamps drawn after.


def users_with(**lookup) -> list[int]:
    from .models import User

    return list(User.objects.filter(**lookup).values_list("pk", flat=True).distinct())


def users_note(instance, pks: list[int]) -> None:
    instance._rights_users = pks


def noted_users_changed(instance) -> None:
    rights_changed(instance.__dict__.pop("_rights_users", []))


def memberships_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A user's roles, teams or own permissions added or taken away, from either side."""
    if not reverse:  # from the user's side: user.groups.add(...)
        if action in ("post_add", "post_remove", "post_clear"):
            rights_changed([instance.pk], user=instance)
    elif action in ("post_add", "post_remove"):  # group.user_set.add(...)
        rights_changed(list(pk_set))
    elif action == "pre_clear":
        users_note(instance, users_with(**{user_field_of(sender): instance}))
    elif action == "post_clear":
        noted_users_changed(instance)


def role_permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A role's permissions changed (from either side): every user with that role."""
    if not reverse:  # group.permissions.add(...)
        if action in ("post_add", "post_remove", "post_clear"):
            rights_changed(users_with(groups=instance))
    elif action in ("post_add", "post_remove"):  # permission.group_set.add(...)
        rights_changed(users_with(groups__in=pk_set))
    elif action == "pre_clear":
        users_note(instance, users_with(groups__permissions=instance))
    elif action == "post_clear":
        noted_users_changed(instance)


def role_renamed(sender, instance, created, **kwargs):
    """Roles are known by their group's name."""
    if not created:
        rights_changed(users_with(groups=instance))


def holder_deleting(sender, instance, **kwargs):
    """A role, team or permission being deleted takes its links to users with it, unsignalled."""
    if sender._meta.model_name == "permission":
        users_note(instance, users_with(user_permissions=instance) + users_with(groups__permissions=instance))
    else:
        users_note(instance, users_with(**{"groups" if sender._meta.model_name == "group" else "teams": instance}))


def holder_deleted(sender, instance, **kwargs):
    noted_users_changed(instance)


def user_field_of(through) -> str:
    """The User field a through model belongs to: groups, teams or user_permissions."""
    from .models import User

    for field in (User.groups.field, User.teams.field, User.user_permissions.field):
        if field.remote_field.through is through:
            return field.name
    raise LookupError(through)


def rights_signals_connect() -> None:
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

    from .models import Team, User

    for field in (User.groups, User.teams, User.user_permissions):
        m2m_changed.connect(memberships_changed, sender=field.through, dispatch_uid=f"rights.{field.field.name}")
    m2m_changed.connect(role_permissions_changed, sender=Group.permissions.through, dispatch_uid="rights.role")
    post_save.connect(role_renamed, sender=Group, dispatch_uid="rights.role_renamed")
    for model in (Group, Team, Permission):
        uid = f"rights.{model._meta.model_name}"
        pre_delete.connect(holder_deleting, sender=model, dispatch_uid=f"{uid}.deleting")
        post_delete.connect(holder_deleted, sender=model, dispatch_uid=f"{uid}.deleted")
