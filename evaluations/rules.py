"""Pure rules of the evaluations app: no I/O, table-driven tests in tests/evaluations/test_rules.py."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .choices import WEAK_GRADES, Grade, Step, Verdict

# --- the seven steps ---------------------------------------------------------------------------

ATTACHMENT = "attachment"  # at least one artefact uploaded to the step
SUMMARY = "summary"  # the step's written record
SUBJECTS = "subjects"  # the campaign has subjects to evaluate
GRADES = "grades"  # every subject scored and graded
PLEDGES = "pledges"  # every subject graded below 优秀 holds a pledge
RECTIFIED = "rectified"  # every rectification item done

NEED_LABELS = {
    ATTACHMENT: "请上传本环节材料",
    SUMMARY: "请填写本环节工作记录",
    SUBJECTS: "请先确定评议对象",
    GRADES: "尚有评议对象未完成测评定等",
    PLEDGES: "尚有评议对象未作整改承诺",
    RECTIFIED: "尚有整改事项未完成",
}


@dataclass(frozen=True)
class StepRule:
    code: str
    order: int
    artefact: str  # what the step produces (shown on the page)
    needs: tuple[str, ...]  # what must be there before the step is done (and the next opens)


STEPS: tuple[StepRule, ...] = (
    StepRule(Step.SHI, 1, "公开承诺书（公示材料）", (SUBJECTS, ATTACHMENT)),
    StepRule(Step.FANG, 2, "走访调研记录", (SUMMARY,)),
    StepRule(Step.SHU, 3, "述职报告", (ATTACHMENT,)),
    StepRule(Step.YI, 4, "评议意见汇总", (SUMMARY,)),
    StepRule(Step.PING, 5, "测评得分与等次", (GRADES,)),
    StepRule(Step.NUO, 6, "整改承诺书", (PLEDGES,)),
    StepRule(Step.GAI, 7, "整改落实情况", (RECTIFIED,)),
)
STEP_RULES = {s.code: s for s in STEPS}


@dataclass(frozen=True)
class StepFacts:
    attachments: int = 0
    has_summary: bool = False
    subjects: int = 0
    ungraded: int = 0
    without_pledge: int = 0
    open_rectify: int = 0


def previous_steps(code: str) -> list[str]:
    order = STEP_RULES[code].order
    return [s.code for s in STEPS if s.order < order]


def step_is_open(code: str, completed: Iterable[str]) -> bool:
    """A step opens once every earlier step is done."""
    done = set(completed)
    return all(c in done for c in previous_steps(code))


def step_blockers(code: str, facts: StepFacts, completed: Iterable[str]) -> list[str]:
    """Why step `code` cannot be marked done yet ([] when it can)."""
    out: list[str] = []
    missing = [c for c in previous_steps(code) if c not in set(completed)]
    if missing:
        out.append("请先完成前一环节：" + "、".join(str(Step(c).label) for c in missing[:1]))
    checks = {
        ATTACHMENT: facts.attachments > 0,
        SUMMARY: facts.has_summary,
        SUBJECTS: facts.subjects > 0,
        GRADES: facts.subjects > 0 and facts.ungraded == 0,
        PLEDGES: facts.without_pledge == 0,
        RECTIFIED: facts.open_rectify == 0,
    }
    out += [NEED_LABELS[n] for n in STEP_RULES[code].needs if not checks[n]]
    return out


def current_step(completed: Iterable[str]) -> str | None:
    """The first step not yet done (None: the campaign is complete)."""
    done = set(completed)
    return next((s.code for s in STEPS if s.code not in done), None)


# --- scores and grades --------------------------------------------------------------------------

TWO = Decimal("0.01")


def weighted_score(scores: Mapping[str, Decimal], weights: Mapping[str, int]) -> Decimal | None:
    """The weighted mean of the groups' scores (weights need not sum to 100); None while a
    group with a positive weight has not scored."""
    used = {g: w for g, w in weights.items() if w > 0}
    if not used or any(g not in scores or scores[g] is None for g in used):
        return None
    total = sum(Decimal(str(scores[g])) * w for g, w in used.items())
    return (total / sum(used.values())).quantize(TWO, rounding=ROUND_HALF_UP)


def grade_for(score: Decimal | None, *, excellent: int, competent: int, basic: int) -> str:
    """优秀 from `excellent`, 称职 from `competent`, 基本称职 from `basic`, else 不称职."""
    if score is None:
        return ""
    if score >= excellent:
        return Grade.EXCELLENT
    if score >= competent:
        return Grade.COMPETENT
    if score >= basic:
        return Grade.BASIC
    return Grade.INCOMPETENT


def is_weak(grade: str) -> bool:
    return grade in WEAK_GRADES


def verdict(grades: Sequence[str]) -> str:
    """能者上、平者让、庸者下 over the grades of the last three years (any order):
    any 不称职 → 庸者下; any 基本称职 → 平者让; 优秀 at least twice → 能者上; else 称职留任."""
    gs = [g for g in grades if g]
    if not gs:
        return ""
    if Grade.INCOMPETENT in gs:
        return Verdict.DOWN
    if Grade.BASIC in gs:
        return Verdict.YIELD
    if sum(1 for g in gs if g == Grade.EXCELLENT) >= 2:
        return Verdict.UP
    return Verdict.KEEP


# --- democratic evaluation --------------------------------------------------------------------


def approval_rate(good: int, fair: int, poor: int) -> float | None:
    """Share of 好 votes among all votes, in percent (None without votes)."""
    n = good + fair + poor
    return None if n == 0 else round(100.0 * good / n, 1)


def rating_errors(good: int, fair: int, poor: int, participants: int) -> str:
    if min(good, fair, poor) < 0:
        return "票数不能为负数。"
    if participants and good + fair + poor > participants:
        return "各档票数之和不能超过参评人数。"
    return ""


# --- care letters -------------------------------------------------------------------------------


def letter_reasons(weak: Sequence[tuple[int, str]], signals: Sequence[str]) -> list[str]:
    """The reasons of a 关爱提醒函: weak grades (year, grade label) and open warning signals."""
    out = [f"{year}年度阳光评议等次为“{label}”" for year, label in weak]
    out += [f"预警：{s}" for s in dict.fromkeys(signals)]
    return out


LETTER_TEMPLATE = """{name}同志：

　　根据{year}年度干部日常监督工作安排，结合阳光评议、民主测评及日常监督掌握的情况，现就有关问题向你提醒如下：

{reasons}

　　希望你正确对待组织提醒，认真对照检查，举一反三，及时纠正存在的问题，并于收到本函后十五日内向组织书面说明有关情况和整改打算。组织将安排提醒谈话，请按通知参加。

　　组织的提醒是关心和爱护，望你珍惜岗位、严守纪律、干净干事。
"""


def letter_body(*, name: str, year: int, reasons: Sequence[str]) -> str:
    lines = "\n".join(f"　　{i}. {r}；" for i, r in enumerate(reasons, start=1)) or "　　（无）"
    return LETTER_TEMPLATE.format(name=name, year=year, reasons=lines)
