"""The portal's own settings, as production reads them, with the benchmark's two floor pages added.

bench/http.py serves the portal with DJANGO_SETTINGS_MODULE=bench.settings, so every page runs through
the same middleware, templates and database as in production, and the floors beside them.
"""

from participation_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
