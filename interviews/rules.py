"""Pure rules of the heart-to-heart talks (rule 3). No I/O: everything is passed in.

- `classify(profile)`: which line of rule 3's table a cadre falls under (or None: exempt).
- `interviewer_roles(category)`: the responsible interviewer role(s), in preference order.
- `resolve(...)`: the responsible person through the assignment table.
- `talks_per_year`, `plan_due_dates`: the yearly plan.
- `talk_status`, reminder periods, and input checks on records, follow-ups and attachments.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cadres.choices import CadreStatus, ManagementLevel, OrgKind

from .choices import InterviewerRole, InterviewKind, TalkCategory, TalkStatus

CITY_UNIT_KINDS = (OrgKind.CITY_ORGAN, OrgKind.INSTITUTION, OrgKind.SOE)
TALK_UNIT_KINDS = (OrgKind.TOWNSHIP, *CITY_UNIT_KINDS)


@dataclass(frozen=True)
class CadreProfile:
    """What rule 3 needs to know about a cadre (built from the registry by the services)."""

    org_kind: str
    status: str = CadreStatus.ACTIVE
    is_top_leader: bool = False  # a current post with top_leader_kind (党政正职)
    is_leading: bool = False  # a current leading post
    line_role: str = ""  # township line role of a current post (组织委员 …)
    management_level: str = ManagementLevel.CITY


def classify(p: CadreProfile) -> str | None:
    """The line of rule 3's table; None when the cadre needs no talks (retired, left, city leaders)."""
    if p.status in (CadreStatus.RETIRED, CadreStatus.LEFT):
        return None
    if p.status == CadreStatus.SECOND_LINE:
        return TalkCategory.SECOND_LINE
    if p.org_kind == OrgKind.CITY and p.management_level != ManagementLevel.DEPARTMENT:
        # The city's own leaders (厅级) are outside the township/bureau-level talk system.
        return None
    if p.is_top_leader and p.org_kind in TALK_UNIT_KINDS:
        return TalkCategory.TOP_LEADER
    if p.line_role and p.org_kind == OrgKind.TOWNSHIP:
        return TalkCategory.TOWNSHIP_LINE
    if p.is_leading and p.org_kind in CITY_UNIT_KINDS:
        return TalkCategory.ORGAN_DEPUTY
    if p.management_level == ManagementLevel.DEPARTMENT:
        return TalkCategory.DEPARTMENT_MANAGED
    if p.is_leading and p.org_kind == OrgKind.TOWNSHIP:
        return TalkCategory.TOWNSHIP_DEPUTY
    return TalkCategory.UNCLASSIFIED


ROLES_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    TalkCategory.TOP_LEADER: (InterviewerRole.PRINCIPAL,),
    TalkCategory.ORGAN_DEPUTY: (InterviewerRole.IN_CHARGE,),
    TalkCategory.DEPARTMENT_MANAGED: (InterviewerRole.ORG_DEPT,),
    TalkCategory.TOWNSHIP_DEPUTY: (InterviewerRole.ORG_DEPT,),
    TalkCategory.TOWNSHIP_LINE: (InterviewerRole.LINE_LEADER,),
    TalkCategory.SECOND_LINE: (InterviewerRole.ORG_DEPT, InterviewerRole.UNIT_HEAD),
    TalkCategory.UNCLASSIFIED: (),
}


def interviewer_roles(category: str | None) -> tuple[str, ...]:
    return ROLES_BY_CATEGORY.get(category or "", ())


@dataclass(frozen=True)
class AssignmentRef:
    """One active row of the assignment table, flattened for resolution."""

    id: int
    role: str
    user_id: int
    org_path: str  # materialised path of the covered organization (covers its subtree)
    line_role: str = ""


class AssignmentIndex:
    """The assignment table indexed by (role, organization path): looking up what covers an
    organization costs one dictionary probe per ancestor, not a scan of the table."""

    def __init__(self, assignments: Iterable[AssignmentRef]):
        self.by_key: dict[tuple[str, str], list[AssignmentRef]] = {}
        for a in assignments:
            self.by_key.setdefault((a.role, a.org_path), []).append(a)

    def __iter__(self):
        for refs in self.by_key.values():
            yield from refs

    def candidates(self, role: str, org_path: str) -> list[AssignmentRef]:
        out: list[AssignmentRef] = []
        end = org_path.find(".")
        while end != -1:
            out.extend(self.by_key.get((role, org_path[: end + 1]), ()))
            end = org_path.find(".", end + 1)
        return out


def covering(
    role: str,
    org_path: str,
    line_role: str,
    assignments: Iterable[AssignmentRef] | AssignmentIndex,
    *,
    exclude_user_id: int | None = None,
) -> list[AssignmentRef]:
    """Assignments of `role` whose organization covers `org_path`, most specific first.
    Nobody talks to themselves: `exclude_user_id` is the cadre's own account."""
    pool = assignments.candidates(role, org_path) if isinstance(assignments, AssignmentIndex) else assignments
    out = [
        a
        for a in pool
        if a.role == role
        and org_path.startswith(a.org_path)
        and (role != InterviewerRole.LINE_LEADER or a.line_role == line_role)
        and (exclude_user_id is None or a.user_id != exclude_user_id)
    ]
    return sorted(out, key=lambda a: (-len(a.org_path), a.id))


def resolve(
    category: str | None,
    org_path: str,
    line_role: str,
    assignments: Sequence[AssignmentRef] | AssignmentIndex,
    *,
    exclude_user_id: int | None = None,
) -> tuple[str, AssignmentRef | None]:
    """(responsible role, assignment) — the assignment is None when nobody is set (a gap)."""
    roles = interviewer_roles(category)
    found: list[tuple[int, int, int, AssignmentRef]] = []
    for order, role in enumerate(roles):
        for a in covering(role, org_path, line_role, assignments, exclude_user_id=exclude_user_id):
            found.append((-len(a.org_path), order, a.id, a))
    if found:
        # The closest assignment wins (a unit's own head before a city-wide official);
        # at equal distance the role listed first in rule 3 wins.
        best = min(found, key=lambda t: t[:3])[3]
        return best.role, best
    return (roles[0] if roles else ""), None


def gap_reason(category: str | None, role: str) -> str:
    if category == TalkCategory.UNCLASSIFIED or not role:
        return "无法按谈心谈话制度确定谈话人类别（请核实其岗位、管理层级）"
    return f"未设置覆盖其单位的“{InterviewerRole(role).label}”分工"


def talks_per_year(category: str | None, *, top_leader: int = 2, other: int = 1) -> int:
    if category is None:
        return 0
    return max(1, top_leader if category == TalkCategory.TOP_LEADER else other)


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def plan_due_dates(year: int, n: int) -> list[dt.date]:
    """n talks a year, evenly spread: 2 → 30 June and 31 December; 1 → 31 December."""
    if n <= 0:
        return []
    n = min(n, 12)
    return [month_end(year, (12 * k + n - 1) // n) for k in range(1, n + 1)]


def special_due_date(trigger_date: dt.date, days: int) -> dt.date:
    return trigger_date + dt.timedelta(days=days)


def talk_status(*, due_date: dt.date, done: bool, cancelled: bool, today: dt.date, window_days: int) -> str:
    if cancelled:
        return TalkStatus.CANCELLED
    if done:
        return TalkStatus.DONE
    if due_date < today:
        return TalkStatus.OVERDUE
    if due_date <= today + dt.timedelta(days=window_days):
        return TalkStatus.DUE_SOON
    return TalkStatus.PENDING


# --- fulfilment: which record fulfils which required talk ---------------------------------------


@dataclass(frozen=True)
class TalkRef:
    """A required talk of one cadre, flattened for matching."""

    id: int
    kind: str
    year: int
    due_date: dt.date
    trigger_date: dt.date | None = None
    cancelled: bool = False


@dataclass(frozen=True)
class RecordRef:
    """A talk record of the same cadre; `task_id` is the task it was logged from, if any."""

    id: int
    kind: str
    date: dt.date
    task_id: int | None = None


def task_link_error(*, talk_kind: str, talk_year: int, trigger_date: dt.date | None, kind: str, date) -> str:
    """Why a record of `kind` dated `date` cannot fulfil a given task ("" when it can).

    A record logged from a task fulfils that task: it must be of the task's kind and not dated
    before the task's year (routine) or before its trigger (special-topic). A record dated after
    the task's due date still fulfils it: that is a late talk (逾期补谈).
    """
    if kind != talk_kind:
        return f"谈话类型须与谈话任务一致（{InterviewKind(talk_kind).label}）。"
    if date is None:
        return ""
    if talk_kind == InterviewKind.ROUTINE and date.year < talk_year:
        return f"谈话日期早于该任务所属的{talk_year}年度。"
    if talk_kind == InterviewKind.SPECIAL_TOPIC and trigger_date and date < trigger_date:
        return "谈话日期早于专题谈话事由发生日期。"
    return ""


def match_fulfilment(
    talks: Sequence[TalkRef], records: Sequence[RecordRef]
) -> dict[int, tuple[int | None, dt.date | None]]:
    """{talk id: (record id, done date)} for one cadre; (None, None) for an open talk.

    1. A record logged from a task fulfils exactly that task, whatever its year (a past-year
       task closed this way is a late talk), if the link is valid (`task_link_error`) and the
       task is live. It never fulfils any other task.
    2. Other routine records fulfil, in date order, the routine talks of the record's own
       year in due order: a talk in January does not close last year's plan.
    3. Other special-topic records fulfil special-topic talks in trigger order: the earliest
       unused record dated on or after the trigger; other reminder-talk records (提醒谈话)
       fulfil reminder talks the same way.
    Records are given in (date, id) order; cancelled talks are fulfilled by nothing.
    """
    wanted: dict[int, tuple[int | None, dt.date | None]] = {t.id: (None, None) for t in talks}
    live = {t.id: t for t in talks if not t.cancelled}
    taken: set[int] = set()
    free: list[RecordRef] = []
    for r in records:
        if r.task_id is None:
            free.append(r)
            continue
        t = live.get(r.task_id)
        if (
            t is not None
            and t.id not in taken
            and not task_link_error(
                talk_kind=t.kind, talk_year=t.year, trigger_date=t.trigger_date, kind=r.kind, date=r.date
            )
        ):
            wanted[t.id] = (r.id, r.date)
            taken.add(t.id)
    routine_by_year: dict[int, list[TalkRef]] = {}
    specials: list[TalkRef] = []
    for t in sorted(live.values(), key=lambda t: (t.due_date, t.id)):
        if t.id in taken:
            continue
        if t.kind == InterviewKind.ROUTINE:
            routine_by_year.setdefault(t.year, []).append(t)
        else:
            specials.append(t)
    for year, year_talks in routine_by_year.items():
        recs = [r for r in free if r.kind == InterviewKind.ROUTINE and r.date.year == year]
        for t, r in zip(year_talks, recs, strict=False):
            wanted[t.id] = (r.id, r.date)
    used: set[int] = set()
    for t in sorted(specials, key=lambda t: (t.trigger_date or t.due_date, t.id)):
        for r in free:
            if r.kind == t.kind and r.id not in used and r.date >= (t.trigger_date or r.date):
                wanted[t.id] = (r.id, r.date)
                used.add(r.id)
                break
    return wanted


def is_late(*, due_date: dt.date, done_on: dt.date | None) -> bool:
    """A talk held after its due date (逾期补谈)."""
    return done_on is not None and done_on > due_date


def coverage_rate(done: int, required: int) -> float | None:
    return None if not required else round(100.0 * done / required, 1)


# --- reminder periods: one reminder per (target, kind, period) ---------------------------------


def week_period(day: dt.date) -> str:
    y, w, _d = day.isocalendar()
    return f"{y}-W{w:02d}"


def month_period(day: dt.date) -> str:
    return f"{day:%Y-%m}"


# --- input checks ------------------------------------------------------------------------------

ALLOWED_ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png", ".txt")


def record_errors(
    *,
    kind: str,
    date: dt.date | None,
    today: dt.date,
    reply_date: dt.date | None = None,
    follow_up_dues: Sequence[dt.date | None] = (),
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if date is None:
        errors["date"] = "请填写谈话日期。"
        return errors
    if date > today:
        errors["date"] = "谈话日期不能晚于今天。"
    if reply_date is not None:
        if kind != InterviewKind.WRITTEN_INQUIRY:
            errors["reply_date"] = "只有函询需要填写回复日期。"
        elif reply_date < date:
            errors["reply_date"] = "函询回复日期不能早于函询日期。"
        elif reply_date > today:
            errors["reply_date"] = "函询回复日期不能晚于今天。"
    for due in follow_up_dues:
        if due is None:
            errors["follow_ups"] = "请填写每项后续措施的完成期限。"
            break
        if due < date:
            errors["follow_ups"] = "后续措施的完成期限不能早于谈话日期。"
            break
    return errors


def attachment_error(name: str, size: int, *, max_mb: int) -> str | None:
    ext = os.path.splitext(name or "")[1].lower()
    if ext not in ALLOWED_ATTACHMENT_EXTENSIONS:
        allowed = "、".join(e.lstrip(".").upper() for e in ALLOWED_ATTACHMENT_EXTENSIONS)
        return f"附件“{name}”的类型不允许，仅支持 {allowed}。"
    if size > max_mb * 1024 * 1024:
        return f"附件“{name}”过大：单个附件不能超过 {max_mb} MB。"
    if size == 0:
        return f"附件“{name}”是空文件。"
    return None
