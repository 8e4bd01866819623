"""Reminders and notifications shared by every app.

A sweep asks each registered source (registry.sweep_sources) what is due or overdue,
inserts one Notification row per (recipient, kind, period, object) with ON CONFLICT DO
NOTHING, then delivers pending rows by e-mail. The row is the truth: re-running a sweep,
a redelivered task, or two sweeps at once never notify twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from . import registry
from .models import Notification

logger = logging.getLogger(__name__)


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


@dataclass
class SweepResult:
    considered: int = 0
    created: int = 0
    delivered: int = 0
    by_source: dict | None = None


def notify(specs: Iterable[ReminderSpec]) -> int:
    """Insert notifications; duplicates of (recipient, kind, period, object) are skipped."""
    rows = [
        Notification(
            recipient_id=s.recipient_id,
            kind=s.kind,
            period=s.period,
            title=s.title[:200],
            body=s.body,
            url=s.url[:300],
            object_type=s.object_type,
            object_id=str(s.object_id),
        )
        for s in specs
    ]
    if not rows:
        return 0
    # ON CONFLICT DO NOTHING: the unique constraint drops what a previous sweep inserted.
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def run_sweep(today: dt.date | None = None, *, deliver: bool = True) -> SweepResult:
    today = today or timezone.localdate()
    result = SweepResult(by_source={})
    before = Notification.objects.count()
    for key, source in registry.sweep_sources.items():
        specs = list(source(today))
        result.considered += len(specs)
        with transaction.atomic():
            notify(specs)
        result.by_source[key] = len(specs)
    result.created = Notification.objects.count() - before
    if deliver:
        result.delivered = deliver_pending()
    return result


def deliver_pending(limit: int = 500) -> int:
    """E-mail notifications not yet e-mailed. Rows are locked (SKIP LOCKED) so two workers
    never send the same one."""
    sent = 0
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(emailed_at__isnull=True, email_attempts__lt=3)
            .order_by("id")[:limit]
        )
        now = timezone.now()
        for n in pending:
            email = n.recipient.email
            if not email:
                n.emailed_at = now  # nothing to send; in-app only
                n.save(update_fields=["emailed_at"])
                continue
            try:
                send_mail(n.title, f"{n.body}\n\n{n.url}".strip(), settings.DEFAULT_FROM_EMAIL, [email])
            except Exception:  # noqa: BLE001 - a mail failure must not lose the row
                logger.exception("e-mail delivery failed for notification %s", n.pk)
                n.email_attempts += 1
                n.save(update_fields=["email_attempts"])
                continue
            n.emailed_at = now
            n.email_attempts += 1
            n.save(update_fields=["emailed_at", "email_attempts"])
            sent += 1
    return sent


def mark_read(user, notification_ids=None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
