"""Count (and keep) every query a block runs: `connection.execute_wrapper`, not the query log
(Django's `connection.queries` stops at 9,000 entries)."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection


@dataclass
class Recorder:
    keep: bool = False
    count: int = 0
    statements: list[tuple[str, object]] = field(default_factory=list)

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        if self.keep:
            self.statements.append((sql, params))
        return execute(sql, params, many, context)


@contextmanager
def record(*, keep: bool = False):
    rec = Recorder(keep=keep)
    with connection.execute_wrapper(rec):
        yield rec
