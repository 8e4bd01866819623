"""The hand-written floor of /api/v1/stats/petitions/ for `manage.py bench` (issue 14): the same
numbers in one GROUPING SETS scan of the petitions and one aggregate of their categories, the
scope as a CTE from the guardian tables (units under view_petitions or view_stats, the
petitions the user handles or co-handles, 12380 petitions of units under handle_12380)."""

from __future__ import annotations

import datetime as dt

from cadre_supervision import registry
from cadres.benchkit.floors import scope_cte

from . import rules

PETITIONS = f"""{scope_cte("view_petitions", "view_stats", name="scope")},
{scope_cte("handle_12380", name="scope_12380")},
p AS (
  SELECT * FROM petitions_petition
  WHERE received_on BETWEEN %(start)s AND %(end)s
    AND (organization_id IN (SELECT id FROM scope) OR handler_id = %(uid)s
         OR id IN (SELECT petition_id FROM petitions_petitioncohandler WHERE user_id = %(uid)s)
         OR (channel = '12380' AND organization_id IN (SELECT id FROM scope_12380)))
)"""

SCAN_SQL = f"""WITH {PETITIONS}
SELECT GROUPING(channel, result, disposal, status, organization_id), channel, result, disposal, status,
       organization_id, count(*), count(*) FILTER (WHERE status <> 'concluded' AND deadline < %(today)s),
       count(*) FILTER (WHERE escalated_on IS NOT NULL)
FROM p GROUP BY GROUPING SETS ((), (channel), (result), (disposal), (status), (organization_id))"""

CATEGORIES_SQL = f"""WITH {PETITIONS}
SELECT c.code, count(DISTINCT pc.petition_id) FROM petitions_petition_categories pc
JOIN petitions_problemcategory c ON c.id = pc.problemcategory_id
WHERE pc.petition_id IN (SELECT id FROM p) GROUP BY c.code"""


def compute(run, user, today: dt.date, year: int | None = None) -> dict:
    from .choices import SUBSTANTIATED

    year = year or today.year
    args = {"uid": user.pk, "today": today, "start": dt.date(year, 1, 1), "end": dt.date(year, 12, 31)}
    by: dict[str, dict] = {"channel": {}, "result": {}, "disposal": {}, "status": {}, "unit": {}}
    total = overdue = escalated = 0
    # GROUPING(channel, result, disposal, status, organization_id): the one column grouped is 0.
    column = {0b01111: "channel", 0b10111: "result", 0b11011: "disposal", 0b11101: "status", 0b11110: "unit"}
    for g, channel, result, disposal, status, org, n, n_overdue, n_escalated in run(SCAN_SQL, args):
        if g == 0b11111:
            total, overdue, escalated = n, n_overdue, n_escalated
            continue
        name = column[g]
        key = {"channel": channel, "result": result, "disposal": disposal, "status": status, "unit": org}[
            name
        ]
        if name in ("result", "disposal") and key == "":
            continue
        by[name][key] = n
    concluded = sum(by["result"].values())
    substantiated = sum(by["result"].get(r, 0) for r in SUBSTANTIATED)
    return {
        "total": total,
        "open": total - by["status"].get("concluded", 0),
        "concluded": concluded,
        "substantiated": substantiated,
        "substantiated_rate": rules.substantiated_rate(substantiated, concluded),
        "overdue": overdue,
        "escalated": escalated,
        "by_channel": by["channel"],
        "by_disposal": by["disposal"],
        "by_result": by["result"],
        "by_category": dict(run(CATEGORIES_SQL, args)),
        "by_unit": {str(k): v for k, v in by["unit"].items()},
    }


def _nonzero(rows, key="key") -> dict:
    return {str(r[key]): r["count"] for r in rows if r["count"]}


def numbers(answer: dict) -> dict:
    keys = ("total", "open", "concluded", "substantiated", "substantiated_rate", "overdue", "escalated")
    return {
        **{k: answer[k] for k in keys},
        "by_channel": _nonzero(answer["by_channel"]),
        "by_disposal": _nonzero(answer["by_disposal"]),
        "by_result": _nonzero(answer["by_result"]),
        "by_category": _nonzero(answer["by_category"]),
        "by_unit": _nonzero(answer["by_unit"], "organization_id"),
    }


def register() -> None:
    registry.register_stats_floor(registry.StatsFloor("petitions-api:stats", compute, numbers))
