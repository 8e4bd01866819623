"""Statistics of the selection process over the caller's scope (restrict(user, "stats"))."""

from __future__ import annotations

import statistics

from django.db.models import Count
from django.utils import timezone

from cadre_supervision import policy, registry
from cadre_supervision.permissions import SYSTEM

from . import rules
from .choices import CandidateStatus, RatioPoint, Stage
from .models import Candidate, OpinionLetter, RatioRecord, Selection


def _flagged(cand) -> dict:
    """Candidates with an open 带病提拔 signal now (in review) and those cleared over one."""
    open_ids = list(cand.filter(status=CandidateStatus.NOMINATED).values_list("cadre_id", flat=True))
    kinds: dict[str, int] = {}
    flagged_cadres = set()
    for w in registry.warnings_for(SYSTEM, open_ids, blocks_promotion=True) if open_ids else []:
        key = w.kind.split(".")[0] + "." + w.kind.split(".")[1] if w.kind.count(".") >= 1 else w.kind
        kinds[key] = kinds.get(key, 0) + 1
        flagged_cadres.add(w.cadre_id)
    return {
        "in_review_flagged": sum(1 for c in open_ids if c in flagged_cadres),
        "by_kind": [{"kind": k, "count": n} for k, n in sorted(kinds.items())],
        "cleared_over_flags": cand.filter(exceptions__kind="clearance").distinct().count(),
    }


def selection_stats(user, *, year: int | None) -> dict:
    today = timezone.localdate()
    sel = Selection.objects.restrict(user, "stats")
    cand = Candidate.objects.restrict(user, "stats")
    letters = OpinionLetter.objects.restrict(user, "stats")
    ratios = RatioRecord.objects.restrict(user, "stats")
    if year is not None:
        sel = sel.filter(motion_date__year=year)
        cand = cand.filter(selection__motion_date__year=year)
        letters = letters.filter(candidate__selection__motion_date__year=year)
        ratios = ratios.filter(selection__motion_date__year=year)
    by_stage = dict(sel.values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))
    by_status = dict(cand.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    flagged = _flagged(cand)
    agencies: dict[str, dict] = {}
    for name, sent, replied, due, reply in letters.values_list(
        "agency__name", "sent_on", "replied_on", "due_on", "reply"
    ):
        a = agencies.setdefault(
            name, {"agency": name, "letters": 0, "replied": 0, "overdue": 0, "adverse": 0, "_days": []}
        )
        a["letters"] += 1
        if replied:
            a["replied"] += 1
            a["_days"].append(rules.working_days_between(sent, replied, rules.china_is_workday))
            if replied > due:
                a["overdue"] += 1
        elif today > due:
            a["overdue"] += 1
        if reply == "issue":
            a["adverse"] += 1
    by_agency = []
    for a in agencies.values():
        days = a.pop("_days")
        a["median_reply_days"] = statistics.median(days) if days else None
        by_agency.append(a)
    ratio_rows = []
    all_ratios = list(ratios.values_list("point", "nominees", "posts"))
    for point in RatioPoint:
        rows = [(n, p) for pt, n, p in all_ratios if pt == point]
        minimum = policy.get(f"selection.min_ratio.{point}")
        values = [float(rules.ratio(n, p)) for n, p in rows if p]
        ratio_rows.append(
            {
                "point": point.value,
                "label": str(point.label),
                "recorded": len(rows),
                "mean": round(sum(values) / len(values), 2) if values else None,
                "below_minimum": sum(1 for n, p in rows if not rules.ratio_ok(n, p, minimum)),
                "minimum": minimum,
            }
        )
    return {
        "year": year,
        "selections": sum(by_stage.values()),
        "by_stage": [
            {"stage": s.value, "label": str(s.label), "count": by_stage.get(s.value, 0)} for s in Stage
        ],
        "candidates": sum(by_status.values()),
        "cleared": by_status.get(CandidateStatus.CLEARED, 0) + by_status.get(CandidateStatus.APPOINTED, 0),
        "appointed": by_status.get(CandidateStatus.APPOINTED, 0),
        "in_review": by_status.get(CandidateStatus.NOMINATED, 0),
        "flags": flagged,
        "letters_by_agency": sorted(by_agency, key=lambda a: a["agency"]),
        "ratios": ratio_rows,
    }
