"""Thin tasks. Reminders run in the shared daily sweep (registered in apps.py); this task
lets an operator trigger the reports source alone."""

from celery import shared_task


@shared_task(name="reports.tasks.sweep_reports", acks_late=True)
def sweep_reports(today: str | None = None) -> int:
    import datetime as dt

    from django.utils import timezone

    from cadre_supervision.notifications import notify

    from .integration import reminder_specs

    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return notify(reminder_specs(day))
