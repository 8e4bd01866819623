"""Demo data: two yearly cycles (the year before last, all but a few submitted; last year with
submitted, late and missing reports) for every city-managed cadre of the demo city, random
draws with outcomes of each kind, and major-matter reports by top leaders. (The targeted
checks and report publicity of promotion candidates follow the selection demo: see
`seed_report_publicity`, run from `selection_hooks.seed_selection_checks`.)

Report contents are generated per cadre (a stable household profile that changes a
little from one year to the next, so the year-on-year comparison has something to show),
validated with the same rules as the form, and bulk-inserted; the workflow steps (draws,
verification outcomes, publicity, major matters) go through the services."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from cadres import publicity
from cadres.bulk import copy_insert, copy_rows, copy_update
from cadres.choices import FeedbackChannel
from cadres.models import Appointment

from . import rules, selectors, services
from .choices import (
    Circle,
    EvidenceSource,
    Handling,
    MajorMatterKind,
    Outcome,
    ReportStatus,
    VerificationStatus,
    VersionStatus,
)
from .models import (
    ItemAnswer,
    MajorMatterReport,
    PersonalReport,
    ReportCycle,
    ReportEntry,
    ReportItem,
    ReportVersion,
    Verification,
    VerificationAssignment,
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
]
DISTRICTS = ["城东区", "城西区", "高新区", "滨江区", "开发区"]
ROADS = ["人民路", "解放路", "建设路", "文化路", "中山路", "滨江路", "学院路"]
STOCKS = ["贵州茅台", "中国平安", "招商银行", "宁德时代", "工商银行", "长江电力"]
FUNDS = ["易方达蓝筹精选混合", "华夏沪深300ETF联接", "南方中证500ETF", "富国天惠成长混合"]
INSURANCE = ["平安福两全保险（分红型）", "国寿鑫享年金（万能型）"]
EMPLOYERS = ["市第一人民医院", "市实验中学", "市农商银行", "某科技有限公司", "市自然资源局", "某律师事务所"]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _profile(rng: random.Random, cadre) -> dict:
    married = rng.random() < 0.93
    return {
        "spouse": _name(rng) if married else "",
        "child": _name(rng) if married and rng.random() < 0.85 else "",
        "child_works": rng.random() < 0.5,
        "salary": Decimal(rng.randint(150, 260)) / 10,
        "bonus": Decimal(rng.randint(10, 60)) / 10,
        "homes": [
            {
                "address": f"{rng.choice(DISTRICTS)}{rng.choice(ROADS)}{rng.randint(1, 300)}号{rng.randint(1, 30)}幢{rng.randint(101, 2802)}室",
                "area": Decimal(rng.randint(70, 180)),
                "share": rng.choice([Decimal(100), Decimal(50)]),
                "use": "住宅",
                "owner": "本人" if rng.random() < 0.5 else "本人、配偶",
                "price": Decimal(rng.randint(60, 400)),
                "acquired_on": dt.date(rng.randint(2003, 2020), rng.randint(1, 12), rng.randint(1, 28)),
            }
            for _ in range(rng.choice([1, 1, 1, 2, 2, 3]))
        ],
        "securities": [
            (kind, rng.choice(pool), Decimal(rng.randint(5, 800)) / 10)
            for kind, pool in (("股票", STOCKS), ("基金", FUNDS), ("投资型保险", INSURANCE))
            if rng.random() < 0.35
        ],
        "passport": rng.random() < 0.3,
        "business": married and rng.random() < 0.06,
        "lecture": rng.random() < 0.12,
    }


def _content(
    rng: random.Random, p: dict, year: int, spouse_employer: str
) -> dict[str, tuple[bool, list[dict]]]:
    c: dict[str, tuple[bool, list[dict]]] = {}
    c["F1"] = (
        False,
        [{"marital_status": "已婚" if p["spouse"] else "未婚", "spouse_name": p["spouse"], "changed_on": ""}],
    )
    if p["passport"]:
        entries = [
            {
                "record_type": "证件",
                "doc_no": f"E{rng.randint(10000000, 99999999)}",
                "issued_on": f"{year - 3}-05-10",
                "kept_by": "市委组织部",
            }
        ]
        if rng.random() < 0.4:
            start = dt.date(year, rng.randint(1, 11), rng.randint(1, 20))
            entries.append(
                {
                    "record_type": "出行",
                    "destination": rng.choice(["日本", "泰国", "新加坡", "法国"]),
                    "trip_start": start.isoformat(),
                    "trip_end": (start + dt.timedelta(days=rng.randint(4, 9))).isoformat(),
                    "purpose": "旅游",
                }
            )
        c["F2"] = (False, entries)
    else:
        c["F2"] = (True, [])
    for code in ("F3", "F4", "F5", "F6", "F8"):
        c[code] = (True, [])
    emp = []
    if p["spouse"]:
        emp.append(
            {
                "relation": "配偶",
                "name": p["spouse"],
                "employer": spouse_employer,
                "position": "职员",
                "employer_kind": "事业单位",
            }
        )
    if p["child"] and p["child_works"]:
        emp.append(
            {
                "relation": "子女",
                "name": p["child"],
                "employer": "某科技有限公司",
                "position": "工程师",
                "employer_kind": "私营企业",
            }
        )
    c["F7"] = (not emp, emp)
    c["P1"] = (
        False,
        [
            {"income_kind": "工资", "amount": str(p["salary"])},
            {"income_kind": "奖金", "amount": str(p["bonus"])},
        ],
    )
    c["P2"] = (
        (
            False,
            [{"income_kind": "讲学", "payer": "市委党校", "amount": str(Decimal(rng.randint(2, 30)) / 10)}],
        )
        if p["lecture"]
        else (True, [])
    )
    c["P3"] = (
        False,
        [
            {
                "owner": h["owner"],
                "address": h["address"],
                "area": str(h["area"]),
                "use": h["use"],
                "acquired_on": h["acquired_on"].isoformat(),
                "share": str(h["share"]),
                "price": str(h["price"]),
            }
            for h in p["homes"]
        ],
    )
    c["P4"] = (
        not p["securities"],
        [
            {
                "holder": "本人" if i % 2 == 0 else "配偶",
                "product_kind": k,
                "product_name": n,
                "amount": str(a),
            }
            for i, (k, n, a) in enumerate(p["securities"])
        ],
    )
    c["P5"] = (
        (
            False,
            [
                {
                    "relation": "配偶",
                    "name": p["spouse"],
                    "business_name": f"{p['spouse']}餐饮店",
                    "business_kind": "个体工商户",
                    "role": "经营者",
                    "share": "100",
                    "capital": "10",
                }
            ],
        )
        if p["business"]
        else (True, [])
    )
    c["P6"] = (True, [])
    return c


def _evolve(rng: random.Random, p: dict) -> dict:
    """Next year's household: a raise, sometimes a new fund, a sale or a purchase."""
    q = {**p, "homes": list(p["homes"]), "securities": list(p["securities"])}
    q["salary"] = (p["salary"] * Decimal("1.04")).quantize(Decimal("0.1"))
    q["bonus"] = Decimal(rng.randint(10, 60)) / 10
    r = rng.random()
    if r < 0.12:
        q["securities"].append(("基金", rng.choice(FUNDS), Decimal(rng.randint(5, 300)) / 10))
    elif r < 0.2 and q["securities"]:
        q["securities"].pop()
    elif r < 0.26:
        q["homes"].append(
            {
                "address": f"{rng.choice(DISTRICTS)}{rng.choice(ROADS)}{rng.randint(1, 300)}号{rng.randint(1, 30)}幢{rng.randint(101, 2802)}室",
                "area": Decimal(rng.randint(80, 140)),
                "share": Decimal(100),
                "use": "住宅",
                "owner": "本人、配偶",
                "price": Decimal(rng.randint(100, 300)),
                "acquired_on": dt.date(2025, rng.randint(1, 12), rng.randint(1, 28)),
            }
        )
    q["securities"] = [
        (k, n, (a * Decimal(str(rng.uniform(0.8, 1.3)))).quantize(Decimal("0.1")))
        for k, n, a in q["securities"]
    ]
    return q


FILL_CHUNK = 2_000  # reports written per round (bounded memory at province scale)


def _bulk_fill(cycle: ReportCycle, reports, contents: dict, plan: dict, staff, rng: random.Random) -> None:
    """Insert versions/answers/entries for the planned reports (validated with the rules), a
    chunk of reports at a time."""
    items = {i.code: i for i in ReportItem.objects.filter(catalogue=cycle.catalogue)}
    for start in range(0, len(reports), FILL_CHUNK):
        _fill_chunk(cycle, reports[start : start + FILL_CHUNK], contents, plan, staff, items)
    # The chunks' COPYs leave out their ANALYZE: the tables are analysed once, here.
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(
            "ANALYZE " + ", ".join(qn(m._meta.db_table) for m in (ReportVersion, ItemAnswer, ReportEntry))
        )


def _fill_chunk(cycle: ReportCycle, reports, contents: dict, plan: dict, staff, items) -> None:
    # Rows as tuples (copy_rows), not model instances: the same rows copy_insert wrote.
    version_rows, versioned = [], []
    for r in reports:
        state, when = plan[r.pk]
        if state == "not_started":
            continue
        user_id = r.cadre.user_id
        by = staff.pk if user_id is None else user_id
        submitted = state == "submitted"
        version_rows.append(
            (
                r.pk,
                1,
                VersionStatus.SUBMITTED if submitted else VersionStatus.DRAFT,
                by,
                user_id is None,
                when if submitted else None,
                by if submitted else None,
            )
        )
        versioned.append((r.pk, submitted))
    version_ids = copy_rows(
        ReportVersion,
        ["report_id", "number", "status", "entered_by_id", "on_behalf", "submitted_at", "submitted_by_id"],
        version_rows,
        analyse=False,
    )
    answer_rows, payload = [], []
    for version_id, (report_id, submitted) in zip(version_ids, versioned, strict=True):
        for code, (none, entries) in contents[report_id].items():
            if not submitted and code.startswith("P"):
                continue  # a draft half-filled: property items not yet answered
            item = items[code]
            answer_rows.append((version_id, item.pk, none))
            payload.append((item, entries))
    answer_ids = copy_rows(
        ItemAnswer, ["version_id", "item_id", "nothing_to_report"], answer_rows, analyse=False
    )
    entry_rows = []
    for answer_id, (item, rows) in zip(answer_ids, payload, strict=True):
        for i, data in enumerate(rows):
            clean, errors = rules.validate_entry(item.fields, data, year=cycle.year)
            assert not errors, (item.code, errors)
            entry_rows.append((answer_id, i, clean))
    copy_rows(ReportEntry, ["answer_id", "position", "data"], entry_rows, analyse=False)
    by_report = dict(zip((report_id for report_id, _ in versioned), version_ids, strict=True))
    for r in reports:
        state, when = plan[r.pk]
        r.status = state
        if state == "submitted":
            r.current_version_id = by_report[r.pk]
            r.first_submitted_at = when
    copy_update(PersonalReport, reports, ["status", "current_version", "first_submitted_at"])


def _plan(
    rng: random.Random,
    reports,
    deadline: dt.date,
    *,
    late_share: float,
    missing_share: float,
    draft_share: float,
):
    tz = timezone.get_current_timezone()
    plan = {}
    for r in reports:
        x = rng.random()
        if x < missing_share:
            plan[r.pk] = ("not_started", None)
        elif x < missing_share + draft_share:
            plan[r.pk] = ("draft", None)
        elif x < missing_share + draft_share + late_share:
            day = deadline + dt.timedelta(days=rng.randint(1, 40))
            plan[r.pk] = (
                "submitted",
                dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)), tz),
            )
        else:
            day = deadline - dt.timedelta(days=rng.randint(0, 25))
            plan[r.pk] = (
                "submitted",
                dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)), tz),
            )
    # At least one of each state the shares call for (a small city may otherwise miss one).
    forced = [
        (missing_share, lambda s, w: s == "not_started", ("not_started", None)),
        (draft_share, lambda s, w: s == "draft", ("draft", None)),
        (
            late_share,
            lambda s, w: s == "submitted" and timezone.localdate(w) > deadline,
            ("submitted", dt.datetime.combine(deadline + dt.timedelta(days=9), dt.time(15, 20), tz)),
        ),
    ]
    ids = [r.pk for r in reports]
    for k, (share, present, value) in enumerate(forced):
        if share and len(ids) > 10 and not any(present(*plan[i]) for i in ids):
            plan[ids[-1 - k]] = value
    return plan


# Random-draw verifications recorded through the services (the first of each draw, and every
# one with an omission or concealment); the other consistent ones are written in bulk.
SHOWCASE = 12


def _record_consistent(staff, verifications) -> None:
    """What `services.verification_record` writes for a consistent outcome with the standard
    evidence sources (no item outcome rows), for many verifications in one UPDATE."""
    now = timezone.now()
    report_versions = dict(
        PersonalReport.objects.filter(pk__in=[v.report_id for v in verifications]).values_list(
            "pk", "current_version_id"
        )
    )
    done = []
    for v in verifications:
        version = report_versions.get(v.report_id)
        if version is None:  # not submitted: the service refuses it
            continue
        v.outcome = rules.overall_outcome([])
        v.evidence_sources = [EvidenceSource.REAL_ESTATE, EvidenceSource.SECURITIES, EvidenceSource.BANKING]
        v.handling = Handling.NONE
        v.handling_note = ""
        v.status = VerificationStatus.DONE
        v.version_id = version
        v.completed_by = staff
        v.completed_at = now
        done.append(v)
    copy_update(
        Verification,
        done,
        [
            "outcome",
            "evidence_sources",
            "handling",
            "handling_note",
            "status",
            "version",
            "completed_by",
            "completed_at",
        ],
    )


def _record(staff, v, outcome: str, rng: random.Random, item_code: str | None = None):
    if outcome == Outcome.CONSISTENT:
        return services.verification_record(
            user=staff,
            verification=v,
            item_outcomes={},
            evidence_sources=[EvidenceSource.REAL_ESTATE, EvidenceSource.SECURITIES, EvidenceSource.BANKING],
            handling=Handling.NONE,
        )
    code = item_code or rng.choice(["P3", "P4", "F2", "F7"])
    source = {
        "P3": EvidenceSource.REAL_ESTATE,
        "P4": EvidenceSource.SECURITIES,
        "F2": EvidenceSource.EXIT_ENTRY,
        "F7": EvidenceSource.MARKET_REGULATION,
    }[code]
    if outcome == Outcome.OMISSION:
        note = {
            "P3": "漏报配偶名下车位一处",
            "P4": "漏报配偶持有基金一只（市值约3万元）",
            "F2": "漏报因私出国一次",
            "F7": "漏报子女从业变化",
        }[code]
        handling, hnote = rng.choice(
            [
                (Handling.EDUCATION, "经组织部约谈，本人说明系疏忽，予以批评教育并责令补报。"),
                (Handling.CORRECT, "责令限期补报，已于一周内补报。"),
            ]
        )
    else:
        note = {
            "P3": "隐瞒本人名下商铺一处",
            "P4": "隐瞒大额股票持有",
            "F2": "隐瞒多次因私出境",
            "F7": "隐瞒配偶在私营企业任高管",
        }[code]
        handling, hnote = Handling.ADMONISH, "经市委组织部部务会研究，予以诫勉，一年内不得提拔。"
    return services.verification_record(
        user=staff,
        verification=v,
        item_outcomes={code: {"outcome": outcome, "evidence_source": source, "note": note}},
        evidence_sources=[source, EvidenceSource.BANKING],
        handling=handling,
        handling_note=hnote,
    )


def seed(*, today: dt.date, rng: random.Random, stdout) -> None:
    User = get_user_model()
    staff = (
        User.objects.filter(username="zuzhibu", is_active=True).first()
        or User.objects.filter(is_superuser=True).first()
    )
    if staff is None:
        stdout.write("reports: no zuzhibu or superuser account, skipped.")
        return
    verifier = User.objects.filter(username="ganbuke", is_active=True).first()
    rng = random.Random(rng.random())
    last, before = today.year - 1, today.year - 2
    with transaction.atomic():
        if ReportCycle.objects.filter(year__in=[last, before]).exists():
            stdout.write("reports: demo cycles already exist, skipped.")
            return
        services.ensure_catalogue()
        cycles = {}
        for year in (before, last):
            cycles[year] = services.cycle_open(user=staff, year=year, today=today)
        reports_before = list(PersonalReport.objects.filter(cycle=cycles[before]).select_related("cadre"))
        reports_last = list(PersonalReport.objects.filter(cycle=cycles[last]).select_related("cadre"))
        profiles, c_before, c_last = {}, {}, {}
        for r in reports_before:
            profiles[r.cadre_id] = _profile(rng, r.cadre)
        employers = {cid: rng.choice(EMPLOYERS) for cid in profiles}
        for r in reports_before:
            c_before[r.pk] = _content(rng, profiles[r.cadre_id], before, employers[r.cadre_id])
        for r in reports_last:
            p = profiles.get(r.cadre_id) or _profile(rng, r.cadre)
            c_last[r.pk] = _content(rng, _evolve(rng, p), last, employers.get(r.cadre_id, EMPLOYERS[0]))
        plan_before = _plan(
            rng, reports_before, cycles[before].deadline, late_share=0.05, missing_share=0.01, draft_share=0.0
        )
        plan_last = _plan(
            rng, reports_last, cycles[last].deadline, late_share=0.07, missing_share=0.04, draft_share=0.02
        )
        # The cadre with a linked account (demo user "ganbu") has submitted last year's report.
        for r in reports_last:
            if r.cadre.user_id and r.cadre.user.username == "ganbu":
                plan_last[r.pk] = (
                    "submitted",
                    dt.datetime.combine(
                        cycles[last].deadline - dt.timedelta(days=3),
                        dt.time(10),
                        timezone.get_current_timezone(),
                    ),
                )
        _bulk_fill(cycles[before], reports_before, c_before, plan_before, staff, rng)
        _bulk_fill(cycles[last], reports_last, c_last, plan_last, staff, rng)

        # Random draws: the year before last (all checked, consistent but two), then last year.
        draw_before = services.sample_draw_create(
            user=staff, cycle=cycles[before], seed=f"demo-{before}-{rng.randint(1000, 9999)}", today=today
        )
        verifs_before = list(draw_before.verifications.select_related("report").order_by("id"))
        for v in verifs_before[:2]:
            _record(staff, v, Outcome.OMISSION, rng)
        _record_consistent(staff, verifs_before[2:])
        draw_last = services.sample_draw_create(
            user=staff, cycle=cycles[last], seed=f"demo-{last}-{rng.randint(1000, 9999)}", today=today
        )
        verifs = list(draw_last.verifications.select_related("report", "report__cadre").order_by("id"))
        n = len(verifs)
        small = n < 20
        plan_outcomes = [Outcome.CONCEALMENT] * (1 if small else 2) + [Outcome.OMISSION] * (1 if small else 4)
        pending = 0 if n < 6 else max(3, n // 5)
        plan_outcomes += [Outcome.CONSISTENT] * max(0, n - len(plan_outcomes) - pending)
        assigned = []
        for i, v in enumerate(verifs):
            if verifier is not None and i % 3 == 0:
                if i < SHOWCASE:
                    services.verification_assign(user=staff, verification=v, verifier=verifier)
                elif v.report.cadre.user_id != verifier.pk:
                    assigned.append(VerificationAssignment(verification=v, user=verifier))
        copy_insert(VerificationAssignment, assigned)
        for i, v in enumerate(verifs[: min(SHOWCASE, len(plan_outcomes))]):
            _record(staff, v, plan_outcomes[i], rng)
        _record_consistent(staff, verifs[SHOWCASE : len(plan_outcomes)])
        # the rest stay pending: verification still in progress

        # Major-matter reports by current top leaders (党政正职), including social ties (三圈).
        tops = list(
            Appointment.objects.current(today).top_leaders().select_related("cadre").order_by("id")[:200]
        )
        rng.shuffle(tops)
        kinds = [
            (MajorMatterKind.SOCIAL_TIES, "年度社会交往（“三圈”）情况报告"),
            (MajorMatterKind.CELEBRATION, "为子女操办婚礼"),
            (MajorMatterKind.FAMILY_ABROAD, "子女出国留学"),
            (MajorMatterKind.SOCIAL_TIES, "与企业负责人交往情况"),
            (MajorMatterKind.FAMILY_BUSINESS, "配偶个体经营情况变化"),
            (MajorMatterKind.MARRIAGE_CHANGE, "本人再婚"),
            (MajorMatterKind.SOCIAL_TIES, "同学聚会及校友会活动"),
            (MajorMatterKind.OTHER, "亲属涉及民事诉讼"),
        ]
        made = 0
        for appt, (kind, title) in zip(tops, kinds, strict=False):
            occurred = max(today - dt.timedelta(days=rng.randint(20, 200)), appt.start_date)
            reported = min(today, occurred + dt.timedelta(days=rng.randint(1, 15)))
            ties = []
            if kind == MajorMatterKind.SOCIAL_TIES:
                ties = [
                    {
                        "circle": Circle.LIFE,
                        "person": _name(rng),
                        "relation": "邻居",
                        "occupation": "退休教师",
                        "note": "日常往来",
                    },
                    {
                        "circle": Circle.SOCIAL,
                        "person": _name(rng),
                        "relation": "大学同学",
                        "occupation": "某建设集团有限公司总经理",
                        "note": "每年同学聚会一次，无经济往来",
                    },
                    {
                        "circle": Circle.ENTERTAINMENT,
                        "person": _name(rng),
                        "relation": "球友",
                        "occupation": "个体经营者",
                        "note": "周末打羽毛球",
                    },
                ]
            services.major_matter_create(
                user=staff,
                cadre=appt.cadre,
                kind=kind,
                title=title,
                occurred_on=occurred,
                reported_on=reported,
                description=f"{title}。本人已按规定向组织报告，无违规收受礼金、无利益冲突情况。",
                ties=ties,
                today=today,
            )
            made += 1

    s = selectors.cycle_summary(PersonalReport.objects.filter(cycle=cycles[last]), today)
    done = Verification.objects.filter(draw__cycle=cycles[last], status=VerificationStatus.DONE)
    stdout.write(
        f"reports: {last}年度 {s['total']} 人应报，已提交 {s['submitted']}（其中逾期 {s['submitted_late']}），"
        f"填报中 {s['draft']}，未填报 {s['not_started']}；随机抽查 {len(draw_last.selected)} 人"
        f"（一致 {done.filter(outcome=Outcome.CONSISTENT).count()}、漏报 {done.filter(outcome=Outcome.OMISSION).count()}、"
        f"瞒报 {done.filter(outcome=Outcome.CONCEALMENT).count()}，待查 {len(draw_last.selected) - done.count()}）；"
        f"重大事项报告 {MajorMatterReport.objects.count()}（本次 {made}）；{before}年度抽查 {len(draw_before.selected)} 人。"
    )


def seed_report_publicity(*, staff, verifications, today: dt.date) -> int:
    """The report publicity (报告表公示) of promotion candidates whose targeted check is done:
    the first ended, with a phone call handled; the second running, with a letter handled and
    a web message still open. Returns the number of notices posted."""
    posted = 0
    plans = [
        (
            20,
            "本单位公示栏及内网",
            [
                (
                    1,
                    FeedbackChannel.PHONE,
                    "反映其配偶经商情况，请组织核实。",
                    "经核实，其配偶经营个体餐饮店，已如实报告，反映不属实。",
                ),
            ],
        ),
        (
            1,
            "本单位一楼公示栏",
            [
                (
                    0,
                    FeedbackChannel.LETTER,
                    "反映其工作作风问题。",
                    "经了解，所反映问题不属于个人有关事项范围，已转干部科在考察中一并了解。",
                ),
                (1, FeedbackChannel.WEB, "反映其在外地有一处未报告的房产。", ""),
            ],
        ),
    ]
    eligible = [v for v in verifications if v.report.status == ReportStatus.SUBMITTED]
    for v, (days_ago, location, feedback) in zip(eligible, plans, strict=False):
        notice = services.notice_create(
            user=staff,
            verification=v,
            start_date=today - dt.timedelta(days=days_ago),
            location=location,
            today=today,
        )
        posted += 1
        for offset, channel, content, handling in feedback:
            received = min(today, notice.start_date + dt.timedelta(days=offset))
            fb = publicity.publicity_feedback_add(
                user=staff,
                publicity=notice,
                received_on=received,
                channel=channel,
                content=content,
                today=today,
            )
            if handling:
                publicity.publicity_feedback_handle(user=staff, feedback=fb, handling=handling)
    return posted
