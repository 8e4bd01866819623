"""A memo for one response: a value read for every row (a catalogue from the cache) is read once.

The API's list path enters `memo_scope()`; inside it `remember(key, compute)` computes once and
answers the same value after; outside any scope it always computes, so nothing else (pages, the
sweep, kept readings) ever sees a remembered value. A write drops its key with `forget(key)`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar

_MEMO: ContextVar[dict | None] = ContextVar("cs_representation_memo", default=None)


@contextmanager
def memo_scope():
    """Values `remember`ed inside are computed once; the outermost scope forgets them on exit."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def remember(key, compute: Callable):
    """`compute()`, once per `memo_scope` (every call outside a scope computes)."""
    memo = _MEMO.get()
    if memo is None:
        return compute()
    try:
        return memo[key]
    except KeyError:
        value = memo[key] = compute()
        return value


def forget(key) -> None:
    """Drop a remembered value (the data behind it was just written)."""
    memo = _MEMO.get()
    if memo is not None:
        memo.pop(key, None)
