"""Settings for the Celery worker started by tests/test_celery_worker.py: the project's
settings plus a file-based e-mail backend whose directory comes from the environment
(cadre_supervision/settings.py reads DJANGO_EMAIL_BACKEND but not EMAIL_FILE_PATH)."""

import os

from cadre_supervision.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["CS_TEST_EMAIL_DIR"]
