"""Fill the database with believable demo data. Safe to run twice; refused when DEBUG is off."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_USERS, demo_accounts_load


class Command(BaseCommand):
    help = "Load demo teams, users and feature data (development and demonstrations only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("load_demo only runs with DJANGO_DEBUG=1: it creates accounts with known passwords.")
        with transaction.atomic():
            demo_accounts_load(moment=timezone.now())
            for loader in demo_loaders():
                loader(moment=timezone.now())
        self.stdout.write(self.style.SUCCESS("Demo data is loaded. Sign in at /account/sign-in/ with:"))
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.role:<13} {user.email:<32} password: {user.password}")


def demo_loaders():
    """Each feature app that has demo data offers a ``demo_load(moment=...)`` in its demo module."""
    from importlib import import_module

    loaders = []
    for app in ("consultations", "coproduction", "feedback"):
        try:
            module = import_module(f"{app}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{app}.demo":
                raise
            continue
        loaders.append(module.demo_load)
    return loaders
