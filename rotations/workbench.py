"""What the rotations app puts on the workbench: leave requests to approve (unit heads and
organization staff) and mandatory rotations due (to-do); mandatory rotation dates
(calendar); rotation execution by unit and second-line utilisation (figures)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from cadre_supervision.registry import Figure, TodoItem

from . import selectors
from .choices import LeaveStatus
from .models import LeaveRequest, SecondLineRecord


def leave_todo(user, today: dt.date):
    """Pending leave requests the user may decide, from the same rule as the leave list."""
    pending = (
        LeaveRequest.objects.restrict(user, "view")
        .filter(status=LeaveStatus.PENDING)
        .select_related("record__cadre__organization")
        .order_by("start_date", "id")
    )
    url = reverse("rotations:leave_list")
    for lr in pending:
        cadre = lr.record.cadre
        if not selectors.may_decide_leave(user, cadre.organization_id):
            continue
        yield TodoItem(
            kind="rotations.leave",
            label="请假审批",
            title=f"审批{cadre.organization.name}{cadre.name}的请假（{lr.get_kind_display()}）",
            url=f"{url}?status=pending",
            # To be decided before the leave starts; one already started is overdue.
            due=lr.start_date,
            detail=f"{lr.start_date:%Y-%m-%d} 至 {lr.end_date:%Y-%m-%d}：{lr.reason}",
            uid=f"rotations.leaverequest.{lr.pk}",
        )


def return_todo(user, today: dt.date):
    """Approved leave whose return (销假) is due or overdue, for those who record returns
    (second-line managers of the unit, e.g. unit liaisons, and unit heads)."""
    approved = (
        LeaveRequest.objects.restrict(user, "view")
        .filter(status=LeaveStatus.APPROVED, returned_on__isnull=True)
        .select_related("record__cadre__organization")
        .order_by("end_date", "id")
    )
    for lr in approved:
        cadre = lr.record.cadre
        if not selectors.may_record_return(user, cadre.organization_id):
            continue
        yield TodoItem(
            kind="rotations.return",
            label="销假",
            title=f"办理{cadre.organization.name}{cadre.name}的销假",
            url=reverse("rotations:secondline_detail", args=[lr.record_id]) + f"#leave-{lr.pk}",
            # Due the day after the leave ends.
            due=lr.end_date + dt.timedelta(days=1),
            detail=f"请假 {lr.start_date:%Y-%m-%d} 至 {lr.end_date:%Y-%m-%d}",
            uid=f"rotations.leavereturn.{lr.pk}",
        )


def _due_item(item, finding) -> TodoItem:
    return TodoItem(
        kind="rotations.due",
        label="轮岗交流",
        title=f"强制交流：{item.cadre.name}（{item.organization.name}{item.post.title}）",
        url=reverse("rotations:due_list") + f"?q={item.cadre.name}",
        due=finding.mandatory_date,
        detail=f"同一职位连续任职 {item.years} 年",
        uid=f"rotations.due.{item.cadre.pk}.{item.post.pk}.{finding.rule}",
    )


def _due(user, today):
    for item in selectors.due_items(user=user, action="change", on=today, with_plans=False):
        yield item, item.first


def rotation_todo(user, today: dt.date):
    """Mandatory rotations due in the units the user manages (the sweep's recipients)."""
    for item, finding in _due(user, today):
        yield _due_item(item, finding)


def rotation_dates(user, start: dt.date, end: dt.date):
    for item in selectors.due_items(user=user, action="view", with_plans=False):
        for finding in item.findings:
            if start <= finding.mandatory_date <= end:
                yield _due_item(item, finding)


def execution_figure(user, today: dt.date) -> dict | None:
    """This year's rotation plan execution per unit, ranked (the 执行情况 page's rows)."""
    january = selectors.due_summary(user=user, action="stats", on=dt.date(today.year, 1, 1))
    rows = [
        r
        for r in selectors.execution_by_org(user=user, year=today.year, action="stats", due=january.items)
        if r.planned
    ]
    if not rows:
        return None
    top = rows[:10]
    planned = sum(r.planned for r in rows)
    done = sum(r.done for r in rows)
    return {
        "value": f"{round(done * 100 / planned, 1)}%" if planned else "—",
        "caption": f"{today.year}年计划交流 {planned} 人，已完成 {done} 人（执行率前 {len(top)} 个单位）",
        "url": reverse("rotations:plan_list"),
        "chart": "bar",
        "unit": "%",
        "categories": [r.organization.name for r in top],
        "series": [{"name": "计划执行率（%）", "data": [r.plan_rate or 0 for r in top]}],
        "table_head": ["名次", "单位", "计划", "完成", "执行率（%）"],
        "table_rows": [
            [n, r.organization.name, r.planned, r.done, r.plan_rate if r.plan_rate is not None else "—"]
            for n, r in enumerate(top, start=1)
        ],
    }


def utilisation_figure(user, today: dt.date) -> dict | None:
    """Second-line utilisation over the user's second-line scope (the 使用情况 page's table)."""
    util = selectors.utilisation_table(SecondLineRecord.objects.restrict(user, "view"))
    total = util["total"]
    if not total["n"]:
        return None
    labels = [label for _c, label in util["categories"]]
    return {
        "value": f"{total['rate']}%" if total["rate"] is not None else "—",
        "caption": f"二线干部 {total['n']} 人，愿意发挥作用 {total['willing']} 人",
        "url": reverse("rotations:secondline_utilisation"),
        "chart": "pie",
        "unit": "人",
        "categories": labels,
        "series": [{"name": "人数", "data": total["cells"]}],
        "table_head": ["使用情况", "人数"],
        "table_rows": [[label, n] for label, n in zip(labels, total["cells"], strict=True)],
    }


def register() -> None:
    from cadre_supervision import registry
    from cadre_supervision.notifications import register_kind_label

    for kind, label in {
        "rotations": "轮岗交流",
        "rotations.due_soon": "即将到强制交流日期",
        "rotations.due_passed": "已到强制交流日期",
    }.items():
        register_kind_label(kind, label)

    registry.register_todo_source("rotations.leave", leave_todo)
    registry.register_todo_source("rotations.return", return_todo)
    registry.register_todo_source("rotations.due", rotation_todo)
    registry.register_date_source("rotations.due", rotation_dates)
    registry.register_figure(
        Figure("rotations.execution", "轮岗交流计划执行（按单位排名）", 20, execution_figure)
    )
    registry.register_figure(Figure("rotations.utilisation", "二线干部作用发挥", 21, utilisation_figure))
