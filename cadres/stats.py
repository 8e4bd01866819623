"""Statistics of the cadre corps: aggregates only, computed by the database over the caller's scope.

Scope: the organizations where the caller holds `view_stats` (a statistics client holds only
that permission; organization staff hold it with everything else). No names, no IDs of
cadres leave this module: only counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
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


def _counts(qs, field: str, choices) -> list[dict[str, Any]]:
    found = {row[field]: row["n"] for row in qs.order_by().values(field).annotate(n=Count("id"))}
    out = [{"code": str(code), "label": str(label), "count": found.pop(code, 0)} for code, label in choices]
    out += [{"code": str(code), "label": str(code), "count": n} for code, n in found.items()]
    return out


def cadre_stats(user, *, today: dt.date | None = None) -> dict[str, Any]:
    """Counts over the cadres of the organizations where `user` holds view_stats.

    Breakdowns by organization kind, rank, management level and age band are of active (在职)
    cadres; `by_status` covers everyone registered. Key posts and 一把手 are current tenures.
    """
    today = today or timezone.localdate()
    cadres = Cadre.objects.restrict(user, "stats")
    active = cadres.filter(status=CadreStatus.ACTIVE)

    totals = cadres.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status=CadreStatus.ACTIVE)),
        **{
            f"band_{i}": Count("id", filter=Q(status=CadreStatus.ACTIVE) & age_band_q(b, today))
            for i, b in enumerate(rules.AGE_BANDS)
        },
    )

    current = Appointment.objects.current(today).restrict(user, STATS_PERMISSION)
    key = current.filter(~Q(post__key_categories=[]))
    key_aggr = key.aggregate(
        cadres=Count("cadre_id", distinct=True),
        posts=Count("post_id", distinct=True),
        **{
            f"cat_{c}": Count("cadre_id", distinct=True, filter=Q(post__key_categories__contains=[c]))
            for c in KeyCategory.values
        },
    )
    top = current.top_leaders()
    top_aggr = top.aggregate(
        cadres=Count("cadre_id", distinct=True),
        violations=Count("cadre_id", distinct=True, filter=portfolio_violation_q()),
        **{f"kind_{k}": Count("id", filter=Q(post__top_leader_kind=k)) for k in TopLeaderKind.values},
    )

    return {
        "as_of": today.isoformat(),
        "organizations": org_count(user, STATS_PERMISSION),
        "total": totals["total"],
        "active": totals["active"],
        "by_status": _counts(cadres, "status", CadreStatus.choices),
        "by_org_kind": _counts(active, "organization__kind", OrgKind.choices),
        "by_rank": _counts(active, "rank", Rank.choices),
        "by_management_level": _counts(active, "management_level", ManagementLevel.choices),
        "by_age_band": [
            {"code": b, "label": b, "count": totals[f"band_{i}"]} for i, b in enumerate(rules.AGE_BANDS)
        ],
        "key_posts": {
            "posts_held": key_aggr["posts"],
            "cadres": key_aggr["cadres"],
            "by_category": [
                {"code": c, "label": str(label), "count": key_aggr[f"cat_{c}"]}
                for c, label in KeyCategory.choices
            ],
        },
        "top_leaders": {
            "cadres": top_aggr["cadres"],
            "by_kind": [
                {"code": k, "label": str(label), "count": top_aggr[f"kind_{k}"]}
                for k, label in TopLeaderKind.choices
            ],
            "portfolio_violations": top_aggr["violations"],
        },
    }
