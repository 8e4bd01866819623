"""The hand-written floor of /api/v1/stats/reports/ for `manage.py bench` (issue 14): the same
numbers in two statements (one aggregate of the cycle's reports with FILTER counts; one GROUP
BY of the year's random and targeted verifications), the scope as a CTE from the guardian
tables (units under view_stats; the cadre's unit). The year: the latest cycle, as the endpoint
defaults (`?year=` unset)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from cadre_supervision import registry
from cadres.benchkit.floors import scope_cte

TZ = settings.TIME_ZONE

REPORTS_SQL = f"""WITH {scope_cte("view_stats")},
yr AS (SELECT coalesce(%(year)s, (SELECT max(year) FROM reports_reportcycle)) AS year),
r AS (
  SELECT r.* FROM reports_personalreport r JOIN cadres_cadre c ON c.id = r.cadre_id
  JOIN reports_reportcycle y ON y.id = r.cycle_id
  WHERE y.year = (SELECT year FROM yr) AND c.organization_id IN (SELECT id FROM scope)
)
SELECT (SELECT year FROM yr), count(*), count(*) FILTER (WHERE status = 'submitted'),
  count(*) FILTER (WHERE status = 'submitted' AND (first_submitted_at AT TIME ZONE '{TZ}')::date > deadline),
  count(*) FILTER (WHERE status = 'draft'), count(*) FILTER (WHERE status = 'not_started'),
  count(*) FILTER (WHERE status <> 'submitted' AND deadline < %(today)s)
FROM r"""

VERIFICATIONS_SQL = f"""WITH {scope_cte("view_stats")},
v AS (
  SELECT v.kind, v.status, v.outcome FROM reports_verification v
  JOIN reports_personalreport r ON r.id = v.report_id JOIN cadres_cadre c ON c.id = r.cadre_id
  LEFT JOIN reports_sampledraw d ON d.id = v.draw_id LEFT JOIN reports_reportcycle y ON y.id = d.cycle_id
  WHERE c.organization_id IN (SELECT id FROM scope)
    AND ((v.kind = 'random' AND y.year = %(year)s)
         OR (v.kind = 'targeted' AND extract(year FROM v.created_at AT TIME ZONE '{TZ}') = %(year)s))
)
SELECT kind, CASE WHEN status = 'done' THEN outcome END, count(*) FROM v GROUP BY 1, 2"""


def compute(run, user, today: dt.date, year: int | None = None) -> dict:
    (year, total, submitted, late, draft, not_started, overdue) = run(
        REPORTS_SQL, {"uid": user.pk, "year": year, "today": today}
    )[0]
    sampled = targeted = done = 0
    outcomes: dict[str, int] = {}
    if year is not None:
        for kind, outcome, n in run(VERIFICATIONS_SQL, {"uid": user.pk, "year": year}):
            if kind == "random":
                sampled += n
            else:
                targeted += n
            if outcome is not None:
                done += n
                if n and outcome != "":
                    outcomes[outcome] = outcomes.get(outcome, 0) + n
    return {
        "year": year,
        "obligated": total,
        "submitted": submitted,
        "submission_rate": round(submitted * 100 / total, 1) if total else 0.0,
        "submitted_on_time": submitted - late,
        "submitted_late": late,
        "overdue_not_submitted": overdue,
        "draft": draft,
        "not_started": not_started,
        "sampled": sampled,
        "targeted": targeted,
        "verifications_done": done,
        "outcomes": outcomes,
    }


def numbers(answer: dict) -> dict:
    out = {k: v for k, v in answer.items() if k != "years"}
    out["outcomes"] = {k: v for k, v in answer["outcomes"].items() if v}
    return out


def register() -> None:
    registry.register_stats_floor(registry.StatsFloor("reports-api:stats-reports", compute, numbers))
