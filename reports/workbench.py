"""What the reports app puts on the workbench: verifications assigned to me, my own report
before its deadline and the report cycles closing with unsubmitted reports in my scope
(to-do); report deadlines (calendar; publicity end dates come from cadres.publicity); submission and verification
outcomes (figures, from `selectors.report_stats`)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.urls import reverse

from cadre_supervision.permissions import has_any_scope, has_org_perm
from cadre_supervision.registry import Figure, TodoItem
from cadre_supervision.workbench import horizon

from . import selectors
from .choices import Outcome, ReportStatus, VerificationStatus
from .models import PersonalReport, ReportCycle, Verification


def verifications_todo(user, today: dt.date):
    """Pending verifications (查核) the user is assigned to."""
    qs = (
        Verification.objects.restrict(user, "view")
        .filter(status=VerificationStatus.PENDING, assignments__user=user)
        .select_related("report__cadre")
        .order_by("created_at", "id")
    )
    for v in qs:
        yield TodoItem(
            kind="reports.verification",
            label="报告查核",
            title=f"查核{v.report.cadre.name}的{v.report.year}年度个人有关事项报告（{v.get_kind_display()}）",
            url=v.get_absolute_url(),
            due=None,
            uid=f"reports.verification.{v.pk}",
        )


def _own_open_reports(user, last: dt.date):
    return (
        PersonalReport.objects.restrict(user, "change")
        .filter(cadre__user=user, deadline__isnull=False, deadline__lte=last)
        .exclude(status=ReportStatus.SUBMITTED)
        .order_by("deadline", "id")
    )


def reports_todo(user, today: dt.date):
    """My own unsubmitted report, and for report managers each cycle closing (or closed)
    with unsubmitted reports in their scope (one aggregate query)."""
    for r in _own_open_reports(user, horizon(today)):
        yield TodoItem(
            kind="reports.own",
            label="个人事项报告",
            title=f"填报本人{r.year}年度个人有关事项报告",
            url=reverse("reports:report_edit", args=[r.pk]),
            due=r.deadline,
            detail=f"截止 {r.deadline:%Y-%m-%d}",
            uid=f"reports.personalreport.{r.pk}",
        )
    if not has_org_perm(user, "manage_personal_reports"):
        return
    cycles = {
        c.pk: c
        for c in ReportCycle.objects.filter(
            deadline__gte=today - dt.timedelta(days=365), deadline__lte=horizon(today)
        )
    }
    if not cycles:
        return
    open_counts = (
        PersonalReport.objects.restrict(user, "view")
        .filter(cycle__in=list(cycles))
        .exclude(status=ReportStatus.SUBMITTED)
        .values("cycle")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in open_counts:
        c = cycles[row["cycle"]]
        yield TodoItem(
            kind="reports.cycle",
            label="报告周期",
            title=f"{c.year}年度个人有关事项报告：{row['n']} 人尚未提交",
            url=c.get_absolute_url(),
            due=c.deadline,
            detail=f"截止 {c.deadline:%Y-%m-%d}",
            uid=f"reports.reportcycle.{c.pk}",
        )


def deadline_dates(user, start: dt.date, end: dt.date):
    """Report deadlines: each cycle's for report managers and viewers, my own report's."""
    if has_any_scope(PersonalReport, user, "view"):
        for c in ReportCycle.objects.filter(deadline__range=(start, end)):
            yield TodoItem(
                kind="reports.deadline",
                label="报告截止",
                title=f"{c.year}年度个人有关事项报告截止",
                url=c.get_absolute_url(),
                due=c.deadline,
                uid=f"reports.reportcycle.{c.pk}",
            )
    else:
        for r in _own_open_reports(user, end).filter(deadline__gte=start):
            yield TodoItem(
                kind="reports.own",
                label="个人事项报告",
                title=f"本人{r.year}年度个人有关事项报告截止",
                url=reverse("reports:report_edit", args=[r.pk]),
                due=r.deadline,
                uid=f"reports.personalreport.{r.pk}",
            )


def _stats(user, today):
    """`selectors.report_stats` once per user and day for both figures (kept on the user
    object, which lives for one request)."""
    if not has_any_scope(PersonalReport, user, "stats"):
        return None
    cache = user.__dict__.setdefault("_cs_workbench_cache", {})
    if ("reports.stats", today) not in cache:
        cache[("reports.stats", today)] = selectors.report_stats(user, today=today)
    stats = cache[("reports.stats", today)]
    return stats if stats["year"] and stats["obligated"] else None


def submission_figure(user, today: dt.date) -> dict | None:
    stats = _stats(user, today)
    if stats is None:
        return None
    rows = [
        ("按时提交", stats["submitted_on_time"]),
        ("逾期提交", stats["submitted_late"]),
        ("逾期未提交", stats["overdue_not_submitted"]),
        ("填报中", stats["draft"]),
        ("未填报", stats["not_started"]),
    ]
    return {
        "value": f"{stats['submission_rate']}%",
        "caption": f"{stats['year']}年度应报告 {stats['obligated']} 人，已提交 {stats['submitted']} 人",
        "url": reverse("reports:cycle_list"),
        "chart": "pie",
        "unit": "人",
        "categories": [r[0] for r in rows],
        "series": [{"name": "人数", "data": [r[1] for r in rows]}],
        "table_head": ["提交情况", "人数"],
        "table_rows": [list(r) for r in rows],
    }


def verification_figure(user, today: dt.date) -> dict | None:
    stats = _stats(user, today)
    if stats is None or not stats["verifications_done"]:
        return None
    labels = dict(Outcome.choices)
    rows = [(str(labels[o]), stats["outcomes"][o]) for o in Outcome.values]
    return {
        "value": str(stats["verifications_done"]),
        "caption": f"{stats['year']}年度随机抽查 {stats['sampled']} 人、重点查核 {stats['targeted']} 人，已完成 {stats['verifications_done']} 人",
        "url": reverse("reports:verification_list"),
        "chart": "bar",
        "unit": "人",
        "categories": [r[0] for r in rows],
        "series": [{"name": "人数", "data": [r[1] for r in rows]}],
        "table_head": ["查核结果", "人数"],
        "table_rows": [list(r) for r in rows],
    }


def register() -> None:
    from cadre_supervision import registry
    from cadre_supervision.notifications import register_kind_label

    for kind, label in {
        "reports": "个人有关事项报告",
        "reports.annual": "年度报告提醒",
    }.items():
        register_kind_label(kind, label)

    registry.register_todo_source("reports.verifications", verifications_todo)
    registry.register_todo_source("reports.reports", reports_todo)
    registry.register_date_source("reports.deadlines", deadline_dates)
    registry.register_figure(Figure("reports.submission", "个人有关事项报告提交", 40, submission_figure))
    registry.register_figure(
        Figure("reports.verification", "个人有关事项报告查核结果", 41, verification_figure)
    )
