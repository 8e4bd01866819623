"""A synthetic city shaped like `seed_demo`'s (townships and city organs with 一把手, deputies,
middle-level key posts, long tenures, some second-line cadres) for testing the demo seeder
before the real seed_demo is merged. `build(n_towns, n_organs, rng)`."""

from __future__ import annotations

import datetime as dt

from cadres.choices import CadreStatus, KeyCategory, OrgKind, TopLeaderKind
from cadres.models import Appointment, Cadre, Organization, Post
from tests.factories import CadreFactory, OrganizationFactory, make_user

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰飞鹏辉斌宇浩凯健俊帆晨"


def _name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def build(n_towns: int, n_organs: int, rng, today: dt.date):
    city = OrganizationFactory(name="临江市", kind=OrgKind.CITY)
    towns = [
        OrganizationFactory(name=f"第{i + 1}镇", kind=OrgKind.TOWNSHIP, parent=city, sort_order=i)
        for i in range(n_towns)
    ]
    organs = [
        OrganizationFactory(name=f"市第{i + 1}局", kind=OrgKind.CITY_ORGAN, parent=city, sort_order=100 + i)
        for i in range(n_organs)
    ]
    appts = []

    def cadre(org, age_lo, age_hi, status=CadreStatus.ACTIVE):
        birth = today - dt.timedelta(days=int(365.25 * rng.randint(age_lo, age_hi)) + rng.randint(0, 300))
        return CadreFactory(
            name=_name(rng), organization=org, birth_date=birth, gender=rng.choice("MF"), status=status
        )

    def hold(org, post, age_lo, age_hi, years_lo, years_hi):
        c = cadre(org, age_lo, age_hi)
        start = today - dt.timedelta(days=int(365.25 * rng.uniform(years_lo, years_hi)))
        appts.append(Appointment(cadre=c, post=post, start_date=start))

    for t in towns:
        sec = Post.objects.create(organization=t, title="党委书记", top_leader_kind=TopLeaderKind.PARTY)
        head = Post.objects.create(organization=t, title="镇长", top_leader_kind=TopLeaderKind.ADMIN)
        hold(t, sec, 42, 55, 2, 11.5)
        hold(t, head, 38, 50, 1, 9.6)
        for k in range(6):
            p = Post.objects.create(organization=t, title=f"副镇长{k + 1}")
            hold(t, p, 35, 59, 1, 12)
    for o in organs:
        head = Post.objects.create(organization=o, title="局长", top_leader_kind=TopLeaderKind.ADMIN)
        party = Post.objects.create(organization=o, title="党组书记", top_leader_kind=TopLeaderKind.PARTY)
        hold(o, head, 42, 56, 1, 11)
        hold(o, party, 42, 56, 1, 11)
        for k in range(4):
            hold(o, Post.objects.create(organization=o, title=f"副局长{k + 1}"), 38, 59, 1, 12)
        for k, title in enumerate(["财务科科长", "人事科科长", "办公室主任", "审批科科长"]):
            key = (
                [KeyCategory.FINANCE]
                if k == 0
                else [KeyCategory.PERSONNEL]
                if k == 1
                else [KeyCategory.LICENSING]
                if k == 3
                else []
            )
            p = Post.objects.create(
                organization=o,
                title=title,
                is_middle_level=True,
                key_categories=key,
                key_reason="管财管人审批" if key else "",
            )
            hold(o, p, 32, 55, 1, 8)
    Appointment.objects.bulk_create(appts)
    for i in range(max(n_towns, 4)):
        org = rng.choice(towns + organs)
        c = cadre(org, 55, 59, CadreStatus.SECOND_LINE)
        p = Post.objects.create(organization=org, title=f"原副职{i}")
        Appointment.objects.create(
            cadre=c,
            post=p,
            start_date=today - dt.timedelta(days=4000),
            end_date=today - dt.timedelta(days=rng.randint(300, 1500)),
        )
    make_user("zuzhibu", "org_staff", [city], jurisdiction="全市")
    make_user("zhuanguanyuan", "unit_liaison", [towns[0]], jurisdiction="第1镇")
    return city, Cadre.objects.count(), Organization.objects.count()
