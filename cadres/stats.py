"""Statistics of the cadre corps: aggregates only, computed by the database over the caller's scope.

Scope: the organizations where the caller holds `view_stats` (a statistics client holds only
that permission; organization staff hold it with everything else). No names, no IDs of
cadres leave this module: only counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.utils import timezone

from cadre_supervision.permissions import has_any_scope, org_count

from . import rules
from .choices import CadreStatus, KeyCategory, ManagementLevel, OrgKind, Rank, TopLeaderKind
from .models import Appointment, Cadre, forbidden_area_codes

STATS_PERMISSION = "view_stats"


def has_stats_scope(user) -> bool:
    return has_any_scope(Cadre, user, "stats")


def _years_ago(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def age_band_q(band: str, today: dt.date) -> Q:
    """The birth-date condition equivalent to `rules.age_band(age) == band` on `today`.

    age >= n  <=>  birth_date <= today - n years (whole-year arithmetic, as rules.full_years).
    """
    lower_upper = {
        "35岁以下": (None, 35),
        "35-40岁": (35, 41),
        "41-45岁": (41, 46),
        "46-50岁": (46, 51),
        "51-55岁": (51, 56),
        "56岁以上": (56, None),
    }
    if band == "未知":
        return Q(birth_date__isnull=True)
    lo, hi = lower_upper[band]
    q = Q(birth_date__isnull=False)
    if lo is not None:  # age >= lo
        q &= Q(birth_date__lte=_years_ago(today, lo))
    if hi is not None:  # age < hi
        q &= Q(birth_date__gt=_years_ago(today, hi))
    return q


def portfolio_violation_q() -> Q:
    """SQL form of rules.portfolio_violations for a top-leader appointment: its structured areas
    include one the catalogue forbids to a 一把手 (the free text is never matched)."""
    return Q(portfolio_areas__overlap=forbidden_area_codes())


def _counts(found: dict, choices) -> list[dict[str, Any]]:
    """{code: n} -> the choices in order (zero when absent), then any other code found."""
    found = dict(found)
    out = [{"code": str(code), "label": str(label), "count": found.pop(code, 0)} for code, label in choices]
    out += [{"code": str(code), "label": str(code), "count": n} for code, n in found.items()]
    return out


# GROUPING(kind, rank, level, band) of each grouping set (a 1 bit: that column not grouped).
_BY_STATUS, _BY_KIND, _BY_RANK, _BY_LEVEL, _BY_BAND = 0b1111, 0b0111, 0b1011, 0b1101, 0b1110


def _cadre_breakdowns(cadres, today: dt.date) -> dict[int, dict]:
    """One scan of the scoped cadres, GROUP BY GROUPING SETS: {grouping: {key: n}}; the keys
    are the status, or (status, kind | rank | level | age band)."""
    band = Case(
        *[When(age_band_q(b, today), then=Value(b)) for b in rules.AGE_BANDS],
        default=Value(None),
        output_field=CharField(),
    )
    rows = cadres.order_by().annotate(_kind=F("organization__kind"), _band=band)
    try:
        sql, params = rows.values_list(
            "status", "_kind", "rank", "management_level", "_band"
        ).query.sql_with_params()
    except EmptyResultSet:
        return {}
    out: dict[int, dict] = {}
    with connections[cadres.db].cursor() as cur:
        cur.execute(
            f"""SELECT s, k, r, m, b, GROUPING(k, r, m, b), COUNT(*) FROM ({sql}) AS t(s, k, r, m, b)
            GROUP BY GROUPING SETS ((s), (s, k), (s, r), (s, m), (s, b))""",
            params,
        )
        for s_, k, r, m, b, g, n in cur.fetchall():
            key = {
                _BY_STATUS: s_,
                _BY_KIND: (s_, k),
                _BY_RANK: (s_, r),
                _BY_LEVEL: (s_, m),
                _BY_BAND: (s_, b),
            }[g]
            out.setdefault(g, {})[key] = n
    return out


def _active(groups: dict, grouping: int) -> dict:
    return {key[1]: n for key, n in groups.get(grouping, {}).items() if key[0] == CadreStatus.ACTIVE}


def cadre_stats(user, *, today: dt.date | None = None) -> dict[str, Any]:
    """Counts over the cadres of the organizations where `user` holds view_stats.

    Breakdowns by organization kind, rank, management level and age band are of active (在职)
    cadres; `by_status` covers everyone registered. Key posts and 一把手 are current tenures.
    Three queries: the cadres in one GROUPING SETS scan, the current tenures in one aggregate,
    the organization count.
    """
    today = today or timezone.localdate()
    groups = _cadre_breakdowns(Cadre.objects.restrict(user, "stats"), today)
    by_status = groups.get(_BY_STATUS, {})
    bands = _active(groups, _BY_BAND)

    current = Appointment.objects.current(today).restrict(user, STATS_PERMISSION)
    key_q = ~Q(post__key_categories=[])
    top_q = ~Q(post__top_leader_kind="")
    aggr = current.aggregate(
        key_cadres=Count("cadre_id", distinct=True, filter=key_q),
        key_posts=Count("post_id", distinct=True, filter=key_q),
        **{
            f"cat_{c}": Count("cadre_id", distinct=True, filter=key_q & Q(post__key_categories__contains=[c]))
            for c in KeyCategory.values
        },
        top_cadres=Count("cadre_id", distinct=True, filter=top_q),
        violations=Count("cadre_id", distinct=True, filter=top_q & portfolio_violation_q()),
        **{f"kind_{k}": Count("id", filter=top_q & Q(post__top_leader_kind=k)) for k in TopLeaderKind.values},
    )

    return {
        "as_of": today.isoformat(),
        "organizations": org_count(user, STATS_PERMISSION),
        "total": sum(by_status.values()),
        "active": by_status.get(CadreStatus.ACTIVE, 0),
        "by_status": _counts(by_status, CadreStatus.choices),
        "by_org_kind": _counts(_active(groups, _BY_KIND), OrgKind.choices),
        "by_rank": _counts(_active(groups, _BY_RANK), Rank.choices),
        "by_management_level": _counts(_active(groups, _BY_LEVEL), ManagementLevel.choices),
        "by_age_band": [{"code": b, "label": b, "count": bands.get(b, 0)} for b in rules.AGE_BANDS],
        "key_posts": {
            "posts_held": aggr["key_posts"],
            "cadres": aggr["key_cadres"],
            "by_category": [
                {"code": c, "label": str(label), "count": aggr[f"cat_{c}"]}
                for c, label in KeyCategory.choices
            ],
        },
        "top_leaders": {
            "cadres": aggr["top_cadres"],
            "by_kind": [
                {"code": k, "label": str(label), "count": aggr[f"kind_{k}"]}
                for k, label in TopLeaderKind.choices
            ],
            "portfolio_violations": aggr["violations"],
        },
    }
