"""Readings kept until what they read changes: the workbench's figures, the board's sources.

`kept_many([(key, compute), ...], ttl=)` answers each `compute()` from the cache while every
table that computation read is unchanged, and computes it again otherwise. Nothing declares
what a reading depends on: while a reading is computed, every statement it sends is noted, and
the tables its SQL names are kept with the value (with a few tables every reading depends on
through the per-request caches of the permission layer: grants, group membership, the
organization tree, policy settings). A talk logged in `interviews` thus leaves the audit and
report figures, and the board's audit and report sources, as they were.

A table's stamp has three parts, read in one statement and one cache round trip per call:
- its *write generation*, set after the commit of any ORM write to its model (post_save,
  post_delete, m2m_changed; see `note_write`), so that a reading computed by another request
  while the write was uncommitted is not kept past the commit;
- its *history version* (tracked models): the last value of its history table's sequence,
  which moves at once with any insert, update or delete, queryset updates and COPY included
  (history is kept by triggers);
- the *global generation* (`forget_all`), which every stamp includes.
The stamps are read before a computation, so a write committed meanwhile always shows as a
change. Inside a transaction that has written, a reading is computed and not kept, nor read (it
may see rows that are never committed). An untracked table changed by a queryset update (no
signal, no history) shows when the entry expires (`ttl`). Without the cache (Redis down), every
call computes.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction

GENERATION_PREFIX = "keep:gen:"
GLOBAL = "*"
# Writes of these apps change no kept reading (sessions, the history events themselves).
QUIET_APPS = {"sessions", "pghistory", "admin", "contenttypes", "django_celery_results", "django_celery_beat"}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Entry:
    value: Any
    stamps: dict[str, tuple[int, int]]
    seconds: float = 0.0  # how long the computation took (a deadline skips what would overrun it)


# --- which tables exist, which are tracked, which every reading reads ----------------------------

_tables: frozenset[str] | None = None
_base: frozenset[str] | None = None
_sequences: dict[str, list[str]] | None = None


def known_tables() -> frozenset[str]:
    """Every table of an installed model (auto-created many-to-many tables included)."""
    global _tables
    if _tables is None:
        from django.apps import apps

        _tables = frozenset(m._meta.db_table for m in apps.get_models(include_auto_created=True))
    return _tables


def base_tables() -> frozenset[str]:
    """Tables every scoped reading depends on, read once per request and cached on the user
    (so a kept reading computed later may not send their statements itself)."""
    global _base
    if _base is None:
        from django.apps import apps

        from . import jurisdiction
        from .models import PolicySetting

        models = [
            m for m in apps.get_models(include_auto_created=True) if m._meta.app_label in {"auth", "guardian"}
        ]
        models += [
            jurisdiction.organization_model(),
            jurisdiction.group_permission_model(),
            jurisdiction.user_permission_model(),
            PolicySetting,
        ]
        _base = frozenset(m._meta.db_table for m in models)
    return _base


def _history_sequences(cursor) -> dict[str, list[str]]:
    """{tracked table: [its history tables' id sequences]}, read once per process."""
    global _sequences
    if _sequences is None:
        from django.apps import apps
        from pghistory.models import Event

        pairs = [
            (m.pgh_tracked_model._meta.db_table, m._meta.db_table)
            for m in apps.get_models()
            if issubclass(m, Event)
            and not m._meta.proxy
            and getattr(m, "pgh_tracked_model", None) is not None
        ]
        cursor.execute(
            "SELECT t, pg_get_serial_sequence(h, 'pgh_id') FROM unnest(%s::text[], %s::text[]) AS x(t, h)",
            [[t for t, _h in pairs], [h for _t, h in pairs]],
        )
        found: dict[str, list[str]] = {}
        for table, seq in cursor.fetchall():
            if seq:
                found.setdefault(table, []).append(seq)
        _sequences = found
    return _sequences


def tables_in(statements: Iterable[str]) -> set[str]:
    """The known tables named in SQL statements."""
    known = known_tables()
    out: set[str] = set()
    for sql in statements:
        out.update(w for w in set(_IDENTIFIER.findall(sql)) if w in known)
    return out


# --- stamps ---------------------------------------------------------------------------------------


def _versions(tables: frozenset[str] | set[str] | None = None) -> dict[str, int]:
    """{tracked table: its history version} (of `tables` only, when given), one statement."""
    with connection.cursor() as cursor:
        seqs = _history_sequences(cursor)
        flat = [(t, s) for t, ss in seqs.items() if tables is None or t in tables for s in ss]
        if not flat:
            return {}
        cursor.execute(
            "SELECT t, coalesce(pg_sequence_last_value(s::regclass), 0) FROM unnest(%s::text[], %s::text[]) AS x(t, s)",
            [[t for t, _s in flat], [s for _t, s in flat]],
        )
        out: dict[str, int] = {}
        for table, value in cursor.fetchall():
            out[table] = out.get(table, 0) + int(value)
        return out


def _generations(tables: Iterable[str]) -> dict[str, int]:
    keys = {GENERATION_PREFIX + t: t for t in tables}
    found = cache.get_many(list(keys))
    return {t: int(found.get(k) or 0) for k, t in keys.items()}


def snapshot(tables: Iterable[str] | None = None) -> dict[str, tuple[int, int]]:
    """{table: (write generation, history version)} for every known table (or only `tables`: what
    kept entries need to be checked), and GLOBAL."""
    wanted = known_tables() if tables is None else (set(tables) - {GLOBAL}) & known_tables()
    generations = _generations([*wanted, GLOBAL])
    versions = _versions(None if tables is None else wanted)
    return {t: (generations[t], versions.get(t, 0)) for t in [*wanted, GLOBAL]}


def _fresh(entry: Entry, now: dict[str, tuple[int, int]]) -> bool:
    return all(now.get(t) == stamp for t, stamp in entry.stamps.items())


# --- writes ---------------------------------------------------------------------------------------


class _Pending:
    """The tables written by the current transaction: their generations are set on commit."""

    def __init__(self):
        self.tables: set[str] = set()

    def __call__(self):
        bump(self.tables)


def bump(tables: Iterable[str]) -> None:
    """New write generations for these tables (GLOBAL: every kept reading)."""
    stamp = time.time_ns()
    cache.set_many({GENERATION_PREFIX + t: stamp for t in tables}, timeout=None)


def forget_all() -> None:
    """Every kept reading is computed again on its next call."""
    bump([GLOBAL])


def _pending(conn) -> _Pending | None:
    for _sids, func, _robust in conn.run_on_commit:
        if isinstance(func, _Pending):
            return func
    return None


def note_write(sender=None, using=None, **kwargs) -> None:
    """A signal receiver (post_save, post_delete, m2m_changed): the sender's table gets a new
    write generation after the commit (at once outside a transaction). A sender that is not a
    model counts as a write to everything."""
    meta = getattr(sender, "_meta", None)
    if meta is not None and meta.app_label in QUIET_APPS:
        return
    table = meta.db_table if meta is not None else GLOBAL
    conn = transaction.get_connection(using)
    if not conn.in_atomic_block:
        bump([table])
        return
    pending = _pending(conn)
    if pending is None:
        pending = _Pending()
        transaction.on_commit(pending, using=using, robust=True)
    pending.tables.add(table)


# Tables of derived data (recomputed from other tables, e.g. a materialised list refreshed by
# the reading that finds it stale) and of bookkeeping (the access log): a transaction that wrote
# only these has written nothing a reading could see uncommitted. Apps register theirs.
_derived: set[str] = set()


def register_derived(*models) -> None:
    _derived.update(m._meta.db_table for m in models)


def writing() -> bool:
    """Whether the current transaction has written through the ORM (its readings see rows that
    may never be committed)."""
    if not connection.in_atomic_block:
        return False
    pending = _pending(connection)
    return pending is not None and bool(pending.tables - _derived)


def connect() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from .models import AccessLog

    register_derived(AccessLog)

    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(note_write, dispatch_uid=f"keep-note-write-{id(signal)}")


# --- noting what a computation reads ---------------------------------------------------------------

_local = threading.local()


@dataclass
class _Record:
    """What one computation read: its statements, and the tables of kept readings it was
    answered from."""

    statements: list[str]
    tables: set[str]


def _recorders() -> list[_Record]:
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def _note_statement(execute, sql, params, many, context):
    for record in _recorders():
        record.statements.append(sql)
    return execute(sql, params, many, context)


def _record(compute: Callable[[], Any]) -> tuple[Any, set[str]]:
    stack = _recorders()
    record = _Record([], set())
    stack.append(record)
    try:
        if len(stack) == 1:
            with connection.execute_wrapper(_note_statement):
                value = compute()
        else:
            value = compute()
    finally:
        stack.pop()
    return value, tables_in(record.statements) | record.tables | base_tables()


def _note_read(tables: Iterable[str]) -> None:
    """A kept reading answered inside another computation: the outer one depends on its tables."""
    tables = set(tables) - {GLOBAL}
    for record in _recorders():
        record.tables |= tables


def kept_many(
    items: list[tuple[str, Callable[[], Any]]], *, ttl: int, until: float | None = None
) -> list[Any]:
    """Each item's `compute()`, from the cache while the tables it read are unchanged. With
    `until` (a `time.perf_counter()` reading), an item not kept is computed only if it can end by
    then (as long as its last computation took, when one is on record); otherwise it answers
    MISSING."""
    if not items:
        return []
    if writing():
        # Inside a transaction that has written, readings are computed and not kept (they may
        # see rows never committed, and its own writes to untracked tables show in no stamp):
        # no cache and no stamps are read.
        out_now: list[Any] = []
        for _key, compute in items:
            out_now.append(MISSING if until is not None and time.perf_counter() >= until else compute())
        return out_now
    found = cache.get_many([key for key, _compute in items])
    entries = [found.get(key) for key, _compute in items]
    if all(isinstance(e, Entry) for e in entries):
        now = snapshot({t for e in entries for t in e.stamps})  # only what they need checked
        if not all(_fresh(e, now) for e in entries):
            now = snapshot()  # something is computed: every table's stamps, taken before it runs
    else:
        now = snapshot()
    out: list[Any] = []
    keep: dict[str, Entry] = {}
    for key, compute in items:
        entry = found.get(key)
        if isinstance(entry, Entry) and _fresh(entry, now):
            _note_read(entry.stamps)
            out.append(entry.value)
            continue
        started = time.perf_counter()
        if until is not None and started + (entry.seconds if isinstance(entry, Entry) else 0.0) >= until:
            out.append(MISSING)
            continue
        value, tables = _record(compute)
        if not writing():
            keep[key] = Entry(
                value, {t: now[t] for t in (*tables, GLOBAL) if t in now}, time.perf_counter() - started
            )
        out.append(value)
    if keep:
        cache.set_many(keep, timeout=ttl)
    return out


MISSING = object()


def peek_many(keys: list[str]) -> list[Any]:
    """The kept values of `keys` that are still fresh, MISSING for the others; computes nothing.
    Inside a transaction that has written, everything is MISSING (its own writes may not show in
    the stamps yet)."""
    if not keys or writing():
        return [MISSING] * len(keys)
    found = cache.get_many(keys)
    if not found:
        return [MISSING] * len(keys)
    now = snapshot({t for e in found.values() if isinstance(e, Entry) for t in e.stamps})
    out = []
    for key in keys:
        entry = found.get(key)
        if isinstance(entry, Entry) and _fresh(entry, now):
            _note_read(entry.stamps)
            out.append(entry.value)
        else:
            out.append(MISSING)
    return out


def kept(key: str, compute: Callable[[], Any], *, ttl: int) -> Any:
    return kept_many([(key, compute)], ttl=ttl)[0]
