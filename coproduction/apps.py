from django.apps import AppConfig


class CoproductionConfig(AppConfig):
    name = "coproduction"
    verbose_name = "Participation groups and co-production"
