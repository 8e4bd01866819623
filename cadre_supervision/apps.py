from django.apps import AppConfig


class CadreSupervisionConfig(AppConfig):
    name = "cadre_supervision"
    verbose_name = "干部管理监督（公共框架）"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import admin_nav, auth, checks  # noqa: F401  (checks and signal handlers register)

        admin_nav.register()

        from . import registry

        registry.register_nav_item(
            registry.NavItem(
                "到期日历", "calendar", 5, visible=lambda u: bool(getattr(u, "is_authenticated", False))
            )
        )

        from . import keep

        keep.connect()

        from . import lookup

        lookup.register_users()

        from . import exports, notifications

        # Background exports: expired files go with the daily sweep; the user is told in-app.
        registry.register_sweep_step("exports.expire", exports.expire_step)
        notifications.register_kind_label(exports.READY_KIND, "导出完成")
        notifications.register_kind_label(exports.FAILED_KIND, "导出失败")

        from django.db.models.signals import post_migrate

        from .history import install_attach_context_function

        post_migrate.connect(install_attach_context_function, sender=self, dispatch_uid="cs_attach_context")
