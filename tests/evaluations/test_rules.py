"""Pure rules of the evaluations app, table-driven."""

from __future__ import annotations

from decimal import Decimal

import pytest

from evaluations import rules
from evaluations.choices import Step

ALL = Step.values
TH = {"excellent": 90, "competent": 75, "basic": 60}
W = {"masses": 40, "deputies": 20, "cadres": 20, "leaders": 20}


@pytest.mark.parametrize(
    "code,done,is_open",
    [
        (Step.SHI, [], True),
        (Step.FANG, [], False),
        (Step.FANG, [Step.SHI], True),
        (Step.GAI, ALL[:5], False),
        (Step.GAI, ALL[:6], True),
        (Step.PING, [Step.SHI, Step.FANG, Step.YI], False),  # 述 missing
    ],
)
def test_step_opens_after_every_earlier_step(code, done, is_open):
    assert rules.step_is_open(code, done) is is_open


@pytest.mark.parametrize(
    "code,facts,done,expected",
    [
        (Step.SHI, rules.StepFacts(subjects=1, attachments=1), [], []),
        (Step.SHI, rules.StepFacts(subjects=0, attachments=1), [], ["请先确定评议对象"]),
        (Step.SHI, rules.StepFacts(subjects=2), [], ["请上传本环节材料"]),
        (Step.FANG, rules.StepFacts(has_summary=True), [Step.SHI], []),
        (Step.FANG, rules.StepFacts(), [Step.SHI], ["请填写本环节工作记录"]),
        (Step.PING, rules.StepFacts(subjects=3, ungraded=1), ALL[:4], ["尚有评议对象未完成测评定等"]),
        (Step.PING, rules.StepFacts(subjects=3, ungraded=0), ALL[:4], []),
        (Step.NUO, rules.StepFacts(without_pledge=2), ALL[:5], ["尚有评议对象未作整改承诺"]),
        (Step.GAI, rules.StepFacts(open_rectify=1), ALL[:6], ["尚有整改事项未完成"]),
        (Step.GAI, rules.StepFacts(), ALL[:6], []),
    ],
)
def test_step_blockers(code, facts, done, expected):
    assert rules.step_blockers(code, facts, done) == expected


def test_step_blocked_by_previous_names_it():
    out = rules.step_blockers(Step.SHU, rules.StepFacts(attachments=1), [Step.SHI])
    assert out == ["请先完成前一环节：访：走访调研"]


@pytest.mark.parametrize("done,current", [([], Step.SHI), (ALL[:3], Step.YI), (ALL, None)])
def test_current_step(done, current):
    assert rules.current_step(done) == current


@pytest.mark.parametrize(
    "scores,weights,expected",
    [
        ({"masses": 90, "deputies": 80, "cadres": 70, "leaders": 60}, W, Decimal("78.00")),
        ({"masses": 90, "deputies": 80, "cadres": 70}, W, None),  # a weighted group missing
        ({"masses": 90}, {"masses": 50, "deputies": 0}, Decimal("90.00")),  # weight 0 not needed
        ({"a": Decimal("88.335"), "b": 0}, {"a": 1, "b": 0}, Decimal("88.34")),
        ({}, {}, None),
    ],
)
def test_weighted_score(scores, weights, expected):
    assert rules.weighted_score(scores, weights) == expected


@pytest.mark.parametrize(
    "score,grade",
    [
        (None, ""),
        (Decimal("95"), "excellent"),
        (Decimal("90"), "excellent"),
        (Decimal("89.99"), "competent"),
        (Decimal("75"), "competent"),
        (Decimal("74.5"), "basic"),
        (Decimal("60"), "basic"),
        (Decimal("59.99"), "incompetent"),
    ],
)
def test_grade_for(score, grade):
    assert rules.grade_for(score, **TH) == grade


@pytest.mark.parametrize(
    "grades,verdict",
    [
        ([], ""),
        (["excellent", "excellent", "competent"], "up"),
        (["excellent", "competent"], "keep"),
        (["competent", "basic", "excellent"], "yield"),
        (["excellent", "excellent", "incompetent"], "down"),
        (["basic", "incompetent"], "down"),
    ],
)
def test_verdict(grades, verdict):
    assert rules.verdict(grades) == verdict


@pytest.mark.parametrize(
    "good,fair,poor,participants,rate,error",
    [
        (8, 2, 0, 10, 80.0, ""),
        (0, 0, 0, 10, None, ""),
        (9, 2, 0, 10, 81.8, "各档票数之和不能超过参评人数。"),
        (-1, 0, 0, 10, None, "票数不能为负数。"),
    ],
)
def test_democratic_votes(good, fair, poor, participants, rate, error):
    assert rules.rating_errors(good, fair, poor, participants) == error
    if good >= 0:
        assert rules.approval_rate(good, fair, poor) == rate


def test_letter_reasons_and_body():
    reasons = rules.letter_reasons([(2026, "基本称职")], ["谈话逾期", "谈话逾期", "轮岗超期"])
    assert reasons == ["2026年度阳光评议等次为“基本称职”", "预警：谈话逾期", "预警：轮岗超期"]
    body = rules.letter_body(name="张伟", year=2026, reasons=reasons)
    assert body.startswith("张伟同志：") and "1. 2026年度阳光评议" in body and "提醒谈话" in body
