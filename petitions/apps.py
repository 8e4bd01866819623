from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = "信访举报"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cadre_supervision import registry

        from . import bench_floor, demo, integrity, policies, selectors, services, workbench
        from .views import can_see_petitions

        bench_floor.register()  # the hand-written floor of the statistics (manage.py bench)

        policies.register()
        workbench.register()

        registry.register_warning_source(
            registry.WarningSource(
                key="petitions.open",
                title="未办结的信访举报",
                collect=selectors.open_warnings,
                level="yellow",
                weight=2,
                channel="petitions",
                blocks_promotion=True,
                raises=("orange",),  # past its deadline
            )
        )
        registry.register_warning_source(
            registry.WarningSource(
                key="petitions.substantiated",
                title="信访举报属实或部分属实",
                collect=selectors.substantiated_warnings,
                level="red",
                weight=5,
                channel="petitions",
                blocks_promotion=True,
            )
        )
        registry.register_timeline_source("petitions", selectors.timeline, many=selectors.timeline_many)
        registry.register_integrity_section(
            registry.IntegritySection(
                key="petitions",
                title="信访举报",
                order=35,
                build=integrity.build,
                template="petitions/integrity_section.html",
                export=integrity.export,
                build_many=integrity.build_many,
                export_many=integrity.export_many,
            )
        )
        registry.register_audit_plan_suggestion("petitions.heavy_units", selectors.audit_plan_suggestions)
        # The daily sweep: escalate (督办) overdue petitions (a step: the write), then remind.
        registry.register_sweep_step("petitions.escalate", services.escalate_overdue)
        registry.register_sweep_source(
            "petitions.overdue", selectors.overdue_reminders, after="petitions.escalate"
        )
        registry.register_nav_item(
            registry.NavItem("信访举报", "petitions:petition_list", 45, can_see_petitions)
        )
        registry.stats_sections["petitions"] = "/api/v1/stats/petitions/"
        registry.register_demo_seeder(70, demo.seed)
