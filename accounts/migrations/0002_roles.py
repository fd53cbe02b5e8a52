"""Create the four role groups (participant, staff, manager, administrator) with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from accounts.roles import Role, roles_sync


def create_roles(apps, schema_editor):
    # Permissions are normally made after every migration has run; make accounts' now so the
    # groups can hold them.
    app_config = apps.get_app_config("accounts")
    app_config.models_module = True  # historical app configs lack it; create_permissions asks
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    roles_sync(group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission"))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(Role)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
