"""The hand-written floor of /api/v1/stats/audits/ for `manage.py bench` (issue 14): the same
numbers in two statements (a GROUPING SETS scan of the audits and findings; the 一把手 in office
with their last audit, counted against the 轮审 cycle in SQL), the scope as a CTE from the
guardian tables (units under view_audits or view_stats)."""

from __future__ import annotations

import datetime as dt

from cadre_supervision import registry
from cadres.benchkit.floors import scope_cte

from . import rules

SCAN_SQL = f"""WITH {scope_cte("view_audits", "view_stats")},
a AS (SELECT * FROM audits_audit WHERE organization_id IN (SELECT id FROM scope))
SELECT 'audit', GROUPING(year, kind, status), year, kind, status, count(*) FROM a
  GROUP BY GROUPING SETS ((year, kind), (status))
UNION ALL
SELECT 'finding', GROUPING(s.stream, f.severity, f.state), NULL, s.stream || '/' || f.severity, f.state,
       count(*) FROM audits_finding f JOIN a ON a.id = f.audit_id JOIN audits_auditstream s ON s.id = f.stream_id
  GROUP BY GROUPING SETS ((s.stream, f.severity), (f.state))
UNION ALL
SELECT 'overdue', 0, NULL, NULL, NULL, count(*) FROM audits_finding f JOIN a ON a.id = f.audit_id
  WHERE f.state <> 'verified' AND f.due_date < %(today)s"""

LEADERS_SQL = f"""WITH {scope_cte("view_audits", "view_stats")},
leaders AS (
  SELECT a.cadre_id, a.start_date FROM cadres_appointment a JOIN cadres_post p ON p.id = a.post_id
  WHERE p.organization_id IN (SELECT id FROM scope) AND p.top_leader_kind <> ''
    AND a.start_date <= %(today)s AND (a.end_date IS NULL OR a.end_date > %(today)s)
), last AS (
  SELECT cadre_id, max(fieldwork_date) AS last FROM audits_audit
  WHERE fieldwork_date <= %(today)s AND cadre_id IN (SELECT cadre_id FROM leaders) GROUP BY cadre_id
)
SELECT count(*), count(*) FILTER (WHERE (coalesce(l.last, x.start_date) + make_interval(years => %(years)s))::date > %(today)s)
FROM leaders x LEFT JOIN last l ON l.cadre_id = x.cadre_id"""


def compute(run, user, today: dt.date, year: int | None = None) -> dict:
    from .selectors import cycle_years

    years = cycle_years()
    args = {"uid": user.pk, "today": today, "years": years}
    by_year_kind: dict[int, dict[str, int]] = {}
    by_status: dict[str, int] = {}
    by_stream: dict[str, dict[str, int]] = {}
    by_state: dict[str, int] = {}
    overdue = 0
    for what, g, y, key, status, n in run(SCAN_SQL, args):
        if what == "audit" and g == 0b001:
            by_year_kind.setdefault(y, {})[key] = n
        elif what == "audit":
            by_status[status] = n
        elif what == "finding" and g == 0b001:
            stream, severity = key.split("/")
            by_stream.setdefault(stream, {})[severity] = n
        elif what == "finding":
            by_state[status] = n
        else:
            overdue = n
    in_office, covered = run(LEADERS_SQL, args)[0]
    total = sum(by_state.values())
    return {
        "audits_total": sum(by_status.values()),
        "audits_by_year": {str(y): kinds for y, kinds in by_year_kind.items()},
        "audits_by_status": by_status,
        "findings_total": total,
        "findings_by_stream": by_stream,
        "findings_by_state": by_state,
        "rectification_rate": rules.rectification_rate(by_state.get("verified", 0), total),
        "rectification_overdue": overdue,
        "top_leaders_in_office": in_office,
        "top_leaders_within_cycle": covered,
        "cycle_coverage_rate": round(covered / in_office, 4) if in_office else None,
    }


def _nonzero(d: dict) -> dict:
    return {k: v for k, v in d.items() if v}


def numbers(answer: dict) -> dict:
    keys = (
        "audits_total",
        "findings_total",
        "rectification_rate",
        "rectification_overdue",
        "top_leaders_in_office",
        "top_leaders_within_cycle",
        "cycle_coverage_rate",
    )
    return {
        **{k: answer[k] for k in keys},
        "audits_by_year": {
            str(r["year"]): _nonzero({k: v for k, v in r.items() if k != "year"})
            for r in answer["audits_by_year"]
        },
        "audits_by_status": _nonzero(answer["audits_by_status"]),
        "findings_by_stream": {
            k: _nonzero(v) for k, v in answer["findings_by_stream"].items() if _nonzero(v)
        },
        "findings_by_state": _nonzero(answer["findings_by_state"]),
    }


def register() -> None:
    registry.register_stats_floor(registry.StatsFloor("audits-api:stats-audits", compute, numbers))
