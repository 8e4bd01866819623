"""Demo data of the petitions app over the demo city: a year of petitions from every channel
(来信、来访、网络、电话 and 12380), disposed of in every way, most concluded with a result,
some named with feedback, some overdue and escalated; two townships carry many petitions so
that they appear as suggestions on the audit plan."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction

from cadres.choices import CadreStatus, OrgKind
from cadres.models import Cadre, Organization

from . import services
from .choices import Channel, Disposal, Result, TalkForm
from .models import Petition, ProblemCategory

TOPICS = [
    (
        "违规插手工程项目",
        "integrity",
        "反映其利用职务便利，为亲属承揽本镇道路硬化工程提供帮助，工程质量存在问题。",
    ),
    ("违规收受礼金", "integrity", "反映其在春节期间收受辖区企业负责人所送礼金、购物卡，金额较大。"),
    ("公车私用", "eight_rules", "反映其多次在周末驾驶单位公务用车接送子女上学、外出游玩。"),
    ("选人用人不公", "organizational", "反映单位近期提拔的中层干部未经民主推荐，存在任人唯亲问题。"),
    ("违规吃喝", "eight_rules", "反映其经常在辖区农家乐接受宴请，饮酒至深夜，影响恶劣。"),
    ("工作作风粗暴", "mass", "反映其对前来办事的群众态度恶劣，推诿扯皮，长期不予解决。"),
    ("征地补偿不公", "mass", "反映征地拆迁补偿标准执行不一，村干部亲属多领补偿款。"),
    ("违规经商办企业", "integrity", "反映其配偶以他人名义在辖区开办建材公司，承接本单位采购。"),
    ("失职失责", "duty", "反映其分管领域安全生产监管不到位，发生事故后隐瞒不报。"),
    ("生活作风问题", "life", "反映其八小时以外社交圈复杂，与不法商人交往密切。"),
]
REPORTERS = [
    ("张某某", "138****1234", "某镇某村"),
    ("李某", "139****5678", "某小区"),
    ("王某某", "137****2468", "某街道"),
]


def seed(*, today: dt.date, rng, stdout) -> None:
    if Petition.objects.exists():
        stdout.write("信访举报：已有演示数据，跳过。")
        return
    jiwei = User.objects.filter(username="jiwei").first()
    ganbuke = (
        User.objects.filter(username="ganbuke").first() or User.objects.filter(username="zuzhibu").first()
    )
    if jiwei is None or not Cadre.objects.exists():
        stdout.write("信访举报：没有纪检监察演示账号或干部，跳过。")
        return
    with transaction.atomic():
        counts = _seed(today=today, rng=rng, jiwei=jiwei, org_user=ganbuke)
    stdout.write(
        "信访举报：{total} 件（{channels}）；处置 {disposals}；办结 {concluded} 件，其中属实或部分属实 {subst} 件；"
        "超期督办 {escalated} 件。".format(**counts)
    )


def _seed(*, today: dt.date, rng, jiwei: User, org_user: User | None) -> dict:
    categories = {c.code: c for c in ProblemCategory.objects.all()}
    townships = list(Organization.objects.filter(kind=OrgKind.TOWNSHIP).order_by("path"))
    units = townships + list(Organization.objects.filter(kind=OrgKind.CITY_ORGAN).order_by("path"))[:10]
    heavy = townships[:2]
    by_org: dict[int, list[Cadre]] = {}
    for c in Cadre.objects.filter(status=CadreStatus.ACTIVE, organization__in=units).order_by("id"):
        by_org.setdefault(c.organization_id, []).append(c)
    units = [u for u in units if by_org.get(u.pk)]
    heavy = [u for u in heavy if by_org.get(u.pk)]
    channels = [Channel.LETTER, Channel.VISIT, Channel.WEB, Channel.PHONE, Channel.P12380]
    # (disposal, talk form, result): every disposal; talks and verifications end in every result.
    plans = [
        (Disposal.TALK_INQUIRY, TalkForm.WRITTEN_INQUIRY, Result.FALSE),
        (Disposal.TALK_INQUIRY, TalkForm.ADMONISHMENT, Result.PARTLY),
        (Disposal.PRELIMINARY, "", Result.TRUE),
        (Disposal.PRELIMINARY, "", Result.UNVERIFIABLE),
        (Disposal.CLOSED, "", Result.FALSE),
        (Disposal.SHELVED, "", ""),
        (Disposal.PRELIMINARY, "", ""),
        (Disposal.TALK_INQUIRY, TalkForm.WRITTEN_INQUIRY, ""),
        ("", "", ""),
    ]
    n = 72
    for i in range(n):
        org = heavy[(i // 4) % len(heavy)] if heavy and i % 4 == 0 else units[i % len(units)]
        cadre = rng.choice(by_org[org.pk])
        channel = channels[i % len(channels)]
        title, cat, content = TOPICS[i % len(TOPICS)]
        if channel == Channel.P12380:
            title, cat = "选人用人问题举报", "organizational"
            content = "通过12380平台举报：反映该单位干部选拔任用中存在“带病提拔”、程序不规范问题。"
        received = today - dt.timedelta(days=int(360 * (n - i) / n))
        named = i % 3 == 0
        handler = org_user if channel == Channel.P12380 and org_user is not None else jiwei
        p = services.petition_create(
            user=handler,
            title=f"反映{cadre.name}{title}",
            channel=channel,
            received_on=received,
            organization=org,
            content=f"{content}（{org.name}）",
            handler=handler,
            cadres=[cadre],
            categories=[categories[cat]] if cat in categories else [],
            anonymous=not named,
            reporter={
                "name": REPORTERS[i % 3][0],
                "phone": REPORTERS[i % 3][1],
                "address": REPORTERS[i % 3][2],
            }
            if named
            else None,
            today=today,
        )
        disposal, form, result = plans[i % len(plans)]
        age = (today - received).days
        if disposal and age >= 10:
            decided = received + dt.timedelta(days=min(15, age // 2))
            p = services.petition_dispose(
                user=handler,
                petition=p,
                disposal=disposal,
                decided_on=decided,
                note=f"经集体研究，按“{Disposal(disposal).label}”方式处置。",
                talk_form=form,
                today=today,
            )
            if result and age >= 40:
                concluded = decided + dt.timedelta(days=min(30, (today - decided).days))
                p = services.petition_conclude(
                    user=handler,
                    petition=p,
                    result=result,
                    concluded_on=concluded,
                    note=f"经核查，反映问题{Result(result).label}。",
                    today=today,
                )
                if named:
                    services.petition_feedback(
                        user=handler,
                        petition=p,
                        given_on=concluded,
                        note="已当面向举报人反馈办理结果，举报人表示认可。",
                        today=today,
                    )
    escalated = services.escalate_overdue(today)
    rows = Petition.objects.all()
    return {
        "total": rows.count(),
        "channels": "、".join(f"{c.label}{rows.filter(channel=c.value).count()}" for c in Channel),
        "disposals": "、".join(f"{d.label}{rows.filter(disposal=d.value).count()}" for d in Disposal),
        "concluded": rows.exclude(result="").count(),
        "subst": rows.filter(result__in=[Result.TRUE, Result.PARTLY]).count(),
        "escalated": escalated,
    }
