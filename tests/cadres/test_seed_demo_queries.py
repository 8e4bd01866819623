"""The demo generator's queries do not grow with the scale: its bulk is built in memory and
written in a few statements (COPY), so four times the rows costs about the same queries."""

from __future__ import annotations

import functools
import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from cadre_supervision import registry
from cadres.bulk import copy_insert, copy_rows, copy_update
from cadres.demo import seed_dossier
from cadres.models import Cadre, Organization, Post
from reports.demo import seed as seed_reports

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def _queries_per_step(monkeypatch, scale: str) -> tuple[dict[str, int], int]:
    """Seed the city, the dossier and the personal reports at `scale` (rolled back after);
    the queries of each step and the number of cadres."""
    counts: dict[str, int] = {"city": 0}
    step = ["city"]

    def counted(fn, name):
        @functools.wraps(fn)
        def run(**kwargs):
            step[0] = name
            counts[name] = 0
            try:
                return fn(**kwargs)
            finally:
                step[0] = "city"

        return run

    monkeypatch.setattr(
        registry,
        "demo_seeders",
        [(20, counted(seed_dossier, "dossier")), (40, counted(seed_reports, "reports"))],
    )

    def count(execute, sql, params, many, context):
        counts[step[0]] += 1
        return execute(sql, params, many, context)

    cadres = 0
    try:
        with transaction.atomic(), connection.execute_wrapper(count):
            call_command("seed_demo", "--scale", scale, stdout=io.StringIO())
            cadres = Cadre.objects.count()
            raise _Rollback
    except _Rollback:
        pass
    return counts, cadres


def test_seeder_queries_do_not_grow_with_the_scale(monkeypatch):
    small, small_cadres = _queries_per_step(monkeypatch, "0.05")
    large, large_cadres = _queries_per_step(monkeypatch, "0.2")
    assert large_cadres >= 3 * small_cadres, (small_cadres, large_cadres)
    for name in ("city", "dossier", "reports"):
        # the rows grow 3–4×; the queries may not grow by more than a tenth of that
        assert large[name] <= small[name] * 1.35, (name, small[name], large[name])


def test_copy_insert_and_update_write_every_kind_of_value():
    root = Organization.objects.create(name="某市", kind="city", path="000001.")
    rows = [
        Post(
            organization=root,
            title=f"岗位\t{i}\n\\“引号”",
            is_leading=i % 2 == 0,
            key_reason="分管财务",
            key_categories=["finance", 'a"b\\c'] if i else [],
        )
        for i in range(3)
    ]
    copy_insert(Post, rows)
    assert all(p.pk for p in rows)
    stored = {p.pk: p for p in Post.objects.filter(pk__in=[p.pk for p in rows])}
    for p in rows:
        assert stored[p.pk].title == p.title
        assert stored[p.pk].is_leading == p.is_leading
        assert stored[p.pk].key_categories == p.key_categories
    rows[0].title = "改后"
    rows[0].key_categories = ["x", ""]
    assert copy_update(Post, rows[:1], ["title", "key_categories"]) == 1
    p = Post.objects.get(pk=rows[0].pk)
    assert (p.title, p.key_categories) == ("改后", ["x", ""])


def _reltuples(model) -> float:
    with connection.cursor() as cur:
        cur.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table])
        return cur.fetchone()[0]


@pytest.mark.parametrize(("rows", "analyze_at", "analysed"), [(4, 3, True), (2, 3, False)])
def test_a_large_copy_analyses_its_table_inside_the_transaction(monkeypatch, rows, analyze_at, analysed):
    """The planner sees the rows a bulk insert wrote before the transaction commits."""
    from cadres import bulk

    monkeypatch.setattr(bulk, "ANALYZE_AT", analyze_at)
    root = Organization.objects.create(name="某市", kind="city", path="000001.")
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {Post._meta.db_table}")
    before = _reltuples(Post)
    copy_insert(Post, [Post(organization=root, title=f"岗位{i}") for i in range(rows)])
    after = _reltuples(Post)
    assert (after == rows) is analysed, (before, after)


def test_the_seeder_analyses_its_tables_and_keeps_the_lock_timeout():
    from cadres.management.commands.seed_demo import _analyse

    root = Organization.objects.create(name="某市", kind="city", path="000001.")
    for i in range(3):
        Post.objects.create(organization=root, title=f"岗位{i}")
    with connection.cursor() as cur:
        cur.execute("SHOW lock_timeout")
        before = cur.fetchone()[0]
    _analyse()
    assert _reltuples(Post) == 3
    with connection.cursor() as cur:
        cur.execute("SHOW lock_timeout")
        assert cur.fetchone()[0] == before


def _events(table: str, ids) -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {table} WHERE pgh_obj_id = ANY(%s)", [list(ids)])
        return cur.fetchone()[0]


def test_copy_rows_writes_what_copy_insert_writes_and_fires_the_history_triggers():
    """Tuples instead of instances: the same stored rows (defaults, a callable default, an
    array, text to escape, a foreign key), ids in the rows' order, one insert event each."""
    root = Organization.objects.create(name="某市", kind="city", path="000001.")
    values = [(f"岗位\t{i}\n\\“引号”", i % 2 == 0, ["finance", 'a"b\\c'] if i else []) for i in range(3)]
    from_instances = copy_insert(
        Post,
        [
            Post(organization=root, title=t, is_leading=lead, key_categories=k, key_reason="分管财务")
            for t, lead, k in values
        ],
    )
    ids = copy_rows(
        Post,
        ["organization_id", "title", "is_leading", "key_categories", "key_reason"],
        [(root.pk, t, lead, k, "分管财务") for t, lead, k in values],
    )
    assert ids == sorted(ids) and min(ids) > max(p.pk for p in from_instances)
    fields = [f.attname for f in Post._meta.concrete_fields if not f.primary_key]

    def stored(pks):
        by_pk = {p.pk: p for p in Post.objects.filter(pk__in=pks)}
        return [tuple(getattr(by_pk[pk], f) for f in fields) for pk in pks]

    assert stored(ids) == stored([p.pk for p in from_instances])
    assert stored(ids)[1][fields.index("key_categories")] == ["finance", 'a"b\\c']
    assert _events("cadres_postevent", ids) == 3
    with pytest.raises(ValueError):
        copy_rows(Post, ["id", "title"], [(1, "x")])


def test_a_later_analyse_covers_only_the_tables_written_since_the_one_before():
    from django.test.utils import CaptureQueriesContext

    from cadres.management.commands.seed_demo import _analyse

    def analysed() -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            _analyse(seen)
        return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("ANALYZE")]

    seen: dict[str, int] = {}
    root = Organization.objects.create(name="某市", kind="city", path="000001.")
    first = analysed()
    assert len(first) == 1 and '"cadres_cadre"' in first[0]  # the first call: every table
    for i in range(3):
        Post.objects.create(organization=root, title=f"岗位{i}")
    (second,) = analysed()
    assert '"cadres_post"' in second and '"cadres_postevent"' in second
    assert '"cadres_cadre"' not in second and '"cadres_organization"' not in second
    assert _reltuples(Post) == 3
    assert analysed() == []  # nothing written since
