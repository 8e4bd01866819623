"""Demo data: three years of 阳光评议 over the townships and city departments (this year's
campaign through all seven steps, by the services), 民主测评 with the 三圈, and the year's
关爱提醒函 (the essay's 27, sent; most acknowledged; each raises a 提醒谈话)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction

from cadre_supervision.permissions import SYSTEM
from cadres.choices import OrgKind
from cadres.models import Appointment, Cadre, Organization

from . import selectors, services
from .choices import DemocraticItem, EvaluatorGroup, Grade, ItemKind, Step, SubjectKind
from .models import Campaign, CampaignStep, CareLetter, Subject

LETTERS = 27  # essay 1: care letters to 27 cadres
PENDING_LETTERS = 4  # proposed, not yet decided
UNITS_PER_KIND = 12


def _units(root):
    townships = list(Organization.objects.filter(kind=OrgKind.TOWNSHIP).order_by("path")[:UNITS_PER_KIND])
    organs = list(Organization.objects.filter(kind=OrgKind.CITY_ORGAN).order_by("path")[:UNITS_PER_KIND])
    return townships + organs


def _leaders(units, on):
    appts = (
        Appointment.objects.current(on)
        .top_leaders()
        .filter(post__organization__in=units)
        .select_related("cadre", "post")
        .order_by("post__organization__path", "post__top_leader_kind", "id")
    )
    seen, out = set(), []
    for a in appts:
        if a.cadre_id not in seen and a.cadre.organization_id == a.post.organization_id:
            seen.add(a.cadre_id)
            out.append(a.cadre)
    return out


def _score(rng, base: float) -> dict[str, Decimal]:
    return {g: Decimal(str(round(min(99.5, max(40, rng.gauss(base, 3))), 1))) for g in EvaluatorGroup.values}


def _base(rng) -> float:
    r = rng.random()
    if r < 0.04:
        return 55  # 不称职
    if r < 0.2:
        return 68  # 基本称职
    if r < 0.55:
        return 92  # 优秀
    return 83  # 称职


def _on(year: int, month: int, day: int, today: dt.date) -> dt.date:
    return min(dt.date(year, month, day), today)


def _past_year(*, year, units, leaders, rng, user, today, root) -> None:
    """An earlier year's campaign, complete (written directly: the steps' dates are history)."""
    c = Campaign.objects.create(organization=root, year=year, title=f"{year}年度阳光评议", created_by=user)
    CampaignStep.objects.bulk_create(
        [
            CampaignStep(campaign=c, step=s, order=i, completed_on=dt.date(year, 3 + i, 10), summary="已完成")
            for i, s in enumerate(Step.values, start=1)
        ]
    )
    c.completed_on = dt.date(year, 10, 10)
    c.save(update_fields=["completed_on"])
    from . import policies, rules

    weights, th = policies.weights(), policies.thresholds()
    rows = []
    for cadre in leaders:
        score = rules.weighted_score(_score(rng, _base(rng)), weights)
        rows.append(
            Subject(
                campaign=c,
                year=year,
                kind=SubjectKind.LEADER,
                organization_id=cadre.organization_id,
                cadre=cadre,
                post_title="主要负责人",
                score=score,
                grade=rules.grade_for(score, **th),
                graded_on=dt.date(year, 8, 10),
            )
        )
    rows += [
        Subject(campaign=c, year=year, kind=SubjectKind.TEAM, organization=u, score=None, grade="")
        for u in units
    ]
    Subject.objects.bulk_create(rows)


def _this_year(*, year, units, leaders, rng, user, today, root, counts) -> Campaign:
    c = services.campaign_create(
        user=user,
        organization=root,
        year=year,
        note="对乡镇（街道）和市直部门领导班子及主要负责人开展阳光评议。",
    )
    subjects = [
        services.subject_add(user=user, campaign=c, kind=SubjectKind.TEAM, organization=u) for u in units
    ]
    subjects += [
        services.subject_add(user=user, campaign=c, kind=SubjectKind.LEADER, cadre=cadre) for cadre in leaders
    ]
    steps = {s.step: s for s in c.steps.all()}
    plan = {
        Step.SHI: (1, 3),
        Step.FANG: (3, 4),
        Step.SHU: (4, 5),
        Step.YI: (5, 6),
        Step.PING: (6, 7),
        Step.NUO: (7, 8),
        Step.GAI: (8, 11),
    }
    for code, (m1, m2) in plan.items():
        services.step_update(
            user=user,
            step=steps[code],
            planned_start=dt.date(year, m1, 1),
            planned_end=dt.date(year, m2, 20),
            summary={
                Step.SHI: "各单位在门户网站和公开栏公示年度工作承诺。",
                Step.FANG: "评议组走访服务对象、人大代表、政协委员和基层干部群众 1,260 人次。",
                Step.SHU: "各单位主要负责人在评议大会上述职。",
                Step.YI: "评议代表对述职情况进行评议，汇总意见建议 386 条。",
                Step.PING: "按评议主体权重计算综合得分并确定等次。",
                Step.NUO: "评议等次非优秀的对象作出整改承诺并公开。",
                Step.GAI: "整改事项逐项销号。",
            }[code],
        )

    def done(code, month, day):
        services.step_complete(user=user, step=steps[code], on=_on(year, month, day, today), today=today)

    for code, name in ((Step.SHI, "公开承诺书汇编.pdf"), (Step.SHU, "述职报告汇编.pdf")):
        services.step_attachment_add(
            user=user, step=steps[code], file=ContentFile(b"%PDF-1.4 demo\n", name=name)
        )
    done(Step.SHI, 3, 15)
    done(Step.FANG, 4, 18)
    done(Step.SHU, 5, 16)
    done(Step.YI, 6, 12)
    graded_on = _on(year, 7, 10, today)
    for s in subjects:
        services.scores_record(
            user=user,
            subject=s,
            scores=_score(rng, _base(rng)),
            respondents={g: rng.randint(20, 60) for g in EvaluatorGroup.values},
            today=graded_on,
        )
    done(Step.PING, 7, 15)
    subjects = list(Subject.objects.filter(campaign=c))
    for s in subjects:
        if s.grade != Grade.EXCELLENT:
            services.action_item_add(
                user=user,
                subject=s,
                kind=ItemKind.PLEDGE,
                content="针对评议意见公开整改承诺",
                due_date=_on(year, 8, 15, today),
            )
    for s in subjects:
        if s.grade != Grade.EXCELLENT:
            for item in s.items.filter(kind=ItemKind.PLEDGE):
                services.action_item_complete(
                    user=user, item=item, done_on=_on(year, 8, 10, today), result="已公开承诺", today=today
                )
    done(Step.NUO, 8, 20)
    for s in subjects:
        if s.grade in (Grade.BASIC, Grade.INCOMPETENT):
            for text in ("优化办事流程，压缩办理时限", "建立群众反映问题限时回复制度"):
                item = services.action_item_add(
                    user=user,
                    subject=s,
                    kind=ItemKind.RECTIFY,
                    content=text,
                    due_date=_on(year, 10, 31, today),
                )
                services.action_item_complete(
                    user=user, item=item, done_on=_on(year, 10, 20, today), result="已整改到位", today=today
                )
                counts["rectification_items"] += 1
    done(Step.GAI, 11, 10)
    return c


def _democratic(*, year, leaders, rng, user, today, counts) -> None:
    for cadre in leaders:
        n = rng.randint(30, 60)
        ratings = {}
        for item in DemocraticItem.values:
            poor = rng.randint(0, 3)
            fair = rng.randint(0, 8)
            ratings[item] = [n - poor - fair, fair, poor]
        services.democratic_record(
            user=user,
            cadre=cadre,
            year=year,
            held_on=_on(year, 6, 20, today),
            participants=n,
            ratings=ratings,
            note="含生活圈、社交圈、娱乐圈测评",
            today=today,
        )
        counts["democratic_evaluations"] += 1


def _letters(*, year, rng, user, today, counts) -> None:
    """The year's letters: proposed from the candidates (weak grades first, then the cadres
    with the most warning signals), 27 sent (most acknowledged), a few left to decide."""
    on = _on(year, 11, 15, today)
    found = selectors.letter_candidates(user=user, year=year)
    ranked = sorted(
        found.items(), key=lambda kv: (not any("阳光评议" in r for r in kv[1]), -len(kv[1]), kv[0])
    )
    cadres = Cadre.objects.in_bulk([cid for cid, _r in ranked[: LETTERS + PENDING_LETTERS]])
    letters = [
        services.care_letter_propose(user=user, cadre=cadres[cid], year=year, reasons=reasons, today=on)
        for cid, reasons in ranked[: LETTERS + PENDING_LETTERS]
    ]
    for i, letter in enumerate(letters[:LETTERS]):
        services.care_letter_send(user=user, letter=letter, sent_on=_on(year, 11, 18, today), today=today)
        if i % 5 != 4:
            services.care_letter_acknowledge(
                user=user,
                letter=letter,
                acknowledged_on=_on(year, 11, 25, today),
                acknowledgement="已收到，认真对照检查，按要求整改。",
                today=today,
            )
    counts["care_letters"] = len(letters)


def seed(*, today: dt.date, rng, stdout) -> None:
    root = Organization.objects.filter(parent__isnull=True).order_by("id").first()
    user = User.objects.filter(username="zuzhibu").first()
    if root is None or user is None:
        stdout.write("阳光评议：没有单位或组织部账号，跳过。\n")
        return
    if Campaign.objects.exists():
        stdout.write("阳光评议：已有演示数据，跳过。\n")
        return
    import pghistory

    counts: Counter = Counter()
    year = today.year
    units = _units(root)
    leaders = _leaders(units, today)
    with pghistory.context(username=user.get_username(), command="seed_demo"), transaction.atomic():
        for past in (year - 2, year - 1):
            _past_year(year=past, units=units, leaders=leaders, rng=rng, user=user, today=today, root=root)
        _this_year(
            year=year, units=units, leaders=leaders, rng=rng, user=user, today=today, root=root, counts=counts
        )
        _democratic(year=year, leaders=leaders, rng=rng, user=user, today=today, counts=counts)
        _letters(year=year, rng=rng, user=user, today=today, counts=counts)
    stdout.write(f"阳光评议：{dict(counts)}\n")
    stdout.write(f"阳光评议：{report(year)}\n")


def report(year: int) -> dict:
    f = selectors.figures(user=SYSTEM, year=year)
    return {
        "subjects": f["subjects"],
        "by_grade": f["by_grade"],
        "care_letters_sent": f["care_letters"]["sent"],
        "care_letters_by_status": f["care_letters"]["by_status"],
        "items": f["items"],
        "democratic_evaluations": f["democratic_evaluations"],
        "weak_grade_warnings": len(selectors.collect_weak_grades(SYSTEM)),
        "letters_status": dict(
            Counter(CareLetter.objects.filter(year=year).values_list("status", flat=True))
        ),
    }
