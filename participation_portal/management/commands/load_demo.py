"""Fill the database with believable demo data. Safe to run twice; refused when DEBUG is off."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_USERS
from common.data_registry import portal_app_modules


class Command(BaseCommand):
    help = "Load demo teams, users and feature data (development and demonstrations only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("load_demo only runs with DJANGO_DEBUG=1: it creates accounts with known passwords.")
        with transaction.atomic():
            for loader in demo_loaders():
                loader(moment=timezone.now())
        self.stdout.write(self.style.SUCCESS("Demo data is loaded. Sign in at /account/sign-in/ with:"))
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.role:<13} {user.email:<32} password: {user.password}")


def demo_loaders():
    """Each of the portal's apps that has demo data offers ``demo_load(moment=...)`` in its demo module.

    They run in INSTALLED_APPS order, so teams and users (accounts) exist before the work that
    names them.
    """
    return [module.demo_load for _label, module in portal_app_modules("demo")]
