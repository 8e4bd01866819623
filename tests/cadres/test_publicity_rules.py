"""Working days (moved from selection to cadres.rules, shared by every publicity and deadline),
table-driven with holidays and 调休 make-up days as data; the publicity period and window."""

from __future__ import annotations

import datetime as dt

import pytest

from cadres import rules

D = dt.date
# 2025 National Day (国庆): Oct 1-8 off, Sep 28 (Sun) and Oct 11 (Sat) worked (调休).
# 2025 Spring Festival (春节): Jan 28 - Feb 4 off, Jan 26 (Sun) and Feb 8 (Sat) worked.
HOLIDAYS = [D(2025, 10, d) for d in range(1, 9)] + [D(2025, 1, d) for d in range(28, 32)]
HOLIDAYS += [D(2025, 2, d) for d in range(1, 5)]
WORKDAYS = [D(2025, 9, 28), D(2025, 10, 11), D(2025, 1, 26), D(2025, 2, 8)]
CAL = rules.weekday_calendar(HOLIDAYS, WORKDAYS)
PLAIN = rules.weekday_calendar()


@pytest.mark.parametrize(
    "start,days,cal,expected",
    [
        (D(2025, 6, 2), 5, PLAIN, D(2025, 6, 9)),  # Mon + 5 working days → next Mon
        (D(2025, 6, 6), 1, PLAIN, D(2025, 6, 9)),  # Fri + 1 → Mon (the weekend skipped)
        (D(2025, 6, 2), 0, PLAIN, D(2025, 6, 2)),
        (D(2025, 9, 26), 1, CAL, D(2025, 9, 28)),  # Fri + 1 → the 调休 Sunday
        (D(2025, 9, 30), 1, CAL, D(2025, 10, 9)),  # across the National Day holiday
        (D(2025, 9, 30), 3, CAL, D(2025, 10, 11)),  # …and onto the 调休 Saturday
        (D(2025, 9, 30), 5, PLAIN, D(2025, 10, 7)),  # the same without holidays as data
        (D(2025, 1, 24), 1, CAL, D(2025, 1, 26)),  # Fri + 1 → the Spring Festival 调休 Sunday
        (D(2025, 1, 27), 1, CAL, D(2025, 2, 5)),  # across the Spring Festival
        (D(2025, 2, 5), 3, CAL, D(2025, 2, 8)),  # Thu, Fri, then the 调休 Saturday
    ],
)
def test_add_working_days(start, days, cal, expected):
    assert rules.add_working_days(start, days, cal) == expected


@pytest.mark.parametrize(
    "start,days,cal,end",
    [
        (D(2025, 6, 2), 5, PLAIN, D(2025, 6, 6)),  # Mon..Fri: five working days
        (D(2025, 6, 7), 5, PLAIN, D(2025, 6, 13)),  # starting on a Saturday: Mon..Fri
        (D(2025, 9, 29), 5, CAL, D(2025, 10, 11)),  # 29, 30, 9, 10, 11 (国庆 between)
        (D(2025, 10, 1), 5, CAL, D(2025, 10, 14)),  # posted in the holiday: 9, 10, 11 (调休), 13, 14
        (D(2025, 1, 24), 5, CAL, D(2025, 2, 6)),  # 24, 26 (调休), 27, 5, 6 (春节 between)
        (D(2025, 2, 5), 3, CAL, D(2025, 2, 7)),  # 报告表公示 of three working days
    ],
)
def test_publicity_end_is_n_working_days(start, days, cal, end):
    assert rules.publicity_end(start, days, cal) == end
    assert rules.working_days_inclusive(start, end, cal) == days


def test_publicity_needs_a_working_day_and_days_are_counted():
    with pytest.raises(ValueError):
        rules.publicity_end(D(2025, 6, 2), 0, PLAIN)
    with pytest.raises(ValueError):
        rules.add_working_days(D(2025, 6, 2), -1, PLAIN)
    assert rules.working_days_between(D(2025, 9, 30), D(2025, 10, 9), CAL) == 1
    assert rules.working_days_between(D(2025, 10, 9), D(2025, 9, 30), CAL) == -1
    assert rules.working_days_inclusive(D(2025, 6, 3), D(2025, 6, 2), PLAIN) == 0


def test_china_calendar_knows_the_holidays():
    assert rules.china_is_workday(D(2025, 10, 1)) is False
    assert rules.china_is_workday(D(2025, 9, 28)) is True  # 调休
    assert rules.china_is_workday(D(2025, 1, 29)) is False  # 春节
    assert rules.china_is_workday(D(2025, 2, 8)) is True  # 调休
    assert rules.china_is_workday(D(2099, 1, 5)) is True  # beyond the data: weekdays


@pytest.mark.parametrize(
    "received,today,key_text",
    [
        (None, D(2025, 3, 9), "请填写"),
        (D(2025, 3, 4), D(2025, 3, 9), "公示期内"),  # after the end
        (D(2025, 2, 28), D(2025, 3, 9), "公示期内"),  # before the start
        (D(2025, 3, 3), D(2025, 3, 2), "晚于今天"),
        (D(2025, 3, 3), D(2025, 3, 9), None),
        (D(2025, 3, 1), D(2025, 3, 1), None),
    ],
)
def test_feedback_window(received, today, key_text):
    errors = rules.publicity_feedback_errors(received, D(2025, 3, 1), D(2025, 3, 3), today)
    if key_text is None:
        assert errors == {}
    else:
        assert key_text in errors["received_on"]


@pytest.mark.parametrize(
    "today,state",
    [
        (D(2025, 2, 28), "pending"),
        (D(2025, 3, 1), "running"),
        (D(2025, 3, 3), "running"),
        (D(2025, 3, 4), "ended"),
    ],
)
def test_publicity_state(today, state):
    assert rules.publicity_state(D(2025, 3, 1), D(2025, 3, 3), today) == state


T = D(2026, 6, 30)


@pytest.mark.parametrize(
    "records,hours,days,met",
    [
        ([], 0, 0, False),
        ([(D(2024, 3, 1), D(2024, 3, 10), 80)], 80, 10, False),
        ([(D(2022, 1, 1), D(2022, 12, 31), 600)], 600, 365, True),  # hours and days both
        (
            [(D(2023, 1, 1), D(2023, 1, 31), 120), (D(2025, 5, 1), D(2025, 6, 29), 100)],
            220,
            91,
            True,
        ),  # 3 months
        ([(D(2021, 6, 1), D(2021, 6, 20), 560)], 0, 0, False),  # ended before the 5-year window
        ([(D(2021, 6, 25), D(2021, 7, 4), 60)], 60, 5, False),  # straddles the window start
        (
            [(D(2025, 1, 1), D(2025, 1, 10), 50), (D(2025, 1, 5), D(2025, 1, 10), 10)],
            60,
            10,
            False,
        ),  # overlap once
        ([(D(2026, 7, 1), D(2026, 7, 5), 40)], 0, 0, False),  # not yet held
    ],
)
def test_training_norm(records, hours, days, met):
    total = rules.training_total(records, T)
    assert (total.hours, total.days, total.met) == (hours, days, met)


def test_training_norm_numbers_are_parameters():
    rec = [(D(2025, 1, 1), D(2025, 1, 10), 100)]
    assert rules.training_total(rec, T, min_hours=100).met
    assert rules.training_total(rec, T, min_hours=1000, min_days=10).met
    assert not rules.training_total(rec, T, years=1).hours
