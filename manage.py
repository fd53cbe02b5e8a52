#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "participation_portal.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - load the settings now, so a refusal is reported as itself
    except ImproperlyConfigured as error:
        # Left to Django, this surfaces later as a confusing "Models aren't loaded yet".
        sys.exit(f"{error}\nFor development on this machine, set DJANGO_DEBUG=1 (make run and make test do).")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
