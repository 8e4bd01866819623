from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "三责联审"
    default_auto_field = "django.db.models.BigAutoField"
