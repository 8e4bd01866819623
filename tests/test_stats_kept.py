"""Statistics answers are kept (cadre_supervision.keep) per caller, day, language and year until a
table they read changes: a second call runs no aggregate, a new record shows at once, a narrow
caller never gets a wide caller's answer."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadre_supervision import keep
from tests.factories import CadreFactory

pytestmark = pytest.mark.django_db


def _as_committed():
    """The test's writes as if their transaction had committed (it never does)."""
    connection.run_on_commit = []


def _get(api, url):
    with CaptureQueriesContext(connection) as ctx:
        r = api.get(url)
    assert r.status_code == 200, r.content
    return r.json(), [q["sql"] for q in ctx.captured_queries]


def _reads(sqls, table):
    return [s for s in sqls if f'"{table}"' in s]


@pytest.fixture
def kept_world(city):
    keep.forget_all()
    _as_committed()
    return city


def test_a_second_call_is_answered_from_what_was_kept(api, kept_world):
    api.force_authenticate(kept_world.stats)
    first, sqls = _get(api, "/api/v1/stats/cadres/")
    assert first["total"] == 3 and _reads(sqls, "cadres_cadre")
    again, sqls = _get(api, "/api/v1/stats/cadres/")
    assert again == first
    assert not _reads(sqls, "cadres_cadre")


def test_a_new_record_is_counted_at_once(api, kept_world):
    api.force_authenticate(kept_world.stats)
    assert _get(api, "/api/v1/stats/cadres/")[0]["total"] == 3
    CadreFactory(name="新人", organization=kept_world.town_b)
    _as_committed()
    answer, sqls = _get(api, "/api/v1/stats/cadres/")
    assert answer["total"] == 4 and _reads(sqls, "cadres_cadre")


def test_each_caller_has_their_own_answer(api, kept_world):
    """staff_a (甲镇 only) after the whole city's statistics client: 甲镇's two cadres."""
    api.force_authenticate(kept_world.stats)
    assert _get(api, "/api/v1/stats/cadres/")[0]["total"] == 3
    api.force_authenticate(kept_world.staff_a)
    assert _get(api, "/api/v1/stats/cadres/")[0]["total"] == 2


def test_each_year_and_day_is_its_own_answer(api, kept_world, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    api.force_authenticate(kept_world.stats)
    a, _ = _get(api, "/api/v1/stats/interviews/?year=2025")
    b, _ = _get(api, "/api/v1/stats/interviews/?year=2024")
    assert a["year"] == 2025 and b["year"] == 2024
    _get(api, "/api/v1/stats/cadres/")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: tomorrow)
    answer, sqls = _get(api, "/api/v1/stats/cadres/")
    assert answer["as_of"] == tomorrow.isoformat() and _reads(sqls, "cadres_cadre")


def test_a_writing_transaction_keeps_nothing(api, kept_world):
    """A test's own uncommitted write (as inside a service's transaction): computed every time."""
    api.force_authenticate(kept_world.stats)
    CadreFactory(name="未提交", organization=kept_world.town_b)  # on-commit pending: writing
    _get(api, "/api/v1/stats/cadres/")
    _answer, sqls = _get(api, "/api/v1/stats/cadres/")
    assert _reads(sqls, "cadres_cadre")
