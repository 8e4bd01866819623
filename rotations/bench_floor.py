"""The hand-written floor of /api/v1/stats/rotations/ for `manage.py bench` (issue 14): the same
numbers by hand-written SQL over the materialised due list (the snapshot the endpoint reads;
the bench's warm-up request refreshes it), the exchanges, the year's plans and the second-line
records, the scope as a CTE from the guardian tables. Four statements."""

from __future__ import annotations

import datetime as dt

from cadre_supervision import registry
from cadres.benchkit.floors import scope_cte

from . import rules

STATS_CODENAMES = ("view_rotations", "view_stats")

# The due items of the scope on %(on)s: the snapshot's rows whose post lies in the scope, and the
# open avoidance cases of the scope, each on the cadre's in-scope due-list appointment if any,
# else on any current home appointment (merged into the row of the same cadre and post).
DUE_ITEMS = """
snap AS (
  SELECT r.cadre_id, r.post_id, r.organization_id, r.state, r.mandatory_date, r.rules
  FROM rotations_duesnapshotitem r JOIN rotations_duesnapshot s ON s.id = r.snapshot_id
  WHERE s."on" = %(on)s AND r.organization_id IN (SELECT id FROM scope)
), cases AS (
  SELECT c.id, c.cadre_id, c.raised_on FROM rotations_avoidancecase c
  WHERE c.organization_id IN (SELECT id FROM scope) AND c.raised_on <= %(on)s
    AND (c.resolved_on IS NULL OR c.resolved_on > %(on)s)
), case_appt AS (
  SELECT DISTINCT ON (c.id) c.cadre_id, c.raised_on, a.post_id, p.organization_id
  FROM cases c
  JOIN cadres_appointment a ON a.cadre_id = c.cadre_id AND NOT a.is_secondment
   AND a.start_date <= %(on)s AND (a.end_date IS NULL OR a.end_date > %(on)s)
  JOIN cadres_post p ON p.id = a.post_id
  JOIN cadres_cadre cd ON cd.id = a.cadre_id
  ORDER BY c.id, (p.organization_id IN (SELECT id FROM scope)
    AND ((p.is_leading AND NOT p.is_middle_level) OR p.is_middle_level)
    AND (%(on)s < %(today)s OR cd.status = 'active')) DESC
), items AS (
  SELECT coalesce(s.cadre_id, ca.cadre_id) AS cadre_id, coalesce(s.post_id, ca.post_id) AS post_id,
         coalesce(s.organization_id, ca.organization_id) AS organization_id,
         CASE WHEN ca.cadre_id IS NULL THEN s.state ELSE 'overdue' END AS state,
         LEAST(s.mandatory_date, ca.raised_on) AS mandatory_date,
         coalesce(s.rules, '{}'::varchar[])
           || CASE WHEN ca.cadre_id IS NULL THEN '{}'::varchar[] ELSE '{avoidance}'::varchar[] END AS rules
  FROM snap s FULL JOIN case_appt ca ON ca.cadre_id = s.cadre_id AND ca.post_id = s.post_id
)"""

DUE_SQL = f"""WITH {scope_cte(*STATS_CODENAMES)}, {DUE_ITEMS}
SELECT 'state', state, count(*) FROM items GROUP BY state
UNION ALL
SELECT 'rule', u.rule, count(*) FROM items, unnest(items.rules) AS u(rule) GROUP BY u.rule"""

EXECUTION_SQL = f"""WITH {scope_cte(*STATS_CODENAMES)}, {DUE_ITEMS},
due AS (
  SELECT i.organization_id, count(*) AS due,
         count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM rotations_exchange e
           WHERE e.cadre_id = i.cadre_id AND e.from_post_id = i.post_id AND e.kind <> 'secondment'
             AND e.effective_date BETWEEN %(on)s AND %(end)s)) AS rotated
  FROM items i WHERE i.mandatory_date <= %(end)s GROUP BY i.organization_id
), planned AS (
  SELECT pl.organization_id, count(it.id) FILTER (WHERE it.status <> 'cancelled') AS planned,
         count(it.id) FILTER (WHERE it.status = 'done') AS done
  FROM rotations_rotationplan pl LEFT JOIN rotations_planitem it ON it.plan_id = pl.id
  WHERE pl.year = %(year)s AND pl.organization_id IN (SELECT id FROM scope)
  GROUP BY pl.organization_id
)
SELECT o.kind, sum(coalesce(p.planned, 0)), sum(coalesce(p.done, 0)), sum(coalesce(d.due, 0)),
       sum(coalesce(d.rotated, 0))
FROM planned p FULL JOIN due d ON d.organization_id = p.organization_id
JOIN cadres_organization o ON o.id = coalesce(p.organization_id, d.organization_id)
GROUP BY o.kind"""

EXCHANGES_SQL = f"""WITH {scope_cte(*STATS_CODENAMES)}, ex AS (
  SELECT * FROM rotations_exchange
  WHERE from_organization_id IN (SELECT id FROM scope) OR to_organization_id IN (SELECT id FROM scope)
)
SELECT kind, extract(year FROM effective_date)::int, count(*), NULL::bigint, NULL::bigint, NULL::bigint
FROM ex GROUP BY kind, 2
UNION ALL
SELECT NULL, NULL, NULL,
  count(DISTINCT cadre_id) FILTER (WHERE from_org_kind = 'township' AND to_org_kind = 'city_organ'),
  count(DISTINCT cadre_id) FILTER (WHERE from_top_leader_kind = 'party' AND from_org_kind = 'township'
    AND to_org_kind = 'city_organ' AND to_top_leader_kind <> ''),
  count(DISTINCT cadre_id) FILTER (WHERE from_org_kind = 'city_organ' AND to_org_kind = 'township'
    AND to_top_leader_kind <> '')
FROM ex"""

SECONDLINE_SQL = f"""WITH {scope_cte("view_secondline", "view_stats")}, rec AS (
  SELECT r.status, r.work_status, r.willing_to_serve,
         ARRAY(SELECT DISTINCT a.role FROM rotations_assignment a
               WHERE a.record_id = r.id AND a.status = 'confirmed' AND a.role <> '' ORDER BY 1) AS roles
  FROM rotations_secondlinerecord r JOIN cadres_cadre c ON c.id = r.cadre_id
  WHERE c.organization_id IN (SELECT id FROM scope) AND r.status <> 'ended'
)
SELECT status, work_status, roles, count(*), count(*) FILTER (WHERE willing_to_serve) FROM rec
GROUP BY status, work_status, roles"""


def compute(run, user, today: dt.date, year: int | None = None) -> dict:
    from .choices import DueRule, DueState, Utilisation

    year = year or today.year
    january = dt.date(year, 1, 1)
    args = {"uid": user.pk, "today": today}
    by_state = {str(k): 0 for k in DueState.values}
    by_rule = {str(k): 0 for k in DueRule.values}
    for what, key, n in run(DUE_SQL, {**args, "on": today}):
        (by_state if what == "state" else by_rule)[key] = n
    execution = []
    for kind, planned, done, due, rotated in sorted(
        run(EXECUTION_SQL, {**args, "on": january, "end": dt.date(year, 12, 31), "year": year})
    ):
        planned, done, due, rotated = int(planned), int(done), int(due), int(rotated)
        execution.append(
            {
                "org_kind": kind,
                "planned": planned,
                "done": done,
                "due": due,
                "rotated": rotated,
                "plan_rate": rules.execution_rate(done, planned),
                "due_rate": rules.execution_rate(rotated, due),
            }
        )
    by_kind_and_year: dict[str, dict[str, int]] = {}
    years: set[int] = set()
    moved = {}
    for kind, y, n, t2c, secretaries, c2t in run(EXCHANGES_SQL, args):
        if kind is None:
            moved = {
                "township_to_city_cadres": t2c,
                "township_secretaries_to_city_heads": secretaries,
                "city_cadres_to_township_heads": c2t,
            }
        else:
            by_kind_and_year.setdefault(kind, {})[str(y)] = n
            years.add(y)
    from .choices import ExchangeKind

    exchanges = {
        "by_kind_and_year": {
            k: {str(y): by_kind_and_year.get(k, {}).get(str(y), 0) for y in sorted(years)}
            for k in ExchangeKind.values
        },
        "total": sum(sum(v.values()) for v in by_kind_and_year.values()),
        **moved,
    }
    counts = {c: 0 for c in Utilisation.values}
    n_all = willing = 0
    for status, work_status, roles, n, n_willing in run(SECONDLINE_SQL, args):
        counts[rules.utilisation(status, work_status, roles)] += n
        n_all += n
        willing += n_willing
    return {
        "due": {"total": sum(by_state.values()), "by_state": by_state, "by_rule": by_rule},
        "exchanges": exchanges,
        "execution": execution,
        "second_line": {
            "total": n_all,
            "by_utilisation": counts,
            "utilisation_rate": rules.utilisation_rate({k: v for k, v in counts.items() if v}),
            "willing": willing,
            "willing_rate": round(100.0 * willing / n_all, 1) if n_all else None,
        },
    }


def numbers(answer: dict) -> dict:
    due = {k: answer["due"][k] for k in ("total", "by_state", "by_rule")}
    execution = [{k: v for k, v in row.items() if k != "label"} for row in answer["execution"]["by_org_kind"]]
    return {
        "due": due,
        "exchanges": answer["exchanges"],
        "execution": sorted(execution, key=lambda r: r["org_kind"]),
        "second_line": answer["second_line"],
    }


def register() -> None:
    registry.register_stats_floor(registry.StatsFloor("rotations-api:stats", compute, numbers))
