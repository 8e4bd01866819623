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
