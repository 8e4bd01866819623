from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "interviews"
    verbose_name = "谈心谈话"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import bench_floor, lookups

        bench_floor.register()  # the hand-written floor of the statistics (manage.py bench)
        lookups.register()
        from cadre_supervision import events, registry

        from . import demo, integration, integrity, policies, selectors, services
        from .views import can_see_records, is_interviews_staff, is_supervisor

        policies.register()
        from . import workbench as _workbench

        _workbench.register()  # the 工作台: to-do, calendar and figure sources

        # Domain events: the plan follows posts and statuses inside the writing transaction;
        # events make special-topic talks due (a team change raises several: after commit).
        registry.on(events.AppointmentCreated, services.on_appointment_created)
        from . import selection_hooks

        selection_hooks.register()
        registry.on(events.AppointmentEnded, services.on_appointment_ended)
        registry.on(events.CadreStatusChanged, services.on_cadre_status_changed)
        registry.on(events.AuditCreated, services.on_audit_created)
        registry.on(events.AssessmentRecorded, services.on_assessment_recorded)
        registry.on(events.SecondLineMoved, services.on_secondline_moved)
        registry.on(events.TeamChanged, services.on_team_changed, after_commit=True)
        from . import evaluation_hooks

        evaluation_hooks.register()  # a 关爱提醒函 sent raises a 提醒谈话

        # The daily sweep: keep the plan current (a step: the write), then remind and
        # escalate; overdue follow-ups (sources: reads only).
        registry.register_sweep_step("interviews.plan_refresh", integration.plan_refresh_step)
        registry.register_sweep_source(
            "interviews.talks", selectors.talk_reminders, after="interviews.plan_refresh"
        )
        registry.register_sweep_source(
            "interviews.follow_ups", selectors.follow_up_reminders, after="interviews.plan_refresh"
        )
        registry.register_warning_source(
            registry.WarningSource(
                "interviews.talk_overdue",
                "谈心谈话逾期",
                integration.collect_talk_overdue,
                level="yellow",
                weight=1,
                channel="interviews",
            )
        )

        registry.register_nav_item(registry.NavItem("我的谈话任务", "interviews:my_tasks", 20, is_supervisor))
        registry.register_nav_item(
            registry.NavItem("谈话覆盖率", "interviews:coverage", 21, is_interviews_staff)
        )
        registry.register_nav_item(
            registry.NavItem("谈话记录", "interviews:record_list", 22, can_see_records)
        )

        registry.register_integrity_section(
            registry.IntegritySection(
                key="interviews.discipline",
                title="诫勉谈话与函询",
                order=30,
                build=integrity.build,
                template="interviews/integrity_section.html",
                export=integrity.export,
                build_many=integrity.build_many,
                export_many=integrity.export_many,
            )
        )
        registry.register_timeline_source(
            "interviews.talks", integrity.timeline, many=integrity.timeline_many
        )
        registry.register_demo_seeder(30, demo.seed)

        from . import petition_hooks

        petition_hooks.register()  # a petition's 谈话函询 raises its talk or inquiry here
