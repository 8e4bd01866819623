"""Large writes cost O(rows): the history triggers do not slow down as a transaction grows.

Each pghistory trigger reads `current_setting('pgtrigger.ignore')`; when the setting is
undefined that raises inside the trigger's exception block, and each rolled-back
subtransaction rescans every deferred foreign-key event pending in the transaction, so the
per-row cost grew with the rows already written in the transaction. The setting is defined
on every connection (settings.DATABASES OPTIONS), and pghistory's `_pgh_attach_context()`
(the same pattern over its context settings) is replaced after every migrate by a version
without the exception block (cadre_supervision.history). These tests check both, and that in
one big transaction the last single-row inserts cost about what the first ones did (a
ratio of medians, not a time).
"""

from __future__ import annotations

import time

import pytest
from django.db import connection, connections, transaction

from cadres.models import Post

TIMED = 1_000  # single-row inserts timed at the start and at the end
BACKLOG = 60_000  # rows written between them, one statement (their deferred FK events pile up)


def test_every_connection_defines_the_trigger_ignore_setting(db):
    with connection.cursor() as cur:
        cur.execute("SELECT current_setting('pgtrigger.ignore', true)")
        assert cur.fetchone()[0] == "{}"


def test_history_context_function_has_no_exception_block_and_still_attaches_context(city):
    import pghistory

    with connection.cursor() as cur:
        cur.execute("SELECT prosrc FROM pg_proc WHERE proname = '_pgh_attach_context'")
        sources = [r[0] for r in cur.fetchall()]
    assert sources and all("EXCEPTION" not in src.upper() for src in sources)
    with pghistory.context(username="批量测试"):
        inside = Post.objects.create(organization=city.town_a, title="有上下文")
    event_in = Post.pgh_event_model.objects.get(pgh_obj=inside, pgh_label="insert")
    assert event_in.pgh_context.metadata["username"] == "批量测试"
    # Without a context (a fresh session: the settings above are local to this transaction)
    # the function answers NULL instead of raising.
    fresh = connections.create_connection("default")
    try:
        with fresh.cursor() as cur:
            cur.execute("SELECT _pgh_attach_context()")
            assert cur.fetchone()[0] is None
    finally:
        fresh.close()


def _copy_sql(rows_sql: str) -> str:
    """INSERT copies of the template post (every column but the id, whatever columns the model
    has); `rows_sql` is a FROM item giving how many copies."""
    table = connection.ops.quote_name(Post._meta.db_table)
    cols = ", ".join(
        connection.ops.quote_name(f.column) for f in Post._meta.concrete_fields if not f.primary_key
    )
    return f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {table}, {rows_sql} WHERE {table}.id = %s"


def _timed_single_inserts(cur, template_id: int) -> float:
    sql = _copy_sql("(SELECT 1) AS one")
    times = []
    for _n in range(TIMED):
        start = time.perf_counter()
        cur.execute(sql, [template_id])
        times.append(time.perf_counter() - start)
    return sorted(times)[TIMED // 2]


@pytest.mark.django_db
def test_single_row_inserts_cost_the_same_at_the_start_and_end_of_a_big_transaction(city):
    template = Post.objects.create(organization=city.town_a, title="批量岗位", sort_order=1)
    events = Post.pgh_event_model.objects.filter(pgh_label="insert", title="批量岗位")
    assert events.count() == 1
    with transaction.atomic(), connection.cursor() as cur:
        first = _timed_single_inserts(cur, template.pk)
        cur.execute(_copy_sql("generate_series(1, %s) AS n"), [BACKLOG, template.pk])
        last = _timed_single_inserts(cur, template.pk)
    total = 1 + 2 * TIMED + BACKLOG
    assert Post.objects.filter(title="批量岗位").count() == total
    # Every insert wrote its history row: the triggers ran, they were not skipped.
    assert events.count() == total
    assert last / first < 1.5, (
        f"per-row cost grew {last / first:.2f}× (first {first * 1e3:.3f} ms, last {last * 1e3:.3f} ms)"
    )
