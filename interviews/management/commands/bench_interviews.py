"""`manage.py bench_interviews`: time the reminder sweep and count its queries.

By default builds a generated city (inside a transaction that is rolled back afterwards,
so the database is left as it was), fills it with the interviews demo seeder, then runs
the sweep twice (the first run creates the reminders, the second is the idempotent
re-run) and reports time and query count of each, plus the plan refresh on its own.

    manage.py bench_interviews --cadres 1200            # the demo city's size
    manage.py bench_interviews --cadres 12000           # 10x
    manage.py bench_interviews --existing               # measure on the data already there
"""

from __future__ import annotations

import datetime as dt
import random
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
]


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "生成测试数据并测量提醒扫描的耗时与查询次数（默认在事务中进行，结束后回滚）。"

    def add_arguments(self, parser):
        parser.add_argument("--cadres", type=int, default=1200, help="生成的干部人数（默认 1200）")
        parser.add_argument("--existing", action="store_true", help="不生成数据，直接测量现有数据")
        parser.add_argument("--keep", action="store_true", help="保留生成的数据（不回滚）")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **opts):
        today = timezone.localdate()
        if opts["existing"]:
            self.measure(today)
            return
        try:
            with transaction.atomic():
                started = time.perf_counter()
                n = self.build_city(opts["cadres"], random.Random(opts["seed"]), today)
                self.stdout.write(f"生成城市：{n} 名干部，用时 {time.perf_counter() - started:.1f} 秒")
                from interviews import demo

                started = time.perf_counter()
                demo._seed(today=today, rng=random.Random(opts["seed"]), stdout=self.stdout, root=self.root)
                self.stdout.write(f"谈心谈话演示数据：用时 {time.perf_counter() - started:.1f} 秒")
                self.measure(today)
                if not opts["keep"]:
                    raise Rollback
        except Rollback:
            self.stdout.write("生成的数据已回滚。")

    # --- measuring ---------------------------------------------------------------------------------

    def measure(self, today: dt.date) -> None:
        from cadre_supervision.notifications import run_sweep
        from interviews import services
        from interviews.models import RequiredTalk

        def timed(label, fn):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                result = fn()
                seconds = time.perf_counter() - started
            self.stdout.write(f"{label}：{seconds:.2f} 秒，{len(ctx.captured_queries)} 次查询")
            return result

        talks = RequiredTalk.objects.count()
        self.stdout.write(f"应谈话任务 {talks} 条（其中未完成 {RequiredTalk.objects.open().count()} 条）")
        timed("年度计划刷新（plan_refresh）", lambda: services.plan_refresh(year=today.year, today=today))
        first = timed("第一次扫描（生成提醒并投递）", lambda: run_sweep(today))
        self.stdout.write(
            f"  新增通知 {first.created} 条，考虑 {first.considered} 条，邮件 {first.delivered} 封"
        )
        second = timed("第二次扫描（幂等重跑）", lambda: run_sweep(today))
        self.stdout.write(f"  新增通知 {second.created} 条")

    # --- a generated city --------------------------------------------------------------------------

    def build_city(self, n_cadres: int, rng: random.Random, today: dt.date) -> int:
        from django.contrib.auth.models import User

        from cadres import crypto, rules
        from cadres.choices import CadreStatus, LineRole, ManagementLevel, OrgKind, TopLeaderKind
        from cadres.models import Appointment, Cadre, Organization, Post

        def org(name, kind, parent):
            o = Organization.objects.create(name=name, kind=kind, parent=parent)
            o.path = f"{parent.path if parent else ''}{o.pk:06d}."
            o.depth = o.path.count(".") - 1
            o.save(update_fields=["path", "depth"])
            return o

        tag = f"{time.time_ns() % 10**8}"
        self.root = root = org(f"基准测试市{tag}", OrgKind.CITY, None)
        n_orgs = max(4, n_cadres // 14)
        kinds = (
            [OrgKind.TOWNSHIP] * 30
            + [OrgKind.CITY_ORGAN] * 45
            + [OrgKind.INSTITUTION] * 15
            + [OrgKind.SOE] * 10
        )
        orgs = [org(f"单位{i:04d}", kinds[i % len(kinds)], root) for i in range(n_orgs)]
        posts: list[Post] = []
        for o in orgs:
            town = o.kind == OrgKind.TOWNSHIP
            posts.append(Post(organization=o, title="党委书记", top_leader_kind=TopLeaderKind.PARTY))
            posts.append(
                Post(organization=o, title="镇长" if town else "局长", top_leader_kind=TopLeaderKind.ADMIN)
            )
            posts += [Post(organization=o, title=f"副职{k}") for k in range(3)]
            if town:
                posts += [
                    Post(organization=o, title=label, line_role=value) for value, label in LineRole.choices
                ]
            posts += [
                Post(organization=o, title=f"科室负责人{k}", is_leading=False, is_middle_level=True)
                for k in range(8)
            ]
        posts = Post.objects.bulk_create(posts, batch_size=2000)
        by_org: dict[int, list[Post]] = {}
        for p in posts:
            by_org.setdefault(p.organization_id, []).append(p)
        initials: dict[str, str] = {}
        cadres: list[Cadre] = []
        seats: list[Post | None] = []
        i = 0
        while len(cadres) < n_cadres:
            o = orgs[i % len(orgs)]
            slot = (i // len(orgs)) % len(by_org[o.pk])
            post = by_org[o.pk][slot]
            name = (
                rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
            )
            birth = dt.date(1962, 1, 1) + dt.timedelta(days=i % 9000)
            body = f"999999{birth:%Y%m%d}{(i // 9000) % 999 + 1:03d}"
            cid = body + rules.citizen_id_check_digit(body)
            status = CadreStatus.ACTIVE
            roll = rng.random()
            if roll < 0.05:
                status, post = CadreStatus.SECOND_LINE, None
            elif roll < 0.06:
                status, post = CadreStatus.RETIRED, None
            if name not in initials:
                initials[name] = rules.pinyin_initials(name)
            cadres.append(
                Cadre(
                    name=name,
                    name_initials=initials[name],
                    gender="M" if int(body[-1]) % 2 else "F",
                    birth_date=birth,
                    citizen_id_encrypted=crypto.encrypt(cid),
                    citizen_id_digest=crypto.digest(cid),
                    citizen_id_tail=cid[-4:],
                    citizen_id_masked=rules.mask_citizen_id(cid),
                    identity_category="civil_servant",
                    rank="zhengke" if post is not None and post.is_leading else "yiji_zhuren",
                    management_level=ManagementLevel.DEPARTMENT
                    if post is not None and not post.is_leading
                    else ManagementLevel.CITY,
                    status=status,
                    organization_id=o.pk,
                )
            )
            seats.append(post)
            i += 1
        cadres = Cadre.objects.bulk_create(cadres, batch_size=2000)
        taken: set[int] = set()
        appts = []
        for c, post in zip(cadres, seats, strict=True):
            if post is None or (post.top_leader_kind and post.pk in taken):
                continue
            taken.add(post.pk)
            appts.append(
                Appointment(
                    cadre=c, post=post, start_date=today - dt.timedelta(days=400 + rng.randint(0, 2500))
                )
            )
        Appointment.objects.bulk_create(appts, batch_size=2000)
        for username in ("shuji", "shizhang", "fenguan", "ganbuke", "zuzhibu"):
            User.objects.get_or_create(username=username, defaults={"first_name": username})
        return len(cadres)
