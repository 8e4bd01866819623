"""The unread badge on every page: the number up to 99, "99+" beyond, counted no further than
100 index entries (a whole-city account holds tens of thousands of unread reminders)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cadre_supervision.models import Notification
from cadre_supervision.notifications import unread_badge, unread_count

pytestmark = pytest.mark.django_db


def _notify(user, n: int, *, read: bool = False, start: int = 0) -> None:
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind="test",
            object_id=str(start + i),
            title=f"提醒{start + i}",
            read_at=timezone.now() if read else None,
        )
        for i in range(n)
    )


@pytest.mark.parametrize(
    ("unread", "badge"),
    [(0, ""), (1, "1"), (99, "99"), (100, "99+"), (250, "99+")],
    ids=["none", "one", "99", "100", "250"],
)
def test_badge_text(city, unread, badge):
    _notify(city.staff_all, unread)
    _notify(city.staff_all, 120, read=True, start=1000)  # read ones never count
    _notify(city.staff_a, 150)  # nor someone else's
    assert unread_badge(city.staff_all) == badge
    assert unread_count(city.staff_all) == unread  # uncapped where the exact number is asked


def test_badge_counts_at_most_a_hundred_rows(city):
    _notify(city.staff_all, 250)
    with CaptureQueriesContext(connection) as ctx:
        assert unread_count(city.staff_all, cap=99) == 100
    (sql,) = [q["sql"] for q in ctx.captured_queries]
    assert "LIMIT 100" in sql


def test_every_page_shows_the_capped_badge(client, city):
    _notify(city.staff_all, 120)
    client.force_login(city.staff_all)
    html = client.get("/cadres/").content.decode()
    assert '<span class="badge" id="unread-count">99+</span>' in html
    Notification.objects.filter(recipient=city.staff_all).update(read_at=timezone.now())
    _notify(city.staff_all, 3, start=500)
    html = client.get("/cadres/").content.decode()
    assert '<span class="badge" id="unread-count">3</span>' in html


def test_no_badge_without_unread(client, city):
    client.force_login(city.staff_all)
    assert 'id="unread-count"' not in client.get("/cadres/").content.decode()
