"""Policy settings of the interviews app (defaults from rule 3; editable by an administrator)."""

from __future__ import annotations

from dataclasses import dataclass

from cadre_supervision import policy

TALKS_TOP_LEADER = "interviews.talks_per_year_top_leader"
TALKS_OTHER = "interviews.talks_per_year_other"
DUE_SOON_DAYS = "interviews.due_soon_days"
SPECIAL_DUE_DAYS = "interviews.special_topic_due_days"
SPECIAL_LOOKBACK_DAYS = "interviews.special_topic_lookback_days"
ATTACHMENT_MAX_MB = "interviews.attachment_max_mb"


def register() -> None:
    policy.register(
        TALKS_TOP_LEADER, 2, "党政正职每年谈心谈话次数（不少于）", minimum=1, maximum=12, unit="次"
    )
    policy.register(TALKS_OTHER, 1, "其他干部每年谈心谈话次数（不少于）", minimum=1, maximum=12, unit="次")
    policy.register(DUE_SOON_DAYS, 14, "谈话到期前多少天开始提醒", minimum=0, maximum=90, unit="天")
    policy.register(
        SPECIAL_DUE_DAYS, 30, "专题谈心谈话应在事由发生后多少天内完成", minimum=1, maximum=365, unit="天"
    )
    policy.register(
        SPECIAL_LOOKBACK_DAYS,
        90,
        "事由发生后多少天内登记的，自动生成专题谈话任务（补录的历史任职不生成）",
        minimum=0,
        maximum=3650,
        unit="天",
    )
    policy.register(ATTACHMENT_MAX_MB, 10, "谈话记录单个附件大小上限", minimum=1, maximum=100, unit="MB")


@dataclass(frozen=True)
class InterviewPolicy:
    talks_top_leader: int
    talks_other: int
    due_soon_days: int
    special_due_days: int
    special_lookback_days: int
    attachment_max_mb: int


def current() -> InterviewPolicy:
    """All interview policies in one query."""
    from cadre_supervision.models import PolicySetting

    keys = [
        TALKS_TOP_LEADER,
        TALKS_OTHER,
        DUE_SOON_DAYS,
        SPECIAL_DUE_DAYS,
        SPECIAL_LOOKBACK_DAYS,
        ATTACHMENT_MAX_MB,
    ]
    if TALKS_TOP_LEADER not in policy.REGISTRY:
        register()
    overrides = dict(PolicySetting.objects.filter(key__in=keys).values_list("key", "value"))

    def get(key):
        p = policy.REGISTRY[key]
        return p.kind(overrides[key]) if key in overrides else p.default

    return InterviewPolicy(*(get(k) for k in keys))
