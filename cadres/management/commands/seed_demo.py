"""`manage.py seed_demo [--if-empty] [--scale N] [--seed S]`: the demo city, users and every app's demo data."""

from __future__ import annotations

import contextlib
import random
import time

import pghistory
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from cadre_supervision import registry
from cadres.demo import DEMO_PASSWORD, build_demo_city, create_demo_users
from cadres.models import Organization


class Command(BaseCommand):
    help = "生成演示数据：某市的单位、岗位、约1,200名干部及任职，演示账号，以及各模块的演示数据。"

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="已有单位数据时什么也不做")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="规模倍数（1 ≈ 85个单位、1,200名干部；10 用于性能测试）"
        )
        parser.add_argument(
            "--seed", type=int, default=20240601, help="随机数种子（相同种子与日期生成相同数据）"
        )

    def handle(self, *args, if_empty=False, scale=1.0, seed=20240601, **options):
        if Organization.objects.exists():
            if if_empty:
                self.stdout.write("已有单位数据，跳过演示数据生成（--if-empty）。")
                return
            raise CommandError(
                "数据库中已有单位数据。演示数据只能写入空数据库；如只想在空库时生成，请加 --if-empty。"
            )
        if scale <= 0:
            raise CommandError("--scale 必须大于 0。")
        started, cpu_started = time.monotonic(), time.process_time()
        today = timezone.localdate()
        rng = random.Random(seed)
        with transaction.atomic(), pghistory.context(command="seed_demo", username="seed_demo"):
            city = build_demo_city(today=today, rng=rng, scale=scale, stdout=self.stdout)
            self.stdout.write(
                f"已生成 {len(city.organizations)} 个单位、{city.posts} 个岗位、{city.cadres} 名干部、"
                f"{city.appointments} 条任职记录（{time.monotonic() - started:.1f} 秒，"
                f"CPU {time.process_time() - cpu_started:.1f} 秒）。"
            )
            logins = create_demo_users(city, rng=rng)
            written: dict[str, int] = {}
            _analyse(written)
            for order, fn in registry.demo_seeders:
                t0, cpu0 = time.monotonic(), time.process_time()
                # The demo's earlier history is written as if before the appointment gate; a
                # seeder marked `appointment_gate = True` (selection) goes through it.
                gate = (
                    contextlib.nullcontext()
                    if getattr(fn, "appointment_gate", False)
                    else registry.appointment_guards_suspended()
                )
                with gate:
                    fn(today=today, rng=random.Random(seed * 1000 + order), stdout=self.stdout)
                _analyse(written)
                self.stdout.write(
                    f"  演示数据 {getattr(fn, '__module__', '')}.{getattr(fn, '__name__', fn)}：{time.monotonic() - t0:.1f} 秒"
                    f"（CPU {time.process_time() - cpu0:.1f} 秒）"
                )
        self.stdout.write(self.style.SUCCESS(f"演示数据已生成，用时 {time.monotonic() - started:.1f} 秒。"))
        self._print_logins(logins)

    def _print_logins(self, logins):
        def width(text: str) -> int:
            return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

        def pad(text: str, n: int) -> str:
            return text + " " * max(0, n - width(text))

        header = ("用户名", "密码", "角色", "可以看到")
        rows = [header] + [(u, DEMO_PASSWORD, role, sees) for u, role, sees in logins]
        widths = [max(width(r[i]) for r in rows) for i in range(3)]
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for i, r in enumerate(rows):
            self.stdout.write("  " + "  ".join(pad(r[c], widths[c]) for c in range(3)) + "  " + r[3])
            if i == 0:
                self.stdout.write("  " + "-" * (sum(widths) + 6 + width(header[3])))
        self.stdout.write("")
        self.stdout.write("打开 http://127.0.0.1:8000/ 登录。")


def _analyse(seen: dict[str, int] | None = None) -> None:
    """ANALYZE the project's tables inside the seeding transaction (it samples the transaction's
    own rows), after the city and after each app's seeder: the next seeder's reads, and the first
    requests after seeding, are planned on real row counts. Autovacuum analyses a table only
    after the commit, and never where it is turned off; without statistics the planner takes a
    year's rows for one and probes the scope once per row (the evaluations statistics: about
    9 ms instead of 2 at scale 3). Statistics only speed things up: a table another session holds
    locked is left out (lock_timeout, in a savepoint) rather than waited for.

    `seen` (kept by the caller across calls) holds each table's rows inserted, updated and
    deleted so far in this transaction (`pg_stat_xact_user_tables`): the first call analyses
    every table, a later one only the tables written since the call before (the others'
    statistics would come out the same; re-sampling them cost a few seconds per seeder)."""
    from django.apps import apps

    qn = connection.ops.quote_name
    tables = sorted(
        {
            m._meta.db_table
            for m in apps.get_models(include_auto_created=True)
            if m._meta.managed and not m._meta.proxy
        }
    )
    with connection.cursor() as cursor:
        if seen is not None:
            cursor.execute(
                "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
                " WHERE schemaname = current_schema()"
            )
            written = dict(cursor.fetchall())
            if seen:
                tables = [t for t in tables if written.get(t, 0) != seen.get(t, 0)]
            seen.clear()
            seen.update(written)
            if not tables:
                return
        cursor.execute("SHOW lock_timeout")
        (previous,) = cursor.fetchone()
        try:
            with transaction.atomic():
                cursor.execute("SELECT set_config('lock_timeout', '2s', true)")
                cursor.execute("ANALYZE " + ", ".join(qn(t) for t in tables))
        except OperationalError:
            pass
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
