"""The hand-written floor of /api/v1/stats/interviews/ for `manage.py bench` (issue 14): the same
numbers in one GROUPING SETS scan of the year's required talks (totals; by unit kind, by
interviewer role, by talk kind) and one count of the cadres without a responsible person, the
scope as a CTE from the guardian tables (units under view_interviews or view_stats, and the
talks the user is responsible for)."""

from __future__ import annotations

import datetime as dt

from cadre_supervision import registry
from cadres.benchkit.floors import scope_cte

from . import rules

TALKS = f"""{scope_cte("view_interviews", "view_stats")},
t AS (
  SELECT t.*, o.kind AS org_kind FROM interviews_requiredtalk t
  JOIN cadres_cadre c ON c.id = t.cadre_id JOIN cadres_organization o ON o.id = c.organization_id
  WHERE t.year = %(year)s AND t.cancelled_at IS NULL
    AND (c.organization_id IN (SELECT id FROM scope) OR t.responsible_id = %(uid)s)
)"""

SQL = f"""WITH {TALKS}
SELECT GROUPING(org_kind, interviewer_role, kind), org_kind, interviewer_role, kind, count(*),
       count(*) FILTER (WHERE done_on IS NOT NULL),
       count(*) FILTER (WHERE done_on IS NULL AND due_date < %(today)s),
       count(*) FILTER (WHERE done_on > due_date), count(DISTINCT cadre_id),
       count(DISTINCT cadre_id) FILTER (WHERE responsible_id IS NULL AND done_on IS NULL)
FROM t GROUP BY GROUPING SETS ((), (org_kind), (interviewer_role), (kind))"""


def _row(required, done, overdue, late, cadres) -> dict:
    return {
        "required": required,
        "done": done,
        "overdue": overdue,
        "late": late,
        "cadres": cadres,
        "open": required - done,
        "rate": rules.coverage_rate(done, required),
    }


def compute(run, user, today: dt.date, year: int | None = None) -> dict:
    year = year or today.year
    out: dict = {"by_org_kind": {}, "by_interviewer_role": {}, "by_kind": {}}
    for g, org_kind, role, kind, *counts in run(SQL, {"uid": user.pk, "year": year, "today": today}):
        gaps = counts.pop()
        if g == 0b111:
            out["totals"] = {**_row(*counts), "gap_cadres": gaps}
        elif g == 0b011:
            out["by_org_kind"][str(org_kind)] = _row(*counts)
        elif g == 0b101:
            out["by_interviewer_role"][str(role)] = _row(*counts)
        else:
            out["by_kind"][str(kind)] = _row(*counts)
    out.setdefault("totals", {**_row(0, 0, 0, 0, 0), "gap_cadres": 0})
    return out


def _keyed(rows, key) -> dict:
    return {str(r[key]): {k: v for k, v in r.items() if k not in (key, "label")} for r in rows}


def numbers(answer: dict) -> dict:
    return {
        "totals": answer["totals"],
        "by_org_kind": _keyed(answer["by_org_kind"], "org_kind"),
        "by_interviewer_role": _keyed(answer["by_interviewer_role"], "interviewer_role"),
        "by_kind": _keyed(answer["by_kind"], "kind"),
    }


def register() -> None:
    registry.register_stats_floor(registry.StatsFloor("interviews-api:stats", compute, numbers))
