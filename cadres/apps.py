from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "cadres"
    verbose_name = "干部名册"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cadre_supervision import policy, registry

        from .choices import SANCTION_BAR_MONTHS_DEFAULT

        for kind, months in SANCTION_BAR_MONTHS_DEFAULT.items():
            policy.register(
                f"cadres.sanction_bar_months.{kind.value}",
                months,
                f"{kind.label}：影响提拔任用的期间（月，0 为不得再任用）",
                minimum=0,
                maximum=120,
            )
        policy.register("cadres.photo_max_kb", 2048, "干部照片文件大小上限（KB）", minimum=50, maximum=20480)

        registry.register_nav_item(registry.NavItem("干部名册", "cadres:cadre_list", 10))
        registry.register_nav_item(registry.NavItem("单位", "cadres:organization_tree", 11))
        registry.register_nav_item(registry.NavItem("岗位", "cadres:post_list", 12))

        from . import demo, selectors

        registry.register_demo_seeder(20, demo.seed_dossier)

        # Rule 1: a 一把手 holding a portfolio area the catalogue forbids to a 一把手.
        registry.register_warning_source(
            registry.WarningSource("cadres.portfolio", "一把手分管违规", selectors.portfolio_warnings)
        )
