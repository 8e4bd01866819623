"""Thin Celery tasks: take ids, call one service. Enqueue with `enqueue()` after commit.

The beat schedule (cadre_supervision/celery.py) runs `run_sweep` daily (it runs the steps
and fans the sources out as `sweep_chunk` tasks) and `deliver_pending` every 15 minutes.
All are idempotent: the Notification rows and their unique constraint are the truth, so a
redelivered task (acks_late) sends nothing twice.
"""

import logging

from celery import group, shared_task
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


@shared_task(name="cadre_supervision.tasks.run_sweep", acks_late=True, bind=True)
def run_sweep(self, today: str | None = None, deliver: bool = True) -> dict:
    """The daily sweep: under the sweep's advisory lock (whichever worker picks the task up,
    one starts it; a second copy arriving meanwhile is skipped), run the steps, then send
    one chunk task per reminder source, which the workers process in parallel."""
    import datetime as dt

    from django.utils import timezone

    from . import registry
    from .notifications import SweepResult, run_steps, sweep_lock

    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    with sweep_lock() as obtained:
        if not obtained:
            logger.info("sweep for %s already being started by another worker; skipped", day)
            return {"skipped": True, "day": day.isoformat()}
        result = SweepResult()
        run_steps(day, result)
        if result.errors:
            logger.error("sweep steps failed: %s", result.errors)
        chunks = [sweep_chunk.si(day.isoformat(), key, deliver) for key in registry.sweep_sources]
        # The chunks follow the sweep onto the queue it came from.
        queue = (self.request.delivery_info or {}).get("routing_key") if not self.request.is_eager else None
        if chunks:
            group(chunks).apply_async(queue=queue, retry=False)
    return {"day": day.isoformat(), "steps": result.steps, "errors": result.errors, "chunks": len(chunks)}


@shared_task(name="cadre_supervision.tasks.sweep_chunk", acks_late=True, reject_on_worker_lost=True)
def sweep_chunk(today: str, source_key: str, deliver: bool = True) -> dict:
    """One reminder source of the daily sweep, in one transaction (idempotent: a redelivered
    or re-run chunk creates nothing twice and, since a killed one committed nothing, misses
    nothing); then delivers what is pending."""
    import datetime as dt

    from .notifications import deliver_pending as _deliver
    from .notifications import run_source

    counts = run_source(source_key, dt.date.fromisoformat(today))
    if deliver:
        counts["delivered"] = _deliver()
    return counts


@shared_task(name="cadre_supervision.tasks.deliver_pending", acks_late=True)
def deliver_pending() -> int:
    from .notifications import deliver_pending as _deliver

    return _deliver()
