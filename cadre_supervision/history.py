"""Change history: database triggers (django-pghistory) keep every insert, update and
delete of a tracked model, including queryset update() and bulk operations.

Decorate a model with `@track_history()`; show its history with `history_for(obj)`.
A model lists columns that must never be shown in a history (page or API), such as derived
forms of a protected value, in a `history_hidden_fields` class attribute.
"""

from __future__ import annotations

import pghistory
from django.contrib.auth import get_user_model
from pghistory.models import Events

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

    with connections[using].cursor() as cursor:
        cursor.execute(ATTACH_CONTEXT_SQL.format(table=Context._meta.db_table))


def track_history(**kwargs):
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), **kwargs
    )


LABELS = {"insert": "新建", "update": "修改", "delete": "删除"}


def history_for(obj, *, limit: int | None = 200) -> list[dict]:
    events = (
        Events.objects.tracks(obj)
        .order_by("-pgh_created_at", "-pgh_id")
        .values("pgh_id", "pgh_created_at", "pgh_label", "pgh_diff", "pgh_data", "pgh_context", "pgh_model")
    )
    if limit:
        events = events[:limit]
    hidden = {"pgh_id", "pgh_created_at", "pgh_obj", "pgh_context", "pgh_label"}
    hidden |= set(getattr(type(obj), "history_hidden_fields", ()))
    rows = []
    user_ids = set()
    for e in events:
        ctx = e["pgh_context"] or {}
        if ctx.get("user"):
            user_ids.add(ctx["user"])
        diff = e["pgh_diff"] or {}
        if e["pgh_label"] == "insert" and not diff:
            diff = {k: [None, v] for k, v in (e["pgh_data"] or {}).items()}
        rows.append(
            {
                "id": e["pgh_id"],
                "at": e["pgh_created_at"],
                "action": e["pgh_label"],
                "action_label": LABELS.get(e["pgh_label"], e["pgh_label"]),
                "model": e["pgh_model"],
                "user_id": ctx.get("user"),
                "username": ctx.get("username") or ctx.get("command") or "",
                "request_id": ctx.get("request_id", ""),
                "url": ctx.get("url", ""),
                "changes": [
                    {"field": k, "before": v[0], "after": v[1]}
                    for k, v in sorted(diff.items())
                    if k not in hidden
                ],
            }
        )
    missing = {r["user_id"] for r in rows if r["user_id"] and not r["username"]}
    if missing:
        names = dict(get_user_model().objects.filter(pk__in=missing).values_list("pk", "username"))
        for r in rows:
            if r["user_id"] in names and not r["username"]:
                r["username"] = names[r["user_id"]]
    return rows
