import os

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "participation_portal"
    verbose_name = "SEND Participation Portal"

    def ready(self):
        # The embedded transport's folders must exist before any process publishes or consumes.
        from django.conf import settings

        if settings.CELERY_BROKER_URL == "filesystem://":
            for folder in settings.CELERY_BROKER_TRANSPORT_OPTIONS.values():
                os.makedirs(folder, exist_ok=True)
