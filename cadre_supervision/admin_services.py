"""Administrator's writes: role groups and their grants, policy settings.

Superusers only (re-checked here, not only in the views). Every change writes an AccessLog
PERMISSION_CHANGE row (policy edits: OTHER) with denormalised names, and clears the acting
user's cached scope.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from . import jurisdiction, policy
from .accesslog import log_access
from .models import AccessLog, PolicySetting
from .permissions import ORG_PERMISSION_LABELS, ROLES, clear_cache, grant_role, revoke_grant, role_group_name


def _ensure_admin(actor) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_superuser:
        raise PermissionDenied("只有系统管理员可以修改权限和参数。")


def _log(
    actor, request, *, group: Group | None, detail: dict[str, Any], action=AccessLog.Action.PERMISSION_CHANGE
):
    log_access(
        user=actor,
        action=action,
        object_type="auth.group" if group is not None else detail.get("object_type", ""),
        object_id=str(group.pk) if group is not None else detail.get("object_id", ""),
        object_repr=group.name if group is not None else detail.get("object_repr", ""),
        detail=detail,
        request=request,
    )
    clear_cache(actor)


def role_of(group: Group) -> str | None:
    code = group.name.split(":", 1)[0]
    return code if code in ROLES and ":" in group.name else None


def role_groups():
    """Groups that carry a role ('<role>:<jurisdiction>')."""
    return Group.objects.filter(name__regex=r"^(" + "|".join(ROLES) + r"):").order_by("name")


@transaction.atomic
def role_group_create(*, actor, role: str, jurisdiction: str, request=None) -> Group:
    _ensure_admin(actor)
    jurisdiction = (jurisdiction or "").strip()
    errors = {}
    if role not in ROLES:
        errors["role"] = "请选择角色。"
    if not jurisdiction:
        errors["jurisdiction"] = "请填写管辖范围名称，例如“全市”或单位名称。"
    elif ":" in jurisdiction:
        errors["jurisdiction"] = "管辖范围名称不能包含英文冒号。"
    if errors:
        raise ValidationError(errors)
    name = role_group_name(role, jurisdiction)
    if Group.objects.filter(name=name).exists():
        raise ValidationError({"jurisdiction": f"角色组“{name}”已存在。"})
    group = Group.objects.create(name=name)
    _log(
        actor, request, group=group, detail={"op": "group_create", "role": role, "jurisdiction": jurisdiction}
    )
    return group


@transaction.atomic
def role_grant(*, actor, group: Group, organization, request=None) -> list[str]:
    """Give the group every permission of its role on `organization` (covers its subtree)."""
    _ensure_admin(actor)
    role = role_of(group)
    if role is None:
        raise ValidationError({"organization": "该用户组不是角色组，无法授权。"})
    grant_role(group, role, [organization])
    perms = list(ROLES[role].permissions)
    _log(
        actor,
        request,
        group=group,
        detail={
            "op": "grant",
            "role": role,
            "organization_id": organization.pk,
            "organization": organization.name,
            "permissions": perms,
        },
    )
    return perms


@transaction.atomic
def role_revoke(*, actor, group: Group, codename: str, organization, request=None) -> None:
    """Withdraw one permission of the group on one organization."""
    _ensure_admin(actor)
    if codename not in ORG_PERMISSION_LABELS:
        raise ValidationError({"codename": "未知的权限。"})
    revoke_grant(group, codename, organization)
    _log(
        actor,
        request,
        group=group,
        detail={
            "op": "revoke",
            "codename": codename,
            "permission": ORG_PERMISSION_LABELS[codename],
            "organization_id": organization.pk,
            "organization": organization.name,
        },
    )


@transaction.atomic
def role_member_add(*, actor, group: Group, user, request=None) -> None:
    _ensure_admin(actor)
    group.user_set.add(user)
    clear_cache(user)
    _log(
        actor,
        request,
        group=group,
        detail={"op": "member_add", "user_id": user.pk, "username": user.username},
    )


@transaction.atomic
def role_member_remove(*, actor, group: Group, user, request=None) -> None:
    _ensure_admin(actor)
    group.user_set.remove(user)
    clear_cache(user)
    _log(
        actor,
        request,
        group=group,
        detail={"op": "member_remove", "user_id": user.pk, "username": user.username},
    )


def group_grants(group: Group) -> list[dict[str, Any]]:
    """[(organization, [codenames])] of a group, in tree order."""
    GroupPerm = jurisdiction.group_permission_model()
    rows: dict[int, dict[str, Any]] = {}
    for gp in (
        GroupPerm.objects.filter(group=group)
        .select_related("content_object", "permission")
        .order_by("content_object__path", "permission__codename")
    ):
        org = gp.content_object
        entry = rows.setdefault(org.pk, {"organization": org, "permissions": []})
        entry["permissions"].append(
            {
                "codename": gp.permission.codename,
                "label": ORG_PERMISSION_LABELS.get(gp.permission.codename, gp.permission.codename),
            }
        )
    return list(rows.values())


# --- policies ------------------------------------------------------------------------------------


def _coerce(key: str, raw: Any) -> Any:
    p = policy.REGISTRY.get(key)
    if p is not None and p.kind is bool and isinstance(raw, str):
        return raw.strip().lower() in ("1", "true", "on", "yes", "是")
    return raw


@transaction.atomic
def policy_update(*, actor, key: str, raw: Any, request=None) -> Any:
    _ensure_admin(actor)
    old = policy.get(key) if key in policy.REGISTRY else None
    value = policy.set_value(key, _coerce(key, raw), user=actor)
    _log(
        actor,
        request,
        group=None,
        action=AccessLog.Action.OTHER,
        detail={
            "op": "policy_set",
            "key": key,
            "old": old,
            "new": value,
            "object_type": "policy",
            "object_id": key,
            "object_repr": policy.REGISTRY[key].label,
        },
    )
    return value


@transaction.atomic
def policy_reset(*, actor, key: str, request=None) -> None:
    _ensure_admin(actor)
    if key not in policy.REGISTRY:
        raise ValidationError(f"未知的政策参数：{key}")
    old = policy.get(key)
    PolicySetting.objects.filter(key=key).delete()
    _log(
        actor,
        request,
        group=None,
        action=AccessLog.Action.OTHER,
        detail={
            "op": "policy_reset",
            "key": key,
            "old": old,
            "new": policy.REGISTRY[key].default,
            "object_type": "policy",
            "object_id": key,
            "object_repr": policy.REGISTRY[key].label,
        },
    )


@transaction.atomic
def policy_update_many(*, actor, values: dict[str, Any], resets=(), request=None) -> list[str]:
    """The policy page's one save: every submitted value is validated first; any bad value
    refuses the whole save (`ValidationError` keyed by policy key, nothing stored). Then each
    value that differs from the current one is stored and logged (one access-log row per
    changed value); keys in `resets` go back to their defaults. Returns the changed keys."""
    _ensure_admin(actor)
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    unknown = [k for k in [*values, *resets] if k not in policy.REGISTRY]
    if unknown:
        raise ValidationError({k: f"未知的政策参数：{k}" for k in unknown})
    for key, raw in values.items():
        if key in resets:
            continue
        try:
            cleaned[key] = policy.validate(key, _coerce(key, raw))
        except ValidationError as exc:
            errors[key] = "；".join(exc.messages)
    if errors:
        raise ValidationError(errors)
    overrides = set(PolicySetting.objects.filter(key__in=[*cleaned, *resets]).values_list("key", flat=True))
    changed = []
    for key in resets:
        if key in overrides:
            policy_reset(actor=actor, key=key, request=request)
            changed.append(key)
    for key, value in cleaned.items():
        if value != policy.get(key):
            policy_update(actor=actor, key=key, raw=value, request=request)
            changed.append(key)
    return changed
