from django.apps import AppConfig


class RotationsConfig(AppConfig):
    name = "rotations"
    verbose_name = "轮岗交流与二线干部"
    default_auto_field = "django.db.models.BigAutoField"
