from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "个人有关事项报告"
    default_auto_field = "django.db.models.BigAutoField"
