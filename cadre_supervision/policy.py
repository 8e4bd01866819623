"""Policy settings: every threshold is a registered default an administrator may override.

`register(key, default, label, kind=int, minimum=None, maximum=None, area="", unit="")`: the
administrator's page groups settings by `area` (default: the verbose name of the app named by
the key's prefix) and shows `unit` (天, 年, %, MB, 万元 …) beside each value.
"""

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
    area: str = ""
    unit: str = ""

    @property
    def area_label(self) -> str:
        """The area the setting belongs to, in Chinese (its app's verbose name unless given)."""
        if self.area:
            return self.area
        from django.apps import apps

        prefix = self.key.split(".", 1)[0]
        try:
            return str(apps.get_app_config(prefix).verbose_name)
        except LookupError:
            return "其他"

    @property
    def kind_label(self) -> str:
        return {int: "整数", float: "数值", str: "文字", bool: "是/否"}.get(self.kind, "")


REGISTRY: dict[str, Policy] = {}


def register(
    key: str,
    default: Any,
    label: str,
    *,
    kind: type = int,
    minimum=None,
    maximum=None,
    area: str = "",
    unit: str = "",
) -> Policy:
    policy = Policy(key, default, label, kind, minimum, maximum, area, unit)
    REGISTRY[key] = policy
    return policy


def get(key: str) -> Any:
    from .models import PolicySetting

    if key not in REGISTRY:
        run_deferred()
    policy = REGISTRY[key]
    row = PolicySetting.objects.filter(key=key).only("value").first()
    return policy.default if row is None else policy.kind(row.value)


def get_many(*keys: str) -> dict[str, Any]:
    """Several settings in one query: {key: value}."""
    from .models import PolicySetting

    if any(k not in REGISTRY for k in keys):
        run_deferred()
    policies = [REGISTRY[k] for k in keys]
    rows = dict(PolicySetting.objects.filter(key__in=keys).values_list("key", "value"))
    return {p.key: p.default if p.key not in rows else p.kind(rows[p.key]) for p in policies}


def validate(key: str, raw: Any) -> Any:
    if key not in REGISTRY:
        run_deferred()
    policy = REGISTRY.get(key)
    if policy is None:
        raise ValidationError(f"未知的政策参数：{key}")
    if policy.kind is int and isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        raw = raw.strip()
    if isinstance(raw, str) and policy.kind in (int, float) and not raw.strip():
        raise ValidationError(f"{policy.label}：请填写数值")
    try:
        value = policy.kind(raw)
    except (TypeError, ValueError):
        raise ValidationError(f"{policy.label}：取值格式不正确")
    if policy.minimum is not None and value < policy.minimum:
        raise ValidationError(f"{policy.label}：不能小于 {_n(policy.minimum)}{policy.unit}")
    if policy.maximum is not None and value > policy.maximum:
        raise ValidationError(f"{policy.label}：不能大于 {_n(policy.maximum)}{policy.unit}")
    return value


def _n(number) -> str:
    return str(int(number)) if isinstance(number, float) and number.is_integer() else str(number)


def areas() -> list[tuple[str, list[Policy]]]:
    """Registered settings grouped by area (areas and settings in registration order)."""
    run_deferred()
    grouped: dict[str, list[Policy]] = {}
    for p in REGISTRY.values():
        grouped.setdefault(p.area_label, []).append(p)
    return list(grouped.items())


def set_value(key: str, raw: Any, *, user=None) -> Any:
    from .models import PolicySetting

    value = validate(key, raw)
    PolicySetting.objects.update_or_create(key=key, defaults={"value": value, "updated_by": user})
    return value


# --- settings registered once every app is ready ----------------------------------------------
# Some settings exist once per registration made by other apps (one colour and one weight per
# warning source): `register_deferred(fn)` runs `fn()` (which calls `register`) the first time
# the settings are read after every app is ready, and `fn` may be called again (idempotent).

_deferred: list = []


def register_deferred(fn) -> None:
    if fn not in _deferred:
        _deferred.append(fn)


def run_deferred() -> None:
    from django.apps import apps

    if apps.ready:
        for fn in list(_deferred):
            fn()
