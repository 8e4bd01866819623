"""「我的谈话任务」pages each status section in the database: the page's queries do not grow with
the number of tasks or the section size, and a section carries one page of rows."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from interviews import views
from interviews.models import RequiredTalk


def add_pending_tasks(talks, user, n: int, start: int = 0) -> None:
    """`n` more open tasks of `user`, due in 200 days (the 未到期 section)."""
    base = RequiredTalk.objects.filter(responsible=user).order_by("id").first()
    due = talks.today + dt.timedelta(days=200)
    for i in range(start, start + n):
        base.pk = None
        base.seq, base.source_id, base.due_date = 300 + i, f"paging-{i}", due
        base.done_on, base.fulfilled_by, base.cancelled_at = None, None, None
        base.save(force_insert=True)


def pending_rows(html: str) -> int:
    section = html.split('id="pending"')[1].split("</section>")[0]
    return len(re.findall(r'<tr data-task="\d+"', section))


def test_my_tasks_queries_constant_and_one_page_per_section(
    talks, client, monkeypatch, django_assert_max_num_queries
):
    user = talks.ganbuke
    client.force_login(user)
    add_pending_tasks(talks, user, 12)
    monkeypatch.setattr(views.MyTasksView, "section_size", 10)
    client.get("/interviews/")
    with CaptureQueriesContext(connection) as base:
        html = client.get("/interviews/").content.decode()
    assert pending_rows(html) == 10
    total = int(re.search(r'id="count-pending">(\d+)<', html).group(1))
    assert total >= 12 and f"未到期（{total}）" in html and "pending_page=2" in html
    add_pending_tasks(talks, user, 120, start=100)
    for size in (10, 100):
        monkeypatch.setattr(views.MyTasksView, "section_size", size)
        with django_assert_max_num_queries(len(base)):
            html = client.get("/interviews/").content.decode()
        assert pending_rows(html) == size
        assert f'id="count-pending">{total + 120}<' in html
    last = client.get("/interviews/", {"pending_page": 99}).content.decode()  # past the end: the last page
    assert 0 < pending_rows(last) <= 100


def test_my_tasks_html_bounded(talks, client, monkeypatch):
    user = talks.ganbuke
    client.force_login(user)
    monkeypatch.setattr(views.MyTasksView, "section_size", 20)
    add_pending_tasks(talks, user, 21)
    small = client.get("/interviews/").content.decode()
    add_pending_tasks(talks, user, 180, start=100)
    big = client.get("/interviews/").content.decode()
    assert pending_rows(small) == pending_rows(big) == 20
    assert len(big) < len(small) * 1.05
