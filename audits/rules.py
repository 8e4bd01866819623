"""Pure rules of the joint audits (三责联审): no I/O. Table-driven tests in tests/audits/test_rules.py."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass

from .choices import AuditStatus, RectState

# --- audit status machine -------------------------------------------------------------------

AUDIT_ORDER: tuple[str, ...] = (
    AuditStatus.PLANNED,
    AuditStatus.NOTIFIED,
    AuditStatus.FIELDWORK,
    AuditStatus.REPORT,
    AuditStatus.RECTIFICATION,
    AuditStatus.CLOSED,
)

# The date field of the Audit that records when each step was reached.
STATUS_DATE_FIELD: dict[str, str] = {
    AuditStatus.PLANNED: "planned_date",
    AuditStatus.NOTIFIED: "notified_date",
    AuditStatus.FIELDWORK: "fieldwork_date",
    AuditStatus.REPORT: "report_date",
    AuditStatus.RECTIFICATION: "rectification_date",
    AuditStatus.CLOSED: "closed_date",
}

STATUS_LABELS = dict(AuditStatus.choices)


def next_audit_status(current: str) -> str | None:
    i = AUDIT_ORDER.index(current)
    return AUDIT_ORDER[i + 1] if i + 1 < len(AUDIT_ORDER) else None


def audit_transition_error(
    current: str,
    target: str,
    *,
    on: dt.date,
    previous_date: dt.date | None,
    today: dt.date,
    unverified_findings: int = 0,
    missing_conclusions: Iterable[str] = (),
) -> str | None:
    """Why the audit may not move from `current` to `target` on date `on` (None = allowed).

    Steps go strictly in order, one at a time; each is dated no earlier than the previous
    step and not in the future; closing needs every finding verified and every conclusion.
    """
    if target not in AUDIT_ORDER:
        return "未知的联审状态。"
    if current == AuditStatus.CLOSED:
        return "该联审已办结，状态不能再变更。"
    expected = next_audit_status(current)
    if target != expected:
        return (
            f"联审状态只能按顺序推进：当前为“{STATUS_LABELS[current]}”，"
            f"下一步应为“{STATUS_LABELS[expected]}”，不能变更为“{STATUS_LABELS[target]}”。"
        )
    if on > today:
        return "日期不能晚于今天。"
    if previous_date is not None and on < previous_date:
        return f"“{STATUS_LABELS[target]}”的日期不能早于上一步骤的日期（{previous_date:%Y-%m-%d}）。"
    if target == AuditStatus.CLOSED:
        if unverified_findings:
            return f"还有 {unverified_findings} 个问题未整改销号，不能办结该联审。请先完成整改验收。"
        missing = list(missing_conclusions)
        if missing:
            return f"办结前请填写审计结论：{'、'.join(missing)}。"
    return None


# --- rectification state machine ------------------------------------------------------------

RECT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    RectState.OPEN: (RectState.IN_PROGRESS,),
    RectState.IN_PROGRESS: (RectState.SUBMITTED,),
    RectState.SUBMITTED: (RectState.VERIFIED, RectState.RETURNED),
    RectState.RETURNED: (RectState.IN_PROGRESS, RectState.SUBMITTED),
    RectState.VERIFIED: (),
}
# Only the audit team (组长, 组员) verifies (销号) or sends back.
TEAM_ONLY_TARGETS = (RectState.VERIFIED, RectState.RETURNED)
RECT_LABELS = dict(RectState.choices)


def rectification_transition_error(
    current: str, target: str, *, is_team_member: bool, note: str = ""
) -> str | None:
    if target not in RECT_LABELS:
        return "未知的整改状态。"
    if current == RectState.VERIFIED:
        return "该问题已整改销号，不能再变更。"
    if target not in RECT_TRANSITIONS[current]:
        allowed = "、".join(f"“{RECT_LABELS[t]}”" for t in RECT_TRANSITIONS[current])
        return f"整改状态不能从“{RECT_LABELS[current]}”变更为“{RECT_LABELS[target]}”，只能变更为{allowed}。"
    if target in TEAM_ONLY_TARGETS and not is_team_member:
        return "只有本联审组的组长或组员可以验收销号或退回整改。"
    if target == RectState.RETURNED and not (note or "").strip():
        return "退回重改时请写明理由。"
    if target == RectState.SUBMITTED and not (note or "").strip():
        return "报送整改情况时请说明整改措施和结果。"
    return None


def is_overdue(state: str, due_date: dt.date | None, today: dt.date) -> bool:
    return state != RectState.VERIFIED and due_date is not None and due_date < today


def is_due_soon(state: str, due_date: dt.date | None, today: dt.date, days: int) -> bool:
    return (
        state != RectState.VERIFIED
        and due_date is not None
        and today <= due_date <= today + dt.timedelta(days=days)
    )


def rectification_rate(verified: int, total: int) -> float | None:
    return round(verified / total, 4) if total else None


# --- audit period and eligibility ----------------------------------------------------------


def period_errors(
    start: dt.date | None,
    end: dt.date | None,
    *,
    appointment_start: dt.date,
    appointment_end: dt.date | None,
    today: dt.date,
) -> dict[str, str]:
    """The period covered must lie inside the appointment (a current tenure ends today)."""
    errors: dict[str, str] = {}
    if start is None:
        errors["period_start"] = "请填写审计期间的起始日期。"
    if end is None:
        errors["period_end"] = "请填写审计期间的截止日期。"
    if errors:
        return errors
    tenure_end = appointment_end or today
    if start > end:
        errors["period_end"] = "审计期间的截止日期不能早于起始日期。"
        return errors
    if start < appointment_start:
        errors["period_start"] = f"审计期间不能早于该任职的开始日期（{appointment_start:%Y-%m-%d}）。"
    if end > tenure_end:
        label = "任职结束日期" if appointment_end else "今天"
        errors["period_end"] = f"审计期间不能晚于{label}（{tenure_end:%Y-%m-%d}）。"
    return errors


AUDITABLE_KEY_CATEGORIES = ("personnel", "finance", "assets")


def is_auditable_post(top_leader_kind: str, key_categories: Iterable[str]) -> bool:
    """一把手 — or (essay 1 三.5) a deputy holding power over people, money or goods."""
    return bool(top_leader_kind) or bool(set(key_categories or ()) & set(AUDITABLE_KEY_CATEGORIES))


# --- compliance: 离任必审 and 轮审 ------------------------------------------------------------


def add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 Feb
        return d.replace(year=d.year + years, day=28)


@dataclass(frozen=True)
class CycleState:
    due_date: dt.date
    # "overdue" (due date passed), "due_soon" (within the warning window), "ok"
    state: str
    days_left: int
    never_audited: bool

    @property
    def is_due(self) -> bool:
        return self.state == "overdue"


def cycle_state(
    *,
    today: dt.date,
    tenure_start: dt.date,
    last_audit_date: dt.date | None,
    cycle_years: int,
    warning_days: int,
) -> CycleState:
    """轮审: due `cycle_years` after the last audit (any kind), or — never audited — after
    `cycle_years` of service in the post."""
    base = last_audit_date if last_audit_date is not None else tenure_start
    due = add_years(base, cycle_years)
    days_left = (due - today).days
    if days_left <= 0:
        state = "overdue"
    elif days_left <= warning_days:
        state = "due_soon"
    else:
        state = "ok"
    return CycleState(due, state, days_left, last_audit_date is None)


def departure_requires_audit(
    *, end_date: dt.date | None, today: dt.date, lookback_years: int, has_departure_audit: bool
) -> bool:
    """离任必审: an ended 一把手 tenure without a departure audit (within the look-back window
    since the rule applies)."""
    if end_date is None or end_date > today or has_departure_audit:
        return False
    return end_date >= add_years(today, -lookback_years)


# --- files ----------------------------------------------------------------------------------

# Leading bytes of the allowed types: a renamed executable is refused.
MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "zip": (b"PK\x03\x04",),
    "ofd": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "xls": (b"\xd0\xcf\x11\xe0",),
    "png": (b"\x89PNG",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}


def file_extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def parse_allowed_types(raw: str) -> list[str]:
    return [t.strip().lower().lstrip(".") for t in (raw or "").replace("，", ",").split(",") if t.strip()]


def file_errors(*, name: str, size: int, head: bytes, max_mb: int, allowed: Iterable[str]) -> dict[str, str]:
    allowed = list(allowed)
    ext = file_extension(name)
    if size <= 0:
        return {"file": "文件为空，请重新选择。"}
    if size > max_mb * 1024 * 1024:
        return {"file": f"文件大小为 {size / 1024 / 1024:.1f} MB，超过 {max_mb} MB 的上限。"}
    if ext not in allowed:
        return {"file": f"不允许上传 .{ext or '（无扩展名）'} 类型的文件，允许的类型：{'、'.join(allowed)}。"}
    signatures = MAGIC.get(ext)
    if signatures and not any(head.startswith(s) for s in signatures):
        return {"file": f"文件内容与扩展名 .{ext} 不符，已拒绝。"}
    if ext == "txt" and b"\x00" in head:
        return {"file": "文件内容与扩展名 .txt 不符，已拒绝。"}
    return {}


def share_expiry_error(expires_at: dt.datetime, now: dt.datetime, max_days: int) -> str | None:
    if expires_at <= now:
        return "共享截止日期必须晚于今天。"
    if expires_at - now > dt.timedelta(days=max_days + 1):
        return f"共享期限不能超过 {max_days} 天。"
    return None
