"""Pure rules of rotation (轮岗交流) and the second line (二线干部). No I/O.

Tenure rule (documented in rotations/README.md and tested in tests/rotations/test_rules.py):

* "Years in the same post" counts continuous service in ONE post (same Post row).
* Several tenure records of one cadre in one post form one continuous run when the gap
  between the end of one and the start of the next is at most `join_gap_days` (policy,
  default 30 days): a re-appointment at the next term (换届) or a short interruption for
  paperwork does not reset the clock. A longer break (left the post and came back later)
  starts a new run: the count restarts from the return.
* Anniversaries follow the Civil Code's period rule (民法典第二百零二条): n years after
  D is the same month and day n years later; where that day does not exist (29 February
  in a non-leap year) the last day of the month (28 February) is used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .choices import (
    DueRule,
    DueState,
    ExchangeKind,
    SecondLineRole,
    SecondLineStatus,
    Utilisation,
    WorkStatus,
)


@dataclass(frozen=True)
class Thresholds:
    leader_years: int = 10
    leader_warn_years: int = 9
    term_years: int = 5
    max_terms: int = 2
    key_middle_years: int = 5
    reminder_days: int = 90
    join_gap_days: int = 30

    @property
    def warn_lead_years(self) -> int:
        return max(self.leader_years - self.leader_warn_years, 0)


# --- dates ---------------------------------------------------------------------------------------


def add_years(d: dt.date, years: int) -> dt.date:
    """`years` after `d`; 29 Feb maps to 28 Feb in a non-leap target year."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February → a year without it
        return dt.date(d.year + years, 2, 28)


def full_years(start: dt.date, on: dt.date) -> int:
    """Whole years completed from `start` to `on` (0 if `on` is before the first anniversary)."""
    if on < start:
        return 0
    n = on.year - start.year
    while n > 0 and add_years(start, n) > on:
        n -= 1
    return n


def decimal_years(start: dt.date, on: dt.date) -> float:
    return round(max((on - start).days, 0) / 365.25, 1)


# --- continuous runs in one post -------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    start: dt.date
    end: dt.date | None = None  # exclusive; None = still in office


@dataclass(frozen=True)
class Run:
    start: dt.date
    end: dt.date | None
    terms: int  # tenure records joined into this run (each re-appointment is a term)
    term_starts: tuple[dt.date, ...]


def join_runs(spans: Iterable[Span], gap_days: int) -> list[Run]:
    """Join the tenures of one cadre in one post into continuous runs (see module doc)."""
    runs: list[list] = []  # [start, end, [term starts]]
    for s in sorted(spans, key=lambda s: s.start):
        if runs:
            last = runs[-1]
            last_end = last[1]
            if last_end is None or (s.start - last_end).days <= gap_days:
                if last_end is not None:
                    last[1] = None if s.end is None else max(last_end, s.end)
                last[2].append(s.start)
                continue
        runs.append([s.start, s.end, [s.start]])
    return [Run(r[0], r[1], len(r[2]), tuple(r[2])) for r in runs]


def current_run(spans: Iterable[Span], on: dt.date, gap_days: int) -> Run | None:
    """The run that includes `on` (tenures starting after `on` are ignored)."""
    eligible = [s for s in spans if s.start <= on]
    for run in join_runs(eligible, gap_days):
        if run.start <= on and (run.end is None or run.end > on):
            return run
    return None


# --- due rules ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostFacts:
    is_leading: bool
    is_middle_level: bool = False
    is_key: bool = False
    org_kind: str = ""


@dataclass(frozen=True)
class DueFinding:
    rule: str
    mandatory_date: dt.date
    warn_date: dt.date
    state: str | None  # DueState or None (not yet in any window)


def due_state(mandatory: dt.date, warn: dt.date, on: dt.date, reminder_days: int) -> str | None:
    if on >= mandatory:
        return DueState.OVERDUE
    if on >= mandatory - dt.timedelta(days=reminder_days):
        return DueState.SOON
    if on >= warn:
        return DueState.WARNING
    return None


def due_findings(run: Run, facts: PostFacts, on: dt.date, t: Thresholds) -> list[DueFinding]:
    """Every rotation rule the run triggers by `on` (state not None), earliest mandatory date first.

    - leader_10y: a leading post (not a middle-level one): mandatory at `leader_years`,
      warning from `leader_warn_years`.
    - two_terms: a leading post held for `max_terms` terms (tenure records joined in the run):
      mandatory when the last term has lasted `term_years`.
    - key_middle: a middle-level key post in a city organ: mandatory after `key_middle_years`.
    Warnings start `warn_lead_years` (leader_years - leader_warn_years) before the mandatory date.
    """
    from cadres.choices import OrgKind

    candidates: list[tuple[str, dt.date]] = []
    if facts.is_leading and not facts.is_middle_level:
        candidates.append((DueRule.LEADER_TEN_YEARS, add_years(run.start, t.leader_years)))
        if t.max_terms > 0 and run.terms >= t.max_terms:
            last_term_start = run.term_starts[t.max_terms - 1]
            candidates.append((DueRule.TWO_TERMS, add_years(last_term_start, t.term_years)))
    if facts.is_middle_level and facts.is_key and facts.org_kind == OrgKind.CITY_ORGAN:
        candidates.append((DueRule.KEY_MIDDLE, add_years(run.start, t.key_middle_years)))
    out = []
    for rule, mandatory in candidates:
        warn = add_years(mandatory, -t.warn_lead_years)
        state = due_state(mandatory, warn, on, t.reminder_days)
        if state is not None:
            out.append(DueFinding(str(rule), mandatory, warn, str(state)))
    return sorted(out, key=lambda f: (f.mandatory_date, f.rule))


def reminder_kind(finding: DueFinding) -> str | None:
    """Reminders: 90 days before the mandatory date ("soon") and once it has passed ("passed")."""
    if finding.state == DueState.OVERDUE:
        return "rotations.due_passed"
    if finding.state == DueState.SOON:
        return "rotations.due_soon"
    return None


# --- exchanges -------------------------------------------------------------------------------------------


def exchange_kind_errors(
    kind: str,
    *,
    from_org_kind: str,
    to_org_kind: str,
    same_org: bool,
    to_is_top_leader: bool,
) -> dict[str, str]:
    """Is the exchange kind consistent with where the cadre comes from and goes to?"""
    from cadres.choices import OrgKind

    T, C = OrgKind.TOWNSHIP, OrgKind.CITY_ORGAN
    if kind == ExchangeKind.TOWNSHIP_TO_CITY and not (from_org_kind == T and to_org_kind == C):
        return {"kind": "“乡镇→市级机关”交流须从乡镇（街道）岗位交流到市级机关部门岗位。"}
    if kind == ExchangeKind.CITY_TO_TOWNSHIP_HEAD and not (
        from_org_kind == C and to_org_kind == T and to_is_top_leader
    ):
        return {"kind": "“市级机关→乡镇党政正职”须从市级机关部门交流到乡镇（街道）党政正职岗位。"}
    if kind == ExchangeKind.CROSS_DEPARTMENT and same_org:
        return {"kind": "跨部门交流的新岗位须在另一单位；同一单位内请选择“单位内部轮岗”。"}
    if kind == ExchangeKind.WITHIN_UNIT and not same_org:
        return {"kind": "单位内部轮岗的新岗位须在同一单位。"}
    if kind == ExchangeKind.WEAK_TO_IMPORTANT and not (
        from_org_kind == T and to_org_kind == T and not same_org
    ):
        return {"kind": "“一般乡镇→重要乡镇”须在两个不同的乡镇（街道）之间交流。"}
    return {}


def is_secretary_to_city_head(
    kind: str, from_top_kind: str, from_org_kind: str, to_org_kind: str, to_top_kind: str
) -> bool:
    """Essay 1's figure: a township party secretary who became head of a city department."""
    from cadres.choices import OrgKind, TopLeaderKind

    return (
        from_top_kind == TopLeaderKind.PARTY
        and from_org_kind == OrgKind.TOWNSHIP
        and to_org_kind == OrgKind.CITY_ORGAN
        and bool(to_top_kind)
    )


def is_city_to_township_head(from_org_kind: str, to_org_kind: str, to_top_kind: str) -> bool:
    from cadres.choices import OrgKind

    return from_org_kind == OrgKind.CITY_ORGAN and to_org_kind == OrgKind.TOWNSHIP and bool(to_top_kind)


def execution_rate(done: int, planned: int) -> float | None:
    """Share of planned rotations carried out (None when nothing was planned)."""
    if planned <= 0:
        return None
    return round(100.0 * done / planned, 1)


# --- second line ------------------------------------------------------------------------------------------

BUSINESS_HELP_ROLES = {SecondLineRole.ENTERPRISE_HELP}
INVESTMENT_ROLES = {SecondLineRole.INVESTMENT}


def utilisation(status: str, work_status: str, confirmed_roles: Iterable[str]) -> str:
    """Essay 3's categories. An early-retired cadre is "other"; a confirmed 企业帮办 assignment
    counts as business-help service, 专业招商 as investment promotion, any other confirmed
    assignment or ordinary attendance as "at work"; otherwise the recorded work status."""
    roles = set(confirmed_roles)
    if status == SecondLineStatus.EARLY_RETIRED:
        return Utilisation.OTHER
    if roles & BUSINESS_HELP_ROLES:
        return Utilisation.BUSINESS_HELP
    if roles & INVESTMENT_ROLES:
        return Utilisation.INVESTMENT
    if roles or work_status == WorkStatus.AT_WORK:
        return Utilisation.AT_WORK
    if work_status == WorkStatus.OTHER:
        return Utilisation.OTHER
    return Utilisation.IDLE


UTILISED = {Utilisation.AT_WORK, Utilisation.BUSINESS_HELP, Utilisation.INVESTMENT}


def utilisation_rate(counts: dict[str, int]) -> float | None:
    total = sum(counts.values())
    if not total:
        return None
    return round(100.0 * sum(counts.get(str(k), 0) for k in UTILISED) / total, 1)


def date_ranges_overlap(a_start: dt.date, a_end: dt.date, b_start: dt.date, b_end: dt.date) -> bool:
    """Inclusive day ranges (a leave from 1 to 3 March and one from 3 to 5 March overlap)."""
    return a_start <= b_end and b_start <= a_end


def leave_errors(
    start: dt.date | None, end: dt.date | None, others: Sequence[tuple[dt.date, dt.date]]
) -> dict:
    if start is None or end is None:
        return {"start_date": "请填写请假起止日期。"}
    if end < start:
        return {"end_date": "请假结束日期不能早于开始日期。"}
    for o_start, o_end in others:
        if date_ranges_overlap(start, end, o_start, o_end):
            return {"start_date": f"与已有请假（{o_start}至{o_end}）时间重叠，请勿重复请假。"}
    return {}


def leave_overdue(status: str, end: dt.date, returned_on: dt.date | None, today: dt.date) -> bool:
    """Approved leave past its end with no return registered (逾期未销假)."""
    from .choices import LeaveStatus

    return status == LeaveStatus.APPROVED and returned_on is None and end < today
