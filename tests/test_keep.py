"""Readings kept until what they read changes (cadre_supervision.keep): the tables a reading
read are noted, a write to one of them (ORM write after its commit, queryset update at once)
recomputes it, a write elsewhere does not, a writing transaction keeps nothing."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection

from cadre_supervision import keep
from cadres.models import Cadre, Organization

from .factories import CadreFactory, OrganizationFactory

TTL = 60


def _committed():
    """The test's writes as if their transaction had committed (it never does)."""
    connection.run_on_commit = []


def _commit(capture):
    """Run a block's on-commit callbacks as a commit would, then forget them."""
    for callback in capture:
        callback()
    _committed()


@pytest.fixture
def world(db):
    cache.clear()
    org = OrganizationFactory(name="某局")
    CadreFactory(name="甲", organization=org)
    _committed()
    return org


class Counter:
    """A reading that counts how often it is computed."""

    def __init__(self, read):
        self.read = read
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.read()


def _cadres():
    return sorted(Cadre.objects.values_list("name", flat=True))


def _notifications():
    from cadre_supervision.models import Notification

    return Notification.objects.count()


def test_tables_in_names_the_known_tables_of_a_statement():
    sql = 'SELECT "cadres_cadre"."id" FROM "cadres_cadre" INNER JOIN cadres_organization ON 1=1 WHERE x = 3'
    assert keep.tables_in([sql]) == {"cadres_cadre", "cadres_organization"}
    assert keep.tables_in(["SELECT 1"]) == set()


def test_a_kept_reading_answers_from_the_cache_and_notes_its_tables(world, django_assert_num_queries):
    reading = Counter(_cadres)
    assert keep.kept("t:cadres", reading, ttl=TTL) == ["甲"]
    with django_assert_num_queries(1):  # the history versions only
        assert keep.kept("t:cadres", reading, ttl=TTL) == ["甲"]
    assert reading.calls == 1
    entry = cache.get("t:cadres")
    assert "cadres_cadre" in entry.stamps
    assert keep.base_tables() <= set(entry.stamps)  # grants, groups, organizations, policies


def test_a_committed_orm_write_recomputes_only_the_readings_of_its_table(
    world, django_capture_on_commit_callbacks
):
    cadres, notes = Counter(_cadres), Counter(_notifications)
    keep.kept_many([("t:cadres", cadres), ("t:notes", notes)], ttl=TTL)
    with django_capture_on_commit_callbacks() as capture:
        CadreFactory(name="乙", organization=world)
        # uncommitted: the writer reads its own write and keeps nothing
        assert keep.kept("t:cadres", cadres, ttl=TTL) == ["乙", "甲"]
        assert cache.get("t:cadres").value == ["甲"]
    _commit(capture)
    assert keep.kept_many([("t:cadres", cadres), ("t:notes", notes)], ttl=TTL) == [["乙", "甲"], 0]
    assert (cadres.calls, notes.calls) == (3, 1)
    assert cache.get("t:cadres").value == ["乙", "甲"]


def test_a_queryset_update_shows_at_once_through_the_history_version(world):
    reading = Counter(_cadres)
    keep.kept("t:cadres", reading, ttl=TTL)
    Cadre.objects.filter(name="甲").update(name="丙")  # no signal
    _committed()
    assert keep.kept("t:cadres", reading, ttl=TTL) == ["丙"]
    assert reading.calls == 2


def test_a_generation_set_after_the_commit_recomputes(world):
    """A reading computed by another request while a write was uncommitted (same versions) is
    not kept past the commit: the commit's generation differs."""
    reading = Counter(_cadres)
    keep.kept("t:cadres", reading, ttl=TTL)
    keep.bump([Cadre._meta.db_table])
    keep.kept("t:cadres", reading, ttl=TTL)
    assert reading.calls == 2
    keep.bump([Organization._meta.db_table])  # a base table: every reading depends on it
    keep.kept("t:cadres", reading, ttl=TTL)
    assert reading.calls == 3


def test_an_outer_reading_depends_on_the_tables_of_a_kept_inner_one(world):
    inner = Counter(_cadres)
    keep.kept("t:inner", inner, ttl=TTL)
    outer = Counter(lambda: len(keep.kept("t:inner", inner, ttl=TTL)))
    assert keep.kept("t:outer", outer, ttl=TTL) == 1
    assert inner.calls == 1  # the inner one answered from the cache, sending nothing
    assert "cadres_cadre" in cache.get("t:outer").stamps
    keep.bump([Cadre._meta.db_table])
    keep.kept("t:outer", outer, ttl=TTL)
    assert outer.calls == 2


def test_forget_all_recomputes_every_reading(world):
    reading = Counter(_notifications)
    keep.kept("t:notes", reading, ttl=TTL)
    keep.forget_all()
    keep.kept("t:notes", reading, ttl=TTL)
    assert reading.calls == 2


def test_derived_writes_do_not_stop_keeping(world, django_capture_on_commit_callbacks):
    from cadre_supervision.models import AccessLog

    reading = Counter(_cadres)
    with django_capture_on_commit_callbacks():
        keep.note_write(sender=AccessLog)  # bookkeeping: a registered derived table
        keep.kept("t:cadres", reading, ttl=TTL)
        assert cache.get("t:cadres") is not None


def test_peek_answers_only_fresh_readings_and_computes_nothing(world, django_capture_on_commit_callbacks):
    reading = Counter(_cadres)
    assert keep.peek_many(["t:cadres"]) == [keep.MISSING]  # never computed
    keep.kept("t:cadres", reading, ttl=TTL)
    assert keep.peek_many(["t:cadres", "t:other"]) == [["甲"], keep.MISSING]
    keep.bump([Cadre._meta.db_table])
    assert keep.peek_many(["t:cadres"]) == [keep.MISSING]  # changed since
    keep.kept("t:cadres", reading, ttl=TTL)
    with django_capture_on_commit_callbacks():
        CadreFactory(name="乙", organization=world)
        assert keep.peek_many(["t:cadres"]) == [keep.MISSING]  # a writing transaction reads live
    assert reading.calls == 2
