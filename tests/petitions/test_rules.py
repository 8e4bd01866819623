"""Table-driven tests of the pure petition rules."""

from __future__ import annotations

import datetime as dt

import pytest

from petitions import rules
from petitions.choices import Disposal, Result, Status

D = dt.date
NONE, TALK, PRE, SHELF, CLOSE = (
    "",
    Disposal.TALK_INQUIRY,
    Disposal.PRELIMINARY,
    Disposal.SHELVED,
    Disposal.CLOSED,
)


@pytest.mark.parametrize(
    "current,new,concluded,ok",
    [
        (NONE, TALK, False, True),
        (NONE, PRE, False, True),
        (NONE, SHELF, False, True),
        (NONE, CLOSE, False, True),
        (SHELF, TALK, False, True),
        (SHELF, PRE, False, True),
        (SHELF, CLOSE, False, True),
        (SHELF, SHELF, False, False),
        (TALK, PRE, False, True),
        (TALK, CLOSE, False, True),
        (TALK, SHELF, False, False),
        (TALK, TALK, False, False),
        (PRE, TALK, False, True),
        (PRE, CLOSE, False, True),
        (PRE, SHELF, False, False),
        (CLOSE, TALK, False, False),
        (CLOSE, PRE, False, False),
        (NONE, TALK, True, False),
        (NONE, "bogus", False, False),
    ],
)
def test_disposal_transitions(current, new, concluded, ok):
    assert (rules.disposal_error(current, new, concluded=concluded) is None) is ok


@pytest.mark.parametrize(
    "disposal,result,concluded,ok",
    [
        (NONE, Result.TRUE, False, False),
        (SHELF, Result.TRUE, False, False),
        (TALK, Result.FALSE, False, True),
        (PRE, Result.PARTLY, False, True),
        (CLOSE, Result.UNVERIFIABLE, False, True),
        (PRE, Result.TRUE, True, False),
        (PRE, "", False, False),
    ],
)
def test_result_allowed(disposal, result, concluded, ok):
    assert (rules.result_error(disposal, result, concluded=concluded) is None) is ok


@pytest.mark.parametrize(
    "anonymous,result,ok", [(True, Result.TRUE, False), (False, "", False), (False, Result.FALSE, True)]
)
def test_feedback(anonymous, result, ok):
    assert (rules.feedback_error(anonymous=anonymous, result=result) is None) is ok


@pytest.mark.parametrize(
    "disposal,result,status",
    [(NONE, "", Status.REGISTERED), (SHELF, "", Status.HANDLING), (PRE, Result.TRUE, Status.CONCLUDED)],
)
def test_status_after(disposal, result, status):
    assert rules.status_after(disposal, result) == status


@pytest.mark.parametrize(
    "deadline,status,escalated,today,expected",
    [
        (D(2026, 5, 1), Status.HANDLING, None, D(2026, 5, 2), True),
        (D(2026, 5, 1), Status.HANDLING, None, D(2026, 5, 1), False),
        (D(2026, 5, 1), Status.CONCLUDED, None, D(2026, 6, 1), False),
        (D(2026, 5, 1), Status.REGISTERED, D(2026, 5, 2), D(2026, 6, 1), False),
    ],
)
def test_needs_escalation(deadline, status, escalated, today, expected):
    assert (
        rules.needs_escalation(deadline=deadline, status=status, escalated_on=escalated, today=today)
        is expected
    )


@pytest.mark.parametrize(
    "start,days,expected",
    [
        (D(2026, 6, 5), 1, D(2026, 6, 8)),  # Friday + 1 weekday = Monday
        (D(2026, 6, 1), 5, D(2026, 6, 8)),
        (D(2026, 6, 1), 0, D(2026, 6, 1)),
    ],
)
def test_add_working_days_weekdays(start, days, expected):
    assert rules.add_working_days(start, days, rules.weekday_is_workday) == expected


def test_add_working_days_skips_national_holidays():
    # 2025 National Day week (Oct 1–8 off; Sep 28 and Oct 11 are make-up working days).
    assert rules.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert rules.add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)


@pytest.mark.parametrize(
    "a,b,low,high",
    [
        ("反映张伟收受礼金购物卡", "反映张伟收受礼金购物卡", 1.0, 1.0),
        ("反映张伟收受礼金购物卡", "举报张伟春节收受礼金", 0.2, 0.8),
        ("反映张伟收受礼金", "道路硬化工程质量差", 0.0, 0.0),
        ("", "任何内容", 0.0, 0.0),
    ],
)
def test_similarity(a, b, low, high):
    assert low <= rules.similarity(a, b) <= high


@pytest.mark.parametrize("subst,concluded,rate", [(0, 0, None), (1, 4, 25.0), (2, 3, 66.7)])
def test_substantiated_rate(subst, concluded, rate):
    assert rules.substantiated_rate(subst, concluded) == rate
