from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "cadres"
    verbose_name = "干部名册"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cadre_supervision import registry

        registry.register_nav_item(registry.NavItem("干部名册", "cadres:cadre_list", 10))
        registry.register_nav_item(registry.NavItem("单位", "cadres:organization_tree", 11))
        registry.register_nav_item(registry.NavItem("岗位", "cadres:post_list", 12))

        from . import lookups, selectors

        lookups.register()

        # Rule 1: a 一把手 holding a portfolio area the catalogue forbids to a 一把手.
        registry.register_warning_source(
            registry.WarningSource("cadres.portfolio", "一把手分管违规", selectors.portfolio_warnings)
        )
