from django.apps import AppConfig


class RotationsConfig(AppConfig):
    name = "rotations"
    verbose_name = "轮岗交流与二线干部"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import lookups

        lookups.register()
        from cadre_supervision import keep, registry

        from .models import DueSnapshot, DueSnapshotItem

        # the materialised due list is refreshed by the reading that finds it stale
        keep.register_derived(DueSnapshot, DueSnapshotItem)

        from . import integration, policies
        from .demo import seed_demo

        policies.register_all()
        from . import workbench as _workbench

        _workbench.register()  # the 工作台: to-do, calendar and figure sources
        registry.register_nav_item(
            registry.NavItem("轮岗交流", "rotations:due_list", 40, visible=integration.can_see_rotations)
        )
        registry.register_nav_item(
            registry.NavItem(
                "二线干部", "rotations:secondline_roster", 41, visible=integration.can_see_secondline
            )
        )
        for order, (label, url_name) in enumerate(
            [
                ("到期名单", "rotations:due_list"),
                ("年度计划与执行排名", "rotations:plan_list"),
                ("交流记录", "rotations:exchange_list"),
                ("交流统计", "rotations:figures"),
            ]
        ):
            registry.register_subnav_item(
                "rotations", registry.NavItem(label, url_name, order, visible=integration.can_see_rotations)
            )
        registry.register_subnav_item(
            "rotations",
            registry.NavItem(
                "二线干部", "rotations:secondline_roster", 9, visible=integration.can_see_secondline
            ),
        )
        for order, (label, url_name) in enumerate(
            [
                ("二线干部名册", "rotations:secondline_roster"),
                ("使用情况统计", "rotations:secondline_utilisation"),
                ("双向选择岗位看板", "rotations:secondline_board"),
                ("请销假", "rotations:leave_list"),
            ]
        ):
            registry.register_subnav_item(
                "secondline", registry.NavItem(label, url_name, order, visible=integration.can_see_secondline)
            )
        registry.register_sweep_source("rotations.due", integration.due_reminders)
        registry.register_sweep_step("rotations.due_snapshot", integration.due_snapshot_step)
        from . import bench_floor

        bench_floor.register()  # the hand-written floor of the statistics (manage.py bench)
        registry.register_warning_source(
            registry.WarningSource(
                "rotations.tenure_over_limit",
                "任职超过交流期限",
                integration.collect_tenure_over_limit,
                level="orange",
                weight=3,
                channel="rotations",
            )
        )
        if integration.cadre_panel not in registry.cadre_page_panels:
            registry.cadre_page_panels.append(integration.cadre_panel)
        registry.stats_sections["rotations"] = "/api/v1/stats/rotations/"
        registry.register_demo_seeder(60, seed_demo)
