"""Thin Celery tasks: take ids, call one service. Enqueue with `enqueue()` after commit.

The beat schedule (cadre_supervision/celery.py) runs `run_sweep` daily and
`deliver_pending` every 15 minutes. Both are idempotent: the Notification rows and their
unique constraint are the truth, so a redelivered task (acks_late) sends nothing twice.
"""

import logging

from celery import shared_task
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> None:
    """Send a task once the transaction commits; if the broker is down, log and move on:
    the database rows are the truth and the next sweep catches up."""

    def _send():
        try:
            task.apply_async(args=args, kwargs=kwargs, retry=False)
        except Exception:  # noqa: BLE001
            logger.warning("could not enqueue %s; the next sweep will catch up", task.name, exc_info=True)

    transaction.on_commit(_send)


@shared_task(name="cadre_supervision.tasks.run_sweep", acks_late=True)
def run_sweep(today: str | None = None, deliver: bool = True) -> dict:
    import datetime as dt

    from .notifications import run_sweep as _run

    result = _run(dt.date.fromisoformat(today) if today else None, deliver=deliver)
    if result.errors:
        logger.error("sweep finished with failing sources: %s", result.errors)
    return result.as_dict()


@shared_task(name="cadre_supervision.tasks.deliver_pending", acks_late=True)
def deliver_pending() -> int:
    from .notifications import deliver_pending as _deliver

    return _deliver()
