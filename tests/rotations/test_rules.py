"""Table-driven tests of the pure rotation and second-line rules."""

import datetime as dt

import pytest

from cadres.choices import OrgKind
from rotations import rules
from rotations.choices import DueRule, DueState, ExchangeKind, SecondLineRole, Utilisation, WorkStatus
from rotations.rules import Span, Thresholds

D = dt.date
T = Thresholds()


@pytest.mark.parametrize(
    "start, years, expected",
    [
        (D(2016, 2, 29), 10, D(2026, 2, 28)),  # leap day → 28 Feb of a common year
        (D(2016, 2, 29), 8, D(2024, 2, 29)),  # … and stays 29 Feb in a leap year
        (D(2016, 2, 29), 1, D(2017, 2, 28)),
        (D(2015, 3, 1), 10, D(2025, 3, 1)),
        (D(2020, 12, 31), 5, D(2025, 12, 31)),
        (D(2026, 2, 28), -1, D(2025, 2, 28)),
    ],
)
def test_add_years(start, years, expected):
    assert rules.add_years(start, years) == expected


@pytest.mark.parametrize(
    "start, on, expected",
    [
        (D(2016, 2, 29), D(2026, 2, 27), 9),
        (D(2016, 2, 29), D(2026, 2, 28), 10),  # the anniversary of a leap-day start
        (D(2016, 2, 29), D(2024, 2, 28), 7),
        (D(2016, 2, 29), D(2024, 2, 29), 8),
        (D(2016, 9, 1), D(2026, 8, 31), 9),
        (D(2016, 9, 1), D(2026, 9, 1), 10),
        (D(2020, 1, 1), D(2019, 1, 1), 0),
    ],
)
def test_full_years(start, on, expected):
    assert rules.full_years(start, on) == expected


@pytest.mark.parametrize(
    "spans, gap, on, expected_start, expected_terms",
    [
        # one open tenure
        ([Span(D(2015, 1, 1))], 30, D(2026, 1, 1), D(2015, 1, 1), 1),
        # re-appointed at the next term the same day: one run, two terms
        ([Span(D(2011, 1, 1), D(2016, 1, 1)), Span(D(2016, 1, 1))], 30, D(2026, 1, 1), D(2011, 1, 1), 2),
        # a 20-day paperwork gap is joined (≤ 30 days)
        ([Span(D(2011, 1, 1), D(2016, 1, 1)), Span(D(2016, 1, 21))], 30, D(2026, 1, 1), D(2011, 1, 1), 2),
        # left for two years and came back: the count restarts
        ([Span(D(2008, 1, 1), D(2014, 1, 1)), Span(D(2016, 1, 1))], 30, D(2026, 1, 1), D(2016, 1, 1), 1),
        # exactly at the gap limit is joined, one day more is not
        ([Span(D(2010, 1, 1), D(2015, 1, 1)), Span(D(2015, 1, 31))], 30, D(2026, 1, 1), D(2010, 1, 1), 2),
        ([Span(D(2010, 1, 1), D(2015, 1, 1)), Span(D(2015, 2, 1))], 30, D(2026, 1, 1), D(2015, 2, 1), 1),
        # a policy of 0 days joins only back-to-back tenures
        ([Span(D(2010, 1, 1), D(2015, 1, 1)), Span(D(2015, 1, 2))], 0, D(2026, 1, 1), D(2015, 1, 2), 1),
        # a tenure starting after `on` is ignored
        ([Span(D(2010, 1, 1), D(2015, 1, 1)), Span(D(2015, 1, 1))], 30, D(2014, 6, 1), D(2010, 1, 1), 1),
        # a leap-day start joined with its re-appointment
        ([Span(D(2016, 2, 29), D(2021, 2, 28)), Span(D(2021, 3, 1))], 30, D(2026, 1, 1), D(2016, 2, 29), 2),
    ],
)
def test_current_run_joins_tenures_split_by_short_breaks(spans, gap, on, expected_start, expected_terms):
    run = rules.current_run(spans, on, gap)
    assert run.start == expected_start
    assert run.terms == expected_terms


def test_current_run_none_when_not_in_office():
    assert rules.current_run([Span(D(2010, 1, 1), D(2015, 1, 1))], D(2020, 1, 1), 30) is None


LEADER = rules.PostFacts(is_leading=True)
KEY_MIDDLE = rules.PostFacts(is_leading=True, is_middle_level=True, is_key=True, org_kind=OrgKind.CITY_ORGAN)
TOWN_MIDDLE = rules.PostFacts(is_leading=True, is_middle_level=True, is_key=True, org_kind=OrgKind.TOWNSHIP)
PLAIN_MIDDLE = rules.PostFacts(
    is_leading=True, is_middle_level=True, is_key=False, org_kind=OrgKind.CITY_ORGAN
)
NON_LEADING = rules.PostFacts(is_leading=False)


def run(start, terms=(), end=None):
    starts = (start, *terms)
    return rules.Run(start, end, len(starts), starts)


@pytest.mark.parametrize(
    "the_run, facts, on, expected",
    [
        # 10-year rule: nothing before 9 years, warning from 9, "soon" 90 days before, overdue at 10
        (run(D(2017, 6, 1)), LEADER, D(2026, 5, 31), []),
        (
            run(D(2017, 6, 1)),
            LEADER,
            D(2026, 6, 1),
            [(DueRule.LEADER_TEN_YEARS, D(2027, 6, 1), DueState.WARNING)],
        ),
        (
            run(D(2017, 6, 1)),
            LEADER,
            D(2027, 3, 3),
            [(DueRule.LEADER_TEN_YEARS, D(2027, 6, 1), DueState.SOON)],
        ),
        (
            run(D(2017, 6, 1)),
            LEADER,
            D(2027, 6, 1),
            [(DueRule.LEADER_TEN_YEARS, D(2027, 6, 1), DueState.OVERDUE)],
        ),
        # leap-day start: mandatory date is 28 Feb ten years later
        (
            run(D(2016, 2, 29)),
            LEADER,
            D(2026, 2, 27),
            [(DueRule.LEADER_TEN_YEARS, D(2026, 2, 28), DueState.SOON)],
        ),
        (
            run(D(2016, 2, 29)),
            LEADER,
            D(2026, 2, 28),
            [(DueRule.LEADER_TEN_YEARS, D(2026, 2, 28), DueState.OVERDUE)],
        ),
        # two terms: re-appointed early (2019) → second term ends 2024, before the 10-year date
        (
            run(D(2016, 1, 1), terms=(D(2019, 1, 1),)),
            LEADER,
            D(2024, 1, 1),
            [(DueRule.TWO_TERMS, D(2024, 1, 1), DueState.OVERDUE)],
        ),
        (
            run(D(2016, 1, 1), terms=(D(2019, 1, 1),)),
            LEADER,
            D(2025, 1, 1),
            [
                (DueRule.TWO_TERMS, D(2024, 1, 1), DueState.OVERDUE),
                (DueRule.LEADER_TEN_YEARS, D(2026, 1, 1), DueState.WARNING),
            ],
        ),
        # key middle-level post of a city organ: 5 years; warning one year before
        (
            run(D(2021, 3, 1)),
            KEY_MIDDLE,
            D(2025, 3, 1),
            [(DueRule.KEY_MIDDLE, D(2026, 3, 1), DueState.WARNING)],
        ),
        (
            run(D(2021, 3, 1)),
            KEY_MIDDLE,
            D(2026, 3, 1),
            [(DueRule.KEY_MIDDLE, D(2026, 3, 1), DueState.OVERDUE)],
        ),
        (
            run(D(2020, 2, 29)),
            KEY_MIDDLE,
            D(2025, 2, 28),
            [(DueRule.KEY_MIDDLE, D(2025, 2, 28), DueState.OVERDUE)],
        ),
        # not a key post, or a township's middle level, or a non-leading post: no rule
        (run(D(2010, 1, 1)), PLAIN_MIDDLE, D(2026, 1, 1), []),
        (run(D(2010, 1, 1)), TOWN_MIDDLE, D(2026, 1, 1), []),
        (run(D(2010, 1, 1)), NON_LEADING, D(2026, 1, 1), []),
    ],
)
def test_due_findings(the_run, facts, on, expected):
    got = [(f.rule, f.mandatory_date, f.state) for f in rules.due_findings(the_run, facts, on, T)]
    assert got == [(str(r), d, str(s)) for r, d, s in expected]


def test_due_findings_follow_policy_thresholds():
    t = Thresholds(leader_years=8, leader_warn_years=7, reminder_days=30)
    got = rules.due_findings(run(D(2018, 1, 1)), LEADER, D(2025, 1, 1), t)
    assert [(f.rule, f.mandatory_date, f.state) for f in got] == [
        (DueRule.LEADER_TEN_YEARS, D(2026, 1, 1), DueState.WARNING)
    ]


@pytest.mark.parametrize(
    "state, kind",
    [
        (DueState.OVERDUE, "rotations.due_passed"),
        (DueState.SOON, "rotations.due_soon"),
        (DueState.WARNING, None),
    ],
)
def test_reminder_kind(state, kind):
    assert rules.reminder_kind(rules.DueFinding("leader_10y", D(2026, 1, 1), D(2025, 1, 1), state)) == kind


T_, C_, I_ = OrgKind.TOWNSHIP, OrgKind.CITY_ORGAN, OrgKind.INSTITUTION


@pytest.mark.parametrize(
    "kind, from_kind, to_kind, same, top, ok",
    [
        (ExchangeKind.TOWNSHIP_TO_CITY, T_, C_, False, False, True),
        (ExchangeKind.TOWNSHIP_TO_CITY, C_, C_, False, False, False),
        (ExchangeKind.CITY_TO_TOWNSHIP_HEAD, C_, T_, False, True, True),
        (ExchangeKind.CITY_TO_TOWNSHIP_HEAD, C_, T_, False, False, False),  # not a 党政正职 post
        (ExchangeKind.CROSS_DEPARTMENT, C_, I_, False, False, True),
        (ExchangeKind.CROSS_DEPARTMENT, C_, C_, True, False, False),
        (ExchangeKind.WITHIN_UNIT, C_, C_, True, False, True),
        (ExchangeKind.WITHIN_UNIT, C_, C_, False, False, False),
        (ExchangeKind.WEAK_TO_IMPORTANT, T_, T_, False, True, True),
        (ExchangeKind.WEAK_TO_IMPORTANT, T_, T_, True, True, False),
        (ExchangeKind.SECONDMENT, C_, T_, False, False, True),
    ],
)
def test_exchange_kind_errors(kind, from_kind, to_kind, same, top, ok):
    errors = rules.exchange_kind_errors(
        kind, from_org_kind=from_kind, to_org_kind=to_kind, same_org=same, to_is_top_leader=top
    )
    assert (errors == {}) is ok
    if not ok:
        assert errors["kind"]


@pytest.mark.parametrize(
    "status, work, roles, expected",
    [
        ("active", WorkStatus.IDLE, [], Utilisation.IDLE),
        ("active", WorkStatus.AT_WORK, [], Utilisation.AT_WORK),
        ("active", WorkStatus.IDLE, [SecondLineRole.INSPECTION], Utilisation.AT_WORK),
        ("active", WorkStatus.IDLE, [SecondLineRole.ENTERPRISE_HELP], Utilisation.BUSINESS_HELP),
        ("active", WorkStatus.IDLE, [SecondLineRole.INVESTMENT], Utilisation.INVESTMENT),
        (
            "active",
            WorkStatus.IDLE,
            [SecondLineRole.INVESTMENT, SecondLineRole.ENTERPRISE_HELP],
            Utilisation.BUSINESS_HELP,
        ),
        ("active", WorkStatus.OTHER, [], Utilisation.OTHER),
        ("early_retired", WorkStatus.AT_WORK, [SecondLineRole.INSPECTION], Utilisation.OTHER),
    ],
)
def test_utilisation(status, work, roles, expected):
    assert rules.utilisation(status, work, roles) == expected


def test_utilisation_rate_reads_like_essay_3():
    counts = {"at_work": 17, "business_help": 25, "investment": 6, "idle": 76, "other": 9}
    assert rules.utilisation_rate(counts) == 36.1
    assert rules.utilisation_rate({}) is None


@pytest.mark.parametrize(
    "start, end, others, field",
    [
        (D(2026, 3, 1), D(2026, 3, 3), [], None),
        (D(2026, 3, 3), D(2026, 3, 1), [], "end_date"),
        (D(2026, 3, 3), D(2026, 3, 5), [(D(2026, 3, 1), D(2026, 3, 3))], "start_date"),  # shares a day
        (D(2026, 3, 4), D(2026, 3, 5), [(D(2026, 3, 1), D(2026, 3, 3))], None),
        (D(2026, 2, 20), D(2026, 3, 20), [(D(2026, 3, 1), D(2026, 3, 3))], "start_date"),  # covers it
    ],
)
def test_leave_errors(start, end, others, field):
    errors = rules.leave_errors(start, end, others)
    assert (field in errors) if field else errors == {}


@pytest.mark.parametrize("done, planned, expected", [(3, 4, 75.0), (0, 5, 0.0), (0, 0, None), (1, 3, 33.3)])
def test_execution_rate(done, planned, expected):
    assert rules.execution_rate(done, planned) == expected


def test_leave_overdue():
    assert rules.leave_overdue("approved", D(2026, 1, 5), None, D(2026, 1, 6))
    assert not rules.leave_overdue("approved", D(2026, 1, 5), D(2026, 1, 5), D(2026, 1, 6))
    assert not rules.leave_overdue("pending", D(2026, 1, 5), None, D(2026, 1, 6))
