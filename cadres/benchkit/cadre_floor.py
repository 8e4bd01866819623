"""The hand-written floor of /api/v1/stats/cadres/ (issue 14): the cadre breakdowns (status of
everyone; kind, rank, level of the active) in one GROUPING SETS scan of the cadres, then key
posts and 一把手 over the current tenures (scope: the post's unit) in one aggregate. The age
bands and the organization count are left out (a lower floor: a stricter test)."""

from __future__ import annotations

import datetime as dt

from cadre_supervision import registry

from .floors import scope_cte

CADRES_SQL = f"""WITH {scope_cte("view_stats")}
SELECT GROUPING(o.kind, c.rank, c.management_level), c.status, o.kind, c.rank, c.management_level, count(*)
FROM cadres_cadre c JOIN cadres_organization o ON o.id = c.organization_id
WHERE c.organization_id IN (SELECT id FROM scope)
GROUP BY GROUPING SETS ((c.status), (c.status, o.kind), (c.status, c.rank), (c.status, c.management_level))"""


def _tenures_sql() -> str:
    from cadres.choices import KeyCategory, TopLeaderKind

    cats = ", ".join(
        f"count(DISTINCT a.cadre_id) FILTER (WHERE '{c}' = ANY(p.key_categories))" for c in KeyCategory.values
    )
    kinds = ", ".join(f"count(*) FILTER (WHERE p.top_leader_kind = '{k}')" for k in TopLeaderKind.values)
    return f"""WITH {scope_cte("view_stats")}
SELECT count(DISTINCT a.cadre_id) FILTER (WHERE p.key_categories <> '{{}}'),
       count(DISTINCT a.post_id) FILTER (WHERE p.key_categories <> '{{}}'), {cats},
       count(DISTINCT a.cadre_id) FILTER (WHERE p.top_leader_kind <> ''),
       count(DISTINCT a.cadre_id) FILTER (WHERE p.top_leader_kind <> '' AND a.portfolio_areas && %(forbidden)s::varchar[]),
       {kinds}
FROM cadres_appointment a JOIN cadres_post p ON p.id = a.post_id
WHERE p.organization_id IN (SELECT id FROM scope)
  AND a.start_date <= %(today)s AND (a.end_date IS NULL OR a.end_date > %(today)s)"""


def compute(run, user, today: dt.date, year: int | None = None) -> dict:
    from cadres.choices import KeyCategory, TopLeaderKind
    from cadres.models import forbidden_area_codes

    args = {"uid": user.pk, "today": today, "forbidden": forbidden_area_codes()}
    by: dict[str, dict] = {"status": {}, "kind": {}, "rank": {}, "level": {}}
    # GROUPING(kind, rank, level): 0b111 status only, 0b011 kind, 0b101 rank, 0b110 level.
    for g, status, kind, rank, level, n in run(CADRES_SQL, args):
        if g == 0b111:
            by["status"][status] = n
        elif status == "active":
            name, key = {0b011: ("kind", kind), 0b101: ("rank", rank), 0b110: ("level", level)}[g]
            by[name][key] = n
    row = run(_tenures_sql(), args)[0]
    n_cat = len(KeyCategory.values)
    key_cadres, key_posts, cats = row[0], row[1], row[2 : 2 + n_cat]
    top_cadres, violations, kinds = row[2 + n_cat], row[3 + n_cat], row[4 + n_cat :]
    return {
        "total": sum(by["status"].values()),
        "active": by["status"].get("active", 0),
        "by_status": by["status"],
        "by_org_kind": by["kind"],
        "by_rank": by["rank"],
        "by_management_level": by["level"],
        "key_posts": {
            "posts_held": key_posts,
            "cadres": key_cadres,
            "by_category": {c: n for c, n in zip(KeyCategory.values, cats, strict=True) if n},
        },
        "top_leaders": {
            "cadres": top_cadres,
            "by_kind": {k: n for k, n in zip(TopLeaderKind.values, kinds, strict=True) if n},
            "portfolio_violations": violations,
        },
    }


def _nonzero(rows) -> dict:
    return {r["code"]: r["count"] for r in rows if r["count"]}


def numbers(answer: dict) -> dict:
    return {
        "total": answer["total"],
        "active": answer["active"],
        "by_status": _nonzero(answer["by_status"]),
        "by_org_kind": _nonzero(answer["by_org_kind"]),
        "by_rank": _nonzero(answer["by_rank"]),
        "by_management_level": _nonzero(answer["by_management_level"]),
        "key_posts": {**answer["key_posts"], "by_category": _nonzero(answer["key_posts"]["by_category"])},
        "top_leaders": {**answer["top_leaders"], "by_kind": _nonzero(answer["top_leaders"]["by_kind"])},
    }


def register() -> None:
    registry.register_stats_floor(registry.StatsFloor("cadres-api:stats-cadres", compute, numbers))
