"""Pure rules of petition handling (no I/O): disposal transitions, results, feedback,
deadlines in working days, overdue state and the duplicate similarity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from .choices import SUBSTANTIATED, Disposal, Result, Status

NONE = ""  # not yet disposed of

# Which disposal may follow which (the clue's current disposal → allowed next ones).
# 暂存待查 is revisited when new facts come; 谈话函询 whose reply is not credible goes to
# 初步核实; 初步核实 ends in 予以了结 (or a talk); 予以了结 is final.
DISPOSAL_TRANSITIONS: dict[str, frozenset[str]] = {
    NONE: frozenset({Disposal.TALK_INQUIRY, Disposal.PRELIMINARY, Disposal.SHELVED, Disposal.CLOSED}),
    Disposal.SHELVED: frozenset({Disposal.TALK_INQUIRY, Disposal.PRELIMINARY, Disposal.CLOSED}),
    Disposal.TALK_INQUIRY: frozenset({Disposal.PRELIMINARY, Disposal.CLOSED}),
    Disposal.PRELIMINARY: frozenset({Disposal.TALK_INQUIRY, Disposal.CLOSED}),
    Disposal.CLOSED: frozenset(),
}

# A result is recorded once the clue has been dealt with (not while untouched or shelved).
RESULT_ALLOWED_AFTER = frozenset({Disposal.TALK_INQUIRY, Disposal.PRELIMINARY, Disposal.CLOSED})


def disposal_error(current: str, new: str, *, concluded: bool) -> str | None:
    """Why `new` may not follow `current` (None: allowed)."""
    if new not in Disposal.values:
        return "请选择处置方式。"
    if concluded:
        return "该件已办结，不能再处置。"
    if new not in DISPOSAL_TRANSITIONS.get(current, frozenset()):
        if current == Disposal.CLOSED:
            return "该件已予以了结，不能再处置。"
        return f"“{Disposal(current).label}”之后不能改为“{Disposal(new).label}”。"
    return None


def result_error(disposal: str, result: str, *, concluded: bool) -> str | None:
    if result not in Result.values:
        return "请选择办理结果。"
    if concluded:
        return "该件已办结。"
    if disposal not in RESULT_ALLOWED_AFTER:
        return "问题线索尚未处置或暂存待查，不能登记办理结果。"
    return None


def feedback_error(*, anonymous: bool, result: str) -> str | None:
    if anonymous:
        return "匿名举报无需反馈。"
    if not result:
        return "办结后方可向举报人反馈。"
    return None


def status_after(disposal: str, result: str) -> str:
    if result:
        return Status.CONCLUDED
    return Status.HANDLING if disposal else Status.REGISTERED


def is_substantiated(result: str) -> bool:
    return result in SUBSTANTIATED


def is_overdue(*, deadline: dt.date, status: str, today: dt.date) -> bool:
    return status != Status.CONCLUDED and deadline < today


def needs_escalation(*, deadline: dt.date, status: str, escalated_on: dt.date | None, today: dt.date) -> bool:
    """督办: an overdue petition not yet escalated."""
    return escalated_on is None and is_overdue(deadline=deadline, status=status, today=today)


def weekday_is_workday(day: dt.date) -> bool:
    return day.weekday() < 5


def chinese_workday(day: dt.date) -> bool:
    """Working day by the State Council's holiday calendar (chinesecalendar), falling back to
    Monday–Friday for years the calendar does not cover."""
    try:
        import chinese_calendar

        return chinese_calendar.is_workday(day)
    except (ImportError, NotImplementedError):
        return weekday_is_workday(day)


def add_working_days(
    start: dt.date, days: int, is_workday: Callable[[dt.date], bool] = chinese_workday
) -> dt.date:
    """The date `days` working days after `start` (the start day itself not counted)."""
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day


def bigrams(text: str) -> set[str]:
    """Character bigrams of the text's letters and digits (punctuation and spaces dropped)."""
    chars = [c for c in (text or "") if c.isalnum()]
    if len(chars) < 2:
        return set(chars)
    return {a + b for a, b in zip(chars, chars[1:], strict=False)}


def similarity(a: str, b: str) -> float:
    """Shared-character overlap of two contents: the Jaccard index of their character bigrams
    (0 = nothing in common, 1 = the same). Chinese needs no word segmentation for this."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


def substantiated_rate(substantiated: int, concluded: int) -> float | None:
    """属实率: substantiated (属实 + 部分属实) among the concluded, as a percentage."""
    if not concluded:
        return None
    return round(100.0 * substantiated / concluded, 1)


ATTACHMENT_EXTENSIONS = (
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".jpg",
    ".jpeg",
    ".png",
    ".txt",
    ".mp3",
    ".wav",
)


def attachment_error(name: str, size: int, *, max_mb: int) -> str | None:
    import os

    ext = os.path.splitext(name or "")[1].lower()
    if ext not in ATTACHMENT_EXTENSIONS:
        return f"附件“{name}”的类型不允许，仅支持 {'、'.join(e.lstrip('.').upper() for e in ATTACHMENT_EXTENSIONS)}。"
    if size == 0:
        return f"附件“{name}”是空文件。"
    if size > max_mb * 1024 * 1024:
        return f"附件“{name}”过大：单个附件不能超过 {max_mb} MB。"
    return None
