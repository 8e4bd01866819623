# ruff: noqa: F811  (the `talks` fixture is imported from tests/interviews/conftest.py)
"""A Celery worker killed in the middle of a sweep chunk loses and duplicates nothing.

A real worker on a real Redis (as in test_celery_worker.py) runs the daily sweep, which fans
the reminder sources out as chunk tasks. The test holds an uncommitted notification row with
the key of one reminder a chunk is about to insert, so that chunk's INSERT waits on the row
lock: the worker is provably in the middle of the chunk when it is SIGKILLed. A second
worker then re-runs the sweep: every reminder exists exactly once (0 duplicated, 0 missing).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import uuid

import pytest
from django.db import connection, connections
from django.utils import timezone

from cadre_supervision import registry
from cadre_supervision.models import Notification
from cadre_supervision.notifications import SweepResult, _insert_sql, run_steps
from tests.interviews.conftest import talks  # noqa: F401  (fixture)
from tests.test_celery_worker import ROOT, _database_url, _redis_or_skip, _wait

KEY_FIELDS = ("recipient_id", "kind", "period", "object_type", "object_id")


def _start_worker(broker: str, queue: str, log_path) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="cadre_supervision.settings",
        CS_TESTING="1",
        DATABASE_URL=_database_url(),
        CELERY_BROKER_URL=broker,
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PYTHONPATH=str(ROOT),
    )
    env.pop("CS_TEST_DB", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cadre_supervision",
            "worker",
            "-Q",
            queue,
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "info",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
    )


def _stored_keys() -> list[tuple]:
    return [
        (r, k, p, t, str(o)) for r, k, p, t, o in Notification.objects.values_list(*KEY_FIELDS).order_by("id")
    ]


def _waiting_inserts() -> list[int]:
    """Backends of other sessions blocked on a lock while inserting notifications."""
    table = Notification._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND wait_event_type = 'Lock' AND query ILIKE %s",
            [f'%INSERT INTO "{table}"%'],
        )
        return [r[0] for r in cur.fetchall()]


def _backend_alive(pid: int) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return bool(cur.fetchone()[0])


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_chunk_then_rerun_gives_no_duplicate_and_no_missing(talks, tmp_path):
    broker = _redis_or_skip()
    day = dt.date(timezone.localdate().year + 1, 1, 12)  # routine talks of this year are overdue
    run_steps(day, SweepResult())  # the steps' writes, so the sources' answer is final
    expected: dict[tuple, object] = {}
    for _key, source in registry.sweep_sources.items():
        for spec in source(day):
            if spec.recipient_id:
                expected.setdefault(spec.key, spec)
    assert len(expected) >= 2, "the fixture city should owe several reminders on that day"
    blocked = next(iter(expected.values()))
    assert not Notification.objects.exists()

    queue = f"cs-test-{uuid.uuid4().hex[:12]}"
    blocker = connections.create_connection("default")
    workers: list[subprocess.Popen] = []
    try:
        blocker.set_autocommit(False)
        with blocker.cursor() as cur:  # uncommitted: the chunk's insert of this key must wait
            cur.execute(
                _insert_sql(1),
                [
                    blocked.recipient_id,
                    blocked.kind,
                    blocked.period,
                    blocked.object_type,
                    str(blocked.object_id),
                    blocked.title,
                    blocked.body,
                    blocked.url,
                    timezone.now(),
                ],  # fmt: skip
            )
        from cadre_supervision.tasks import run_sweep

        workers.append(_start_worker(broker, queue, tmp_path / "worker1.log"))
        run_sweep.apply_async(kwargs={"today": day.isoformat(), "deliver": False}, queue=queue, retry=False)
        pids = _wait(_waiting_inserts, 90, "a sweep chunk to block on the held notification row")
        workers[0].kill()  # SIGKILL in the middle of the chunk's transaction
        workers[0].wait(10)
        blocker.rollback()
        _wait(lambda: not any(_backend_alive(p) for p in pids), 30, "the killed chunk's transaction to end")
        # The killed chunk committed nothing of its reminders.
        assert blocked.key not in set(_stored_keys())

        workers.append(_start_worker(broker, queue, tmp_path / "worker2.log"))
        run_sweep.apply_async(kwargs={"today": day.isoformat(), "deliver": False}, queue=queue, retry=False)
        _wait(lambda: set(_stored_keys()) >= set(expected), 120, "the re-run to create every reminder")
        _wait(lambda: not _waiting_inserts(), 10, "no chunk in progress")
        stored = _stored_keys()
        assert len(stored) == len(set(stored)), "a reminder was duplicated"
        assert set(stored) == set(expected), "missing or unexpected reminders"
    finally:
        blocker.close()
        for w in workers:
            if w.poll() is None:
                w.send_signal(signal.SIGTERM)
                try:
                    w.wait(20)
                except subprocess.TimeoutExpired:
                    w.kill()
                    w.wait(5)
        try:
            import redis

            redis.Redis.from_url(broker).delete(queue)
        except Exception:  # noqa: BLE001
            pass
