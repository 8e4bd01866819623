"""Thin Celery tasks. Reminders come from the shared daily sweep (registry.sweep_sources);
this only keeps the share grant table tidy."""

from celery import shared_task


@shared_task(name="audits.tasks.purge_expired_shares", acks_late=True)
def purge_expired_shares() -> int:
    from .services import audit_shares_purge_expired

    return audit_shares_purge_expired()
