"""Demo data for the interviews app, over the demo city built by `manage.py seed_demo`.

Assignment table (shuji and shizhang as principal leaders, fenguan and two vice-mayors in
charge of city organs, ganbuke covering townships and departments, zuzhibu city-wide,
five line leaders, a handful of unit heads from current 一把手), plans for last year and
this year, a mix of done and overdue talks, special-topic talks, admonishments and
written inquiries, follow-ups; then one sweep so the notification centre has reminders.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from cadre_supervision.permissions import grant_role, role_group_name
from cadres.bulk import copy_insert
from cadres.choices import LineRole, OrgKind
from cadres.models import Appointment, Cadre, Organization

from .choices import InterviewerRole, InterviewKind, SpecialTrigger
from .models import FollowUp, InterviewAssignment, InterviewParticipant, InterviewRecord, RequiredTalk

PASSWORD = "demo12345"

LINE_LEADERS = [
    ("tiaoxian_zuzhi", "组织部长", "王", LineRole.ORGANIZATION),
    ("tiaoxian_xuanchuan", "宣传部长", "刘", LineRole.PUBLICITY),
    ("tiaoxian_tongzhan", "统战部长", "陈", LineRole.UNITED_FRONT),
    ("tiaoxian_zhengfa", "政法委书记", "杨", LineRole.POLITICAL_LEGAL),
    ("tiaoxian_renwu", "军分区政委", "赵", LineRole.ARMED_FORCES),
]
VICE_MAYORS = [("fushizhang_li", "副市长", "李"), ("fushizhang_zhou", "副市长", "周")]

TOPICS = [
    "思想动态与工作作风",
    "班子团结与民主集中制执行",
    "党风廉政建设责任制落实",
    "重点工作推进与个人困难",
    "八小时以外生活圈、社交圈",
    "干部队伍建设与年轻干部培养",
]
SUMMARIES = [
    "谈话对象对照岗位职责谈了近期思想和工作情况，表示将严格落实“一岗双责”。谈话人肯定了成绩，指出了班子协调方面的不足，提出了改进要求。",
    "围绕廉洁自律开展谈话，提醒其管好身边人、管好“三圈”，谈话对象表示虚心接受、认真整改。",
    "了解其分管领域重点项目推进情况和遇到的困难，交流了干部队伍建设的意见建议。",
    "针对群众反映的工作作风问题进行谈话，谈话对象作了说明，表示将改进工作方法，主动接受监督。",
]
ISSUES = ["", "", "反映单位编制紧张、人员老化", "希望加强年轻干部培训", "家庭有老人需要照顾", ""]
PLACES = ["市委组织部谈话室", "市委小会议室", "市政府会议室", "所在单位会议室"]


_HASH: list[str] = []


def _user(username: str, display_name: str, group: Group) -> User:
    if not _HASH:  # hashing is slow on purpose: hash the demo password once
        from django.contrib.auth.hashers import make_password

        _HASH.append(make_password(PASSWORD))
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": display_name, "is_active": True, "password": _HASH[0]}
    )
    user.groups.add(group)
    return user


def _rand_date(rng, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def seed(*, today: dt.date, rng, stdout) -> None:
    root = Organization.objects.filter(parent__isnull=True).order_by("id").first()
    if root is None or not Cadre.objects.exists():
        stdout.write("谈心谈话：没有单位或干部，跳过。")
        return
    if InterviewAssignment.objects.exists():
        stdout.write("谈心谈话：已有演示数据，跳过。")
        return
    with transaction.atomic():
        _seed(today=today, rng=rng, stdout=stdout, root=root)
    from cadre_supervision.models import Notification
    from cadre_supervision.notifications import run_sweep

    result = run_sweep(today, deliver=False)
    # Demo reminders are in-app only: do not mail hundreds of them on first start.
    Notification.objects.filter(emailed_at__isnull=True).update(emailed_at=timezone.now())
    stdout.write(f"谈心谈话：提醒扫描生成 {result.created} 条通知（用时 {result.seconds:.2f} 秒）。")


def _seed(*, today: dt.date, rng, stdout, root: Organization) -> None:
    from . import services

    named = {
        u.username: u
        for u in User.objects.filter(
            username__in=["shuji", "shizhang", "fenguan", "ganbuke", "zuzhibu", "jiwei"]
        )
    }
    group, _ = Group.objects.get_or_create(name=role_group_name("supervisor", "谈话人（演示）"))
    grant_role(group, "supervisor", [])
    townships = list(Organization.objects.filter(kind=OrgKind.TOWNSHIP).order_by("path"))
    organs = list(Organization.objects.filter(kind=OrgKind.CITY_ORGAN).order_by("path"))
    units = list(
        Organization.objects.filter(kind__in=[OrgKind.CITY_ORGAN, OrgKind.INSTITUTION, OrgKind.SOE]).order_by(
            "path"
        )
    )
    rows: list[InterviewAssignment] = []

    def assign(role, user, org, line_role="", note=""):
        if user is not None and org is not None:
            rows.append(
                InterviewAssignment(role=role, user=user, organization=org, line_role=line_role, note=note)
            )

    # Principal leaders: the party secretary talks to township 党政正职, the mayor to city units'.
    assign(InterviewerRole.PRINCIPAL, named.get("shizhang"), root, note="市级部门、单位党政正职")
    for t in townships:
        assign(InterviewerRole.PRINCIPAL, named.get("shuji"), t, note="乡镇（街道）党政正职")
    if "shizhang" not in named:
        assign(InterviewerRole.PRINCIPAL, named.get("shuji"), root)
    # City leaders in charge: fenguan and two vice-mayors share the city units; two are left
    # without one on purpose (a visible gap for staff to fix).
    leaders = [named.get("fenguan")] + [_user(u, f"{last}{title}", group) for u, title, last in VICE_MAYORS]
    leaders = [u for u in leaders if u is not None]
    for i, org in enumerate(units[:-2] if len(units) > 4 else units):
        assign(InterviewerRole.IN_CHARGE, leaders[i % len(leaders)], org)
    # Organization department: zuzhibu city-wide (and escalations), ganbuke for townships and departments.
    assign(InterviewerRole.ORG_DEPT, named.get("zuzhibu"), root, note="部领导（全市）")
    for org in townships + organs:
        assign(InterviewerRole.ORG_DEPT, named.get("ganbuke"), org, note="干部科")
    # Line leaders of the city party committee.
    for username, title, last, line in LINE_LEADERS:
        assign(InterviewerRole.LINE_LEADER, _user(username, f"{last}{title}", group), root, line_role=line)
    # A handful of unit heads, from current party secretaries.
    heads = (
        Appointment.objects.current(today)
        .filter(post__top_leader_kind="party", cadre__user__isnull=True)
        .select_related("cadre", "post__organization")
        .order_by("post__organization__path")[:6]
    )
    for n, appt in enumerate(heads, start=1):
        u = _user(f"danwei{n}", appt.cadre.name, group)
        Cadre.objects.filter(pk=appt.cadre_id, user__isnull=True).update(user=u)
        assign(
            InterviewerRole.UNIT_HEAD,
            u,
            appt.post.organization,
            note=f"{appt.post.organization.name}主要负责同志",
        )
    copy_insert(InterviewAssignment, rows)
    stdout.write(f"谈心谈话：谈话责任分工 {len(rows)} 条。")

    last_year = today.year - 1
    services.plan_refresh(year=last_year, today=dt.date(last_year, 12, 31))
    result = services.plan_refresh(year=today.year, today=today)
    stdout.write(
        f"谈心谈话：{today.year} 年度计划覆盖 {result.cadres} 名干部，未落实谈话人 {result.gaps} 名。"
    )

    # Special-topic talks: recent job changes, assessments, a family event, early signs.
    cadres = list(Cadre.objects.filter(status="active").order_by("id").values_list("id", flat=True))
    triggers = [
        SpecialTrigger.JOB_CHANGE,
        SpecialTrigger.ASSESSMENT,
        SpecialTrigger.TEAM_CHANGE,
        SpecialTrigger.FAMILY_EVENT,
        SpecialTrigger.VIOLATION_SIGN,
        SpecialTrigger.AUDIT,
    ]
    for cadre in Cadre.objects.filter(pk__in=rng.sample(cadres, min(36, len(cadres)))):
        trig = rng.choice(triggers)
        services.special_talk_raise(
            user=None,
            cadre=cadre,
            trigger=trig,
            trigger_date=today - dt.timedelta(days=rng.randint(3, 80)),
            note="演示数据",
            source_type="demo",
            source_id=f"{cadre.pk}-{trig}",
            today=today,
        )

    # Records fulfilling the plans: most of last year done, part of this year done.
    records: list[InterviewRecord] = []
    interviewers: list[int] = []
    touched: set[int] = set()
    talks = (
        RequiredTalk.objects.live()
        .filter(responsible__isnull=False, year__in=[last_year, today.year])
        .order_by("id")
        .values_list("cadre_id", "kind", "trigger", "trigger_date", "year", "due_date", "responsible_id")
    )
    for cadre_id, kind, trigger, trigger_date, year, due, resp in talks:
        if kind == InterviewKind.SPECIAL_TOPIC:
            p, start = 0.45, trigger_date
        elif year == last_year:
            p, start = 0.9, due - dt.timedelta(days=150)
        elif due < today:
            p, start = 0.72, due - dt.timedelta(days=150)
        else:
            p, start = 0.3, dt.date(year, 1, 5)
        if rng.random() > p:
            continue
        date = _rand_date(
            rng, max(start, dt.date(year, 1, 2) if kind == InterviewKind.ROUTINE else start), min(due, today)
        )
        records.append(
            InterviewRecord(
                kind=kind,
                trigger=trigger,
                date=date,
                place=rng.choice(PLACES),
                interviewee_id=cadre_id,
                topics=rng.choice(TOPICS),
                summary=rng.choice(SUMMARIES),
                stated_issues=rng.choice(ISSUES),
                created_by_id=resp,
            )
        )
        interviewers.append(resp)
        touched.add(cadre_id)

    # Admonishments, written inquiries and other kinds by the organization department.
    org_dept = named.get("ganbuke") or named.get("zuzhibu")
    if org_dept is not None:
        pool = list(
            Cadre.objects.filter(
                status="active", organization__kind__in=[OrgKind.TOWNSHIP, OrgKind.CITY_ORGAN]
            )
            .exclude(user=org_dept)
            .values_list("id", flat=True)
        )
        extra_kinds = (
            [InterviewKind.ADMONISHMENT] * 10
            + [InterviewKind.WRITTEN_INQUIRY] * 8
            + [InterviewKind.REMINDER] * 12
            + [InterviewKind.PRE_APPOINTMENT] * 10
            + [InterviewKind.ORGANIZATIONAL] * 6
        )
        for kind, cadre_id in zip(
            extra_kinds, rng.sample(pool, min(len(extra_kinds), len(pool))), strict=False
        ):
            date = today - dt.timedelta(days=rng.randint(5, 300))
            reply, reply_date = "", None
            if kind == InterviewKind.WRITTEN_INQUIRY and rng.random() < 0.75:
                reply_date = min(today, date + dt.timedelta(days=rng.randint(5, 20)))
                reply = "本人已就反映的问题作出书面说明：所反映情况部分属实，已主动纠正并作出深刻检查。"
            records.append(
                InterviewRecord(
                    kind=kind,
                    date=date,
                    place="市委组织部谈话室",
                    interviewee_id=cadre_id,
                    topics={
                        InterviewKind.ADMONISHMENT: "针对工作中存在的问题进行诫勉",
                        InterviewKind.WRITTEN_INQUIRY: "就群众来信反映问题进行函询",
                        InterviewKind.REMINDER: "苗头性、倾向性问题提醒",
                        InterviewKind.PRE_APPOINTMENT: "任前廉政谈话",
                        InterviewKind.ORGANIZATIONAL: "职务调整组织谈话",
                    }[kind],
                    summary=rng.choice(SUMMARIES),
                    reply=reply,
                    reply_date=reply_date,
                    created_by_id=org_dept.pk,
                )
            )
            interviewers.append(org_dept.pk)
    copy_insert(InterviewRecord, records)
    copy_insert(
        InterviewParticipant,
        [InterviewParticipant(record_id=r.pk, user_id=u) for r, u in zip(records, interviewers, strict=True)],
    )
    # Follow-ups on about a fifth of the records: some done, some overdue.
    follow_ups = []
    for r, u in zip(records, interviewers, strict=True):
        if rng.random() < 0.2:
            due = r.date + dt.timedelta(days=rng.randint(15, 90))
            done = due < today and rng.random() < 0.85
            follow_ups.append(
                FollowUp(
                    record_id=r.pk,
                    action=rng.choice(
                        [
                            "提交书面整改报告",
                            "召开班子专题会议研究整改",
                            "落实谈话中提出的工作要求",
                            "报送个人有关事项说明",
                        ]
                    ),
                    owner_name="谈话对象",
                    owner_id=u,
                    due_date=due,
                    done_on=min(today, due - dt.timedelta(days=rng.randint(0, 10))) if done else None,
                    result="已按要求完成" if done else "",
                )
            )
    copy_insert(FollowUp, follow_ups)
    services.fulfilment_sync_many(touched)
    stdout.write(f"谈心谈话：谈话记录 {len(records)} 条，后续措施 {len(follow_ups)} 条。")
