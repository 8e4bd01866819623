"""Policy settings of the evaluations app (registered from AppConfig.ready())."""

from __future__ import annotations

from cadre_supervision import policy

from .choices import EvaluatorGroup

AREA = "阳光评议"
WEIGHT_DEFAULTS = {
    EvaluatorGroup.MASSES: 40,
    EvaluatorGroup.DEPUTIES: 20,
    EvaluatorGroup.CADRES: 20,
    EvaluatorGroup.LEADERS: 20,
}


def register() -> None:
    for group, default in WEIGHT_DEFAULTS.items():
        policy.register(
            f"evaluations.weight.{group}",
            default,
            f"阳光评议权重：{group.label}",
            minimum=0,
            maximum=100,
            area=AREA,
            unit="%",
        )
    for key, default, label in (
        ("excellent", 90, "阳光评议“优秀”等次最低得分"),
        ("competent", 75, "阳光评议“称职”等次最低得分"),
        ("basic", 60, "阳光评议“基本称职”等次最低得分（以下为不称职）"),
    ):
        policy.register(
            f"evaluations.threshold.{key}", default, label, minimum=0, maximum=100, area=AREA, unit="分"
        )
    policy.register(
        "evaluations.weak_grade_years",
        3,
        "较差评议等次（基本称职、不称职）作为预警的年限",
        minimum=1,
        maximum=10,
        area=AREA,
        unit="年",
    )
    policy.register(
        "evaluations.step_due_soon_days",
        14,
        "评议环节、承诺整改事项到期提前提醒天数",
        minimum=0,
        maximum=90,
        area=AREA,
        unit="天",
    )
    policy.register(
        "evaluations.letter_ack_days",
        15,
        "关爱提醒函签收说明期限",
        minimum=1,
        maximum=90,
        area=AREA,
        unit="天",
    )
    policy.register(
        "evaluations.file_allowed_types",
        "pdf,ofd,doc,docx,xls,xlsx,jpg,jpeg,png,zip,txt",
        "评议材料允许的文件类型（扩展名，逗号分隔）",
        kind=str,
        area=AREA,
    )
    policy.register(
        "evaluations.file_max_mb",
        20,
        "评议材料单个文件大小上限",
        minimum=1,
        maximum=500,
        area=AREA,
        unit="MB",
    )


def weights() -> dict[str, int]:
    return {g: policy.get(f"evaluations.weight.{g}") for g in WEIGHT_DEFAULTS}


def thresholds() -> dict[str, int]:
    return {k: policy.get(f"evaluations.threshold.{k}") for k in ("excellent", "competent", "basic")}
