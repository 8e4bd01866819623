from django.apps import AppConfig


def _sees_reports(user) -> bool:
    from cadre_supervision.permissions import role_codes

    if user.is_superuser or "org_staff" in role_codes(user):
        return True
    return _has_cadre(user)


def _has_cadre(user) -> bool:
    try:
        return user.cadre is not None
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist: no linked cadre
        return False


def _register_subnav(registry) -> None:
    """The reports sub-menu: each entry only for those who may open it (no rows read)."""
    from cadre_supervision.permissions import has_any_scope, has_org_perm
    from cadres.models import Publicity

    from .models import MajorMatterReport, Verification

    def staff(user):
        return user.is_superuser or has_org_perm(user, "view_personal_reports")

    def scoped(model):
        return lambda user: has_any_scope(model, user, "view")

    for order, (label, url_name, visible) in enumerate(
        [
            ("报告周期", "reports:cycle_list", staff),
            ("查核", "reports:verification_list", scoped(Verification)),
            ("公示", "cadres:publicity_list", scoped(Publicity)),
            ("重大事项", "reports:major_list", scoped(MajorMatterReport)),
            ("我的报告", "reports:my_reports", _has_cadre),
        ]
    ):
        registry.register_subnav_item("reports", registry.NavItem(label, url_name, order, visible=visible))


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "个人有关事项报告"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cadre_supervision import policy, registry

        from . import bench_floor, integration
        from .demo import seed

        bench_floor.register()  # the hand-written floor of the statistics (manage.py bench)

        policy.register(
            "reports.deadline_month",
            1,
            "个人有关事项年度报告截止月份（次年）",
            minimum=1,
            maximum=12,
            unit="月",
        )
        policy.register(
            "reports.deadline_day", 31, "个人有关事项年度报告截止日", minimum=1, maximum=31, unit="日"
        )
        policy.register(
            "reports.sample_share_percent",
            10,
            "个人有关事项报告随机抽查比例",
            kind=float,
            minimum=1,
            maximum=100,
            unit="%",
        )
        policy.register(
            "reports.due_soon_days", 14, "报告截止前提醒提前天数", minimum=1, maximum=90, unit="天"
        )
        policy.register(
            "reports.max_amount_wan", 100000, "单项金额合理上限，超过视为填报错误", minimum=1, unit="万元"
        )

        registry.register_nav_item(
            registry.NavItem("个人事项报告", "reports:home", 50, visible=_sees_reports)
        )
        _register_subnav(registry)
        registry.register_sweep_source(integration.SWEEP_KIND, integration.reminder_specs)
        registry.register_cadre_outcome_source(
            registry.CadreOutcomeSource(
                "reports.concealment", "个人事项瞒报", integration.recommender_concealment
            )
        )
        from . import workbench as _workbench

        _workbench.register()  # the 工作台: to-do, calendar and figure sources
        registry.register_integrity_section(
            registry.IntegritySection(
                key="reports.reports",
                title="个人有关事项报告",
                order=40,
                build=integration.integrity_reports,
                template="reports/integrity/reports_section.html",
                export=integration.integrity_reports_export,
                build_many=integration.integrity_reports_many,
                export_many=integration.integrity_reports_export_many,
            )
        )
        registry.register_integrity_section(
            registry.IntegritySection(
                key="reports.verifications",
                title="个人有关事项报告查核结果",
                order=41,
                build=integration.integrity_verifications,
                template="reports/integrity/verifications_section.html",
                export=integration.integrity_verifications_export,
                build_many=integration.integrity_verifications_many,
                export_many=integration.integrity_verifications_export_many,
            )
        )
        for key, title, collect, level, weight, blocks in (
            ("reports.missing", "个人有关事项报告逾期未报", integration.collect_missing, "orange", 2, False),
            ("reports.late", "个人有关事项报告逾期提交", integration.collect_late, "yellow", 1, False),
            (
                "reports.inconsistent",
                "个人有关事项报告漏报",
                integration.collect_inconsistent,
                "orange",
                2,
                False,
            ),
            ("reports.concealment", "个人有关事项报告瞒报", integration.collect_concealment, "red", 5, True),
        ):
            registry.register_warning_source(
                registry.WarningSource(
                    key,
                    title,
                    collect,
                    level=level,
                    weight=weight,
                    channel="reports",
                    blocks_promotion=blocks,
                )
            )
        registry.register_timeline_source(
            "reports.verifications",
            integration.verification_timeline,
            many=integration.verification_timeline_many,
        )
        registry.stats_sections.setdefault("reports", "reports-api:stats-reports")
        registry.register_demo_seeder(50, seed)
        # 凡提必核 for a selection's candidates (reports/selection_hooks.py)
        from . import selection_hooks

        selection_hooks.register()
