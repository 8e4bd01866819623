"""Reminders and notifications shared by every app.

A sweep first runs its registered steps (registry.sweep_steps: the writes, e.g. bringing
the talk plan up to date), then asks each registered source (registry.sweep_sources) what
is due or overdue, inserts one Notification row per (recipient, kind, period, object) with ON CONFLICT DO
NOTHING, then delivers pending rows by e-mail. The row is the truth: re-running a sweep,
a redelivered task, or two sweeps at once never notify twice.

How an app uses it:
- `registry.register_sweep_source("app.kind", fn)` with `fn(today) -> iterable[ReminderSpec]`;
  compute what is due with the same selectors the pages use, passing `permissions.SYSTEM`
  as the user. A source only reads; a write the sweep needs is a step:
  `registry.register_sweep_step("app.what", fn)` with `fn(today)`. Choose `period` so that one
  reminder per period is what you want (e.g. the due date for "due soon", an ISO week for
  "overdue", a month for escalations).
- For an immediate notification (e.g. "a new task was assigned to you") call
  `notify([...])` inside your write and `tasks.enqueue(tasks.deliver_pending)`.
- Pages show `Notification` rows (the notification centre, the unread badge).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from . import registry
from .models import Notification

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 3
INSERT_BATCH = 1000


@dataclass(frozen=True)
class ReminderSpec:
    recipient_id: int
    kind: str
    period: str
    title: str
    body: str = ""
    url: str = ""
    object_type: str = ""
    object_id: str = ""

    @property
    def key(self) -> tuple:
        return (self.recipient_id, self.kind, self.period, self.object_type, str(self.object_id))


@dataclass
class SweepResult:
    considered: int = 0
    created: int = 0
    delivered: int = 0
    by_source: dict = field(default_factory=dict)
    steps: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {
            "considered": self.considered,
            "created": self.created,
            "delivered": self.delivered,
            "by_source": self.by_source,
            "steps": self.steps,
            "errors": self.errors,
            "seconds": round(self.seconds, 3),
        }


def _insert_sql(n: int) -> str:
    table = connection.ops.quote_name(Notification._meta.db_table)
    cols = "recipient_id, kind, period, object_type, object_id, title, body, url, created_at, email_attempts"
    row = "(%s, %s, %s, %s, %s, %s, %s, %s, %s, 0)"
    return (
        f"INSERT INTO {table} ({cols}) VALUES {', '.join([row] * n)} "
        "ON CONFLICT (recipient_id, kind, period, object_type, object_id) DO NOTHING RETURNING id"
    )


def _stored_key(s: ReminderSpec) -> tuple:
    """The key as the row stores it (the columns' lengths)."""
    return (s.recipient_id, s.kind[:60], s.period[:30], s.object_type[:100], str(s.object_id)[:64])


# From this many reminders at once (a sweep source), the existing keys are read before inserting.
PRE_READ_FROM = 200


def _stored_keys(kinds: set[str], recipients: set[int]) -> set[tuple]:
    """The keys stored for `kinds` and `recipients` (the unique index's leading columns)."""
    keys: set[tuple] = set()
    for kind in sorted(kinds):
        rows = Notification.objects.filter(kind=kind, recipient_id__in=sorted(recipients)).values_list(
            "recipient_id", "period", "object_type", "object_id"
        )
        keys.update(
            (recipient_id, kind, period, object_type, object_id)
            for recipient_id, period, object_type, object_id in rows
        )
    return keys


def notify(specs: Iterable[ReminderSpec]) -> int:
    """Insert notifications; returns how many were new. A row that exists for the same
    (recipient, kind, period, object) is skipped by the database's unique constraint, so
    concurrent callers never create duplicates."""
    unique: dict[tuple, ReminderSpec] = {}
    for s in specs:
        if s.recipient_id:
            unique.setdefault(s.key, s)
    if not unique:
        return 0
    now = timezone.now()
    # The rows that exist already are read first (one query per kind, tuples) and not sent: a
    # daily sweep considers tens of thousands of reminders of which a few hundred are new, and
    # the INSERT's conflict check costs far more per row than reading the keys. What another
    # writer inserts meanwhile is still dropped by the unique constraint.
    rows = list(unique.values())
    if len(rows) >= PRE_READ_FROM:
        stored = _stored_keys({s.kind[:60] for s in rows}, {s.recipient_id for s in rows})
        rows = [s for s in rows if _stored_key(s) not in stored]
    created = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for i in range(0, len(rows), INSERT_BATCH):
            batch = rows[i : i + INSERT_BATCH]
            params: list = []
            for s in batch:
                params += [
                    s.recipient_id,
                    s.kind[:60],
                    s.period[:30],
                    s.object_type[:100],
                    str(s.object_id)[:64],
                    s.title[:200],
                    s.body,
                    s.url[:300],
                    now,
                ]
            cursor.execute(_insert_sql(len(batch)), params)
            created += len(cursor.fetchall())
    return created


def _plain(value):
    if value is None or isinstance(value, int | float | str | bool):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        return {k: _plain(getattr(value, k)) for k in value.__dataclass_fields__}
    return str(value)


def run_steps(today: dt.date, result: SweepResult) -> None:
    """The sweep's writes, each in its own transaction; a failing step is logged and
    reported in `errors` (under its key) and the sources still run."""
    for key in list(registry.sweep_steps):
        run_step(key, today, result)


def run_step(key: str, today: dt.date, result: SweepResult) -> None:
    """One step of the sweep in its own transaction (see `run_steps`)."""
    step = registry.sweep_steps[key]
    try:
        with transaction.atomic():
            result.steps[key] = _plain(step(today))
    except Exception as exc:  # noqa: BLE001 - one broken step must not stop the sweep
        logger.exception("sweep step %s failed", key)
        result.errors[key] = f"{type(exc).__name__}: {exc}"[:500]


def sweep_plan(steps, sources, after: dict[str, str]) -> list[tuple[str | None, list[str]]]:
    """How the workers run a sweep: each step followed by the sources that read its writes,
    and (under None) the sources that wait for no step, all of these side by side. A source
    naming a step that is not registered waits for nothing. Keeps registration order."""
    steps = list(steps)
    waiting: dict[str | None, list[str]] = {key: [] for key in steps}
    free: list[str] = []
    for source in sources:
        step = after.get(source)
        (waiting[step] if step in waiting else free).append(source)
    return [(None, free), *((key, waiting[key]) for key in steps)]


def run_source(key: str, today: dt.date) -> dict:
    """One chunk of the sweep: ask the source `key` what is due on `today` and insert its
    reminders, in one transaction. Idempotent: the unique constraint drops what exists, so a
    redelivered or re-run chunk creates nothing twice, and an interrupted one (a worker
    killed mid-chunk) committed nothing, so the re-run misses nothing."""
    source = registry.sweep_sources[key]
    with transaction.atomic():
        specs = list(source(today))
        created = notify(specs)
    return {"considered": len(specs), "created": created}


def _add_source_result(result: SweepResult, key: str, counts: dict) -> None:
    result.considered += counts["considered"]
    result.created += counts["created"]
    result.by_source[key] = counts


def run_sweep(today: dt.date | None = None, *, deliver: bool = True) -> SweepResult:
    """Run every registered step for `today`, then every source, inserting its reminders;
    then deliver. (In one process; the Celery task runs the sources as parallel chunks.)

    A failing step or source is logged and reported in `errors`; the others still run.
    """
    started = time.perf_counter()
    today = today or timezone.localdate()
    result = SweepResult()
    run_steps(today, result)
    for key in list(registry.sweep_sources):
        try:
            counts = run_source(key, today)
        except Exception as exc:  # noqa: BLE001 - one broken source must not stop the others
            logger.exception("sweep source %s failed", key)
            result.errors[key] = f"{type(exc).__name__}: {exc}"[:500]
            continue
        _add_source_result(result, key, counts)
    if deliver:
        result.delivered = deliver_pending()
    result.seconds = time.perf_counter() - started
    return result


# A PostgreSQL advisory lock key of its own ("CSSWEEP" in ASCII, fits a bigint).
SWEEP_LOCK_KEY = int.from_bytes(b"CSSWEEP", "big")


@contextlib.contextmanager
def sweep_lock():
    """Hold the sweep's session-level advisory lock while the block runs; yields whether it
    was obtained (False: another worker is starting the same sweep now). PostgreSQL releases
    it by itself if the holder's connection dies, so a killed worker never blocks the next run."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [SWEEP_LOCK_KEY])
        obtained = bool(cursor.fetchone()[0])
    try:
        yield obtained
    finally:
        if obtained:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [SWEEP_LOCK_KEY])


def absolute_url(url: str) -> str:
    base = (getattr(settings, "SITE_URL", "") or os.environ.get("SITE_URL", "")).rstrip("/")
    if url and base and url.startswith("/"):
        return base + url
    return url


def digest_subject(day: dt.date, rows: list[Notification]) -> str:
    return f"干部管理监督系统每日提醒（{day:%Y-%m-%d}）：共 {len(rows)} 项"


def _digest_for(recipient, rows: list[Notification], day: dt.date) -> EmailMessage:
    """One e-mail listing a recipient's new notifications, grouped by kind."""
    by_kind: dict[str, list[Notification]] = {}
    for n in rows:
        by_kind.setdefault(n.kind, []).append(n)
    lines = [f"您有 {len(rows)} 项新的提醒：", ""]
    for kind, items in by_kind.items():
        lines.append(f"【{kind_label(kind)}】{len(items)} 项")
        for i, n in enumerate(items, start=1):
            lines.append(f"{i}. {n.title}")
            if n.body:
                lines.append(f"   {n.body}")
            link = absolute_url(n.url)
            if link:
                lines.append(f"   查看：{link}")
        lines.append("")
    center = absolute_url(reverse_lazy_notifications())
    if center:
        lines.append(f"全部通知：{center}")
    lines.append("—— 干部管理监督系统（请勿回复）")
    return EmailMessage(
        subject=digest_subject(day, rows),
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
    )


def reverse_lazy_notifications() -> str:
    from django.urls import reverse

    return reverse("notifications")


def deliver_pending(limit: int = 500) -> int:
    """E-mail the notifications not yet e-mailed as one digest per recipient; returns how
    many e-mails were sent.

    The recipients are locked (SKIP LOCKED), so two workers never both take one person's
    rows: each person gets one message per run listing all their pending rows, which are
    then marked e-mailed (a re-run sends nothing twice). A failed e-mail keeps its rows
    pending (up to MAX_EMAIL_ATTEMPTS) for the next run. `limit` caps the recipients per run.
    """
    from django.contrib.auth import get_user_model

    User = get_user_model()
    sent = 0
    pending_q = {"emailed_at__isnull": True, "email_attempts__lt": MAX_EMAIL_ATTEMPTS}
    with transaction.atomic():
        recipients = list(
            User.objects.select_for_update(skip_locked=True)
            .filter(pk__in=Notification.objects.filter(**pending_q).values("recipient_id"))
            .order_by("pk")[:limit]
        )
        if not recipients:
            return 0
        rows_by_user: dict[int, list[Notification]] = {}
        for n in (
            Notification.objects.select_for_update(of=("self",))
            .filter(recipient__in=recipients, **pending_q)
            .order_by("kind", "created_at", "id")
        ):
            rows_by_user.setdefault(n.recipient_id, []).append(n)
        now = timezone.now()
        day = timezone.localdate()
        no_mail: list[int] = []
        done: list[int] = []
        failed: list[int] = []
        mail_connection = None
        for user in recipients:
            rows = rows_by_user.get(user.pk, [])
            if not rows:
                continue
            ids = [n.pk for n in rows]
            if not user.email or not user.is_active:
                no_mail += ids  # in-app only
                continue
            try:
                if mail_connection is None:
                    mail_connection = get_connection(fail_silently=False)
                    mail_connection.open()
                mail_connection.send_messages([_digest_for(user, rows, day)])
            except Exception:  # noqa: BLE001 - a mail failure must not lose the rows
                logger.exception("e-mail digest failed for user %s", user.pk)
                failed += ids
                continue
            done += ids
            sent += 1
        if mail_connection is not None:
            try:
                mail_connection.close()
            except Exception:  # noqa: BLE001
                logger.warning("closing the mail connection failed", exc_info=True)
        if no_mail:
            Notification.objects.filter(pk__in=no_mail).update(emailed_at=now)
        if done:
            Notification.objects.filter(pk__in=done).update(
                emailed_at=now, email_attempts=F("email_attempts") + 1
            )
        if failed:
            Notification.objects.filter(pk__in=failed).update(email_attempts=F("email_attempts") + 1)
    return sent


# --- grouping for the notification centre --------------------------------------------------------

KIND_LABELS: dict[str, str] = {}


def register_kind_label(kind: str, label: str) -> None:
    """A Chinese name for a notification kind (shown on group headings and in digests)."""
    KIND_LABELS[kind] = label


def kind_label(kind: str) -> str:
    if kind in KIND_LABELS:
        return KIND_LABELS[kind]
    prefix = kind.split(".", 1)[0]
    return KIND_LABELS.get(prefix, "系统通知")


def grouped(rows: Iterable[Notification], by: str = "kind") -> list[dict]:
    """Rows grouped by kind or by day (in the given order): [{key, label, rows, unread}]."""
    groups: dict[str, dict] = {}
    for n in rows:
        if by == "day":
            day = timezone.localtime(n.created_at).date()
            key, label = day.isoformat(), f"{day:%Y年%m月%d日}"
        else:
            key, label = n.kind, kind_label(n.kind)
        g = groups.setdefault(key, {"key": key, "label": label, "rows": [], "unread": 0})
        g["rows"].append(n)
        g["unread"] += 0 if n.read_at else 1
    return list(groups.values())


def mark_group_read(user, *, kind: str | None = None, day: dt.date | None = None) -> int:
    """Mark the user's own unread notifications of one kind or one day as read."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    if day:
        start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        qs = qs.filter(created_at__gte=start, created_at__lt=start + dt.timedelta(days=1))
    return qs.update(read_at=timezone.now())


def mark_read(user, notification_ids=None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())


BADGE_CAP = 99


def unread_count(user, *, cap: int | None = None) -> int:
    """The user's unread notifications; with `cap`, counted no further than `cap + 1` (the
    badge on every page: its cost stays that of `cap` index entries however many are unread)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if cap is not None:
        return qs.order_by().values("pk")[: cap + 1].count()
    return qs.count()


def unread_badge(user) -> str:
    """The unread badge's text: "" for none, the number up to 99, "99+" beyond."""
    n = unread_count(user, cap=BADGE_CAP)
    return "" if n == 0 else (f"{BADGE_CAP}+" if n > BADGE_CAP else str(n))
