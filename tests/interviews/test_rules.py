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


# --- fulfilment: a record logged from a task fulfils exactly that task ------------------------------

D = dt.date
RT, SP = InterviewKind.ROUTINE, InterviewKind.SPECIAL_TOPIC
T25 = rules.TalkRef(1, RT, 2025, D(2025, 12, 31))
T26 = rules.TalkRef(2, RT, 2026, D(2026, 12, 31))
S26 = rules.TalkRef(3, SP, 2026, D(2026, 4, 30), trigger_date=D(2026, 4, 1))
X25 = rules.TalkRef(4, RT, 2025, D(2025, 12, 31), cancelled=True)
Rec = rules.RecordRef

# (case, talks, records in date order, expected {talk: record id or None})
FULFILMENT = [
    ("routine record fulfils its own year", [T25, T26], [Rec(10, RT, D(2026, 3, 1))], {1: None, 2: 10}),
    (
        "record dated in a past year closes that year",
        [T25, T26],
        [Rec(10, RT, D(2025, 6, 1))],
        {1: 10, 2: None},
    ),
    (
        "logged from the 2025 task in 2026: that task, late",
        [T25, T26],
        [Rec(10, RT, D(2026, 3, 1), 1)],
        {1: 10, 2: None},
    ),
    ("logged from the 2026 task", [T25, T26], [Rec(10, RT, D(2026, 3, 1), 2)], {1: None, 2: 10}),
    (
        "a linked and an unlinked record",
        [T25, T26],
        [Rec(10, RT, D(2026, 3, 1), 1), Rec(11, RT, D(2026, 3, 2))],
        {1: 10, 2: 11},
    ),
    (
        "two records linked to one task: the first",
        [T25, T26],
        [Rec(10, RT, D(2026, 3, 1), 1), Rec(11, RT, D(2026, 3, 2), 1)],
        {1: 10, 2: None},
    ),
    (
        "linked to a cancelled task: fulfils nothing",
        [X25, T26],
        [Rec(10, RT, D(2026, 3, 1), 4)],
        {4: None, 2: None},
    ),
    (
        "linked with the wrong kind: fulfils nothing",
        [T25, S26],
        [Rec(10, SP, D(2026, 4, 2), 1)],
        {1: None, 3: None},
    ),
    ("routine record dated before the task's year", [T26], [Rec(10, RT, D(2025, 12, 1), 2)], {2: None}),
    ("special record before its trigger", [S26], [Rec(10, SP, D(2026, 3, 1), 3)], {3: None}),
    ("special record linked, late", [S26], [Rec(10, SP, D(2026, 6, 1), 3)], {3: 10}),
    ("unlinked special record after the trigger", [S26, T26], [Rec(10, SP, D(2026, 4, 2))], {3: 10, 2: None}),
    ("unlinked special record before the trigger", [S26], [Rec(10, SP, D(2026, 3, 2))], {3: None}),
]


@pytest.mark.parametrize("case,talks,records,expected", FULFILMENT, ids=[c[0] for c in FULFILMENT])
def test_match_fulfilment(case, talks, records, expected):
    got = rules.match_fulfilment(talks, records)
    assert {t: rid for t, (rid, _d) in got.items()} == expected
    dates = {r.id: r.date for r in records}
    for rid, done in got.values():
        assert done == (dates[rid] if rid else None)


@pytest.mark.parametrize(
    "due,done,late",
    [
        (D(2025, 12, 31), None, False),
        (D(2025, 12, 31), D(2025, 12, 31), False),
        (D(2025, 12, 31), D(2026, 1, 1), True),
    ],
)
def test_is_late(due, done, late):
    assert rules.is_late(due_date=due, done_on=done) is late


@pytest.mark.parametrize(
    "talk_kind,year,trigger,kind,date,message",
    [
        (RT, 2025, None, RT, D(2026, 1, 5), ""),
        (RT, 2025, None, SP, D(2026, 1, 5), "谈话类型须与谈话任务一致（谈心谈话）。"),
        (RT, 2026, None, RT, D(2025, 12, 5), "谈话日期早于该任务所属的2026年度。"),
        (SP, 2026, D(2026, 4, 1), SP, D(2026, 3, 31), "谈话日期早于专题谈话事由发生日期。"),
        (SP, 2026, D(2026, 4, 1), SP, D(2026, 4, 1), ""),
    ],
)
def test_task_link_error(talk_kind, year, trigger, kind, date, message):
    assert (
        rules.task_link_error(talk_kind=talk_kind, talk_year=year, trigger_date=trigger, kind=kind, date=date)
        == message
    )
