"""Thin Celery tasks: take ids, call one service. Enqueue with `enqueue()` after commit.

The beat schedule (cadre_supervision/celery.py) runs `run_sweep` daily (it fans the steps
and the sources out as `sweep_step` and `sweep_chunk` tasks), `deliver_pending` every 15 minutes and
`run_pending_exports` every 5 minutes. All are idempotent: the Notification rows and their
unique constraint are the truth, so a redelivered task (acks_late) sends nothing twice; an
export job is taken once (`cadre_supervision.exports.export_run`).
"""

import logging

from celery import chain, group, shared_task
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
    one starts it; a second copy arriving meanwhile is skipped), send one task per step, each
    followed by the chunks of the sources that read its writes, and one chunk task for every
    other reminder source: the workers run them side by side (`notifications.sweep_plan`)."""
    import datetime as dt

    from django.utils import timezone

    from . import registry
    from .notifications import sweep_lock, sweep_plan

    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    with sweep_lock() as obtained:
        if not obtained:
            logger.info("sweep for %s already being started by another worker; skipped", day)
            return {"skipped": True, "day": day.isoformat()}
        iso = day.isoformat()
        # The steps and chunks follow the sweep onto the queue it came from (set on each task:
        # the chunks of a chain are sent by the worker that ran its step).
        queue = (self.request.delivery_info or {}).get("routing_key") if not self.request.is_eager else None
        options = {"queue": queue} if queue else {}
        work, free = [], []
        plan = sweep_plan(registry.sweep_steps, registry.sweep_sources, registry.sweep_source_after)
        for step, sources in plan:
            chunks = [sweep_chunk.si(iso, key, deliver).set(**options) for key in sources]
            if step is None:
                free = chunks  # sent after the steps: the long chains start first
            elif chunks:
                work.append(chain(sweep_step.si(iso, step).set(**options), group(chunks)))
            else:
                work.append(sweep_step.si(iso, step).set(**options))
        work += free
        if work:
            group(work).apply_async(queue=queue, retry=False)
    return {"day": iso, "tasks": len(work)}


@shared_task(name="cadre_supervision.tasks.sweep_step", acks_late=True, reject_on_worker_lost=True)
def sweep_step(today: str, step_key: str) -> dict:
    """One step of the daily sweep, in its own transaction (idempotent: a step replaces what
    it maintains). A failing step is logged and reported; the chunks that wait for it still run."""
    import datetime as dt

    from .notifications import SweepResult, run_step

    result = SweepResult()
    run_step(step_key, dt.date.fromisoformat(today), result)
    if result.errors:
        logger.error("sweep step %s failed: %s", step_key, result.errors)
    return {"steps": result.steps, "errors": result.errors}


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


@shared_task(name="cadre_supervision.tasks.run_export", acks_late=True)
def run_export(job_id: int) -> str:
    """One background export job (enqueued after the request that made it commits)."""
    from .exports import export_run

    job = export_run(job_id=job_id)
    return job.status if job is not None else "skipped"


@shared_task(name="cadre_supervision.tasks.run_pending_exports", acks_late=True)
def run_pending_exports() -> dict:
    """The catch-up of export jobs whose task was lost (broker down) or whose worker died."""
    from .exports import export_run_pending

    return export_run_pending()
