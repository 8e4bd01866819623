"""Policy settings of the petitions app (系统设置 → 信访举报)."""

from cadre_supervision import policy

AREA = "信访举报"


def register() -> None:
    policy.register(
        "petitions.deadline_working_days", 60, "信访举报件办理期限", area=AREA, unit="个工作日", minimum=1
    )
    policy.register("petitions.duplicate_days", 365, "重复件比对的时间范围", area=AREA, unit="天", minimum=1)
    policy.register(
        "petitions.duplicate_percent", 30, "重复件内容相似度阈值", area=AREA, unit="%", minimum=1, maximum=100
    )
    policy.register(
        "petitions.substantiated_years",
        3,
        "属实、部分属实的信访件作为预警信号的年限",
        area=AREA,
        unit="年",
        minimum=1,
    )
    policy.register(
        "petitions.heavy_unit_threshold", 5, "信访举报较多单位的认定件数", area=AREA, unit="件", minimum=1
    )
    policy.register(
        "petitions.attachment_max_mb", 20, "信访举报附件大小上限", area=AREA, unit="MB", minimum=1
    )
