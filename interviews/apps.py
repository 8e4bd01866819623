from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "interviews"
    verbose_name = "谈心谈话"
    default_auto_field = "django.db.models.BigAutoField"
