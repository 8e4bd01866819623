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
