from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "selection"
    verbose_name = "选人用人监督"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cadre_supervision import policy

        from .choices import RatioPoint

        policy.register(
            "selection.letter_reply_days",
            5,
            "廉政意见征求函默认答复期限",
            minimum=1,
            maximum=60,
            unit="工作日",
        )
        policy.register(
            "selection.stage_max_days", 60, "一个环节停留超过多少天提醒", minimum=1, maximum=365, unit="天"
        )
        for point, default in (
            (RatioPoint.NOMINATION, 1.5),
            (RatioPoint.INSPECTION, 1.2),
            (RatioPoint.DELIBERATION, 1.2),
            (RatioPoint.VOTE, 1.2),
        ):
            policy.register(
                f"selection.min_ratio.{point}",
                default,
                f"{point.label}：人选与职位数之比的下限",
                kind=float,
                minimum=1,
                maximum=5,
                unit="倍",
            )

        from . import integration, lookups

        lookups.register()
        integration.register()
