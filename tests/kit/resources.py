"""Resource rows: one per URL name. Keep a row small; everything optional has a default.

    PageResource("audits:audit_detail", inside=lambda w: w.audit_a, outside=lambda w: w.audit_b)
    ApiResource("audits-api:audit-list", shown=lambda w: w.audit_a, hidden=lambda w: w.audit_b,
                ceiling=12)
    ApiResource("audits-api:audit-transition", method="post", inside=..., outside=...,
                accept=lambda w: {...}, history=lambda w: w.audit_a)

`inside` / `outside` return the URL arguments (a model instance stands for its pk, a tuple
for several arguments); `user` names the world attribute acting in scope (default staff_a).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

Build = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Row:
    name: str  # URL name, with its namespace
    inside: Build = None  # URL args of an in-scope object (None: the URL takes no argument)
    outside: Build = None  # URL args of an out-of-scope object: 404 for `user`
    user: str = "staff_a"  # world attribute: who acts in scope
    method: str = "get"  # "get" for pages and reads; "post"/"patch"/"delete" for actions
    status: int = 200  # in-scope answer of a GET
    params: dict = field(default_factory=dict)  # query string of every GET
    shown: Build = None  # list rows: what must be listed for `user` (instance, pk or text)
    hidden: Build = None  # list rows: what must be absent for `user` (instance, pk or text)
    refuse: Build = None  # a write payload refused on the outside URL (or the plain URL)
    refuse_status: int | None = None  # the exact answer of `refuse` (e.g. 400: an out-of-scope related id)
    refuse_url: Build = None  # URL args for the refused write when not `outside`
    accept: Build = None  # a valid write payload on the inside URL: it succeeds
    accept_user: str | None = None  # who writes `accept` (default `user`)
    history: Build = None  # after `accept`: the object that has a new history row by `user`
    watch: tuple = ()  # models whose rows must not change on a refused write
    ceiling: int | None = None  # max queries of the in-scope GET, at 10 and at 100 rows
    ceiling_user: str | None = None  # who is measured (default `user`): the one whose scope grows
    xfail: dict = field(default_factory=dict)  # check name -> "issue 9: <defect>"

    def __str__(self) -> str:
        return self.name if self.method == "get" else f"{self.name}:{self.method}"

    def param(self, check: str):
        """This row as a pytest param of `check`, strict-xfail when the row declares a defect."""
        reason = self.xfail.get(check)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        return pytest.param(self, id=str(self), marks=marks)


@dataclass(frozen=True)
class PageResource(_Row):
    export: bool = False  # the page writes its rows as .xlsx on ?export=xlsx


@dataclass(frozen=True)
class ApiResource(_Row):
    pass


def params(rows, check: str, *, where=lambda row: True):
    return [row.param(check) for row in rows if where(row)]


# Reasons of strict xfails shared by several tables (the lead removes a mark once the fix lands).
MALFORMED_ID = "issue 9: a malformed id in the URL answers 5xx, not 404 (get_scoped_or_404)"
MALFORMED_ID_UNLISTED = (
    "issue 9 (cause listed, URL not): a malformed id in the URL answers 5xx, not 404 (get_scoped_or_404)"
)
LOOKUP_FIRST = "issue 9: the action validates the body before looking the object up (400, not 404)"
RELATED_ID = "issue 9: an out-of-scope related id answers 403/404, not the 400 of a nonexistent id"
