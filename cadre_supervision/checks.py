"""Deployment checks (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def field_encryption_key_check(app_configs, **kwargs):
    if settings.FIELD_ENCRYPTION_KEY == settings.SECRET_KEY:
        return [
            Error(
                "FIELD_ENCRYPTION_KEY is not set or equals DJANGO_SECRET_KEY.",
                hint="Give production its own FIELD_ENCRYPTION_KEY (the key protecting citizen IDs).",
                id="cadre_supervision.E001",
            )
        ]
    return []
