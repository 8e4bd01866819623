"""Pure rules of the selection process (no I/O): working-day deadlines, 差额 ratios,
the gate's notion of a leading post, and how a pre-review checklist adds up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# Working days live in cadres.rules (shared by every publicity and deadline); re-exported here.
from cadres.rules import (  # noqa: F401
    add_working_days,
    china_is_workday,
    publicity_end,
    weekday_calendar,
    working_days_between,
)


def ratio(nominees: int, posts: int) -> Decimal | None:
    if posts <= 0:
        return None
    return (Decimal(nominees) / Decimal(posts)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def ratio_ok(nominees: int, posts: int, minimum: float) -> bool:
    """差额: nominees per post at least the policy minimum (and more nominees than posts
    whenever the minimum is above 1)."""
    r = ratio(nominees, posts)
    if r is None:
        return False
    if minimum > 1 and nominees <= posts:
        return False
    return r >= Decimal(str(minimum))


def is_gated(*, is_leading: bool, is_secondment: bool, end_date: dt.date | None, today: dt.date) -> bool:
    """Whether a new tenure needs a cleared candidate (or a logged exception).

    A "leading post" is a Post with `is_leading` (领导职务; every 一把手 post is one). A
    secondment (挂职) is not a selection and appointment, and recording a tenure that has
    already ended (a past résumé line) is not making an appointment."""
    if not is_leading or is_secondment:
        return False
    return end_date is None or end_date > today


WEAK_GRADES = ("basic", "incompetent")


def weak_assessments(grades: dict[int, str], today: dt.date, years: int = 3) -> list[int]:
    """Years among the last `years` completed years graded 基本称职 or 不称职."""
    recent = range(today.year - years, today.year)
    return sorted(y for y, g in grades.items() if y in recent and g in WEAK_GRADES)


@dataclass(frozen=True)
class CheckItem:
    key: str
    label: str
    state: str  # CheckState value
    detail: str = ""
    url: str = ""
    evidence: tuple = ()


def clearance_blockers(items: Iterable[CheckItem]) -> list[CheckItem]:
    """Items that block clearance: a red flag or an open issue. A missing data source (no
    petitions capability yet) is shown on the checklist and kept in the clearance record as
    such, never as a pass; it does not block, since there is nothing to check against."""
    return [i for i in items if i.state in ("flag", "open")]


def letter_overdue(due: dt.date | None, replied: bool, today: dt.date) -> bool:
    return bool(due and not replied and today > due)


def stage_overdue(since: dt.date | None, max_days: int, today: dt.date) -> bool:
    return bool(since and max_days and (today - since).days > max_days)


def publicity_errors(start: dt.date | None, end: dt.date | None, minimum_days: int, is_workday) -> dict:
    errors = {}
    if start is None:
        errors["publicity_start"] = "请填写公示开始日期。"
    elif (
        end is not None
        and working_days_between(start, end, is_workday) + (1 if is_workday(start) else 0) < minimum_days
    ):
        errors["publicity_end"] = f"任前公示不得少于 {minimum_days} 个工作日。"
    return errors
