"""The hand-written floor of /api/v1/stats/evaluations/ for `manage.py bench` (issue 14): the same
numbers in one statement (a GROUP BY of the year's subjects by kind and grade, and one aggregate
each of the campaigns, letters, action items and democratic evaluations), the scope as a CTE
from the guardian tables (units under view_evaluations or view_stats)."""

from __future__ import annotations

import datetime as dt

from cadre_supervision import registry
from cadres.benchkit.floors import scope_cte

SQL = f"""WITH {scope_cte("view_evaluations", "view_stats")},
subj AS (SELECT * FROM evaluations_subject WHERE year = %(year)s AND organization_id IN (SELECT id FROM scope))
SELECT 'grade', kind, grade, count(*) FROM subj WHERE grade <> '' GROUP BY kind, grade
UNION ALL SELECT 'subjects', NULL, NULL, count(*) FROM subj
UNION ALL SELECT 'letter', status, NULL, count(*) FROM evaluations_careletter
  WHERE year = %(year)s AND organization_id IN (SELECT id FROM scope) GROUP BY status
UNION ALL SELECT 'campaigns', NULL, NULL, count(*) FROM evaluations_campaign
  WHERE year = %(year)s AND organization_id IN (SELECT id FROM scope)
UNION ALL SELECT 'campaigns_completed', NULL, NULL, count(*) FROM evaluations_campaign
  WHERE year = %(year)s AND organization_id IN (SELECT id FROM scope) AND completed_on IS NOT NULL
UNION ALL SELECT 'democratic', NULL, NULL, count(*) FROM evaluations_democraticevaluation
  WHERE year = %(year)s AND organization_id IN (SELECT id FROM scope)
UNION ALL SELECT 'item', kind, CASE WHEN done_on IS NULL THEN '' ELSE 'done' END, count(*)
  FROM evaluations_actionitem WHERE subject_id IN (SELECT id FROM subj) GROUP BY 2, 3"""


def compute(run, user, today: dt.date, year: int | None = None) -> dict:
    year = year or today.year
    out = {"by_kind_grade": {}, "letters": {}, "items": {}}
    for what, a, b, n in run(SQL, {"uid": user.pk, "year": year}):
        if what == "grade":
            out["by_kind_grade"].setdefault(a, {})[b] = n
        elif what == "letter":
            out["letters"][a] = n
        elif what == "item":
            out["items"][(a, b)] = n
        else:
            out[what] = n
    items = out["items"]
    by_grade: dict[str, int] = {}
    for grades in out["by_kind_grade"].values():
        for g, n in grades.items():
            by_grade[g] = by_grade.get(g, 0) + n
    letters = out["letters"]
    return {
        "campaigns": out["campaigns"],
        "campaigns_completed": out["campaigns_completed"],
        "subjects": out["subjects"],
        "graded": sum(by_grade.values()),
        "by_grade": by_grade,
        "by_kind_grade": out["by_kind_grade"],
        "weak": by_grade.get("basic", 0) + by_grade.get("incompetent", 0),
        "care_letters": {
            "sent": letters.get("sent", 0) + letters.get("acknowledged", 0),
            "by_status": letters,
        },
        "items": {
            "pledges": items.get(("pledge", ""), 0) + items.get(("pledge", "done"), 0),
            "pledges_done": items.get(("pledge", "done"), 0),
            "rectify": items.get(("rectify", ""), 0) + items.get(("rectify", "done"), 0),
            "rectify_done": items.get(("rectify", "done"), 0),
        },
        "democratic_evaluations": out["democratic"],
    }


def _nonzero(d: dict) -> dict:
    return {k: v for k, v in d.items() if v}


def numbers(answer: dict) -> dict:
    return {
        **{k: answer[k] for k in ("campaigns", "campaigns_completed", "subjects", "graded", "weak")},
        "by_grade": _nonzero(answer["by_grade"]),
        "by_kind_grade": {k: _nonzero(v) for k, v in answer["by_kind_grade"].items() if _nonzero(v)},
        "care_letters": {
            "sent": answer["care_letters"]["sent"],
            "by_status": _nonzero(answer["care_letters"]["by_status"]),
        },
        "items": answer["items"],
        "democratic_evaluations": answer["democratic_evaluations"],
    }


def register() -> None:
    registry.register_stats_floor(registry.StatsFloor("evaluations-api:stats", compute, numbers))
