"""Change history: database triggers (django-pghistory) keep every insert, update and
delete of a tracked model, including queryset update() and bulk operations.

Decorate a model with `@track_history()`; show its history with `history_for(obj)`.
A model lists columns that must never be shown in a history (page or API), such as derived
forms of a protected value, in a `history_hidden_fields` class attribute, and may name the
labels of coded columns without choices (codes of a catalogue table) in
`history_value_labels = {"field": fn(codes) -> labels}`.

Each change keeps the raw values (`field`, `before`, `after`) and says them in plain Chinese
beside them (`label`, `before_label`, `after_label`): the field's verbose name, a choice's
label, 是/否, the name of a linked record (one query per related model, not per row) and
dates in local time without microseconds. The actor is a person by office and name.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pghistory
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from pghistory.models import Events

from . import people

# pghistory's own `_pgh_attach_context()` reads the context settings inside an exception
# block that raises whenever no `pghistory.context()` is active; each such subtransaction
# rollback rescans every deferred foreign-key event pending in the transaction, so a large
# write cost O(rows²). The same function without the exception block (missing settings read
# as NULL): the same answers, O(rows). Installed after every migrate (below), so a pghistory
# upgrade that reinstalls its version is overridden again.
ATTACH_CONTEXT_SQL = """
CREATE OR REPLACE FUNCTION _pgh_attach_context()
RETURNS {table}.id%TYPE AS $$
    DECLARE
        _pgh_context_id UUID;
        _pgh_context_metadata JSONB;
    BEGIN
        _pgh_context_id := NULLIF(CURRENT_SETTING('pghistory.context_id', TRUE), '')::UUID;
        _pgh_context_metadata := NULLIF(CURRENT_SETTING('pghistory.context_metadata', TRUE), '')::JSONB;
        IF _pgh_context_id IS NOT NULL AND _pgh_context_metadata IS NOT NULL THEN
            INSERT INTO {table} (id, metadata, created_at, updated_at)
                VALUES (_pgh_context_id, _pgh_context_metadata, NOW(), NOW())
                ON CONFLICT (id) DO UPDATE
                    SET metadata = EXCLUDED.metadata,
                        updated_at = EXCLUDED.updated_at
                    WHERE {table}.metadata != EXCLUDED.metadata;
            RETURN _pgh_context_id;
        ELSE
            RETURN NULL;
        END IF;
    END;
$$ LANGUAGE plpgsql;
"""


def install_attach_context_function(using: str = "default", **_kwargs) -> None:
    """(Re)install the exception-free `_pgh_attach_context()`; a post_migrate handler."""
    from django.db import connections
    from pghistory.models import Context

    connection = connections[using]
    table = Context._meta.db_table
    # A partial migrate (e.g. `migrate auth`) runs before pghistory's tables exist: nothing to
    # replace yet; the migrate that creates them installs it.
    if table not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        cursor.execute(ATTACH_CONTEXT_SQL.format(table=table))


def track_history(**kwargs):
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), **kwargs
    )


LABELS = {"insert": "新建", "update": "修改", "delete": "删除"}
# Columns without an explicit verbose name that still appear in histories.
GENERIC_LABELS = {"id": "编号", "created_at": "创建时间", "updated_at": "更新时间"}
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def _field_label(f) -> str:
    verbose = str(f.verbose_name)
    if verbose == f.name.replace("_", " "):  # no verbose name was given
        return GENERIC_LABELS.get(f.name, verbose)
    return verbose


def field_map(model) -> dict[str, models.Field]:
    """Concrete fields of a model by column key as pghistory stores them (name and attname)."""
    out: dict[str, models.Field] = {}
    for f in model._meta.concrete_fields:
        out[f.name] = f
        out[f.attname] = f
    return out


def _choices(f) -> dict | None:
    base = getattr(f, "base_field", None) or f
    return {str(k): v for k, v in base.flatchoices} if base.choices else None


def _format_datetime(value) -> str:
    parsed = parse_datetime(value) if isinstance(value, str) else value
    if not isinstance(parsed, dt.datetime):
        return str(value)
    if timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    return parsed.strftime(DATETIME_FORMAT)


def _format_date(value) -> str:
    parsed = parse_date(value[:10]) if isinstance(value, str) else value
    return parsed.strftime("%Y-%m-%d") if isinstance(parsed, dt.date) else str(value)


def _related_names(wanted: dict[type, set]) -> dict[type, dict[str, str]]:
    """`{model: {str(pk): name}}`; one query per related model. User accounts are named as
    people are everywhere else (office and name)."""
    user_model = get_user_model()
    out: dict[type, dict[str, str]] = {}
    for model, pks in wanted.items():
        pks = {p for p in pks if p not in (None, "")}
        if not pks:
            continue
        if model is user_model:
            out[model] = {str(k): v for k, v in people.people_by_id(pks).items()}
            continue
        # The record whose history is shown is in the caller's scope; its links are named as
        # its own page names them. select_related follows one level so that __str__ reading
        # a parent (a post's unit) does not cost a query per row.
        forward = [f.name for f in model._meta.concrete_fields if f.is_relation and f.many_to_one]
        rows = model._base_manager.filter(pk__in=pks).select_related(*forward)
        out[model] = {str(r.pk): str(r) for r in rows}
    return out


def describe(model, field: str, value, names: dict[type, dict[str, str]]) -> str | None:
    """One stored value in plain Chinese (None stays None: "no value")."""
    if value is None:
        return None
    f = field_map(model).get(field)
    coded = getattr(model, "history_value_labels", {}).get(field)
    if coded is not None:
        codes = value if isinstance(value, list) else [value]
        return "、".join(str(v) for v in coded(codes))
    if isinstance(value, bool):
        return "是" if value else "否"
    if f is None:
        return value if isinstance(value, str) else str(value)
    if f.is_relation and f.many_to_one:
        return names.get(f.related_model, {}).get(str(value), str(value))
    choices = _choices(f)
    if isinstance(value, list):
        return "、".join(str(choices.get(str(v), v)) if choices else str(v) for v in value)
    if choices:
        return str(choices.get(str(value), value)) if value != "" else ""
    if isinstance(f, models.DateTimeField):
        return _format_datetime(value)
    if isinstance(f, models.DateField):
        return _format_date(value)
    return value if isinstance(value, str) else str(value)


def label_changes(model, raw_rows: list[list[dict]]) -> None:
    """Add `label`, `before_label`, `after_label` to every change of every row, in place;
    linked records are resolved with one query per related model for all rows together."""
    fields = field_map(model)
    wanted: dict[type, set] = defaultdict(set)
    for changes in raw_rows:
        for c in changes:
            f = fields.get(c["field"])
            if f is not None and f.is_relation and f.many_to_one:
                wanted[f.related_model].update({c["before"], c["after"]})
    names = _related_names(wanted)
    for changes in raw_rows:
        for c in changes:
            f = fields.get(c["field"])
            c["label"] = _field_label(f) if f is not None else GENERIC_LABELS.get(c["field"], c["field"])
            c["before_label"] = describe(model, c["field"], c["before"], names)
            c["after_label"] = describe(model, c["field"], c["after"], names)


def history_for(obj, *, limit: int | None = 200) -> list[dict]:
    model = type(obj)
    events = (
        Events.objects.tracks(obj)
        .order_by("-pgh_created_at", "-pgh_id")
        .values("pgh_id", "pgh_created_at", "pgh_label", "pgh_diff", "pgh_data", "pgh_context", "pgh_model")
    )
    if limit:
        events = events[:limit]
    hidden = {"pgh_id", "pgh_created_at", "pgh_obj", "pgh_context", "pgh_label"}
    hidden |= set(getattr(model, "history_hidden_fields", ()))
    fields = field_map(model)
    hidden |= {f.attname for key, f in fields.items() if key in hidden}
    rows = []
    for e in events:
        ctx = e["pgh_context"] or {}
        diff = e["pgh_diff"] or {}
        if e["pgh_label"] == "insert" and not diff:
            diff = {k: [None, v] for k, v in (e["pgh_data"] or {}).items()}
        rows.append(
            {
                "id": e["pgh_id"],
                "at": e["pgh_created_at"],
                "at_label": _format_datetime(e["pgh_created_at"]),
                "action": e["pgh_label"],
                "action_label": LABELS.get(e["pgh_label"], e["pgh_label"]),
                "model": e["pgh_model"],
                "user_id": ctx.get("user"),
                "username": ctx.get("username") or ctx.get("command") or "",
                "actor": "",
                "request_id": ctx.get("request_id", ""),
                "url": ctx.get("url", ""),
                "changes": [
                    {"field": k, "before": v[0], "after": v[1]}
                    for k, v in sorted(diff.items())
                    if k not in hidden
                ],
            }
        )
    label_changes(model, [r["changes"] for r in rows])
    actors = people.people_by_id({r["user_id"] for r in rows if r["user_id"]})
    user_model = get_user_model()
    missing = {r["user_id"] for r in rows if r["user_id"] and not r["username"]}
    if missing:
        logins = dict(user_model.objects.filter(pk__in=missing).values_list("pk", "username"))
        for r in rows:
            if r["user_id"] in logins and not r["username"]:
                r["username"] = logins[r["user_id"]]
    for r in rows:
        # A person by office and name; a command (seed_demo, the sweep) or no actor is 系统.
        r["actor"] = actors.get(r["user_id"], "") if r["user_id"] else ""
    return rows
