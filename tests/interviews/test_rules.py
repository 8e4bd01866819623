"""Rule 3 as data: one row per line of the responsibility table, frequencies, year boundaries."""

from __future__ import annotations

import datetime as dt

import pytest

from cadres.choices import CadreStatus, LineRole, ManagementLevel, OrgKind
from interviews import rules
from interviews.choices import InterviewerRole as R
from interviews.choices import InterviewKind, TalkStatus
from interviews.choices import TalkCategory as C
from interviews.rules import AssignmentRef, CadreProfile

P = CadreProfile

# (rule 3 line, profile, expected category, expected interviewer roles)
TABLE = [
    (
        "党政正职 of a township",
        P(OrgKind.TOWNSHIP, is_top_leader=True, is_leading=True),
        C.TOP_LEADER,
        (R.PRINCIPAL,),
    ),
    (
        "党政正职 of a city organ",
        P(OrgKind.CITY_ORGAN, is_top_leader=True, is_leading=True),
        C.TOP_LEADER,
        (R.PRINCIPAL,),
    ),
    (
        "党政正职 of a public institution",
        P(OrgKind.INSTITUTION, is_top_leader=True, is_leading=True),
        C.TOP_LEADER,
        (R.PRINCIPAL,),
    ),
    (
        "党政正职 of a state enterprise",
        P(OrgKind.SOE, is_top_leader=True, is_leading=True),
        C.TOP_LEADER,
        (R.PRINCIPAL,),
    ),
    ("deputy of a city organ", P(OrgKind.CITY_ORGAN, is_leading=True), C.ORGAN_DEPUTY, (R.IN_CHARGE,)),
    ("deputy of a city unit", P(OrgKind.INSTITUTION, is_leading=True), C.ORGAN_DEPUTY, (R.IN_CHARGE,)),
    (
        "部管干部",
        P(OrgKind.CITY_ORGAN, management_level=ManagementLevel.DEPARTMENT),
        C.DEPARTMENT_MANAGED,
        (R.ORG_DEPT,),
    ),
    ("township deputy", P(OrgKind.TOWNSHIP, is_leading=True), C.TOWNSHIP_DEPUTY, (R.ORG_DEPT,)),
    (
        "township 组织委员",
        P(OrgKind.TOWNSHIP, is_leading=True, line_role=LineRole.ORGANIZATION),
        C.TOWNSHIP_LINE,
        (R.LINE_LEADER,),
    ),
    (
        "township 宣传委员",
        P(OrgKind.TOWNSHIP, is_leading=True, line_role=LineRole.PUBLICITY),
        C.TOWNSHIP_LINE,
        (R.LINE_LEADER,),
    ),
    (
        "township 统战委员",
        P(OrgKind.TOWNSHIP, is_leading=True, line_role=LineRole.UNITED_FRONT),
        C.TOWNSHIP_LINE,
        (R.LINE_LEADER,),
    ),
    (
        "township 政法委员",
        P(OrgKind.TOWNSHIP, is_leading=True, line_role=LineRole.POLITICAL_LEGAL),
        C.TOWNSHIP_LINE,
        (R.LINE_LEADER,),
    ),
    (
        "township 人武部长",
        P(OrgKind.TOWNSHIP, is_leading=True, line_role=LineRole.ARMED_FORCES),
        C.TOWNSHIP_LINE,
        (R.LINE_LEADER,),
    ),
    (
        "second-line cadre",
        P(OrgKind.TOWNSHIP, status=CadreStatus.SECOND_LINE),
        C.SECOND_LINE,
        (R.ORG_DEPT, R.UNIT_HEAD),
    ),
    (
        "second-line former 一把手",
        P(OrgKind.CITY_ORGAN, status=CadreStatus.SECOND_LINE, is_top_leader=True),
        C.SECOND_LINE,
        (R.ORG_DEPT, R.UNIT_HEAD),
    ),
    ("retired: no talks", P(OrgKind.TOWNSHIP, status=CadreStatus.RETIRED, is_leading=True), None, ()),
    ("left: no talks", P(OrgKind.CITY_ORGAN, status=CadreStatus.LEFT), None, ()),
    ("city leader: outside the system", P(OrgKind.CITY, is_top_leader=True, is_leading=True), None, ()),
    ("non-leading city-managed: a gap", P(OrgKind.CITY_ORGAN), C.UNCLASSIFIED, ()),
]


@pytest.mark.parametrize("line,profile,category,roles", TABLE, ids=[t[0] for t in TABLE])
def test_responsibility_table(line, profile, category, roles):
    assert rules.classify(profile) == category
    assert rules.interviewer_roles(category) == roles


@pytest.mark.parametrize(
    "category,expected",
    [
        (C.TOP_LEADER, 2),
        (C.ORGAN_DEPUTY, 1),
        (C.DEPARTMENT_MANAGED, 1),
        (C.TOWNSHIP_DEPUTY, 1),
        (C.TOWNSHIP_LINE, 1),
        (C.SECOND_LINE, 1),
        (C.UNCLASSIFIED, 1),
        (None, 0),
    ],
)
def test_frequency_defaults(category, expected):
    assert rules.talks_per_year(category) == expected


def test_frequency_follows_policy_values():
    assert rules.talks_per_year(C.TOP_LEADER, top_leader=4, other=2) == 4
    assert rules.talks_per_year(C.ORGAN_DEPUTY, top_leader=4, other=2) == 2


@pytest.mark.parametrize(
    "year,n,expected",
    [
        (2025, 1, [dt.date(2025, 12, 31)]),
        (2025, 2, [dt.date(2025, 6, 30), dt.date(2025, 12, 31)]),
        (2025, 3, [dt.date(2025, 4, 30), dt.date(2025, 8, 31), dt.date(2025, 12, 31)]),
        (2024, 4, [dt.date(2024, 3, 31), dt.date(2024, 6, 30), dt.date(2024, 9, 30), dt.date(2024, 12, 31)]),
        (2025, 0, []),
    ],
)
def test_plan_due_dates(year, n, expected):
    assert rules.plan_due_dates(year, n) == expected


@pytest.mark.parametrize(
    "today,due,done,cancelled,expected",
    [
        (dt.date(2025, 12, 31), dt.date(2025, 12, 31), False, False, TalkStatus.DUE_SOON),  # due today
        (dt.date(2026, 1, 1), dt.date(2025, 12, 31), False, False, TalkStatus.OVERDUE),  # next morning
        (dt.date(2025, 12, 17), dt.date(2025, 12, 31), False, False, TalkStatus.DUE_SOON),  # window edge
        (dt.date(2025, 12, 16), dt.date(2025, 12, 31), False, False, TalkStatus.PENDING),
        (dt.date(2026, 1, 1), dt.date(2025, 12, 31), True, False, TalkStatus.DONE),
        (dt.date(2026, 1, 1), dt.date(2025, 12, 31), False, True, TalkStatus.CANCELLED),
    ],
)
def test_status_around_the_year_end(today, due, done, cancelled, expected):
    assert (
        rules.talk_status(due_date=due, done=done, cancelled=cancelled, today=today, window_days=14)
        == expected
    )


def test_special_topic_due_date_crosses_the_year():
    assert rules.special_due_date(dt.date(2025, 12, 15), 30) == dt.date(2026, 1, 14)


def test_periods_at_year_boundaries():
    # ISO week of 29 Dec 2025 belongs to 2026-W01: one overdue reminder for that whole week.
    assert rules.week_period(dt.date(2025, 12, 29)) == rules.week_period(dt.date(2026, 1, 4)) == "2026-W01"
    assert rules.month_period(dt.date(2025, 12, 31)) == "2025-12"
    assert rules.month_period(dt.date(2026, 1, 1)) == "2026-01"


REFS = [
    AssignmentRef(1, R.PRINCIPAL, 10, "000001."),
    AssignmentRef(2, R.PRINCIPAL, 11, "000001.000003."),
    AssignmentRef(3, R.ORG_DEPT, 20, "000001."),
    AssignmentRef(4, R.UNIT_HEAD, 30, "000001.000002."),
    AssignmentRef(5, R.LINE_LEADER, 40, "000001.", LineRole.ORGANIZATION),
    AssignmentRef(6, R.LINE_LEADER, 41, "000001.", LineRole.PUBLICITY),
]


@pytest.mark.parametrize(
    "category,path,line,exclude,expected",
    [
        (C.TOP_LEADER, "000001.000002.", "", None, (R.PRINCIPAL, 10)),  # city-wide principal
        (C.TOP_LEADER, "000001.000003.", "", None, (R.PRINCIPAL, 11)),  # the closer one wins
        (C.TOP_LEADER, "000001.000003.", "", 11, (R.PRINCIPAL, 10)),  # nobody talks to themselves
        (C.TOWNSHIP_LINE, "000001.000002.", LineRole.PUBLICITY, None, (R.LINE_LEADER, 41)),
        (C.SECOND_LINE, "000001.000002.", "", None, (R.UNIT_HEAD, 30)),  # own unit head is closer
        (C.SECOND_LINE, "000001.000003.", "", None, (R.ORG_DEPT, 20)),  # else the org department
        (C.ORGAN_DEPUTY, "000001.000003.", "", None, (R.IN_CHARGE, None)),  # a gap
        (C.UNCLASSIFIED, "000001.000003.", "", None, ("", None)),
    ],
)
def test_resolve_person(category, path, line, exclude, expected):
    for table in (REFS, rules.AssignmentIndex(REFS)):  # plain list and the index agree
        role, found = rules.resolve(category, path, line, table, exclude_user_id=exclude)
        assert (role, found.user_id if found else None) == expected


def test_record_input_checks():
    today = dt.date(2025, 5, 10)
    assert rules.record_errors(kind=InterviewKind.ROUTINE, date=today, today=today) == {}
    assert "date" in rules.record_errors(kind=InterviewKind.ROUTINE, date=dt.date(2025, 5, 11), today=today)
    errs = rules.record_errors(
        kind=InterviewKind.ROUTINE, date=today, today=today, follow_up_dues=[dt.date(2025, 5, 9)]
    )
    assert errs["follow_ups"] == "后续措施的完成期限不能早于谈话日期。"
    errs = rules.record_errors(
        kind=InterviewKind.WRITTEN_INQUIRY, date=today, today=today, reply_date=dt.date(2025, 5, 1)
    )
    assert "reply_date" in errs


@pytest.mark.parametrize(
    "name,size,ok",
    [
        ("谈话记录.pdf", 1000, True),
        ("照片.JPG", 5 * 1024 * 1024, True),
        ("run.exe", 100, False),
        ("big.pdf", 11 * 1024 * 1024, False),
        ("noext", 10, False),
        ("empty.docx", 0, False),
    ],
)
def test_attachment_checks(name, size, ok):
    assert (rules.attachment_error(name, size, max_mb=10) is None) == ok
