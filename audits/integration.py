"""What the audits app contributes to the shared registries: navigation, integrity-file
sections, early-warning signals, the cadre-page panel, reminder sweeps and demo data."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from cadre_supervision import policy, registry
from cadre_supervision.notifications import ReminderSpec
from cadre_supervision.people import display_name
from cadre_supervision.permissions import SYSTEM, has_org_perm, per_user

from . import rules, selectors
from .choices import RectState
from .models import Audit, AuditFileShare, AuditMember, Finding


def _sees_audits(user) -> bool:
    if not user.is_authenticated:
        return False
    if has_org_perm(user, "view_audits"):
        return True
    # Asked by two menu entries on every page: once per request.
    return per_user(user, "_audit_member", AuditMember.objects.filter(user=user).exists)


def _d(value: dt.date | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


# --- integrity file sections ---------------------------------------------------------------------


def _audits_by_cadre(cadres, user) -> dict[int, list]:
    """The audits of each of `cadres` (cadre id -> audits, newest plan first), in one query."""
    out: dict[int, list] = {c.pk: [] for c in cadres}
    for a in selectors.audits_of_cadres(list(out), user):
        out[a.cadre_id].append(a)
    return out


def build_audits_section_many(cadres, user) -> dict[int, dict]:
    return {pk: {"audits": audits} for pk, audits in _audits_by_cadre(cadres, user).items()}


AUDITS_HEADER = [
    "项目名称",
    "审计类型",
    "计划年度",
    "单位",
    "职务",
    "审计期间",
    "状态",
    "状态日期",
    "总体评价",
    "问题数",
    "未销号",
]


def export_audits_section_many(cadres, user) -> dict[int, tuple[list[str], list[list]]]:
    return {
        pk: (
            list(AUDITS_HEADER),
            [
                [
                    a.title,
                    a.get_kind_display(),
                    a.year,
                    a.organization.name,
                    a.appointment.post.title,
                    f"{_d(a.period_start)} 至 {_d(a.period_end)}",
                    a.get_status_display(),
                    a.status_date,
                    a.get_overall_conclusion_display(),
                    a.n_findings,
                    a.n_open,
                ]
                for a in audits
            ],
        )
        for pk, audits in _audits_by_cadre(cadres, user).items()
    }


def _findings_by_cadre(cadres, user) -> dict[int, list]:
    """The findings concerning each of `cadres` (as the audit's cadre or the responsible one),
    in one query; a finding concerning two of them is listed for each."""
    out: dict[int, list] = {c.pk: [] for c in cadres}
    ids = list(out)
    for f in selectors.findings_of_cadres(ids, user):
        for pk in selectors.finding_cadre_ids(f, ids):
            out[pk].append(f)
    return out


def build_findings_section_many(cadres, user) -> dict[int, dict]:
    today = timezone.localdate()
    out = {}
    for pk, findings in _findings_by_cadre(cadres, user).items():
        for f in findings:
            f.overdue = f.is_overdue(today)
        out[pk] = {
            "findings": findings,
            "n_verified": sum(1 for f in findings if f.state == RectState.VERIFIED),
            "n_overdue": sum(1 for f in findings if f.overdue),
        }
    return out


FINDINGS_HEADER = [
    "联审项目",
    "审计事项",
    "问题描述",
    "严重程度",
    "责任人",
    "整改要求",
    "整改期限",
    "整改状态",
    "是否逾期",
    "验收人",
    "销号时间",
]


def export_findings_section_many(cadres, user) -> dict[int, tuple[list[str], list[list]]]:
    today = timezone.localdate()
    return {
        pk: (
            list(FINDINGS_HEADER),
            [
                [
                    f.audit.title,
                    f.stream.get_stream_display(),
                    f.description,
                    f.get_severity_display(),
                    f.responsible_display,
                    f.rectification_required,
                    f.due_date,
                    f.get_state_display(),
                    f.is_overdue(today),
                    display_name(f.verified_by) if f.verified_by_id else "",
                    f.verified_at,
                ]
                for f in findings
            ],
        )
        for pk, findings in _findings_by_cadre(cadres, user).items()
    }


build_audits_section = registry.section_of_one(build_audits_section_many)
export_audits_section = registry.section_of_one(export_audits_section_many)
build_findings_section = registry.section_of_one(build_findings_section_many)
export_findings_section = registry.section_of_one(export_findings_section_many)


# --- warnings -------------------------------------------------------------------------------------


def collect_overdue_rectification(user, cadre_ids=None):
    today = timezone.localdate()
    qs = selectors.overdue_findings(user=user, today=today).select_related("audit", "stream")
    if cadre_ids is not None:
        from django.db.models import Q

        qs = qs.filter(Q(audit__cadre_id__in=cadre_ids) | Q(responsible_cadre_id__in=cadre_ids))
    out = []
    for f in qs:
        detail = f"{f.audit.title}：{f.get_stream_label()}问题整改期限 {_d(f.due_date)}，已逾期 {(today - f.due_date).days} 天（{f.get_state_display()}）"
        targets = {f.audit.cadre_id}
        if f.responsible_cadre_id:
            targets.add(f.responsible_cadre_id)
        for cid in targets:
            if cadre_ids is None or cid in cadre_ids:
                out.append(
                    registry.Warning(
                        cadre_id=cid,
                        kind="audits.rectification_overdue",
                        title="审计问题整改逾期",
                        detail=detail,
                        url=f.get_absolute_url(),
                        severity="danger",
                        since=f.due_date + dt.timedelta(days=1),
                        uid=f"audits.finding.{f.pk}.overdue",
                    )
                )
    return out


def collect_departure_unaudited(user, cadre_ids=None):
    url = reverse("audits:compliance_departures")
    return [
        registry.Warning(
            cadre_id=a.cadre_id,
            kind="audits.departure_unaudited",
            title="离任未审计",
            detail=f"{a.post.organization.name}{a.post.title}于 {_d(a.end_date)} 离任，尚未开展离任三责联审",
            url=url,
            severity="danger",
            since=a.end_date,
            uid=f"audits.departure.{a.pk}",
        )
        for a in selectors.departures_without_audit(user=user, cadre_ids=cadre_ids)
    ]


def collect_cycle_overdue(user, cadre_ids=None):
    out = []
    url = reverse("audits:compliance_cycle")
    for row in selectors.cycle_rows(user=user, cadre_ids=cadre_ids):
        if not row.state.is_due:
            continue
        since = f"上次联审 {_d(row.last_audit_date)}" if row.last_audit_date else "任职以来从未联审"
        planned = "，已列入计划" if row.pending_audit else ""
        out.append(
            registry.Warning(
                cadre_id=row.appointment.cadre_id,
                kind="audits.cycle_overdue",
                title="轮审逾期",
                detail=f"{row.organization.name}{row.appointment.post.title}，{since}，应于 {_d(row.state.due_date)} 前联审{planned}",
                url=url,
                severity="warning",
                since=row.state.due_date,
                uid=f"audits.cycle.{row.appointment.pk}",
            )
        )
    return out


# --- cadre page panel -------------------------------------------------------------------------------


def cadre_panel(cadre, user):
    if not (has_org_perm(user, "view_audits", cadre.organization_id) or user.is_superuser):
        audits = list(selectors.audits_of_cadre(cadre, user))
        if not audits:
            return None
    else:
        audits = list(selectors.audits_of_cadre(cadre, user))
    today = timezone.localdate()
    overdue = list(
        selectors.overdue_findings(user=user, today=today)
        .filter(audit__cadre=cadre)
        .select_related("audit", "stream")
    )
    cycle = [r for r in selectors.cycle_rows(user=user, cadre_ids=[cadre.pk], include_ok=True)]
    departures = selectors.departures_without_audit(user=user, cadre_ids=[cadre.pk])
    return {
        "title": "三责联审",
        "template": "audits/panels/cadre_panel.html",
        "context": {
            "cadre": cadre,
            "audits": audits,
            "overdue": overdue,
            "cycle": cycle,
            "departures": departures,
            "can_manage": has_org_perm(user, "manage_audits", cadre.organization_id),
        },
    }


# --- reminders (daily sweep) ------------------------------------------------------------------------


def _managers(org_ids):
    return selectors.audit_managers_by_org(org_ids)


def sweep_cycle_due(today: dt.date):
    rows = [r for r in selectors.cycle_rows(user=SYSTEM, today=today) if r.pending_audit is None]
    managers = _managers({r.organization.pk for r in rows})
    url = reverse("audits:compliance_cycle")
    years = selectors.cycle_years()  # one policy read for the sweep, not one per reminder
    for r in rows:
        a = r.appointment
        when = "已逾期" if r.state.is_due else f"将于 {_d(r.state.due_date)} 到期"
        for uid in managers.get(r.organization.pk, ()):
            yield ReminderSpec(
                recipient_id=uid,
                kind="audits.cycle_due",
                period=r.state.due_date.isoformat(),
                title=f"轮审提醒：{a.cadre.name}（{a.post}）三责联审{when}",
                body=f"轮审周期 {years} 年，应于 {_d(r.state.due_date)} 前完成联审。",
                url=url,
                object_type="cadres.appointment",
                object_id=str(a.pk),
            )


def sweep_departure_unaudited(today: dt.date):
    return departure_reminders(selectors.departures_without_audit(user=SYSTEM, today=today))


def departure_reminders(appts):
    """离任必审 reminders to the audit managers of each departed 一把手's unit."""
    managers = _managers({a.post.organization_id for a in appts})
    url = reverse("audits:compliance_departures")
    for a in appts:
        for uid in managers.get(a.post.organization_id, ()):
            yield ReminderSpec(
                recipient_id=uid,
                kind="audits.departure_unaudited",
                period=a.end_date.isoformat(),
                title=f"离任必审：{a.cadre.name}（{a.post}）已离任尚未联审",
                body=f"{a.cadre.name}于 {_d(a.end_date)} 离任，请安排离任三责联审。",
                url=url,
                object_type="cadres.appointment",
                object_id=str(a.pk),
            )


def _finding_recipients(findings):
    managers = _managers({f.audit.organization_id for f in findings})
    team = selectors.team_user_ids_by_audit({f.audit_id for f in findings})
    for f in findings:
        ids = set(managers.get(f.audit.organization_id, ())) | team.get(f.audit_id, set())
        if f.responsible_cadre_id and f.responsible_cadre.user_id and f.responsible_cadre.user.is_active:
            ids.add(f.responsible_cadre.user_id)
        yield f, ids


def sweep_rectification_due_soon(today: dt.date):
    days = policy.get("audits.rectification_due_soon_days")
    findings = list(
        Finding.objects.restrict(SYSTEM)
        .unverified()
        .filter(due_date__gte=today, due_date__lte=today + dt.timedelta(days=days))
        .exclude(audit__status="closed")
        .select_related("audit", "stream", "responsible_cadre__user")
    )
    for f, ids in _finding_recipients(findings):
        for uid in ids:
            yield ReminderSpec(
                recipient_id=uid,
                kind="audits.rectification_due_soon",
                period=f.due_date.isoformat(),
                title=f"整改期限临近：{f.audit.cadre.name} {f.get_stream_label()}问题将于 {_d(f.due_date)} 到期",
                body=f.description[:200],
                url=f.get_absolute_url(),
                object_type="audits.finding",
                object_id=str(f.pk),
            )


def sweep_rectification_overdue(today: dt.date):
    findings = list(
        Finding.objects.restrict(SYSTEM)
        .overdue(today)
        .select_related("audit", "stream", "responsible_cadre__user")
    )
    for f, ids in _finding_recipients(findings):
        for uid in ids:
            yield ReminderSpec(
                recipient_id=uid,
                kind="audits.rectification_overdue",
                # Once a month while overdue.
                period=today.strftime("%Y-%m"),
                title=f"整改逾期：{f.audit.cadre.name} {f.get_stream_label()}问题已超过整改期限 {_d(f.due_date)}",
                body=f.description[:200],
                url=f.get_absolute_url(),
                object_type="audits.finding",
                object_id=str(f.pk),
            )


def purge_expired_shares_step(today: dt.date) -> int:
    """A sweep step (a write): drop the guardian grants of ended shares."""
    from .services import audit_shares_purge_expired

    return audit_shares_purge_expired()


def sweep_share_expiring(today: dt.date):
    days = policy.get("audits.share_expiry_warning_days")
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    end = start + dt.timedelta(days=days + 1)
    shares = AuditFileShare.objects.active().filter(expires_at__lte=end).select_related("file", "officer")
    for s in shares:
        last_day = timezone.localtime(s.expires_at - dt.timedelta(seconds=1)).date()
        for uid in {s.officer_id, s.granted_by_id} - {None}:
            yield ReminderSpec(
                recipient_id=uid,
                kind="audits.share_expiring",
                period=last_day.isoformat(),
                title=f"审计档案共享即将到期：{s.file.title}（共享给 {display_name(s.officer)}，至 {_d(last_day)}）",
                body="到期后访问权限自动终止；如需延长请联系组织部。",
                url=reverse("audits:file_list"),
                object_type="audits.auditfileshare",
                object_id=str(s.pk),
            )


# --- registration ----------------------------------------------------------------------------------


def recommender_findings(user, cadre_ids) -> dict[int, list[str]]:
    """ "谁推荐谁负责": the problems joint audits found in the use of power of these cadres."""
    from .models import Finding

    out: dict[int, list[str]] = {}
    for cadre_id, year, text in (
        Finding.objects.restrict(user, "view")
        .filter(audit__cadre_id__in=list(cadre_ids))
        .values_list("audit__cadre_id", "created_at__year", "description")
    ):
        out.setdefault(cadre_id, []).append(f"{year}年：{text[:60]}")
    return out


def audit_timeline_many(cadre_ids, user):
    """Timeline entries of the integrity file: each joint audit (by its report, or its plan date)
    and each finding (dated when found, with its rectification state)."""
    for a in selectors.audits_of_cadres(cadre_ids, user):
        when = a.report_date or a.fieldwork_date or a.planned_date
        yield (
            a.cadre_id,
            registry.TimelineEntry(
                date=when,
                kind="audits.audit",
                label="三责联审",
                title=a.title,
                detail=f"{a.get_status_display()}；发现问题 {a.n_findings} 个，未销号 {a.n_open} 个",
                url=a.get_absolute_url(),
            ),
        )
    for f in selectors.findings_of_cadres(cadre_ids, user):
        entry = registry.TimelineEntry(
            date=timezone.localdate(f.created_at),
            kind="audits.finding",
            label="审计发现问题",
            title=f"{f.audit.title}：{f.description[:40]}",
            detail=f"{f.get_severity_display()}；整改期限 {_d(f.due_date)}（{f.get_state_display()}）",
            url=f.get_absolute_url(),
        )
        for cadre_id in selectors.finding_cadre_ids(f, cadre_ids):
            yield cadre_id, entry


audit_timeline = registry.timeline_of_one(audit_timeline_many)


def register() -> None:
    registry.register_nav_item(registry.NavItem("三责联审", "audits:audit_list", 40, visible=_sees_audits))
    registry.register_nav_item(registry.NavItem("问题整改", "audits:finding_list", 41, visible=_sees_audits))
    registry.register_integrity_section(
        registry.IntegritySection(
            key="audits.audits",
            title="三责联审",
            order=30,
            build=build_audits_section,
            template="audits/integrity/audits_section.html",
            export=export_audits_section,
            build_many=build_audits_section_many,
            export_many=export_audits_section_many,
        )
    )
    registry.register_integrity_section(
        registry.IntegritySection(
            key="audits.findings",
            title="审计发现问题及整改",
            order=31,
            build=build_findings_section,
            template="audits/integrity/findings_section.html",
            export=export_findings_section,
            build_many=build_findings_section_many,
            export_many=export_findings_section_many,
        )
    )
    registry.register_warning_source(
        registry.WarningSource(
            "audits.rectification_overdue",
            "审计问题整改逾期",
            collect_overdue_rectification,
            level="orange",
            weight=3,
            channel="audits",
        )
    )
    registry.register_warning_source(
        registry.WarningSource(
            "audits.departure_unaudited",
            "离任未审计",
            collect_departure_unaudited,
            level="red",
            weight=4,
            channel="audits",
        )
    )
    registry.register_warning_source(
        registry.WarningSource(
            "audits.cycle_overdue",
            "轮审逾期",
            collect_cycle_overdue,
            level="orange",
            weight=2,
            channel="audits",
        )
    )
    registry.register_timeline_source("audits.audits", audit_timeline, many=audit_timeline_many)
    if cadre_panel not in registry.cadre_page_panels:
        registry.cadre_page_panels.append(cadre_panel)
    registry.register_sweep_step("audits.purge_expired_shares", purge_expired_shares_step)
    registry.register_sweep_source("audits.cycle_due", sweep_cycle_due)
    registry.register_sweep_source("audits.departure_unaudited", sweep_departure_unaudited)
    registry.register_sweep_source("audits.rectification_due_soon", sweep_rectification_due_soon)
    registry.register_sweep_source("audits.rectification_overdue", sweep_rectification_overdue)
    registry.register_sweep_source(
        "audits.share_expiring", sweep_share_expiring, after="audits.purge_expired_shares"
    )
    registry.stats_sections.setdefault("audits", "audits-api:stats-audits")
    registry.register_cadre_outcome_source(
        registry.CadreOutcomeSource("audits.findings", "联审查实问题", recommender_findings)
    )

    from .demo import seed

    registry.register_demo_seeder(40, seed)


__all__ = ["register", "rules", "Audit"]
