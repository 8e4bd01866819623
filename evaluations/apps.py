from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = "阳光评议与关爱提醒"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cadre_supervision import registry
        from cadre_supervision.permissions import has_org_perm

        from . import bench_floor, demo, integration, policies
        from . import workbench as _workbench

        bench_floor.register()  # the hand-written floor of the statistics (manage.py bench)
        policies.register()
        integration.register()
        _workbench.register()  # the 工作台: to-do, calendar and figure sources

        def may_view(user):
            return user.is_authenticated and (user.is_superuser or has_org_perm(user, "view_evaluations"))

        registry.register_nav_item(registry.NavItem("阳光评议", "evaluations:campaign_list", 60, may_view))
        for order, (label, name) in enumerate(
            [
                ("评议活动", "evaluations:campaign_list"),
                ("评议结果", "evaluations:subject_list"),
                ("承诺与整改", "evaluations:item_list"),
                ("能者上平者让庸者下", "evaluations:verdicts"),
                ("民主测评", "evaluations:democratic_list"),
                ("关爱提醒函", "evaluations:letter_list"),
            ]
        ):
            registry.register_subnav_item("evaluations", registry.NavItem(label, name, order, may_view))
        registry.register_demo_seeder(70, demo.seed)
