"""Reads of personal-matter reports. Every read that exposes contents takes `user=` and goes
through `PersonalReport.objects.restrict(user, "view")`; the callers (pages, API) write the
access-log row. Statistics read counts only, never amounts or addresses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cadre_supervision.accesslog import log_access
from cadre_supervision.models import AccessLog
from cadre_supervision.permissions import has_org_perm, users_with_org_perm
from cadres.models import (
    Cadre,
)

from . import rules
from .choices import DisplayStatus, Outcome, ReportStatus, VerificationKind, VerificationStatus
from .models import (
    ItemAnswer,
    PersonalReport,
    ReportCycle,
    ReportItem,
    ReportVersion,
    Verification,
)

# --- contents ----------------------------------------------------------------------------------


def visible_reports(user):
    return PersonalReport.objects.restrict(user, "view")


def can_view_contents(user, report: PersonalReport) -> bool:
    return visible_reports(user).filter(pk=report.pk).exists()


def log_report_view(*, user, report, request=None, detail: dict | None = None) -> None:
    log_access(
        user=user, action=AccessLog.Action.VIEW_REPORT, obj=report, request=request, detail=detail or {}
    )


def version_content(version: ReportVersion | None) -> dict[str, tuple[bool, list[dict]]]:
    """code -> (nothing_to_report, [entry data])."""
    if version is None:
        return {}
    answers = ItemAnswer.objects.filter(version=version).select_related("item").prefetch_related("entries")
    return {a.item.code: (a.nothing_to_report, [e.data for e in a.entries.all()]) for a in answers}


def catalogue_items(catalogue_id: int) -> list[ReportItem]:
    return list(ReportItem.objects.filter(catalogue_id=catalogue_id).order_by("sort_order"))


def previous_report(report: PersonalReport) -> PersonalReport | None:
    """The cadre's previous submitted report (an earlier year)."""
    return (
        PersonalReport.objects.filter(
            cadre_id=report.cadre_id, status=ReportStatus.SUBMITTED, year__lt=report.year
        )
        .select_related("current_version")
        .order_by("-year", "-first_submitted_at")
        .first()
    )


@dataclass
class ItemView:
    item: ReportItem
    nothing_to_report: bool
    entries: list[dict]
    rows: list[list[str]]
    answered: bool
    comparison: rules.ItemComparison | None = None


def _rows(item: ReportItem, entries: list[dict]) -> list[list[str]]:
    return [[str(e.get(f["key"], "")) for f in item.fields] for e in entries]


def report_view(
    items: list[ReportItem], content: dict, previous_content: dict | None = None
) -> list[ItemView]:
    comparisons = {}
    if previous_content is not None:
        comparisons = {
            c.code: c
            for c in rules.compare_reports(
                [{"code": i.code, "fields": i.fields} for i in items], previous_content, content
            )
        }
    out = []
    for item in items:
        none, entries = content.get(item.code, (False, []))
        out.append(
            ItemView(
                item=item,
                nothing_to_report=none,
                entries=entries,
                rows=_rows(item, entries),
                answered=item.code in content,
                comparison=comparisons.get(item.code),
            )
        )
    return out


def comparison_rows(item: ReportItem, cmp: rules.ItemComparison) -> dict:
    """Template-friendly comparison: labelled added/removed rows and changed cells."""
    labels = {f["key"]: f["label"] for f in item.fields}
    identity = [f["key"] for f in item.fields if f.get("identity")]

    def fmt(e, keys=None):
        keys = keys or list(labels)
        return "；".join(f"{labels[k]}：{e[k]}" for k in keys if e.get(k) not in ("", None))

    return {
        "added": [fmt(e) for e in cmp.added],
        "removed": [fmt(e) for e in cmp.removed],
        "changed": [
            {
                "summary": fmt(c.after, identity) or fmt(c.after),
                "fields": [
                    {
                        "label": labels.get(k, k),
                        "before": c.before.get(k, ""),
                        "after": c.after.get(k, ""),
                        "delta": c.amount_deltas.get(k, ""),
                    }
                    for k in c.changed
                ],
            }
            for c in cmp.changed
        ],
        "answer_changed": cmp.answer_changed,
    }


# --- dashboard ---------------------------------------------------------------------------------


def _status_q(today: dt.date):
    """Conditional counts per display status (lateness from first submission vs deadline)."""
    late_cutoff = Q(first_submitted_at__date__gt=F("deadline"))
    return {
        "total": Count("id"),
        "submitted": Count("id", filter=Q(status=ReportStatus.SUBMITTED)),
        "submitted_late": Count("id", filter=Q(status=ReportStatus.SUBMITTED) & late_cutoff),
        "draft": Count("id", filter=Q(status=ReportStatus.DRAFT)),
        "not_started": Count("id", filter=Q(status=ReportStatus.NOT_STARTED)),
        "overdue": Count("id", filter=~Q(status=ReportStatus.SUBMITTED) & Q(deadline__lt=today)),
    }


def cycle_summary(qs, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    row = qs.aggregate(**_status_q(today))
    total = row["total"] or 0
    row["submission_rate"] = round(row["submitted"] * 100 / total, 1) if total else 0.0
    row["on_time"] = row["submitted"] - row["submitted_late"]
    return row


def cycle_by_organization(qs, today: dt.date | None = None) -> list[dict]:
    """Submission status per organization (the cadre's organization), in tree order."""
    today = today or timezone.localdate()
    rows = list(
        qs.values("cadre__organization_id", "cadre__organization__name", "cadre__organization__path")
        .annotate(**_status_q(today))
        .order_by("cadre__organization__path")
    )
    for r in rows:
        r["organization_id"] = r.pop("cadre__organization_id")
        r["organization"] = r.pop("cadre__organization__name")
        r.pop("cadre__organization__path")
        r["submission_rate"] = round(r["submitted"] * 100 / r["total"], 1) if r["total"] else 0.0
    return rows


def status_filter(qs, status: str, today: dt.date | None = None):
    today = today or timezone.localdate()
    late = Q(first_submitted_at__date__gt=F("deadline"))
    if status == DisplayStatus.SUBMITTED:
        return qs.filter(Q(status=ReportStatus.SUBMITTED) & ~late)
    if status == DisplayStatus.SUBMITTED_LATE:
        return qs.filter(Q(status=ReportStatus.SUBMITTED) & late)
    if status == DisplayStatus.OVERDUE:
        return qs.exclude(status=ReportStatus.SUBMITTED).filter(deadline__lt=today)
    if status in (DisplayStatus.DRAFT, DisplayStatus.NOT_STARTED):
        return qs.filter(status=status).filter(Q(deadline__isnull=True) | Q(deadline__gte=today))
    return qs


# --- reminders ---------------------------------------------------------------------------------


def org_users_with_perm(org_ids_: set[int], codename: str, *, role: str | None = None) -> dict[int, set[int]]:
    """org id -> ids of active users holding `codename` over it (see cadre_supervision.permissions)."""
    return users_with_org_perm(org_ids_, codename, role=role)


def unit_liaisons_by_org(org_ids_: set[int]) -> dict[int, set[int]]:
    """Users in unit_liaison groups with view_cadres over each organization."""
    return org_users_with_perm(org_ids_, "view_cadres", role="unit_liaison")


def report_managers_by_org(org_ids_: set[int]) -> dict[int, set[int]]:
    return org_users_with_perm(org_ids_, "manage_personal_reports")


def unsubmitted_reports(cycle: ReportCycle, *, user):
    """Reports of `cycle` not yet submitted, within `user`'s scope (the sweep: SYSTEM)."""
    return (
        PersonalReport.objects.restrict(user, "view")
        .filter(cycle=cycle)
        .exclude(status=ReportStatus.SUBMITTED)
        .select_related("cadre", "cadre__organization")
    )


# --- integrity file and warnings ---------------------------------------------------------------


def may_see_integrity(user, cadre: Cadre) -> bool:
    if not user.is_authenticated:
        return False
    if cadre.user_id and cadre.user_id == user.pk:
        return True
    return has_org_perm(user, "view_integrity", cadre.organization_id) or has_org_perm(
        user, "view_personal_reports", cadre.organization_id
    )


def integrity_url(cadre_id: int) -> str:
    try:
        return reverse("integrity_file", args=[cadre_id])
    except NoReverseMatch:
        return ""


# --- statistics --------------------------------------------------------------------------------


def report_stats(user, year: int | None = None, today: dt.date | None = None) -> dict:
    """Aggregates over the caller's `view_stats` scope: no names, amounts or addresses."""
    today = today or timezone.localdate()
    scoped = PersonalReport.objects.restrict(user, "stats")
    if year is None:
        year = ReportCycle.objects.order_by("-year").values_list("year", flat=True).first()
    annual = scoped.filter(cycle__year=year) if year else scoped.none()
    summary = cycle_summary(annual, today)
    verifs = Verification.objects.restrict(user, "stats")
    random_v = verifs.filter(kind=VerificationKind.RANDOM, draw__cycle__year=year) if year else verifs.none()
    targeted_v = (
        verifs.filter(kind=VerificationKind.TARGETED, created_at__year=year) if year else verifs.none()
    )
    both = random_v | targeted_v
    outcome_counts = dict(
        both.filter(status=VerificationStatus.DONE).values_list("outcome").annotate(n=Count("id")).order_by()
    )
    return {
        "year": year,
        "obligated": summary["total"],
        "submitted": summary["submitted"],
        "submission_rate": summary["submission_rate"],
        "submitted_on_time": summary["on_time"],
        "submitted_late": summary["submitted_late"],
        "overdue_not_submitted": summary["overdue"],
        "draft": summary["draft"],
        "not_started": summary["not_started"],
        "sampled": random_v.count(),
        "targeted": targeted_v.count(),
        "verifications_done": both.filter(status=VerificationStatus.DONE).count(),
        "outcomes": {o: outcome_counts.get(o, 0) for o in Outcome.values},
        "years": list(ReportCycle.objects.order_by("-year").values_list("year", flat=True)),
    }


def verifications_for_cadre(cadre: Cadre):
    return (
        Verification.objects.filter(report__cadre=cadre)
        .select_related("report", "draw")
        .prefetch_related(Prefetch("item_outcomes", to_attr="outcome_rows"), "item_outcomes__item")
        .order_by("-report__year", "-created_at")
    )
