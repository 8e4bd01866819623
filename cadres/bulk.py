"""`copy_insert`: insert many model instances with PostgreSQL COPY (the demo generator's bulk path).

`bulk_create` spends most of its time in Python per object and per field (SQL compiled with a
placeholder per value); COPY streams the rows as text. The ids are drawn from the table's
sequence first (one query), so the instances come back with their pk set, as from
bulk_create. Row triggers (the history triggers) fire as for an INSERT; `save()` and signals
do not run, as with bulk_create.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import uuid
from collections.abc import Iterable, Sequence

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

CHUNK = 20_000  # rows per COPY statement (bounded memory for the text buffer)
# A COPY of at least this many rows is followed by ANALYZE of the table. Autovacuum analyses a
# table only after its transaction commits, and the demo generator reads what it wrote in the
# same transaction: with the statistics of an empty table the planner scans the appointments
# once per current tenure in the rotation due list's subqueries (minutes at province scale).
# ANALYZE inside the transaction samples the transaction's own rows.
ANALYZE_AT = 5_000


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _array_item(v) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, list | tuple):
        return "{" + ",".join(_array_item(x) for x in v) + "}"
    text = _scalar(v)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _scalar(v) -> str:
    if isinstance(v, bool):
        return "t" if v else "f"
    if isinstance(v, int | float | decimal.Decimal | uuid.UUID):
        return str(v)
    if isinstance(v, str):
        return v
    if isinstance(v, dt.datetime | dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return f"{v.total_seconds()} seconds"
    raise TypeError(f"copy_insert cannot write {type(v).__name__} values")


def _text(v) -> str:
    """One value in COPY's text format (NULL is \\N)."""
    t = type(v)
    if t is str:  # the common cases first: a string with nothing to escape, an int
        return v if v.isprintable() and "\\" not in v else _escape(v)
    if t is int:
        return str(v)
    if v is None:
        return "\\N"
    if hasattr(v, "adapted") and hasattr(v, "dumps"):  # psycopg2 Json/Jsonb adapter (JSONField)
        return _escape(v.dumps(v.adapted))
    if isinstance(v, list | tuple):  # ArrayField
        return _escape("{" + ",".join(_array_item(x) for x in v) + "}")
    if isinstance(v, bytes | memoryview):
        return "\\\\x" + bytes(v).hex()
    return _escape(_scalar(v))


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """`n` new ids from the table's sequence (one query), for rows written with copy_insert."""
    if n <= 0:
        return []
    meta = model._meta
    with connection.cursor() as cur:
        cur.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, n],
        )
        return [row[0] for row in cur.fetchall()]


# Field classes whose database value is the attribute itself (exact classes: a subclass, e.g.
# an encrypted field, may convert, and takes the general path).
_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
    models.BooleanField,
    models.DecimalField,
    models.EmailField,
    models.SlugField,
)


def _writer(field, conn, adding: bool):
    """obj -> the field's value in COPY text format."""
    attname = field.attname
    if field.is_relation and field.many_to_one:  # ForeignKey / OneToOneField: the id

        def related(obj):
            value = obj.__dict__.get(attname)
            if value is None and field.is_cached(obj):
                target = field.get_cached_value(obj)
                if target is not None:
                    if target.pk is None:
                        raise ValueError(f"copy_insert: unsaved related object in {field.name}")
                    value = target.pk
                    setattr(obj, attname, value)
            return "\\N" if value is None else str(value)

        return related
    plain = type(field) in _PLAIN or (
        type(field) is models.DateField and not (field.auto_now or field.auto_now_add)
    )
    if plain:

        def simple(obj):
            return _text(obj.__dict__[attname])

        return simple

    def general(obj):
        return _text(field.get_db_prep_save(field.pre_save(obj, adding), conn))

    return general


def copy_insert(model: type[models.Model], objs: Sequence[models.Model] | Iterable[models.Model]) -> list:
    """Insert `objs` (unsaved instances of `model`) with COPY; return them with their pk set
    (drawn from the sequence, or the one already given, e.g. from `reserve_ids`)."""
    objs = list(objs)
    if not objs:
        return objs
    meta = model._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if f is not pk]
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in [pk, *fields])
    fresh = iter(reserve_ids(model, sum(1 for o in objs if o.pk is None)))
    ids = [o.pk if o.pk is not None else next(fresh) for o in objs]
    conn = connections[DEFAULT_DB_ALIAS]  # the connection itself, not the per-thread proxy
    writers = [_writer(f, conn, True) for f in fields]
    pk_attname = pk.attname
    with conn.cursor() as cur:
        raw = cur.cursor  # the psycopg2 cursor under Django's wrapper
        for start in range(0, len(objs), CHUNK):
            buf = io.StringIO()
            write = buf.write
            for obj, pk_value in zip(objs[start : start + CHUNK], ids[start : start + CHUNK], strict=True):
                obj.__dict__[pk_attname] = pk_value
                write(str(pk_value))
                for w in writers:
                    write("\t")
                    write(w(obj))
                write("\n")
            buf.seek(0)
            raw.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buf)
        if len(objs) >= ANALYZE_AT:
            cur.execute(f"ANALYZE {table}")
    for obj in objs:
        obj._state.adding = False
        obj._state.db = conn.alias
    return objs


def copy_update(model: type[models.Model], objs: Sequence[models.Model], field_names: Sequence[str]) -> int:
    """Write `field_names` of saved instances: COPY into a temporary table, one UPDATE … FROM.

    The same result as `bulk_update` (whose CASE per batch costs O(batch) per row); row
    triggers fire once per updated row, as for bulk_update."""
    objs = list(objs)
    if not objs:
        return 0
    meta = model._meta
    pk = meta.pk
    fields = [meta.get_field(name) for name in field_names]
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    temp = qn(f"_copy_update_{meta.db_table}")
    writers = [_writer(f, connections[DEFAULT_DB_ALIAS], False) for f in fields]
    with connection.cursor() as cur:
        cur.execute(
            f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS "
            f"SELECT {', '.join(qn(f.column) for f in [pk, *fields])} FROM {table} WITH NO DATA"
        )
        raw = cur.cursor
        for start in range(0, len(objs), CHUNK):
            buf = io.StringIO()
            for obj in objs[start : start + CHUNK]:
                buf.write("\t".join([str(obj.pk), *(w(obj) for w in writers)]))
                buf.write("\n")
            buf.seek(0)
            raw.copy_expert(f"COPY {temp} ({', '.join(qn(f.column) for f in [pk, *fields])}) FROM STDIN", buf)
        assignments = ", ".join(f"{qn(f.column)} = t.{qn(f.column)}" for f in fields)
        cur.execute(
            f"UPDATE {table} SET {assignments} FROM {temp} t WHERE {table}.{qn(pk.column)} = t.{qn(pk.column)}"
        )
        updated = cur.rowcount
        cur.execute(f"DROP TABLE {temp}")
    return updated


def copy_rows(
    model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence], *, analyse: bool = True
) -> list[int]:
    """Insert plain rows with COPY, without building model instances: each row is a tuple of
    the values of `names` (field names or attnames, e.g. ``"report_id"``) in that order, as
    the model's attributes would hold them. The other concrete fields get their default (a
    callable default is called per row), ``auto_now``/``auto_now_add`` fields the time of this
    call. Returns the new ids (drawn from the sequence in one query), in the rows' order.
    `analyse=False` leaves out the ANALYZE after a big COPY (for a caller writing one table in
    many chunks, that analyses it once at the end).

    The same rows as `copy_insert` of instances built with those values: row triggers fire
    for each row; `save()`, signals and validation do not run."""
    rows = rows if isinstance(rows, list) else list(rows)
    if not rows:
        return []
    meta = model._meta
    pk = meta.pk
    conn = connections[DEFAULT_DB_ALIAS]
    by_name = {}
    for f in meta.concrete_fields:
        by_name[f.name] = f
        by_name[f.attname] = f
    given = [by_name[n] for n in names]
    if pk in given or len(set(given)) != len(given):
        raise ValueError("copy_rows: the pk is drawn from the sequence; give each field once")
    converters = []
    for f in given:
        if f.is_relation or type(f) in _PLAIN or type(f) is models.DateField:
            converters.append(_text)
        else:
            converters.append(lambda v, f=f: _text(f.get_db_prep_save(v, conn)))
    fixed, per_row = [], []  # fields not given: one text for every row, or one per row
    for f in meta.concrete_fields:
        if f is pk or f in given:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            fixed.append((f, _text(f.get_db_prep_save(f.pre_save(model(), True), conn))))
        elif callable(f.default):
            per_row.append(f)
        else:
            fixed.append((f, _text(f.get_db_prep_save(f.get_default(), conn))))
    table = connection.ops.quote_name(meta.db_table)
    order = [pk, *given, *(f for f, _ in fixed), *per_row]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in order)
    tail = "".join("\t" + text for _, text in fixed)
    ids = reserve_ids(model, len(rows))
    with conn.cursor() as cur:
        raw = cur.cursor
        for start in range(0, len(rows), CHUNK):
            buf = io.StringIO()
            write = buf.write
            for pk_value, row in zip(ids[start : start + CHUNK], rows[start : start + CHUNK], strict=True):
                write(str(pk_value))
                for conv, v in zip(converters, row, strict=True):
                    write("\t")
                    write(conv(v))
                write(tail)
                for f in per_row:
                    write("\t")
                    write(_text(f.get_db_prep_save(f.get_default(), conn)))
                write("\n")
            buf.seek(0)
            raw.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buf)
        if analyse and len(rows) >= ANALYZE_AT:
            cur.execute(f"ANALYZE {table}")
    return ids
