"""What the reports app contributes to shared pages: reminder sweep, integrity-file sections,
early-warning signals. Registered from ReportsConfig.ready()."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.urls import reverse

from cadre_supervision import policy, registry
from cadre_supervision.notifications import ReminderSpec
from cadre_supervision.permissions import SYSTEM, has_any_scope, prime_org_paths
from cadre_supervision.registry import Warning

from .choices import Outcome, ReportStatus, VerificationStatus
from .models import MajorMatterReport, PersonalReport, ReportCycle, Verification
from .selectors import (
    integrity_url,
    may_see_integrity,
    report_managers_by_org,
    unit_liaisons_by_org,
    unsubmitted_reports,
    visible_reports,
)

# --- reminders ---------------------------------------------------------------------------------

SWEEP_KIND = "reports.annual"


def reminder_specs(today: dt.date) -> list[ReminderSpec]:
    """Before the deadline (due-soon window) and after it (late): to each unsubmitted cadre's
    unit liaisons and linked account (one per report), and to report managers (one summary
    per cycle with the count in their scope)."""
    due_soon = dt.timedelta(days=policy.get("reports.due_soon_days"))
    specs: list[ReminderSpec] = []
    cycles = ReportCycle.objects.filter(
        deadline__gte=today - dt.timedelta(days=365), deadline__lte=today + due_soon
    )
    for cycle in cycles:
        late = today > cycle.deadline
        period = f"{cycle.year}-late" if late else f"{cycle.year}-due"
        reports = list(unsubmitted_reports(cycle, user=SYSTEM))
        if not reports:
            continue
        org_ids = {r.cadre.organization_id for r in reports}
        liaisons = unit_liaisons_by_org(org_ids)
        managers = report_managers_by_org(org_ids)
        what = "已逾期未提交" if late else f"将于{cycle.deadline:%Y年%m月%d日}截止，尚未提交"
        for r in reports:
            url = reverse("reports:report_detail", args=[r.pk])
            title = f"{r.cadre.name}的{cycle.year}年度个人有关事项报告{what}"
            recipients = set(liaisons.get(r.cadre.organization_id, ()))
            if r.cadre.user_id:
                recipients.add(r.cadre.user_id)
            for uid in sorted(recipients):
                specs.append(
                    ReminderSpec(
                        recipient_id=uid,
                        kind=SWEEP_KIND,
                        period=period,
                        title=title,
                        body="请督促按时如实报告个人有关事项。"
                        if uid != r.cadre.user_id
                        else "请按时如实报告个人有关事项。",
                        url=url if uid == r.cadre.user_id else "",
                        object_type="reports.personalreport",
                        object_id=str(r.pk),
                    )
                )
        per_manager: dict[int, int] = defaultdict(int)
        for r in reports:
            for uid in managers.get(r.cadre.organization_id, ()):
                per_manager[uid] += 1
        for uid, n in sorted(per_manager.items()):
            specs.append(
                ReminderSpec(
                    recipient_id=uid,
                    kind=SWEEP_KIND,
                    period=period,
                    title=f"{cycle.year}年度个人有关事项报告：{n} 人{what}",
                    body="请在报告周期看板查看未提交名单。",
                    url=reverse("reports:cycle_detail", args=[cycle.pk]),
                    object_type="reports.reportcycle",
                    object_id=str(cycle.pk),
                )
            )
    return specs


# --- integrity file ----------------------------------------------------------------------------


def _integrity_readable(cadres, user) -> tuple[dict[int, Any], list[int]]:
    """`cadres` by id, and the ids of those whose reports sections `user` may see
    (`may_see_integrity` of each; their units' paths read in one query)."""
    by_pk = {c.pk: c for c in cadres}
    prime_org_paths(user, {c.organization_id for c in by_pk.values()})
    return by_pk, [pk for pk, c in by_pk.items() if may_see_integrity(user, c)]


def integrity_reports_many(cadres, user) -> dict[int, dict]:
    """Status per year; a link to the contents only for those who may see them (each of
    `cadres`, in a constant number of queries)."""
    by_pk, allowed = _integrity_readable(cadres, user)
    out: dict[int, dict] = {pk: {"allowed": False, "rows": []} for pk in by_pk}
    if not allowed:
        return out
    for pk in allowed:
        out[pk] = {"allowed": True, "rows": [], "major_rows": []}
    readable = set(visible_reports(user).filter(cadre_id__in=allowed).values_list("id", flat=True))
    for r in (
        PersonalReport.objects.filter(cadre_id__in=allowed)
        .select_related("current_version")
        .order_by("-year", "-id")
    ):
        out[r.cadre_id]["rows"].append(
            {
                "year": r.year,
                "kind": r.get_kind_display(),
                "status": r.get_display_status_display(),
                "status_code": r.display_status(),
                "submitted_at": r.first_submitted_at,
                "version": r.current_version.number if r.current_version else None,
                "url": r.get_absolute_url() if r.pk in readable else "",
            }
        )
    readable_major = set(
        MajorMatterReport.objects.restrict(user, "view")
        .filter(cadre_id__in=allowed)
        .values_list("id", flat=True)
    )
    for m in MajorMatterReport.objects.filter(cadre_id__in=allowed).order_by("-reported_on", "-id"):
        out[m.cadre_id]["major_rows"].append(
            {
                "reported_on": m.reported_on,
                "kind": m.get_kind_display(),
                "url": m.get_absolute_url() if m.pk in readable_major else "",
            }
        )
    return out


REPORTS_HEADER = ["报告年度", "报告类型", "状态", "首次提交时间", "现行版本"]


def integrity_reports_export_many(cadres, user) -> dict[int, tuple[list[str], list[list]]]:
    out = {}
    for pk, ctx in integrity_reports_many(cadres, user).items():
        rows = [[r["year"], r["kind"], r["status"], r["submitted_at"], r["version"]] for r in ctx["rows"]]
        rows += [
            [m["reported_on"].year, f"重大事项：{m['kind']}", "已报告", m["reported_on"], None]
            for m in ctx.get("major_rows", [])
        ]
        out[pk] = (list(REPORTS_HEADER), rows)
    return out


def integrity_verifications_many(cadres, user) -> dict[int, dict]:
    """Verification outcomes (consistent / omission / concealment) with handling; item names
    only, never the reported amounts or addresses (each of `cadres`, in a constant number of
    queries)."""
    by_pk, allowed = _integrity_readable(cadres, user)
    out: dict[int, dict] = {pk: {"allowed": False, "rows": []} for pk in by_pk}
    if not allowed:
        return out
    for pk in allowed:
        out[pk] = {"allowed": True, "rows": []}
    verifs = (
        Verification.objects.filter(report__cadre_id__in=allowed)
        .select_related("report", "draw__cycle")
        .prefetch_related("item_outcomes__item")
        .order_by("-report__year", "-created_at", "-id")
    )
    for v in verifs:
        out[v.report.cadre_id]["rows"].append(
            {
                "year": v.report.year,
                "kind": v.get_kind_display(),
                "status": v.get_status_display(),
                "done": v.status == VerificationStatus.DONE,
                "outcome": v.outcome,
                "outcome_label": v.get_outcome_display() if v.outcome else "",
                "handling": v.get_handling_display() if v.handling else "",
                "handling_note": v.handling_note,
                "sources": v.evidence_source_labels,
                "completed_at": v.completed_at,
                "items": [
                    {"title": io.item.short_title, "outcome": io.get_outcome_display(), "code": io.outcome}
                    for io in v.item_outcomes.all()
                    if io.outcome != Outcome.CONSISTENT
                ],
            }
        )
    return out


VERIFICATIONS_HEADER = [
    "报告年度",
    "查核类型",
    "状态",
    "结果",
    "问题事项",
    "处理方式",
    "处理情况",
    "完成时间",
]


def integrity_verifications_export_many(cadres, user) -> dict[int, tuple[list[str], list[list]]]:
    return {
        pk: (
            list(VERIFICATIONS_HEADER),
            [
                [
                    r["year"],
                    r["kind"],
                    r["status"],
                    r["outcome_label"],
                    "、".join(f"{i['title']}（{i['outcome']}）" for i in r["items"]),
                    r["handling"],
                    r["handling_note"],
                    r["completed_at"],
                ]
                for r in ctx["rows"]
            ],
        )
        for pk, ctx in integrity_verifications_many(cadres, user).items()
    }


integrity_reports = registry.section_of_one(integrity_reports_many)
integrity_reports_export = registry.section_of_one(integrity_reports_export_many)
integrity_verifications = registry.section_of_one(integrity_verifications_many)
integrity_verifications_export = registry.section_of_one(integrity_verifications_export_many)


# --- warnings ----------------------------------------------------------------------------------


def _latest_cycle_reports(user, cadre_ids, today):
    """The reports of the latest past-deadline cycle in the user's integrity scope (lazy)."""
    cycle = ReportCycle.objects.filter(deadline__lt=today).order_by("-year").first()
    if cycle is None:
        return None, PersonalReport.objects.none()
    qs = PersonalReport.objects.restrict(user, "integrity").filter(cycle=cycle)
    if cadre_ids is not None:
        qs = qs.filter(cadre_id__in=list(cadre_ids))
    return cycle, qs


def collect_missing(user, cadre_ids=None, today: dt.date | None = None) -> list[Warning]:
    """Annual reports of the latest past-deadline cycle still not submitted (two queries)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    if not has_any_scope(PersonalReport, user, "integrity"):
        return []
    cycle, qs = _latest_cycle_reports(user, cadre_ids, today)
    if cycle is None:
        return []
    return [
        Warning(
            cadre_id=r.cadre_id,
            kind="reports.missing",
            title=f"{cycle.year}年度个人有关事项报告逾期未报",
            detail=f"截止日期 {cycle.deadline}",
            url=integrity_url(r.cadre_id),
            severity="danger",
            since=cycle.deadline + dt.timedelta(days=1),
            uid=f"reports.personalreport.{r.pk}.missing",
        )
        for r in qs.exclude(status=ReportStatus.SUBMITTED).only("id", "cadre_id")
    ]


def collect_late(user, cadre_ids=None, today: dt.date | None = None) -> list[Warning]:
    """Annual reports of the latest past-deadline cycle submitted after the deadline."""
    from django.utils import timezone

    today = today or timezone.localdate()
    if not has_any_scope(PersonalReport, user, "integrity"):
        return []
    cycle, qs = _latest_cycle_reports(user, cadre_ids, today)
    if cycle is None:
        return []
    out = []
    for r in qs.filter(status=ReportStatus.SUBMITTED, first_submitted_at__date__gt=cycle.deadline).only(
        "id", "cadre_id", "first_submitted_at"
    ):
        submitted = timezone.localdate(r.first_submitted_at)
        out.append(
            Warning(
                cadre_id=r.cadre_id,
                kind="reports.late",
                title=f"{cycle.year}年度个人有关事项报告逾期提交",
                detail=f"截止日期 {cycle.deadline}，提交于 {submitted}",
                url=integrity_url(r.cadre_id),
                since=submitted,
                uid=f"reports.personalreport.{r.pk}.late",
            )
        )
    return out


def _verification_warnings(user, cadre_ids, today, outcome: str, kind: str) -> list[Warning]:
    from django.utils import timezone

    today = today or timezone.localdate()
    if not has_any_scope(PersonalReport, user, "integrity"):
        return []
    vq = (
        Verification.objects.restrict(user, "integrity")
        .filter(status=VerificationStatus.DONE, outcome=outcome, report__year__gte=today.year - 3)
        .select_related("report")
    )
    if cadre_ids is not None:
        vq = vq.filter(report__cadre_id__in=list(cadre_ids))
    return [
        Warning(
            cadre_id=v.report.cadre_id,
            kind=kind,
            title=f"个人有关事项报告查核发现{v.get_outcome_display()}（{v.report.year}年度）",
            detail=f"处理：{v.get_handling_display()}",
            url=integrity_url(v.report.cadre_id),
            severity="danger" if outcome == Outcome.CONCEALMENT else "warning",
            since=timezone.localdate(v.completed_at) if v.completed_at else None,
            uid=f"reports.verification.{v.pk}",
        )
        for v in vq
    ]


def collect_inconsistent(user, cadre_ids=None, today: dt.date | None = None) -> list[Warning]:
    """Verification found the report inconsistent (漏报) in the last three years."""
    return _verification_warnings(user, cadre_ids, today, Outcome.OMISSION, "reports.inconsistent")


def collect_concealment(user, cadre_ids=None, today: dt.date | None = None) -> list[Warning]:
    """Verification found concealment (瞒报) in the last three years: a 带病提拔 flag."""
    return _verification_warnings(user, cadre_ids, today, Outcome.CONCEALMENT, "reports.concealment")


WARNING_COLLECTORS = (collect_missing, collect_late, collect_inconsistent, collect_concealment)


def collect_warnings(user, cadre_ids=None, today: dt.date | None = None) -> list[Warning]:
    """Every signal of the four report sources (missing, late, inconsistent, concealment)."""
    return [w for fn in WARNING_COLLECTORS for w in fn(user, cadre_ids, today)]


def recommender_concealment(user, cadre_ids) -> dict[int, list[str]]:
    """ "谁推荐谁负责": personal reports whose verification found concealment (瞒报)."""
    from .choices import Outcome
    from .models import Verification

    out: dict[int, list[str]] = {}
    for cadre_id, year in (
        Verification.objects.restrict(user, "view")
        .filter(report__cadre_id__in=list(cadre_ids), outcome=Outcome.CONCEALMENT)
        .values_list("report__cadre_id", "report__year")
    ):
        out.setdefault(cadre_id, []).append(f"{year}年度个人有关事项报告查核认定瞒报")
    return out


def verification_timeline_many(cadre_ids, user):
    """Timeline entries of the integrity file: completed verifications of the cadre's reports
    (the integrity scope of reports, like the section)."""
    from django.utils import timezone

    from cadre_supervision.registry import TimelineEntry

    for v in (
        Verification.objects.restrict(user, "integrity")
        .filter(report__cadre_id__in=cadre_ids, status=VerificationStatus.DONE)
        .select_related("report")
        .order_by("-completed_at", "-id")
    ):
        when = timezone.localdate(v.completed_at) if v.completed_at else timezone.localdate(v.created_at)
        handling = f"；处理：{v.get_handling_display()}" if v.handling else ""
        yield (
            v.report.cadre_id,
            TimelineEntry(
                date=when,
                kind="reports.verification",
                label="个人事项查核",
                title=f"{v.report.year}年度个人有关事项报告{v.get_kind_display()}：{v.get_outcome_display()}",
                detail=(v.handling_note[:60] if v.handling_note else "") + handling,
                url=integrity_url(v.report.cadre_id),
            ),
        )


def verification_timeline(cadre, user):
    """The entries of `verification_timeline_many` for one cadre."""
    return [entry for _cadre_id, entry in verification_timeline_many([cadre.pk], user)]
