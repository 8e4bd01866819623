"""The pure rules, table-driven: 差额 minimums, what the gate covers, weak grades in the last
three years (working days are cadres.rules, tests/cadres/test_publicity_rules.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from selection import rules

D = dt.date


@pytest.mark.parametrize(
    "nominees,posts,minimum,ok",
    [
        (3, 2, 1.5, True),
        (2, 2, 1.2, False),  # 等额: not 差额
        (2, 1, 1.5, True),
        (5, 4, 1.2, True),  # 1.25
        (6, 5, 1.2, True),  # 1.20 exactly
        (11, 10, 1.2, False),
        (1, 1, 1.0, True),  # a minimum of 1 allows 等额 at that point
        (0, 0, 1.0, False),
    ],
)
def test_ratio_minimum(nominees, posts, minimum, ok):
    assert rules.ratio_ok(nominees, posts, minimum) is ok


TODAY = D(2026, 6, 1)


@pytest.mark.parametrize(
    "is_leading,is_secondment,end_date,gated",
    [
        (True, False, None, True),
        (True, False, D(2027, 1, 1), True),  # a fixed-term tenure still to run
        (True, False, D(2020, 1, 1), False),  # a past tenure recorded for the résumé
        (True, True, None, False),  # 挂职
        (False, False, None, False),  # not a leading post
    ],
)
def test_gate_covers_new_tenures_of_leading_posts(is_leading, is_secondment, end_date, gated):
    assert (
        rules.is_gated(is_leading=is_leading, is_secondment=is_secondment, end_date=end_date, today=TODAY)
        is gated
    )


@pytest.mark.parametrize(
    "grades,weak",
    [
        ({2025: "basic", 2024: "competent"}, [2025]),
        ({2023: "incompetent"}, [2023]),
        ({2022: "basic"}, []),  # four years back: outside the window
        ({2026: "basic"}, []),  # the current year is not graded yet
        ({2025: "excellent", 2024: "competent", 2023: "competent"}, []),
    ],
)
def test_weak_assessments(grades, weak):
    assert rules.weak_assessments(grades, TODAY) == weak


@pytest.mark.parametrize(
    "due,replied,today,overdue",
    [
        (D(2026, 6, 5), False, D(2026, 6, 6), True),
        (D(2026, 6, 5), False, D(2026, 6, 5), False),
        (D(2026, 6, 5), True, D(2026, 7, 1), False),
    ],
)
def test_letter_overdue(due, replied, today, overdue):
    assert rules.letter_overdue(due, replied, today) is overdue


@pytest.mark.parametrize(
    "states,blocking",
    [
        (["pass", "pass"], []),
        (["pass", "missing"], []),  # no data source: shown and recorded, not a pass, not a block
        (["open", "pass"], ["open"]),
        (["flag", "missing", "open"], ["flag", "open"]),
    ],
)
def test_clearance_blockers(states, blocking):
    items = [rules.CheckItem(str(i), "x", s) for i, s in enumerate(states)]
    assert [i.state for i in rules.clearance_blockers(items)] == blocking
