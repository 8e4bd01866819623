"""The jurisdiction tree, as the framework sees it: the one declared interface to it.

The framework scopes every record by an organization tree, but it does not own that tree:
the tree is a model of a domain app, named by the setting `CS_JURISDICTION_MODEL`
("app_label.ModelName", like AUTH_USER_MODEL). The framework never imports a domain app;
every framework use of the tree goes through the functions below, which resolve the model
from the app registry at call time.

What the framework needs of the model:
- a `path` field holding a materialised path of ancestor ids ("000001.000007."), so that a
  subtree is a path prefix, and a `depth` field (indentation in pickers);
- `Meta.permissions` holding the organization permissions (`permissions.ORG_PERMISSIONS`);
- direct django-guardian object-permission tables for users and groups
  (`UserObjectPermissionBase` / `GroupObjectPermissionBase` subclasses with a
  `content_object` foreign key to it).
"""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.conf import settings
from django.db import models


def organization_model() -> type[models.Model]:
    """The organization model named by `CS_JURISDICTION_MODEL`."""
    return apps.get_model(settings.CS_JURISDICTION_MODEL, require_ready=False)


def _permission_table(base_name: str) -> type[models.Model]:
    return _find_permission_table(settings.CS_JURISDICTION_MODEL, base_name)


@cache
def _find_permission_table(label: str, base_name: str) -> type[models.Model]:
    org = apps.get_model(label)
    for model in apps.get_app_config(org._meta.app_label).get_models():
        if any(b.__name__ == base_name for b in model.__mro__[1:]):
            field = model._meta.get_field("content_object")
            if field.related_model is org:
                return model
    raise LookupError(f"{org._meta.label} has no direct {base_name} table")


def group_permission_model() -> type[models.Model]:
    """Guardian's direct group object-permission table of the organization model."""
    return _permission_table("GroupObjectPermissionBase")


def user_permission_model() -> type[models.Model]:
    """Guardian's direct user object-permission table of the organization model."""
    return _permission_table("UserObjectPermissionBase")


def permission_name(codename: str) -> str:
    """'app_label.codename' of an organization permission, as guardian's assign_perm wants it."""
    return f"{organization_model()._meta.app_label}.{codename}"


def organizations() -> models.QuerySet:
    """Every organization, in tree order (parents before children)."""
    return organization_model()._default_manager.order_by("path")


def ids_and_paths() -> list[tuple[int, str]]:
    return list(organization_model()._default_manager.values_list("id", "path"))


def paths_of(ids) -> dict[int, str]:
    """{id: path} of the given organizations (one query)."""
    return dict(organization_model()._default_manager.filter(pk__in=list(ids)).values_list("id", "path"))


def ancestor_ids(path: str) -> list[int]:
    """Ids on a materialised path, root first, the organization itself last."""
    return [int(p) for p in path.split(".") if p]


def in_subtrees(path: str, prefixes: tuple[str, ...]) -> bool:
    """True when the organization at `path` lies in the subtree of any prefix."""
    return path.startswith(prefixes)
