"""What the audits app puts on the workbench: findings whose rectification is due or overdue
and audit files shared with me that expire soon (to-do); rectification deadlines, 轮审
due dates and share expiries (calendar); 离任必审 / 3-year-cycle compliance and
rectification progress (figures)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from cadre_supervision.registry import Figure, TodoItem
from cadre_supervision.workbench import horizon

from . import selectors
from .choices import AuditStatus, RectState
from .models import AuditFileShare, Finding


def _finding_item(f: Finding) -> TodoItem:
    return TodoItem(
        kind="audits.finding",
        label="问题整改",
        title=f"{f.audit.cadre.name}：{f.get_stream_label()}问题整改",
        url=f.get_absolute_url(),
        due=f.due_date,
        detail=f"整改期限 {f.due_date:%Y-%m-%d}",
        uid=f"audits.finding.{f.pk}",
    )


def _findings(user):
    return (
        Finding.objects.restrict(user, "view")
        .unverified()
        .exclude(audit__status=AuditStatus.CLOSED)
        .select_related("audit", "audit__cadre", "stream")
        .order_by("due_date", "id")
    )


def findings_todo(user, today: dt.date):
    for f in _findings(user).filter(due_date__lte=horizon(today)):
        yield _finding_item(f)


def _last_day(share: AuditFileShare) -> dt.date:
    return timezone.localtime(share.expires_at - dt.timedelta(seconds=1)).date()


def _share_item(s: AuditFileShare) -> TodoItem:
    day = _last_day(s)
    return TodoItem(
        kind="audits.share",
        label="审计档案共享",
        title=f"共享的审计档案即将到期：{s.file.title}",
        url=reverse("audits:file_list"),
        due=day,
        detail=f"可阅看至 {day:%Y-%m-%d}",
        uid=f"audits.auditfileshare.{s.pk}",
    )


def _my_shares(user):
    # The officer's own shares (an exception grant to this user, not a scoped list).
    return AuditFileShare.objects.active().filter(officer=user).select_related("file").order_by("expires_at")


def shares_todo(user, today: dt.date):
    end = timezone.make_aware(dt.datetime.combine(horizon(today), dt.time.max))
    for s in _my_shares(user).filter(expires_at__lte=end):
        yield _share_item(s)


def finding_dates(user, start: dt.date, end: dt.date):
    for f in _findings(user).filter(due_date__range=(start, end)):
        yield _finding_item(f)


def cycle_dates(user, start: dt.date, end: dt.date):
    """轮审 due dates (3-year cycle) of the 一把手 in the user's audit scope."""
    url = reverse("audits:compliance_cycle")
    for r in selectors.cycle_rows(user=user, include_ok=True):
        due = r.state.due_date
        if due and start <= due <= end:
            a = r.appointment
            yield TodoItem(
                kind="audits.cycle",
                label="三年轮审",
                title=f"轮审到期：{a.cadre.name}（{a.post}）",
                url=url,
                due=due,
                detail=f"轮审周期 {selectors.cycle_years()} 年",
                uid=f"audits.cycle.{a.pk}",
            )


def share_dates(user, start: dt.date, end: dt.date):
    for s in _my_shares(user):
        if start <= _last_day(s) <= end:
            yield _share_item(s)


def compliance_figure(user, today: dt.date) -> dict | None:
    """离任必审 and 3-year-cycle compliance over the user's audit statistics scope."""
    if not selectors.may_see_stats(user):
        return None
    stats = selectors.audit_stats(user, today)
    leaders = stats["top_leaders_in_office"]
    departures = len(selectors.departures_without_audit(user=user, today=today))
    if not leaders and not departures:
        return None
    within = stats["top_leaders_within_cycle"]
    rate = stats["cycle_coverage_rate"]
    return {
        "value": f"{round(rate * 100, 1)}%" if rate is not None else "—",
        "caption": f"在任一把手 {leaders} 人，{stats['cycle_years']} 年内已联审 {within} 人；离任未审 {departures} 人",
        "url": reverse("audits:compliance_cycle"),
        "chart": "bar",
        "unit": "人",
        "categories": ["周期内已联审", "轮审逾期", "离任未审"],
        "series": [{"name": "人数", "data": [within, leaders - within, departures]}],
        "table_head": ["项目", "人数"],
        "table_rows": [["周期内已联审", within], ["轮审逾期", leaders - within], ["离任未审", departures]],
    }


def rectification_figure(user, today: dt.date) -> dict | None:
    """Rectification progress of the findings the user may read (team members: their audits)."""
    counts = dict(
        Finding.objects.restrict(user, "view").values_list("state").annotate(n=Count("id")).order_by()
    )
    total = sum(counts.values())
    if not total:
        return None
    overdue = Finding.objects.restrict(user, "view").overdue(today).count()
    labels = dict(RectState.choices)
    rows = [(str(labels[s]), counts.get(s, 0)) for s in RectState.values]
    verified = counts.get(RectState.VERIFIED, 0)
    return {
        "value": f"{round(verified * 100 / total, 1)}%",
        "caption": f"审计发现问题 {total} 个，已销号 {verified} 个，整改逾期 {overdue} 个",
        "url": reverse("audits:finding_list"),
        "chart": "pie",
        "unit": "个",
        "categories": [r[0] for r in rows],
        "series": [{"name": "问题数", "data": [r[1] for r in rows]}],
        "table_head": ["整改状态", "问题数"],
        "table_rows": [list(r) for r in rows],
    }


def register() -> None:
    from cadre_supervision import registry
    from cadre_supervision.notifications import register_kind_label

    for kind, label in {
        "audits": "三责联审",
        "audits.cycle_due": "轮审提醒",
        "audits.cycle_overdue": "轮审逾期",
        "audits.departure_unaudited": "离任必审",
        "audits.rectification_due_soon": "整改期限临近",
        "audits.rectification_overdue": "整改逾期",
        "audits.share_expiring": "档案共享即将到期",
    }.items():
        register_kind_label(kind, label)

    registry.register_todo_source("audits.findings", findings_todo)
    registry.register_todo_source("audits.shares", shares_todo)
    registry.register_date_source("audits.findings", finding_dates)
    registry.register_date_source("audits.cycle", cycle_dates)
    registry.register_date_source("audits.shares", share_dates)
    registry.register_figure(Figure("audits.compliance", "离任必审与三年轮审", 30, compliance_figure))
    registry.register_figure(Figure("audits.rectification", "审计问题整改", 31, rectification_figure))
