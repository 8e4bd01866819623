"""Many reminders at once (a sweep source): the stored keys are read first and only the new rows
are inserted; the answer is the one the unique constraint alone gives."""

from __future__ import annotations

import pytest

from cadre_supervision import notifications
from cadre_supervision.models import Notification
from cadre_supervision.notifications import ReminderSpec, notify
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _specs(users, n, *, kind="test.bulk", start=0, period="p"):
    return [
        ReminderSpec(
            recipient_id=users[i % len(users)].pk,
            kind=kind,
            period=period,
            title=f"提醒 {i}",
            object_type="test.thing",
            object_id=str(i),
        )
        for i in range(start, start + n)
    ]


@pytest.mark.parametrize("pre_read_from", [1, 10_000], ids=["keys read first", "insert only"])
def test_bulk_notify_creates_each_reminder_once(monkeypatch, pre_read_from, django_assert_max_num_queries):
    monkeypatch.setattr(notifications, "PRE_READ_FROM", pre_read_from)
    users = [make_user(f"u{i}") for i in range(3)]
    first = _specs(users, 300)
    assert notify(first) == 300
    # the same again, 20 new ones among them, another kind beside them
    again = _specs(users, 320) + _specs(users, 5, kind="test.other")
    assert notify(again) == 25
    assert Notification.objects.count() == 325
    assert notify(again) == 0
    # a long object id is stored cut to its column: the same reminder, not a new one
    long_id = ReminderSpec(
        recipient_id=users[0].pk,
        kind="test.bulk",
        period="p",
        title="长",
        object_type="t",
        object_id="x" * 80,
    )
    assert notify([long_id]) == 1
    assert notify([long_id, *_specs(users, 320)]) == 0
    # a constant number of queries whatever the number of reminders
    with django_assert_max_num_queries(8):
        notify(_specs(users, 600, start=1000))
    assert Notification.objects.count() == 326 + 600


def test_only_new_rows_are_sent(monkeypatch):
    """With the keys read first, the INSERT carries only the new rows."""
    users = [make_user("v1")]
    notify(_specs(users, 250))
    sent = []
    real = notifications._insert_sql
    monkeypatch.setattr(notifications, "_insert_sql", lambda n: (sent.append(n), real(n))[1])
    assert notify(_specs(users, 260)) == 10
    assert sum(sent) == 10
