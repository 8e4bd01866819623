"""Table-driven tests of the pure rules: state machines, periods, 轮审, 离任必审, files."""

import datetime as dt

import pytest

from audits import rules
from audits.choices import AuditStatus as S
from audits.choices import RectState as R

D = dt.date
TODAY = D(2025, 6, 30)


@pytest.mark.parametrize(
    "current,target,on,prev,unverified,missing,expect",
    [
        (S.PLANNED, S.NOTIFIED, D(2025, 1, 2), D(2025, 1, 1), 0, [], None),
        (S.NOTIFIED, S.FIELDWORK, D(2025, 1, 2), D(2025, 1, 2), 0, [], None),  # same day is fine
        (S.PLANNED, S.FIELDWORK, D(2025, 1, 2), D(2025, 1, 1), 0, [], "只能按顺序推进"),  # jump
        (S.REPORT, S.NOTIFIED, D(2025, 1, 2), D(2025, 1, 1), 0, [], "只能按顺序推进"),  # backwards
        (S.REPORT, S.CLOSED, D(2025, 1, 2), D(2025, 1, 1), 0, [], "只能按顺序推进"),  # skip rectification
        (S.CLOSED, S.PLANNED, D(2025, 1, 2), D(2025, 1, 1), 0, [], "已办结"),
        (S.PLANNED, S.NOTIFIED, D(2024, 12, 31), D(2025, 1, 1), 0, [], "不能早于上一步骤"),
        (S.PLANNED, S.NOTIFIED, D(2025, 7, 1), D(2025, 1, 1), 0, [], "不能晚于今天"),
        (S.RECTIFICATION, S.CLOSED, D(2025, 6, 1), D(2025, 5, 1), 2, [], "还有 2 个问题未整改销号"),
        (S.RECTIFICATION, S.CLOSED, D(2025, 6, 1), D(2025, 5, 1), 0, ["用钱"], "请填写审计结论：用钱"),
        (S.RECTIFICATION, S.CLOSED, D(2025, 6, 1), D(2025, 5, 1), 0, [], None),
        (S.PLANNED, "bogus", D(2025, 1, 2), D(2025, 1, 1), 0, [], "未知"),
    ],
)
def test_audit_transitions(current, target, on, prev, unverified, missing, expect):
    err = rules.audit_transition_error(
        current,
        target,
        on=on,
        previous_date=prev,
        today=TODAY,
        unverified_findings=unverified,
        missing_conclusions=missing,
    )
    if expect is None:
        assert err is None
    else:
        assert err is not None and expect in err


def test_every_status_has_a_date_field_and_a_single_successor():
    assert set(rules.STATUS_DATE_FIELD) == set(S.values)
    assert [rules.next_audit_status(s) for s in rules.AUDIT_ORDER] == list(rules.AUDIT_ORDER[1:]) + [None]


@pytest.mark.parametrize(
    "current,target,team,note,expect",
    [
        (R.OPEN, R.IN_PROGRESS, False, "", None),
        (R.IN_PROGRESS, R.SUBMITTED, False, "已整改", None),
        (R.IN_PROGRESS, R.SUBMITTED, False, "", "请说明整改措施"),
        (R.SUBMITTED, R.VERIFIED, True, "", None),
        (R.SUBMITTED, R.VERIFIED, False, "", "只有本联审组"),  # outsider cannot verify
        (R.SUBMITTED, R.RETURNED, True, "材料不全", None),
        (R.SUBMITTED, R.RETURNED, True, "", "写明理由"),
        (R.SUBMITTED, R.RETURNED, False, "材料不全", "只有本联审组"),
        (R.RETURNED, R.IN_PROGRESS, False, "", None),
        (R.RETURNED, R.SUBMITTED, False, "补充材料", None),
        (R.OPEN, R.VERIFIED, True, "", "只能变更为"),  # jump
        (R.OPEN, R.SUBMITTED, False, "x", "只能变更为"),
        (R.IN_PROGRESS, R.OPEN, False, "", "只能变更为"),
        (R.VERIFIED, R.RETURNED, True, "x", "已整改销号"),
        (R.OPEN, "nope", True, "", "未知"),
    ],
)
def test_rectification_transitions(current, target, team, note, expect):
    err = rules.rectification_transition_error(current, target, is_team_member=team, note=note)
    if expect is None:
        assert err is None
    else:
        assert err is not None and expect in err


@pytest.mark.parametrize(
    "state,due,overdue,soon",
    [
        (R.OPEN, D(2025, 6, 29), True, False),
        (R.OPEN, D(2025, 6, 30), False, True),  # due today: not yet overdue
        (R.SUBMITTED, D(2025, 7, 14), False, True),
        (R.SUBMITTED, D(2025, 7, 15), False, False),
        (R.VERIFIED, D(2020, 1, 1), False, False),
        (R.RETURNED, D(2025, 1, 1), True, False),
    ],
)
def test_overdue_and_due_soon(state, due, overdue, soon):
    assert rules.is_overdue(state, due, TODAY) is overdue
    assert rules.is_due_soon(state, due, TODAY, 14) is soon


@pytest.mark.parametrize(
    "start,end,a_start,a_end,expect",
    [
        (D(2020, 1, 1), D(2022, 1, 1), D(2019, 1, 1), None, set()),
        (D(2018, 12, 31), D(2022, 1, 1), D(2019, 1, 1), None, {"period_start"}),
        (D(2020, 1, 1), D(2025, 7, 1), D(2019, 1, 1), None, {"period_end"}),  # after today
        (D(2020, 1, 1), D(2023, 1, 2), D(2019, 1, 1), D(2023, 1, 1), {"period_end"}),  # after the tenure
        (D(2020, 1, 1), D(2023, 1, 1), D(2019, 1, 1), D(2023, 1, 1), set()),
        (D(2022, 1, 1), D(2021, 1, 1), D(2019, 1, 1), None, {"period_end"}),  # reversed
        (None, D(2021, 1, 1), D(2019, 1, 1), None, {"period_start"}),
    ],
)
def test_period_inside_appointment(start, end, a_start, a_end, expect):
    errors = rules.period_errors(start, end, appointment_start=a_start, appointment_end=a_end, today=TODAY)
    assert set(errors) == expect


@pytest.mark.parametrize(
    "kind,cats,expect",
    [
        ("party", [], True),
        ("admin", ["construction"], True),
        ("", ["personnel"], True),
        ("", ["finance", "classified"], True),
        ("", ["assets"], True),
        ("", ["classified", "licensing"], False),
        ("", [], False),
    ],
)
def test_auditable_posts(kind, cats, expect):
    assert rules.is_auditable_post(kind, cats) is expect


@pytest.mark.parametrize(
    "start,last,state,never",
    [
        (D(2020, 1, 1), None, "overdue", True),  # never audited, served > 3 years
        (D(2022, 10, 1), None, "ok", True),  # served < 3 years
        (D(2022, 6, 30), None, "overdue", True),  # exactly 3 years: due today
        (D(2022, 8, 15), None, "due_soon", True),  # due within 60 days
        (D(2015, 1, 1), D(2023, 1, 1), "ok", False),  # audited within the cycle
        (D(2015, 1, 1), D(2022, 6, 1), "overdue", False),  # last audit older than the cycle
        (D(2015, 1, 1), D(2022, 8, 1), "due_soon", False),
    ],
)
def test_cycle_state(start, last, state, never):
    cs = rules.cycle_state(
        today=TODAY, tenure_start=start, last_audit_date=last, cycle_years=3, warning_days=60
    )
    assert cs.state == state
    assert cs.never_audited is never
    assert cs.is_due is (state == "overdue")


def test_cycle_state_leap_day():
    cs = rules.cycle_state(
        today=TODAY, tenure_start=D(2020, 2, 29), last_audit_date=None, cycle_years=3, warning_days=0
    )
    assert cs.due_date == D(2023, 2, 28)


@pytest.mark.parametrize(
    "end,has_audit,expect",
    [
        (D(2024, 1, 1), False, True),
        (D(2024, 1, 1), True, False),
        (None, False, False),  # still in office
        (D(2025, 7, 1), False, False),  # ends in the future
        (D(2020, 6, 29), False, False),  # before the look-back window
        (D(2020, 6, 30), False, True),
    ],
)
def test_departure_requires_audit(end, has_audit, expect):
    assert (
        rules.departure_requires_audit(
            end_date=end, today=TODAY, lookback_years=5, has_departure_audit=has_audit
        )
        is expect
    )


ALLOWED = ["pdf", "docx", "xlsx", "txt", "jpg"]


@pytest.mark.parametrize(
    "name,size,head,expect",
    [
        ("报告.pdf", 1000, b"%PDF-1.4", None),
        ("底稿.XLSX", 1000, b"PK\x03\x04", None),
        ("说明.txt", 10, "说明".encode(), None),
        ("big.pdf", 20 * 1024 * 1024 + 1, b"%PDF", "超过 20 MB"),
        ("empty.pdf", 0, b"", "文件为空"),
        ("tool.exe", 100, b"MZ", "不允许上传 .exe"),
        ("noext", 100, b"abc", "无扩展名"),
        ("fake.pdf", 100, b"MZ\x90\x00", "内容与扩展名 .pdf 不符"),
        ("fake.docx", 100, b"%PDF", "内容与扩展名 .docx 不符"),
        ("bin.txt", 100, b"ab\x00cd", "内容与扩展名 .txt 不符"),
    ],
)
def test_file_errors(name, size, head, expect):
    errors = rules.file_errors(name=name, size=size, head=head, max_mb=20, allowed=ALLOWED)
    if expect is None:
        assert errors == {}
    else:
        assert expect in errors["file"]


def test_parse_allowed_types():
    assert rules.parse_allowed_types(" PDF, .docx，xlsx ,,") == ["pdf", "docx", "xlsx"]


def test_share_expiry_error():
    now = dt.datetime(2025, 6, 30, 12, tzinfo=dt.UTC)
    assert rules.share_expiry_error(now, now, 90) is not None
    assert rules.share_expiry_error(now + dt.timedelta(days=1), now, 90) is None
    assert "90" in rules.share_expiry_error(now + dt.timedelta(days=95), now, 90)


@pytest.mark.parametrize("verified,total,rate", [(0, 0, None), (1, 4, 0.25), (3, 3, 1.0)])
def test_rectification_rate(verified, total, rate):
    assert rules.rectification_rate(verified, total) == rate
