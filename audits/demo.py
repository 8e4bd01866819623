"""Demo data: joint audits over the demo city in every status, findings in every
rectification state (some overdue), audit reports as small generated files; departures
without audit and cycle-due leaders are left as they fall out of the city's tenures.

Everything goes through the services (same validation as the pages), then timestamps are
moved back to the dates the story needs.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cadre_supervision.permissions import SYSTEM
from cadres.models import Appointment

from . import rules, services
from .choices import AuditKind, AuditStatus, Conclusion, FileKind, MemberRole, RectState, Severity, Stream
from .models import Audit, AuditFile, Finding, RectificationStep

FINDINGS = {
    Stream.PEOPLE: [
        "选拔任用中层干部未按规定进行民主推荐，个别岗位“带病提拔”风险未充分研判",
        "干部档案审核把关不严，2名干部“三龄两历”信息前后不一致",
        "超职数配备中层副职1名",
        "个别关键岗位干部任职超过10年未交流",
    ],
    Stream.STAFFING: [
        "编外聘用人员数量超出核定控制数8人",
        "在编人员长期借调至其他单位未办理手续",
        "内设机构设置与“三定”规定不一致",
    ],
    Stream.MONEY: [
        "公务接待费用超标准列支，未附公函和接待清单",
        "工程项目未经招投标直接发包，金额合计126万元",
        "专项资金被挤占挪用用于日常办公支出",
        "固定资产账实不符，部分资产处置未履行报批程序",
        "“三公”经费预算执行不严格，公务用车运行费超预算",
    ],
}
REQUIREMENTS = {
    Stream.PEOPLE: "严格执行干部选拔任用工作条例，完善动议、民主推荐、考察程序，整改后报送专项报告",
    Stream.STAFFING: "按核定编制和控制数清理编外人员，规范借调审批，三个月内报送整改结果",
    Stream.MONEY: "清退违规列支款项，完善财务内控制度，对相关责任人进行批评教育并报送整改材料",
}
# Rectification states for the findings of an audit in the rectification stage (cycled).
RECT_MIX = [
    RectState.VERIFIED,
    RectState.SUBMITTED,
    RectState.IN_PROGRESS,
    RectState.RETURNED,
    RectState.OPEN,
]
PATHS = {
    RectState.OPEN: [],
    RectState.IN_PROGRESS: [RectState.IN_PROGRESS],
    RectState.SUBMITTED: [RectState.IN_PROGRESS, RectState.SUBMITTED],
    RectState.RETURNED: [RectState.IN_PROGRESS, RectState.SUBMITTED, RectState.RETURNED],
    RectState.VERIFIED: [RectState.IN_PROGRESS, RectState.SUBMITTED, RectState.VERIFIED],
}
NOTES = {
    RectState.IN_PROGRESS: "已制定整改方案，明确责任人和时限",
    RectState.SUBMITTED: "已完成整改并报送整改报告及佐证材料",
    RectState.RETURNED: "整改材料不完整，相关款项尚未清退，退回重新整改",
    RectState.VERIFIED: "经核查整改到位，同意销号",
}


def report_xlsx(audit: Audit) -> bytes:
    from openpyxl import Workbook

    from cadre_supervision.excel import append_row

    wb = Workbook()
    ws = wb.active
    ws.title = "审计报告摘要"
    append_row(ws, [audit.title])
    append_row(ws, ["被审计干部", audit.cadre.name])
    append_row(ws, ["审计期间", f"{audit.period_start:%Y-%m-%d} 至 {audit.period_end:%Y-%m-%d}"])
    append_row(ws, [])
    append_row(ws, ["审计事项", "评价", "主要问题数"])
    for s in audit.streams.all():
        append_row(ws, [s.get_stream_display(), s.get_conclusion_display() or "—", s.findings.count()])
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def notice_pdf(audit: Audit) -> bytes:
    """A tiny valid one-page PDF (ASCII text) standing in for the scanned audit notice."""
    text = f"Audit notice No. {audit.pk} / {audit.year} - joint audit (people, staffing, money)"
    stream = f"BT /F1 12 Tf 60 760 Td ({text}) Tj ET".encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def _at(d: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(d, dt.time(hour, 0)))


TEAM_STRIDE = 9
TEAM_MAX = 5


def is_audit_team_member(user) -> bool:
    from cadre_supervision.permissions import role_codes

    return "audit_team" in role_codes(user)


class Seeder:
    def __init__(self, *, today, rng, actor, members):
        self.today = today
        self.rng = rng
        self.actor = actor
        self.members = members  # [(user, role, stream or None)]
        # Audit-team members (审计组成员) work on a few audits, not all of them, so that
        # "only the audits I am assigned to" shows: each joins every TEAM_STRIDE-th audit, at
        # most TEAM_MAX.
        self.team_ids = {u.pk for u, _r, _s in members if is_audit_team_member(u)}
        self.team_joined: dict[int, int] = {}
        self.counts = {"audits": 0, "findings": 0, "files": 0}
        self.rect_turn = 0  # cycles RECT_MIX over all findings in rectification

    def dates(self, fieldwork: dt.date) -> dict[str, dt.date]:
        return {
            AuditStatus.PLANNED: fieldwork - dt.timedelta(days=60),
            AuditStatus.NOTIFIED: fieldwork - dt.timedelta(days=15),
            AuditStatus.FIELDWORK: fieldwork,
            AuditStatus.REPORT: fieldwork + dt.timedelta(days=45),
            AuditStatus.RECTIFICATION: fieldwork + dt.timedelta(days=60),
            AuditStatus.CLOSED: fieldwork + dt.timedelta(days=150),
        }

    def fieldwork_for(self, target: str) -> dt.date:
        """Choose the fieldwork date so that the target step lies in the past."""
        r = self.rng.randint
        back = {
            AuditStatus.PLANNED: -r(40, 120),  # fieldwork still ahead
            AuditStatus.NOTIFIED: -r(5, 14),
            AuditStatus.FIELDWORK: r(5, 40),
            AuditStatus.REPORT: r(50, 58),
            AuditStatus.RECTIFICATION: r(100, 260),
            AuditStatus.CLOSED: r(160, 5 * 365),
        }[target]
        return self.today - dt.timedelta(days=back)

    @transaction.atomic
    def audit(
        self, appt: Appointment, kind: str, target: str, fieldwork: dt.date | None = None
    ) -> Audit | None:
        fieldwork = fieldwork or self.fieldwork_for(target)
        d = self.dates(fieldwork)
        planned = min(d[AuditStatus.PLANNED], self.today)
        tenure_end = appt.end_date or self.today
        if planned - dt.timedelta(days=300) < appt.start_date or (appt.end_date and appt.end_date > planned):
            return None
        audit = services.audit_create(
            user=self.actor,
            appointment=appt,
            kind=kind,
            year=fieldwork.year,
            period_start=appt.start_date,
            period_end=min(tenure_end, planned),
            planned_date=planned,
        )
        for user, role, stream in self.members:
            if user.pk in self.team_ids:
                if self.counts["audits"] % TEAM_STRIDE or self.team_joined.get(user.pk, 0) >= TEAM_MAX:
                    continue
                self.team_joined[user.pk] = self.team_joined.get(user.pk, 0) + 1
            services.audit_member_add(
                user=self.actor, audit=audit, member_user=user, role=role, stream=stream
            )
        self.counts["audits"] += 1
        order = rules.AUDIT_ORDER
        for status in order[1 : order.index(target) + 1]:
            if status == AuditStatus.REPORT:
                self.conclude_streams(audit)
            if status == AuditStatus.CLOSED:
                self.close_findings(audit, d)
                services.audit_update(
                    user=self.actor,
                    audit=audit,
                    overall_conclusion=self.rng.choice(
                        [Conclusion.GOOD, Conclusion.FAIRLY_GOOD, Conclusion.FAIR]
                    ),
                    overall_summary="被审计领导干部能够贯彻民主集中制，用人、用编、用钱总体规范，审计发现问题已全部整改销号。",
                )
            services.audit_transition(user=self.actor, audit=audit, status=status, on=d[status])
            if status == AuditStatus.NOTIFIED:
                self.upload(
                    audit,
                    FileKind.NOTICE,
                    "审计通知书",
                    f"审计通知书{audit.pk}.pdf",
                    notice_pdf(audit),
                    d[status],
                )
            if status == AuditStatus.FIELDWORK:
                self.findings(audit, d, target)
            if status == AuditStatus.REPORT:
                self.upload(
                    audit,
                    FileKind.REPORT,
                    "三责联审报告",
                    f"联审报告{audit.pk}.xlsx",
                    report_xlsx(audit),
                    d[status],
                )
            if status == AuditStatus.RECTIFICATION:
                self.rectify(audit, d)
        return audit

    def conclude_streams(self, audit: Audit) -> None:
        for s in audit.streams.all():
            n = s.findings.count()
            conclusion = (
                Conclusion.GOOD if n == 0 else (Conclusion.FAIRLY_GOOD if n == 1 else Conclusion.FAIR)
            )
            services.audit_stream_update(
                user=self.actor,
                stream=s,
                conclusion=conclusion,
                conclusion_text=f"{s.get_stream_display()}方面总体{conclusion.label}，发现问题 {n} 个。",
            )

    def findings(self, audit: Audit, d, target: str) -> None:
        # audits that will sit in rectification get enough findings to show every state
        n = self.rng.randint(3, 4) if target == AuditStatus.RECTIFICATION else self.rng.randint(1, 4)
        streams = {s.stream: s for s in audit.streams.all()}
        for i in range(n):
            stream = self.rng.choice(list(Stream.values))
            due = d[AuditStatus.REPORT] + dt.timedelta(days=self.rng.choice([60, 90, 120]))
            f = services.finding_create(
                user=self.actor,
                audit=audit,
                stream=streams[stream],
                description=self.rng.choice(FINDINGS[stream]),
                severity=self.rng.choice([Severity.MINOR, Severity.MINOR, Severity.SERIOUS, Severity.GRAVE]),
                responsible_cadre=audit.cadre if i == 0 else None,
                responsible_name=""
                if i == 0
                else self.rng.choice(["分管副职", "财务科负责人", "办公室主任", "人事科负责人"]),
                rectification_required=REQUIREMENTS[stream],
                due_date=due,
            )
            Finding.objects.filter(pk=f.pk).update(created_at=_at(d[AuditStatus.FIELDWORK], 15))
            self.counts["findings"] += 1

    def _move(self, f: Finding, path, start: dt.date) -> None:
        day = start
        for state in path:
            services.finding_transition(user=self.actor, finding=f, to_state=state, note=NOTES[state])
            day = min(day + dt.timedelta(days=self.rng.randint(7, 30)), self.today)
            RectificationStep.objects.filter(finding=f, to_state=state).update(at=_at(day))
            if state == RectState.SUBMITTED:
                Finding.objects.filter(pk=f.pk).update(submitted_at=_at(day))
            if state == RectState.VERIFIED:
                Finding.objects.filter(pk=f.pk).update(verified_at=_at(day))

    def rectify(self, audit: Audit, d) -> None:
        for f in audit.findings.order_by("id"):
            state = RECT_MIX[self.rect_turn % len(RECT_MIX)]
            self.rect_turn += 1
            self._move(f, PATHS[state], d[AuditStatus.RECTIFICATION])

    def close_findings(self, audit: Audit, d) -> None:
        for f in audit.findings.exclude(state=RectState.VERIFIED):
            f.refresh_from_db()
            path = PATHS[RectState.VERIFIED]
            if f.state != RectState.OPEN:
                path = [s for s in [RectState.SUBMITTED, RectState.VERIFIED] if s != f.state]
            self._move(f, path, d[AuditStatus.RECTIFICATION])

    def upload(self, audit: Audit, kind: str, title: str, name: str, data: bytes, on: dt.date) -> None:
        f = services.audit_file_upload(
            user=self.actor, audit=audit, kind=kind, title=title, uploaded_file=ContentFile(data, name=name)
        )
        AuditFile.objects.filter(pk=f.pk).update(uploaded_at=_at(on, 16))
        self.counts["files"] += 1


# How many audits of current 一把手 to create in each status (the rest stay unaudited,
# so that some fall due under the 3-year cycle), and departure / special audits.
PLAN_MID_TERM = [
    (AuditStatus.CLOSED, 26),
    (AuditStatus.RECTIFICATION, 6),
    (AuditStatus.REPORT, 4),
    (AuditStatus.FIELDWORK, 4),
    (AuditStatus.NOTIFIED, 3),
    (AuditStatus.PLANNED, 5),
]
PLAN_DEPARTURE = [
    AuditStatus.CLOSED,
    AuditStatus.RECTIFICATION,
    AuditStatus.REPORT,
    AuditStatus.CLOSED,
    AuditStatus.FIELDWORK,
]
PLAN_SPECIAL = [AuditStatus.RECTIFICATION, AuditStatus.FIELDWORK, AuditStatus.CLOSED]


def _users():
    User = get_user_model()
    by_name = {
        u.username: u
        for u in User.objects.filter(username__in=["zuzhibu", "admin", "shenji", "ganbuke", "jiwei"])
    }
    actor = by_name.get("zuzhibu") or by_name.get("admin") or User.objects.filter(is_superuser=True).first()
    members = []
    if "ganbuke" in by_name:
        members.append((by_name["ganbuke"], MemberRole.MEMBER, Stream.STAFFING))
    if "shenji" in by_name:
        members.append((by_name["shenji"], MemberRole.LEADER, Stream.MONEY))
    if "jiwei" in by_name:
        members.append((by_name["jiwei"], MemberRole.OBSERVER, None))
    return actor, members


def seed(*, today, rng, stdout) -> None:
    if Audit.objects.exists():
        stdout.write("  三责联审：已有数据，跳过")
        return
    actor, members = _users()
    if actor is None:
        stdout.write("  三责联审：没有可用的管理账号，跳过")
        return
    # the acting user leads the people stream of every demo audit (so may verify findings)
    members = [(actor, MemberRole.LEADER, Stream.PEOPLE), *[m for m in members if m[0].pk != actor.pk]]
    s = Seeder(today=today, rng=rng, actor=actor, members=members)

    current = list(
        Appointment.objects.current(today)
        .top_leaders()
        .select_related("cadre", "post", "post__organization")
        .order_by("id")
    )
    rng.shuffle(current)
    queue = iter(current)
    # Audit at most ~60% of the sitting 一把手 so that the rest can fall due under the cycle;
    # on a small city every status still gets at least one audit.
    total = sum(n for _s, n in PLAN_MID_TERM)
    factor = min(1.0, len(current) * 0.6 / total)
    for status, n in PLAN_MID_TERM:
        n = max(1, round(n * factor))
        made = 0
        for appt in queue:
            if s.audit(appt, AuditKind.MID_TERM, status):
                made += 1
            if made >= n:
                break

    lookback = rules.add_years(today, -3)
    ended = list(
        Appointment.objects.top_leaders()
        .filter(end_date__isnull=False, end_date__lte=today - dt.timedelta(days=30), end_date__gte=lookback)
        .select_related("cadre", "post", "post__organization")
        .order_by("id")
    )
    rng.shuffle(ended)
    # audit about half of the recent departures; the rest stay on the 离任必审 list
    for appt, status in zip(ended[: len(ended) // 2], PLAN_DEPARTURE, strict=False):
        fieldwork = appt.end_date + dt.timedelta(days=75)
        if status != AuditStatus.CLOSED:
            fieldwork = max(fieldwork, s.fieldwork_for(status))
        if (
            fieldwork + dt.timedelta(days={"closed": 150, "rectification": 60, "report": 45}.get(status, 0))
            > today
        ):
            fieldwork = s.fieldwork_for(status)
        s.audit(appt, AuditKind.DEPARTURE, status, fieldwork=fieldwork)

    deputies = list(
        Appointment.objects.current(today)
        .filter(post__top_leader_kind="")
        .filter(Q(post__key_categories__overlap=list(rules.AUDITABLE_KEY_CATEGORIES)))
        .select_related("cadre", "post", "post__organization")
        .order_by("id")
    )
    rng.shuffle(deputies)
    dq = iter(deputies)
    for status in PLAN_SPECIAL:
        for appt in dq:
            if s.audit(appt, AuditKind.SPECIAL, status):
                break

    from . import selectors

    by_status = {label: Audit.objects.filter(status=code).count() for code, label in AuditStatus.choices}
    by_state = {label: Finding.objects.filter(state=code).count() for code, label in RectState.choices}
    overdue = Finding.objects.overdue(today).count()
    departures = len(selectors.departures_without_audit(user=SYSTEM, today=today))
    due = sum(1 for r in selectors.cycle_rows(user=SYSTEM, today=today) if r.state.is_due)
    stdout.write(
        f"  三责联审：{s.counts['audits']} 个项目 {by_status}；问题 {s.counts['findings']} 个 {by_state}，"
        f"逾期 {overdue}；材料 {s.counts['files']} 份；离任未审 {departures} 人次；轮审到期 {due} 人"
    )
