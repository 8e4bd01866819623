"""Helpers of the hand-written statistics floors (issue 14; see cadre_supervision.registry.StatsFloor).
Each app writes its floor's SQL by hand in its own `bench_floor.py`; the scope is a CTE read
from the guardian tables, as `restrict()` reads them (a grant on an organization covers its
subtree). Not for superusers (the bench's users are not)."""

from __future__ import annotations


def scope_cte(*codenames: str, name: str = "scope") -> str:
    """`granted_<name>` and `<name>`: the organizations under a grant of any of `codenames` held by
    the user (%(uid)s) directly or through a group. Use inside a WITH list (no leading WITH)."""
    names = ", ".join(f"'{c}'" for c in codenames)
    return f"""
granted_{name} AS (
  SELECT g.content_object_id AS org_id FROM cadres_organizationgroupobjectpermission g
    JOIN auth_permission p ON p.id = g.permission_id AND p.codename IN ({names})
    JOIN auth_user_groups ug ON ug.group_id = g.group_id AND ug.user_id = %(uid)s
  UNION
  SELECT u.content_object_id FROM cadres_organizationuserobjectpermission u
    JOIN auth_permission p ON p.id = u.permission_id AND p.codename IN ({names})
  WHERE u.user_id = %(uid)s
), {name} AS (
  SELECT o.id FROM cadres_organization o JOIN cadres_organization r ON r.id IN (SELECT org_id FROM granted_{name})
  WHERE o.path LIKE r.path || '%%'
)"""


def plain(value):
    """JSON-comparable: what the endpoint's JSON would say for `value`."""
    import json

    return json.loads(json.dumps(value, default=str))
