# ruff: noqa: F811  (the kept-readings fixture imported from test_stats_kept)
"""A list page's COUNT is kept (cadre_supervision.keep) until a table it reads changes: paging
through a list does not count the whole scope again, a new record is counted at once, and a
count is shared only by requests that would run the same statement (same scope, same filters)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CadreFactory
from tests.test_stats_kept import _as_committed, kept_world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _page(client, url):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    total = re.search(r"共 (\d+) 条", html)
    counts = [
        q["sql"] for q in ctx.captured_queries if "COUNT(*)" in q["sql"] and '"cadres_cadre"' in q["sql"]
    ]
    return (int(total.group(1)) if total else None), counts


def test_the_second_visit_runs_no_count(client, kept_world):
    client.force_login(kept_world.staff_all)
    _as_committed()
    total, counts = _page(client, "/cadres/")
    assert total == 3 and counts
    again, counts = _page(client, "/cadres/")
    assert again == 3 and not counts


def test_a_new_cadre_is_counted_at_once(client, kept_world):
    client.force_login(kept_world.staff_all)
    _as_committed()
    assert _page(client, "/cadres/")[0] == 3
    CadreFactory(name="新人", organization=kept_world.town_b)
    _as_committed()
    total, counts = _page(client, "/cadres/")
    assert total == 4 and counts


def test_a_narrow_user_never_gets_the_wide_count(client, kept_world):
    client.force_login(kept_world.staff_all)
    _as_committed()
    assert _page(client, "/cadres/")[0] == 3
    client.force_login(kept_world.staff_a)  # 甲镇 only
    _as_committed()
    total, counts = _page(client, "/cadres/")
    assert total == 2 and counts


def test_a_filter_is_its_own_count(client, kept_world):
    client.force_login(kept_world.staff_all)
    _as_committed()
    assert _page(client, "/cadres/")[0] == 3
    total, counts = _page(client, f"/cadres/?organization={kept_world.town_b.pk}")
    assert counts and total in (1, None)  # one cadre in 乙镇 (a single page may not show the total)
    assert "张伟" not in client.get(f"/cadres/?organization={kept_world.town_b.pk}").content.decode()


def test_inside_a_writing_transaction_the_count_is_not_kept(client, city):
    """The fixture's writes are not committed: the count is computed each time, nothing kept."""
    client.force_login(city.staff_all)
    assert _page(client, "/cadres/")[1]
    assert _page(client, "/cadres/")[1]
