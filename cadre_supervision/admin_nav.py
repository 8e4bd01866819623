"""The administrator's navigation entry (visible to superusers only).

Call `register()` from `CadreSupervisionConfig.ready()`; `site_urls` also calls it so that the
entry exists as soon as the URLconf is loaded. Registering twice is harmless.
"""

from . import registry


def is_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser)


def register() -> None:
    registry.register_nav_item(registry.NavItem("系统管理", "admin_roles", 90, visible=is_admin))
