"""The notification centre grouped by kind and by day, with per-group "mark all read", and the
daily e-mail digest (one message per recipient; a re-run sends nothing twice)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cadre_supervision.models import Notification
from cadre_supervision.notifications import ReminderSpec, deliver_pending, grouped, kind_label, notify
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    a = make_user("pa", email="pa@example.org")
    b = make_user("pb", email="pb@example.org")
    c = make_user("pc")  # no address: in-app only
    return a, b, c


def _notes(user, kind, n, period="p"):
    return notify(
        [
            ReminderSpec(user.pk, kind, period, f"{kind} 第{i}条", body="说明", url="/", object_id=str(i))
            for i in range(n)
        ]
    )


def test_kind_labels_are_chinese():
    assert kind_label("interviews.overdue") == "谈话已逾期"
    assert kind_label("audits.something_new") == "三责联审"  # falls back to the app's label
    assert kind_label("unknown.kind") == "系统通知"


def test_grouped_by_kind_and_day(people):
    a, _b, _c = people
    _notes(a, "interviews.overdue", 2)
    _notes(a, "audits.share_expiring", 1)
    old = Notification.objects.filter(kind="audits.share_expiring").get()
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    rows = list(Notification.objects.filter(recipient=a).order_by("kind", "-created_at"))
    by_kind = grouped(rows, by="kind")
    assert [(g["label"], len(g["rows"])) for g in by_kind] == [("档案共享即将到期", 1), ("谈话已逾期", 2)]
    by_day = grouped(Notification.objects.filter(recipient=a).order_by("-created_at"), by="day")
    assert len(by_day) == 2 and [len(g["rows"]) for g in by_day] == [2, 1]


def test_page_groups_and_group_mark_read_is_own_only(client, people):
    a, b, _c = people
    _notes(a, "interviews.overdue", 2)
    _notes(a, "audits.share_expiring", 1)
    _notes(b, "interviews.overdue", 1)
    client.force_login(a)
    html = client.get(reverse("notifications")).content.decode()
    assert "谈话已逾期" in html and "档案共享即将到期" in html and "本组全部标为已读" in html
    assert "按日期" in html
    assert client.get(reverse("notifications"), {"group": "day"}).status_code == 200
    r = client.post(reverse("notifications_read_group"), {"kind": "interviews.overdue"})
    assert r.status_code == 302
    assert not Notification.objects.filter(
        recipient=a, kind="interviews.overdue", read_at__isnull=True
    ).exists()
    assert Notification.objects.filter(
        recipient=a, kind="audits.share_expiring", read_at__isnull=True
    ).exists()
    # b's notification of the same kind is untouched
    assert Notification.objects.filter(recipient=b, read_at__isnull=True).count() == 1


def test_group_mark_read_by_day(client, people):
    a, _b, _c = people
    _notes(a, "interviews.overdue", 2)
    yesterday = Notification.objects.filter(recipient=a).order_by("id").first()
    Notification.objects.filter(pk=yesterday.pk).update(created_at=timezone.now() - dt.timedelta(days=1))
    client.force_login(a)
    client.post(reverse("notifications_read_group"), {"day": timezone.localdate().isoformat()})
    unread = Notification.objects.filter(recipient=a, read_at__isnull=True)
    assert list(unread.values_list("pk", flat=True)) == [yesterday.pk]


def test_group_mark_read_without_group_is_refused(client, people):
    a, _b, _c = people
    _notes(a, "interviews.overdue", 1)
    client.force_login(a)
    r = client.post(reverse("notifications_read_group"), {}, follow=True)
    assert "请指定要标为已读的通知分组" in r.content.decode()
    assert Notification.objects.filter(recipient=a, read_at__isnull=True).count() == 1


def test_digest_one_message_per_recipient_and_idempotent(people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    a, b, c = people
    _notes(a, "interviews.overdue", 3)
    _notes(a, "audits.share_expiring", 2)
    _notes(b, "reports.annual", 1)
    _notes(c, "reports.annual", 2)
    assert deliver_pending() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["pa@example.org", "pb@example.org"]
    digest_a = next(m for m in mail.outbox if m.to == ["pa@example.org"])
    assert "共 5 项" in digest_a.subject
    assert "【谈话已逾期】3 项" in digest_a.body and "【档案共享即将到期】2 项" in digest_a.body
    assert all(n.title in digest_a.body for n in Notification.objects.filter(recipient=a))
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()  # c's rows: in-app only
    # A re-run sends nothing twice; the next day's new items are the next digest.
    assert deliver_pending() == 0 and len(mail.outbox) == 2
    _notes(a, "interviews.overdue", 1, period="next")
    assert deliver_pending() == 1
    assert "共 1 项" in mail.outbox[-1].subject


def test_digest_failure_keeps_rows_pending(people, settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core.mail.backends import locmem

    a, _b, _c = people
    _notes(a, "interviews.overdue", 2)
    monkeypatch.setattr(
        locmem.EmailBackend, "send_messages", lambda self, m: (_ for _ in ()).throw(OSError("down"))
    )
    assert deliver_pending() == 0
    assert Notification.objects.filter(recipient=a, emailed_at__isnull=True, email_attempts=1).count() == 2
    monkeypatch.undo()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_pending() == 1 and "共 2 项" in mail.outbox[0].subject
