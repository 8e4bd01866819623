from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "三责联审"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import bench_floor, lookups

        bench_floor.register()  # the hand-written floor of the statistics (manage.py bench)
        lookups.register()
        from cadre_supervision import policy

        policy.register(
            "audits.cycle_years",
            3,
            "轮审周期：一把手每隔多少年至少联审一次",
            minimum=1,
            maximum=10,
            unit="年",
        )
        policy.register(
            "audits.cycle_warning_days", 60, "轮审到期提前提醒天数", minimum=0, maximum=365, unit="天"
        )
        policy.register(
            "audits.rectification_due_soon_days",
            14,
            "整改期限临近提醒天数",
            minimum=0,
            maximum=180,
            unit="天",
        )
        policy.register(
            "audits.file_max_mb", 20, "审计档案单个文件大小上限", minimum=1, maximum=500, unit="MB"
        )
        policy.register(
            "audits.file_allowed_types",
            "pdf,ofd,doc,docx,xls,xlsx,jpg,jpeg,png,zip,txt",
            "审计档案允许的文件类型（扩展名，逗号分隔）",
            kind=str,
        )
        policy.register(
            "audits.share_max_days", 90, "审计档案单独共享的最长期限", minimum=1, maximum=365, unit="天"
        )
        policy.register(
            "audits.share_expiry_warning_days", 3, "共享访问到期前提醒天数", minimum=0, maximum=30, unit="天"
        )
        policy.register(
            "audits.departure_lookback_years",
            5,
            "离任必审追溯年限：此前离任的不再列入",
            minimum=1,
            maximum=30,
            unit="年",
        )

        from cadre_supervision import events, registry

        from . import integration, services

        integration.register()
        from . import selection_hooks

        selection_hooks.register()  # 带病提拔: open findings block a promotion
        from . import workbench as _workbench

        _workbench.register()  # the 工作台: to-do, calendar and figure sources
        registry.on(events.RotationExchanged, services.on_rotation_exchanged, after_commit=True)
