"""The compliance lists and the yearly plan page in the database: the queries of a page do not
grow with the page size or the table, only one page of rows is built and rendered, and the
export still carries every row."""

import re
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from audits import views
from cadres.choices import TopLeaderKind
from tests.factories import AppointmentFactory, CadreFactory, PostFactory

from .helpers import D

# (url name, view, table id, query string)
PAGES = [
    ("audits:compliance_cycle", views.CycleView, "cycle", {}),
    ("audits:compliance_cycle", views.CycleView, "cycle", {"show": "all"}),
    ("audits:plan", views.PlanView, "plan-items", {}),
]


def add_due_leaders(ns, n: int, start: int = 0) -> None:
    """`n` 一把手 of 乙镇 in office since 2015, never audited: all overdue for their cycle audit."""
    for i in range(start, start + n):
        post = PostFactory(organization=ns.town_b, title=f"主任{i:03d}", top_leader_kind=TopLeaderKind.ADMIN)
        AppointmentFactory(
            cadre=CadreFactory(name=f"待审{i:03d}", organization=ns.town_b),
            post=post,
            start_date=D(2015, 1, 1),
        )


def rendered_rows(html: str, table_id: str) -> int:
    body = html.split(f'id="{table_id}"')[1].split("</tbody>")[0]
    return len(re.findall(r"<tr[ >]", body.split("<tbody>")[1]))


def get(client, name, query, **extra):
    r = client.get(reverse(name), {**query, **extra})
    assert r.status_code == 200
    return r.content.decode()


@pytest.mark.parametrize(("name", "view", "table_id", "query"), PAGES)
def test_queries_constant_in_page_size_and_table_size(
    client, ac, monkeypatch, django_assert_max_num_queries, name, view, table_id, query
):
    client.force_login(ac.staff_all)
    add_due_leaders(ac, 12)
    monkeypatch.setattr(view, "paginate_by", 10)
    get(client, name, query)  # warm the per-process caches (policy registry, content types)
    with CaptureQueriesContext(connection) as base:
        html = get(client, name, query)
    assert rendered_rows(html, table_id) == 10
    monkeypatch.setattr(view, "paginate_by", 100)
    with django_assert_max_num_queries(len(base)):
        html = get(client, name, query)
    assert 12 <= rendered_rows(html, table_id) < 100  # every row of the small table
    add_due_leaders(ac, 120, start=100)
    for page in (10, 100):
        monkeypatch.setattr(view, "paginate_by", page)
        with django_assert_max_num_queries(len(base)):
            html = get(client, name, query)
        assert rendered_rows(html, table_id) == page


@pytest.mark.parametrize(("name", "view", "table_id", "query"), PAGES)
def test_html_carries_one_page_of_rows(client, ac, monkeypatch, name, view, table_id, query):
    client.force_login(ac.staff_all)
    monkeypatch.setattr(view, "paginate_by", 20)
    add_due_leaders(ac, 21)
    small = get(client, name, query)
    add_due_leaders(ac, 179, start=100)  # 200 rows now
    big = get(client, name, query)
    assert rendered_rows(small, table_id) == rendered_rows(big, table_id) == 20
    assert big.count("待审") == small.count("待审")
    assert len(big) < len(small) * 1.05


def test_cycle_sort_export_and_count_over_every_row(client, ac, monkeypatch):
    from cadre_supervision.models import AccessLog

    client.force_login(ac.staff_all)
    monkeypatch.setattr(views.CycleView, "paginate_by", 10)
    add_due_leaders(ac, 25)
    html = get(client, "audits:compliance_cycle", {"sort": "-cadre"})
    names = re.findall(r">(待审\d{3})<", html)
    assert len(names) >= 8 and names == sorted(names, reverse=True)
    html = get(client, "audits:compliance_cycle", {"sort": "due_date", "page": 3})
    assert rendered_rows(html, "cycle") >= 5 and "第 3 / " in html
    for sort in ("organization", "org_kind", "post", "start_date", "last_audit_date", "-due_date"):
        get(client, "audits:compliance_cycle", {"sort": sort})
    x = client.get(reverse("audits:compliance_cycle"), {"export": "xlsx", "sort": "-cadre"})
    rows = list(load_workbook(BytesIO(x.content)).active.iter_rows(min_row=2, values_only=True))
    exported = [r[0] for r in rows if str(r[0]).startswith("待审")]
    assert exported == [f"待审{i:03d}" for i in range(24, -1, -1)]
    log = AccessLog.objects.get(action="export", object_type="audits.compliance")
    assert log.detail["rows"] == len(rows)


def test_plan_sorts_in_the_database(client, ac):
    client.force_login(ac.staff_all)
    add_due_leaders(ac, 3)
    for sort in ("cadre", "-cadre", "post", "kind"):
        html = get(client, "audits:plan", {"sort": sort})
        assert "待审000" in html
    up = re.findall(r">(待审\d{3})<", get(client, "audits:plan", {"sort": "cadre"}))
    assert up == sorted(up)
