"""Policy settings: every threshold is a registered default an administrator may override."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Policy:
    key: str
    default: Any
    label: str
    kind: type = int
    minimum: float | None = None
    maximum: float | None = None


REGISTRY: dict[str, Policy] = {}


def register(key: str, default: Any, label: str, *, kind: type = int, minimum=None, maximum=None) -> Policy:
    policy = Policy(key, default, label, kind, minimum, maximum)
    REGISTRY[key] = policy
    return policy


def get(key: str) -> Any:
    from .models import PolicySetting

    policy = REGISTRY[key]
    row = PolicySetting.objects.filter(key=key).only("value").first()
    return policy.default if row is None else policy.kind(row.value)


def validate(key: str, raw: Any) -> Any:
    policy = REGISTRY.get(key)
    if policy is None:
        raise ValidationError(f"未知的政策参数：{key}")
    try:
        value = policy.kind(raw)
    except (TypeError, ValueError):
        raise ValidationError(f"{policy.label}：取值格式不正确")
    if policy.minimum is not None and value < policy.minimum:
        raise ValidationError(f"{policy.label}：不能小于 {policy.minimum}")
    if policy.maximum is not None and value > policy.maximum:
        raise ValidationError(f"{policy.label}：不能大于 {policy.maximum}")
    return value


def set_value(key: str, raw: Any, *, user=None) -> Any:
    from .models import PolicySetting

    value = validate(key, raw)
    PolicySetting.objects.update_or_create(key=key, defaults={"value": value, "updated_by": user})
    return value
