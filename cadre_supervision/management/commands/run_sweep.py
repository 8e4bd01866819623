"""`manage.py run_sweep`: run the reminder sweep now (the daily beat job, on demand)."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext


class Command(BaseCommand):
    help = "运行一次提醒扫描（与每日定时任务相同），生成站内通知并发送邮件。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按该日期扫描（YYYY-MM-DD），默认今天")
        parser.add_argument("--no-deliver", action="store_true", help="只生成通知，不发送邮件")
        parser.add_argument(
            "--async", dest="use_celery", action="store_true", help="交给 Celery worker 执行（需要 Redis）"
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("日期格式应为 YYYY-MM-DD。")
        if options["use_celery"]:
            from cadre_supervision.tasks import run_sweep

            try:
                res = run_sweep.apply_async(
                    kwargs={
                        "today": today.isoformat() if today else None,
                        "deliver": not options["no_deliver"],
                    },
                    retry=False,
                )
            except Exception as exc:  # noqa: BLE001
                raise CommandError(f"无法连接任务队列（{exc}）；可去掉 --async 直接运行。")
            self.stdout.write(f"已提交扫描任务：{res.id}")
            return
        from cadre_supervision.notifications import run_sweep

        with CaptureQueriesContext(connection) as ctx:
            result = run_sweep(today, deliver=not options["no_deliver"])
        data = result.as_dict() | {"queries": len(ctx.captured_queries)}
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
        else:
            self.stdout.write(
                f"扫描完成：考虑 {result.considered} 条，新增通知 {result.created} 条，"
                f"发送邮件 {result.delivered} 封，用时 {result.seconds:.2f} 秒，查询 {data['queries']} 次。"
            )
            for key, info in result.by_source.items():
                self.stdout.write(f"  {key}: 考虑 {info['considered']}，新增 {info['created']}")
        for key, err in result.errors.items():
            self.stderr.write(f"  来源 {key} 失败：{err}")
        if result.errors:
            raise CommandError("部分提醒来源执行失败，见上。")
