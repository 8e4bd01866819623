"""Policy settings of rotation and the second line (registered in RotationsConfig.ready)."""

from __future__ import annotations

from cadre_supervision import policy

from .rules import Thresholds

KEYS = {
    "leader_years": (
        "rotations.leader_exchange_years",
        10,
        "领导干部同一职位任职满多少年必须交流",
        1,
        30,
        "年",
    ),
    "leader_warn_years": (
        "rotations.leader_warn_years",
        9,
        "任职满多少年开始预警（提前量同样用于其他规则）",
        1,
        30,
        "年",
    ),
    "term_years": ("rotations.term_years", 5, "一个任期的年数", 1, 10, "年"),
    "max_terms": ("rotations.max_consecutive_terms", 2, "同一职位最多连续任职的任期数", 1, 5, "个"),
    "key_middle_years": (
        "rotations.key_middle_years",
        5,
        "市级机关关键岗位中层干部满多少年轮岗",
        1,
        20,
        "年",
    ),
    "reminder_days": ("rotations.reminder_days", 90, "强制交流日期前多少天提醒", 0, 365, "天"),
    "join_gap_days": (
        "rotations.tenure_join_gap_days",
        30,
        "同一岗位两段任职间隔不超过多少天视为连续任职（换届连任、短暂中断）",
        0,
        3650,
        "天",
    ),
}


def register_all() -> None:
    for key, default, label, lo, hi, unit in KEYS.values():
        policy.register(key, default, label, minimum=lo, maximum=hi, unit=unit, area="轮岗交流与二线干部")


def load_thresholds() -> Thresholds:
    """All rotation thresholds in one query (policy defaults overridden by PolicySetting rows)."""
    from cadre_supervision.models import PolicySetting

    rows = dict(
        PolicySetting.objects.filter(key__in=[v[0] for v in KEYS.values()]).values_list("key", "value")
    )
    values = {}
    for attr, (key, default, *_rest) in KEYS.items():
        values[attr] = int(rows[key]) if key in rows else default
    return Thresholds(**values)
