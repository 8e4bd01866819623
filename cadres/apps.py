from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "cadres"
    verbose_name = "干部名册"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cadre_supervision import policy, registry
        from cadre_supervision.permissions import has_any_scope

        from .benchkit import cadre_floor
        from .choices import SANCTION_BAR_MONTHS_DEFAULT

        cadre_floor.register()  # the hand-written floor of the statistics (manage.py bench)

        from cadre_supervision.permissions import HEADED, register_personal_jurisdiction

        from .selectors import headed_organization_ids

        register_personal_jurisdiction(HEADED, headed_organization_ids)

        for kind, months in SANCTION_BAR_MONTHS_DEFAULT.items():
            policy.register(
                f"cadres.sanction_bar_months.{kind.value}",
                months,
                f"{kind.label}：影响提拔任用的期间（0 为不得再任用）",
                minimum=0,
                maximum=120,
                area="干部档案",
                unit="月",
            )
        policy.register(
            "cadres.photo_max_kb",
            2048,
            "干部照片文件大小上限",
            minimum=50,
            maximum=20480,
            area="干部档案",
            unit="KB",
        )

        # 《干部教育培训工作条例》: in every five years, 3 months or 550 学时 of training.
        for key, default, label, maximum, unit in (
            ("years", 5, "教育培训达标的统计年限（近几年）", 10, "年"),
            ("min_hours", 550, "统计年限内应累计的培训学时", 5000, "学时"),
            ("min_days", 90, "或统计年限内应累计的培训天数", 365, "天"),
        ):
            policy.register(
                f"cadres.training.{key}",
                default,
                label,
                minimum=1,
                maximum=maximum,
                area="干部档案",
                unit=unit,
            )

        from .choices import PUBLICITY_DAYS_DEFAULT, PUBLICITY_DAYS_MINIMUM

        for kind, days in PUBLICITY_DAYS_DEFAULT.items():
            policy.register(
                f"cadres.publicity_days.{kind.value}",
                days,
                f"{kind.label}期（工作日）",
                minimum=PUBLICITY_DAYS_MINIMUM[kind],
                maximum=30,
                area="公示",
                unit="个工作日",
            )

        from .models import Cadre, Organization, Post, Publicity

        def sees(model, action="view"):
            return lambda user: has_any_scope(model, user, action)

        # Each entry only for those who may see a row of it (no rows read).
        registry.register_nav_item(registry.NavItem("干部名册", "cadres:cadre_list", 10, visible=sees(Cadre)))
        registry.register_nav_item(
            registry.NavItem("单位", "cadres:organization_tree", 11, visible=sees(Organization))
        )
        registry.register_nav_item(registry.NavItem("岗位", "cadres:post_list", 12, visible=sees(Post)))
        registry.register_nav_item(
            registry.NavItem("公示", "cadres:publicity_list", 15, visible=sees(Publicity))
        )
        registry.register_nav_item(
            registry.NavItem("廉政档案", "integrity_index", 13, visible=sees(Cadre, "integrity"))
        )

        from . import board, demo, lookups, publicity, selectors, timeline

        publicity.register()  # 公示: reminders, calendar

        lookups.register()

        registry.register_demo_seeder(20, demo.seed_dossier)

        registry.register_person_office_source(selectors.account_offices)

        # Rule 1: a 一把手 holding a portfolio area the catalogue forbids to a 一把手.
        registry.register_warning_source(
            registry.WarningSource(
                "cadres.portfolio",
                "一把手分管违规",
                selectors.portfolio_warnings,
                level="red",
                weight=4,
                channel="cadres",
            )
        )
        # 带病提拔 signals (blocks_promotion): sanction bar, unverified dossier, weak grades.
        from . import promotion_warnings

        promotion_warnings.register()
        board.register()  # the early-warning board (预警): policies, nav, sweep, workbench
        timeline.register()  # the integrity file's timeline: sanctions, assessments, rewards

        from . import imports, joint_analysis  # after lookups: the analysis form names a source

        # Whole-scope files: inline when small, a background job beyond (cadre_supervision.exports)
        imports.register_exports()
        joint_analysis.register_exports()
