# ruff: noqa: F811  (the `talks` fixture is imported from tests/interviews/conftest.py)
"""Two sweeps at once (separate connections, real transactions) never notify twice."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from cadre_supervision.models import Notification
from cadre_supervision.notifications import deliver_pending, run_sweep
from tests.interviews.conftest import talks  # noqa: F401  (fixture)


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_and_deliveries_do_not_duplicate(talks, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail
    from django.utils import timezone

    day = dt.date(timezone.localdate().year, 7, 15)
    barrier = threading.Barrier(3)
    results, errors = [], []

    def sweep():
        try:
            barrier.wait(timeout=10)
            results.append(run_sweep(day, deliver=True))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    total = Notification.objects.count()
    assert total > 0
    assert sum(r.created for r in results) == total  # every row was created exactly once
    keys = Notification.objects.values_list("recipient_id", "kind", "period", "object_type", "object_id")
    assert len(set(keys)) == total
    # Each notification was e-mailed exactly once across the three deliveries: every digest
    # lists the rows it covers ("共 N 项") and the counts add up to the rows with an address.
    import re

    emailed = Notification.objects.filter(recipient__email__gt="").count()
    assert sum(r.delivered for r in results) == len(mail.outbox) > 0
    listed = sum(int(re.search(r"共 (\d+) 项", m.subject).group(1)) for m in mail.outbox)
    assert listed == emailed
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0
    assert deliver_pending() == 0
