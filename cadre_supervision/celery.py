"""Celery application with a static beat schedule (daily sweeps, deliveries, export catch-up)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_supervision.settings")

app = Celery("cadre_supervision")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # One sweep runs every app's registered reminder sources, then delivers.
    "daily-reminder-sweep": {
        "task": "cadre_supervision.tasks.run_sweep",
        "schedule": crontab(hour=6, minute=30),
    },
    # Deliver anything left pending (e.g. e-mail failed) every 15 minutes.
    "deliver-pending-notifications": {
        "task": "cadre_supervision.tasks.deliver_pending",
        "schedule": crontab(minute="*/15"),
    },
    # Export jobs queued over a minute ago (their task lost while the broker was down) or left
    # running by a worker that died: run them.
    "export-jobs-catch-up": {
        "task": "cadre_supervision.tasks.run_pending_exports",
        "schedule": crontab(minute="*/5"),
    },
}
