"""Keyset paging for the HTML lists: 下一页 / 上一页 / 末页 cost what the first page costs.

A page reached by OFFSET makes PostgreSQL sort and skip every row before it (a disk merge at page
1,000 of a province's cadres). A page reached by a cursor reads `WHERE (keys) > (the last row's
keys) ORDER BY keys LIMIT n`: the same work at any depth. The cursor is the boundary row's values
of the list's ordering (pk last, so the order is total), with the page number for the pager's
"第 N 页", signed so that a hand-edited one is refused, never half-trusted.

Pure parts here (which orderings qualify, the WHERE of "after these values", the cursor's
encoding); `cadre_supervision.views.TableListMixin` uses them. An ordering that cannot be expressed
as plain column comparisons (an expression, a random order, an aggregate, a relation ordered by
its model's own ordering, a path through a to-many relation) keeps OFFSET paging.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q

SALT = "cadre_supervision.keyset"
INVALID = "分页位置无效或已过期，已回到第一页。"


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class Key:
    path: str
    descending: bool = False


def ordering_of(queryset) -> list[str]:
    """The ordering the queryset's SQL will use, as Django spells it."""
    query = queryset.query
    if query.order_by:
        return list(query.order_by)
    if query.default_ordering:
        return list(query.get_meta().ordering or [])
    return []


def _plain_path(model, path: str, annotations) -> bool:
    """A path of concrete fields to one column: no to-many hop, no relation at the end."""
    if path == "pk":
        return True
    if path in annotations:
        return not getattr(annotations[path], "contains_aggregate", True)
    parts = path.split("__")
    current = model
    for i, part in enumerate(parts):
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if field.many_to_many or field.one_to_many:
            return False
        last = i == len(parts) - 1
        if field.is_relation:
            if last and part == getattr(field, "attname", None):
                return True  # `organization_id`: the foreign key's own column
            if last:
                return False  # ordered by the related model's own ordering: not one column
            current = field.related_model
        elif not last:
            return False  # a lookup or transform, not a field path
    return True


def keys_for(queryset) -> list[Key] | None:
    """The list's ordering as keys with pk last, or None when it must keep OFFSET paging."""
    keys: list[Key] = []
    annotations = queryset.query.annotations
    model = queryset.model
    pk_name = model._meta.pk.name
    for entry in ordering_of(queryset):
        if not isinstance(entry, str) or entry == "?" or "." in entry:
            return None
        descending = entry.startswith("-")
        path = entry.lstrip("-+")
        if path in (pk_name, "pk"):
            path = "pk"
        if not _plain_path(model, path, annotations):
            return None
        if any(k.path == path for k in keys):
            continue  # a repeated key decides nothing the first one did not
        keys.append(Key(path, descending))
        if path == "pk":
            return keys  # pk is unique: later keys never decide
    keys.append(Key("pk", False))
    return keys


def reversed_keys(keys: list[Key]) -> list[Key]:
    return [Key(k.path, not k.descending) for k in keys]


def order_by(keys: list[Key]) -> list[str]:
    return [("-" if k.descending else "") + k.path for k in keys]


def _beyond(key: Key, value) -> Q | None:
    """Rows strictly after `value` on this key alone, in PostgreSQL's order (NULLs are largest:
    last when ascending, first when descending)."""
    if key.descending:
        return Q(**{f"{key.path}__isnull": False}) if value is None else Q(**{f"{key.path}__lt": value})
    if value is None:
        return None  # nothing sorts after NULL ascending
    return Q(**{f"{key.path}__gt": value}) | Q(**{f"{key.path}__isnull": True})


def _equal(key: Key, value) -> Q:
    return Q(**{f"{key.path}__isnull": True}) if value is None else Q(**{key.path: value})


def after(keys: list[Key], values: list[Any]) -> Q:
    """WHERE of the rows that come after the row with these key values, in the keys' order:
    (k1 beyond) OR (k1 equal AND k2 beyond) OR ..."""
    if len(keys) != len(values):
        raise InvalidCursor("key count")
    where = Q(pk__in=[])  # matches nothing: the row was the very last
    prefix = Q()
    for key, value in zip(keys, values, strict=True):
        step = _beyond(key, value)
        if step is not None:
            where |= prefix & step
        prefix &= _equal(key, value)
    return where


# --- the cursor ----------------------------------------------------------------------------------


def _tag(value):
    if isinstance(value, datetime.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return {"s": str(value)}  # UUID and friends compare by their text form in the lookup


def _untag(value):
    if isinstance(value, dict) and len(value) == 1:
        ((tag, text),) = value.items()
        if tag == "t":
            return datetime.datetime.fromisoformat(text)
        if tag == "d":
            return datetime.date.fromisoformat(text)
        if tag == "n":
            return Decimal(text)
        if tag == "s":
            return text
    if isinstance(value, dict | list):
        raise InvalidCursor("value")
    return value


def encode(*, keys: list[Key], values: list[Any], number: int) -> str:
    """A cursor for the rows after `values` (the page that starts there is page `number`)."""
    return signing.dumps(
        {"k": order_by(keys), "v": [_tag(v) for v in values], "p": number}, salt=SALT, compress=True
    )


def decode(token: str, *, keys: list[Key]) -> tuple[list[Any], int]:
    """(values, page number) of a cursor made for this very ordering; InvalidCursor otherwise
    (tampered, or made under another sort: a bookmarked cursor after the sort was changed)."""
    try:
        data = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise InvalidCursor("signature") from exc
    if not isinstance(data, dict) or data.get("k") != order_by(keys):
        raise InvalidCursor("ordering")
    values, number = data.get("v"), data.get("p")
    if not isinstance(values, list) or not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise InvalidCursor("shape")
    return [_untag(v) for v in values], number
