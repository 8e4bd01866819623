# ruff: noqa: F811  (the `talks` fixture is imported from tests/interviews/conftest.py)
"""One reminder delivered end to end by a real Celery worker on a real Redis.

The worker is a separate process on the test database (a transactional test, so it sees
committed rows), consuming a private queue; e-mails go to files in a temporary directory.
Skipped only when Redis is unreachable."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from cadre_supervision.celery import app
from cadre_supervision.models import Notification
from interviews.choices import ReminderKind
from interviews.models import RequiredTalk
from tests.interviews.conftest import talks  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent


def _redis_or_skip() -> str:
    import redis

    url = app.conf.broker_url or os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"Redis unreachable at {url}: {exc}")
    return url


def _database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = quote(s.get("HOST") or "", safe="")
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{s['NAME']}"


def _messages(mail_dir: Path) -> list:
    """The messages the file-based backend wrote (one file per connection)."""
    import email

    out = []
    for p in mail_dir.glob("*.log"):
        for chunk in p.read_bytes().split(b"-" * 79):
            if chunk.strip():
                out.append(email.message_from_bytes(chunk.strip()))
    return out


def _subjects(mail_dir: Path) -> list[str]:
    from email.header import decode_header, make_header

    return [str(make_header(decode_header(m["Subject"] or ""))) for m in _messages(mail_dir)]


def _bodies(mail_dir: Path) -> str:
    return "".join(m.get_payload(decode=True).decode("utf-8") for m in _messages(mail_dir))


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_delivers_one_reminder(talks, tmp_path):
    broker = _redis_or_skip()
    queue = f"cs-test-{uuid.uuid4().hex[:12]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="cadre_supervision.settings",
        CS_TESTING="1",
        DATABASE_URL=_database_url(),
        CELERY_BROKER_URL=broker,
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
        PYTHONPATH=str(ROOT),
    )
    env.pop("CS_TEST_DB", None)
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
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
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        talk = RequiredTalk.objects.filter(cadre=talks.cadre_a2, kind="routine").get()
        assert talk.responsible == talks.ganbuke and talks.ganbuke.email
        day = dt.date(talk.due_date.year + 1, 1, 12)  # the talk is overdue on that day
        from cadre_supervision.tasks import run_sweep

        # Sent twice: a redelivered task must not notify or e-mail twice.
        for _ in range(2):
            run_sweep.apply_async(kwargs={"today": day.isoformat()}, queue=queue, retry=False)

        def reminder():
            return Notification.objects.filter(
                recipient=talks.ganbuke,
                kind=ReminderKind.OVERDUE,
                object_id=str(talk.pk),
                emailed_at__isnull=False,
            ).first()

        n = _wait(reminder, 90, "the overdue reminder to be created and e-mailed by the worker")

        def mails_with_title():
            text = "".join(p.read_text(errors="replace") for p in mail_dir.glob("*.log"))
            return text if "ganbuke@example.org" in text else ""

        _wait(mails_with_title, 30, "the e-mail file")
        time.sleep(2)  # let the second task run too
        assert (
            Notification.objects.filter(
                recipient=talks.ganbuke, kind=ReminderKind.OVERDUE, object_id=str(talk.pk)
            ).count()
            == 1
        )
        # One digest to ganbuke listing the reminder, sent once although the task ran twice.
        to_ganbuke = [m for m in _messages(mail_dir) if m["To"] == "ganbuke@example.org"]
        assert len(to_ganbuke) == 1, _subjects(mail_dir)
        assert all(s.startswith("干部管理监督系统每日提醒") for s in _subjects(mail_dir))
        assert n.title in _bodies(mail_dir)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(5)
        log.close()
        try:
            import redis

            redis.Redis.from_url(broker).delete(queue)
        except Exception:  # noqa: BLE001
            pass
        if worker.returncode not in (0, -signal.SIGTERM):
            print((tmp_path / "worker.log").read_text()[-3000:])
