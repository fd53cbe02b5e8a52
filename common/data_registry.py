"""What each app holds about a person, gathered for a download or erased when they delete their account.

Each of the portal's apps that keeps personal data offers a ``personal_data`` module with:

- ``personal_data_for(user) -> dict``: what it holds about the user, as plain data (text is data,
  never HTML), for the download;
- ``personal_data_erase(*, user, moment) -> dict[str, int]``: removes or anonymises it before the
  account goes, and says how many rows of each kind it touched.

The modules are found through the app registry (``portal_app_modules``, which ``load_demo`` uses for
each app's ``demo`` module too), so the app that deletes an account (accounts) never imports the
apps above it.
"""

from datetime import datetime
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import module_has_submodule


def portal_app_modules(submodule: str) -> list:
    """``(label, module)`` for each of the portal's own apps that has ``submodule``, in INSTALLED_APPS
    order; apps from installed packages are left out."""
    return [
        (config.label, import_module(f"{config.name}.{submodule}"))
        for config in apps.get_app_configs()
        if Path(config.path).parent == Path(settings.BASE_DIR) and module_has_submodule(config.module, submodule)
    ]


def personal_data_modules() -> list:
    """The ``personal_data`` modules of the portal's own apps, in INSTALLED_APPS order."""
    return portal_app_modules("personal_data")


def personal_data_gather(user) -> dict:
    """Everything the portal holds about ``user``, one section per app."""
    return {label: module.personal_data_for(user) for label, module in personal_data_modules()}


def personal_data_erase(*, user, moment) -> dict:
    """Each app's part of deleting ``user``'s account, run from the top layer down; the counts per app."""
    return {
        label: module.personal_data_erase(user=user, moment=moment) for label, module in personal_data_modules()[::-1]
    }


def when(moment: datetime | None) -> str | None:
    """A date and time in the download: ISO 8601, or None where there is none."""
    return moment.isoformat() if moment else None
