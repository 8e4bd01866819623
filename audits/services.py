"""Writes of the joint audits. Keyword-only, atomic; every write re-checks scope inside the
transaction; bad input raises ValidationError with a Chinese message and saves nothing.

Events emitted (cadre_supervision.events):
  AuditCreated — e.g. the interviews app makes a special-topic talk due.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from cadre_supervision import events, policy, registry
from cadre_supervision.accesslog import log_access
from cadre_supervision.models import AccessLog
from cadre_supervision.permissions import SYSTEM, ensure_can, ensure_org_perm, role_codes
from cadres.models import Appointment, Cadre

from . import rules
from .choices import (
    STREAM_LEAD_AGENCY,
    AuditKind,
    AuditStatus,
    MemberRole,
    RectState,
    Stream,
)
from .models import (
    Audit,
    AuditFile,
    AuditFileShare,
    AuditMember,
    AuditStream,
    Finding,
    RectificationStep,
)


def _raise(errors: dict[str, Any]) -> None:
    if errors:
        raise ValidationError(errors)


def _today() -> dt.date:
    return timezone.localdate()


# --- audits -----------------------------------------------------------------------------------

AUDIT_EDIT_FIELDS = (
    "title",
    "year",
    "period_start",
    "period_end",
    "overall_conclusion",
    "overall_summary",
    "notes",
)


def default_title(appointment: Appointment, kind: str) -> str:
    return (
        f"{appointment.cadre.name}同志任{appointment.post.organization.name}{appointment.post.title}期间"
        f"{AuditKind(kind).label}三责联审"
    )


def _audit_errors(audit: Audit, today: dt.date) -> dict[str, str]:
    appt = audit.appointment
    errors = rules.period_errors(
        audit.period_start,
        audit.period_end,
        appointment_start=appt.start_date,
        appointment_end=appt.end_date,
        today=today,
    )
    if not audit.year or not (2000 <= audit.year <= today.year + 1):
        errors["year"] = f"计划年度应在 2000 至 {today.year + 1} 年之间。"
    if audit.planned_date and audit.planned_date > today:
        errors["planned_date"] = "列入计划日期不能晚于今天。"
    if not (audit.title or "").strip():
        errors["title"] = "请填写项目名称。"
    return errors


@transaction.atomic
def audit_create(
    *,
    user,
    appointment: Appointment,
    kind: str,
    year: int,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    title: str = "",
    planned_date: dt.date | None = None,
    notes: str = "",
    members: Iterable[dict] = (),
) -> Audit:
    appointment = Appointment.objects.select_related("cadre", "post", "post__organization").get(
        pk=appointment.pk
    )
    post = appointment.post
    ensure_org_perm(user, "manage_audits", post.organization_id)
    today = _today()
    if kind not in AuditKind.values:
        raise ValidationError({"kind": "请选择审计类型。"})
    if not rules.is_auditable_post(post.top_leader_kind, post.key_categories):
        raise ValidationError(
            {"appointment": "只能对党政一把手，或掌握人事、财务、资产权力的关键岗位干部实施三责联审。"}
        )
    if kind == AuditKind.DEPARTURE:
        if appointment.end_date is None:
            raise ValidationError({"kind": "离任审计只能针对已离任（已填写任职结束日期）的任职。"})
        if Audit.objects.filter(appointment=appointment, kind=AuditKind.DEPARTURE).exists():
            raise ValidationError({"appointment": "该任职已有离任审计，不能重复创建。"})
    if kind == AuditKind.MID_TERM and not appointment.is_current(today):
        raise ValidationError({"kind": "届中审计只能针对在任的任职；已离任的请选择离任审计。"})
    if period_start is None:
        period_start = appointment.start_date
    if period_end is None:
        period_end = min(appointment.end_date or today, today)
    audit = Audit(
        appointment=appointment,
        cadre=appointment.cadre,
        organization=post.organization,
        is_top_leader=post.is_top_leader,
        kind=kind,
        year=year,
        period_start=period_start,
        period_end=period_end,
        title=(title or "").strip() or default_title(appointment, kind),
        planned_date=planned_date or today,
        notes=notes,
        created_by=user,
    )
    _raise(_audit_errors(audit, today))
    try:
        with transaction.atomic():
            audit.save()
    except IntegrityError:
        raise ValidationError({"appointment": "该任职已有离任审计，不能重复创建。"})
    for stream in Stream.values:
        AuditStream.objects.create(audit=audit, stream=stream, lead_agency=STREAM_LEAD_AGENCY[stream])
    for m in members:
        audit_member_add(user=user, audit=audit, **m)
    registry.emit(
        events.AuditCreated(
            audit_id=audit.pk,
            cadre_id=audit.cadre_id,
            planned_date=audit.planned_date,
            title=str(audit),
            user_id=getattr(user, "pk", None),
        )
    )
    return audit


def on_rotation_exchanged(event: events.RotationExchanged) -> None:
    """离任必审: a 一把手 exchanged out of the post is told to the audit managers at once (the
    same reminder the daily sweep would send, so it is not sent twice). Runs after commit."""
    from cadre_supervision.notifications import notify
    from cadre_supervision.tasks import deliver_pending, enqueue

    from . import integration, selectors

    if not event.from_top_leader or event.is_secondment or event.from_appointment_id is None:
        return
    appts = [
        a
        for a in selectors.departures_without_audit(user=SYSTEM, cadre_ids=[event.cadre_id])
        if a.pk == event.from_appointment_id
    ]
    if notify(integration.departure_reminders(appts)):
        enqueue(deliver_pending)


@transaction.atomic
def audit_update(*, user, audit: Audit, **data) -> Audit:
    audit = Audit.objects.select_for_update().select_related("appointment").get(pk=audit.pk)
    ensure_can(user, audit, "change")
    if audit.is_closed:
        raise ValidationError({"__all__": "该联审已办结，不能再修改。"})
    for k, v in data.items():
        if k in AUDIT_EDIT_FIELDS:
            setattr(audit, k, v if v is not None or k not in ("title", "overall_summary", "notes") else "")
    _raise(_audit_errors(audit, _today()))
    audit.full_clean()
    audit.save()
    return audit


@transaction.atomic
def audit_transition(*, user, audit: Audit, status: str, on: dt.date | None = None) -> Audit:
    """Move the audit one step forward (planned → notified → fieldwork → report →
    rectification → closed), dated; closing needs every finding verified."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    ensure_can(user, audit, "change")
    on = on or _today()
    unverified = (
        audit.findings.exclude(state=RectState.VERIFIED).count() if status == AuditStatus.CLOSED else 0
    )
    missing: list[str] = []
    if status == AuditStatus.CLOSED:
        missing = [str(s.get_stream_display()) for s in audit.streams.all() if not s.conclusion]
        if not audit.overall_conclusion:
            missing.append("总体评价")
    error = rules.audit_transition_error(
        audit.status,
        status,
        on=on,
        previous_date=audit.status_date,
        today=_today(),
        unverified_findings=unverified,
        missing_conclusions=missing,
    )
    if error:
        raise ValidationError({"status": error})
    setattr(audit, rules.STATUS_DATE_FIELD[status], on)
    audit.status = status
    audit.save()
    return audit


@transaction.atomic
def audit_delete(*, user, audit: Audit) -> None:
    """Only a planned audit with nothing recorded may be removed from the plan."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    ensure_org_perm(user, "manage_audits", audit.organization_id)
    if audit.status != AuditStatus.PLANNED or audit.findings.exists() or audit.files.exists():
        raise ValidationError({"__all__": "只有尚未下达通知、没有问题和材料的计划项目可以删除。"})
    audit.members.all().delete()
    audit.streams.all().delete()
    audit.delete()


@transaction.atomic
def audit_stream_update(
    *,
    user,
    stream: AuditStream,
    conclusion: str = "",
    conclusion_text: str = "",
    lead_agency: str | None = None,
) -> AuditStream:
    stream = AuditStream.objects.select_for_update().select_related("audit").get(pk=stream.pk)
    ensure_can(user, stream.audit, "change")
    if stream.audit.is_closed:
        raise ValidationError({"__all__": "该联审已办结，不能再修改结论。"})
    if conclusion and stream.audit.status in (AuditStatus.PLANNED, AuditStatus.NOTIFIED):
        raise ValidationError({"conclusion": "现场审计开始后才能填写审计结论。"})
    stream.conclusion = conclusion or ""
    stream.conclusion_text = conclusion_text or ""
    if lead_agency:
        stream.lead_agency = lead_agency
    stream.full_clean()
    stream.save()
    return stream


@transaction.atomic
def audit_member_add(
    *,
    user,
    audit: Audit,
    member_user,
    role: str = MemberRole.MEMBER,
    stream: AuditStream | str | None = None,
    agency: str = "",
) -> AuditMember:
    ensure_org_perm(user, "manage_audits", audit.organization_id)
    if audit.is_closed:
        raise ValidationError({"__all__": "该联审已办结，不能再调整联审组。"})
    if isinstance(stream, str):
        stream = audit.streams.get(stream=stream)
    if stream is not None and stream.audit_id != audit.pk:
        raise ValidationError({"stream": "所选事项组不属于该联审。"})
    if role == MemberRole.OBSERVER:
        if "discipline" not in role_codes(member_user) and not member_user.is_superuser:
            raise ValidationError({"member_user": "列席人员须为纪检监察干部。"})
        stream = None
    elif stream is None:
        raise ValidationError({"stream": "请选择组长、组员所在的事项组（用人、用编或用钱）。"})
    if not member_user.is_active:
        raise ValidationError({"member_user": "该账号已停用。"})
    if AuditMember.objects.filter(audit=audit, user=member_user).exists():
        raise ValidationError({"member_user": "该人员已在联审组中。"})
    member = AuditMember(
        audit=audit,
        user=member_user,
        role=role,
        stream=stream,
        agency=agency or (str(stream.get_lead_agency_display()) if stream else "市纪委监委"),
    )
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def audit_member_remove(*, user, member: AuditMember) -> None:
    member = AuditMember.objects.select_related("audit").get(pk=member.pk)
    ensure_org_perm(user, "manage_audits", member.audit.organization_id)
    if member.audit.is_closed:
        raise ValidationError({"__all__": "该联审已办结，不能再调整联审组。"})
    member.delete()


def is_team_member(user, audit: Audit) -> bool:
    return AuditMember.objects.filter(
        audit=audit, user=user, role__in=(MemberRole.LEADER, MemberRole.MEMBER)
    ).exists()


# --- findings and rectification ------------------------------------------------------------

FINDING_FIELDS = (
    "stream",
    "description",
    "severity",
    "responsible_cadre",
    "responsible_name",
    "rectification_required",
    "due_date",
)


def _finding_errors(finding: Finding, audit: Audit) -> dict[str, str]:
    errors: dict[str, str] = {}
    if finding.stream_id is None or finding.stream.audit_id != audit.pk:
        errors["stream"] = "请选择该联审的审计事项（用人、用编或用钱）。"
    if not (finding.description or "").strip():
        errors["description"] = "请填写问题描述。"
    if not (finding.rectification_required or "").strip():
        errors["rectification_required"] = "请填写整改要求。"
    if finding.responsible_cadre_id is None and not (finding.responsible_name or "").strip():
        errors["responsible_name"] = "请填写责任人。"
    if finding.due_date is None:
        errors["due_date"] = "请填写整改期限。"
    elif audit.fieldwork_date and finding.due_date < audit.fieldwork_date:
        errors["due_date"] = f"整改期限不能早于进点审计日期（{audit.fieldwork_date:%Y-%m-%d}）。"
    return errors


def _ensure_open_for_findings(audit: Audit) -> None:
    if audit.is_closed:
        raise ValidationError({"__all__": "该联审已办结，不能再登记或修改问题。"})
    if audit.status in (AuditStatus.PLANNED, AuditStatus.NOTIFIED):
        raise ValidationError({"__all__": "进点开展现场审计后才能登记问题。"})


@transaction.atomic
def finding_create(*, user, audit: Audit, **data) -> Finding:
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    ensure_can(user, audit, "change")
    _ensure_open_for_findings(audit)
    if isinstance(data.get("stream"), str):
        data["stream"] = audit.streams.filter(stream=data["stream"]).first()
    finding = Finding(audit=audit, created_by=user, **{k: v for k, v in data.items() if k in FINDING_FIELDS})
    if finding.stream is None:
        finding.stream_id = None
    _raise(_finding_errors(finding, audit))
    finding.full_clean()
    finding.save()
    return finding


@transaction.atomic
def finding_update(*, user, finding: Finding, **data) -> Finding:
    finding = Finding.objects.select_for_update().select_related("audit").get(pk=finding.pk)
    ensure_can(user, finding, "change")
    _ensure_open_for_findings(finding.audit)
    if finding.state == RectState.VERIFIED:
        raise ValidationError({"__all__": "该问题已整改销号，不能再修改。"})
    for k, v in data.items():
        if k in FINDING_FIELDS:
            setattr(finding, k, v)
    _raise(_finding_errors(finding, finding.audit))
    finding.full_clean()
    finding.save()
    return finding


def can_report_progress(user, finding: Finding) -> bool:
    """Record progress (整改中 / 报送): audit managers and the team, or the responsible cadre."""
    if Finding.objects.restrict(user, "change").filter(pk=finding.pk).exists():
        return True
    return bool(
        finding.responsible_cadre_id
        and Cadre.objects.filter(pk=finding.responsible_cadre_id, user=user, user__is_active=True).exists()
    )


@transaction.atomic
def finding_transition(*, user, finding: Finding, to_state: str, note: str = "") -> Finding:
    finding = Finding.objects.select_for_update().select_related("audit").get(pk=finding.pk)
    responsible = bool(
        finding.responsible_cadre_id
        and Cadre.objects.filter(pk=finding.responsible_cadre_id, user=user).exists()
    )
    if not responsible and not Finding.objects.restrict(user, "view").filter(pk=finding.pk).exists():
        raise PermissionDenied("您无权处理该问题的整改。")
    if finding.audit.is_closed:
        raise ValidationError({"to_state": "该联审已办结，整改状态不能再变更。"})
    team = is_team_member(user, finding.audit)
    error = rules.rectification_transition_error(finding.state, to_state, is_team_member=team, note=note)
    if error:
        raise ValidationError({"to_state": error})
    if to_state not in rules.TEAM_ONLY_TARGETS and not can_report_progress(user, finding):
        raise PermissionDenied("只有联审组、组织部管理人员或责任人本人可以报送整改进展。")
    now = timezone.now()
    step = RectificationStep(
        finding=finding, from_state=finding.state, to_state=to_state, note=note, by=user, at=now
    )
    finding.state = to_state
    if to_state == RectState.SUBMITTED:
        finding.submitted_at = now
    if to_state == RectState.VERIFIED:
        finding.verified_by = user
        finding.verified_at = now
    finding.save()
    step.save()
    return finding


# --- files ------------------------------------------------------------------------------------


def allowed_file_types() -> list[str]:
    return rules.parse_allowed_types(policy.get("audits.file_allowed_types"))


@transaction.atomic
def audit_file_upload(*, user, audit: Audit, kind: str, title: str, uploaded_file) -> AuditFile:
    audit = Audit.objects.get(pk=audit.pk)
    ensure_can(user, audit, "change")
    if uploaded_file is None:
        raise ValidationError({"file": "请选择要上传的文件。"})
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    _raise(
        rules.file_errors(
            name=uploaded_file.name,
            size=uploaded_file.size or 0,
            head=head,
            max_mb=policy.get("audits.file_max_mb"),
            allowed=allowed_file_types(),
        )
    )
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    original = uploaded_file.name.rsplit("/", 1)[-1][:255]
    f = AuditFile(
        audit=audit,
        kind=kind,
        title=(title or "").strip() or original,
        original_name=original,
        size=uploaded_file.size,
        content_type=(getattr(uploaded_file, "content_type", "") or "")[:100],
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )
    f.full_clean(exclude=["file"])
    f.file.save(original, uploaded_file, save=False)
    try:
        f.save()
    except Exception:
        f.file.delete(save=False)
        raise
    return f


def audit_file_open(*, user, file: AuditFile, request=None):
    """Open a file the caller may see (the view found it through restrict()) and log the
    download. Returns an open binary file object."""
    if not AuditFile.objects.restrict(user, "view").filter(pk=file.pk).exists():
        raise PermissionDenied("您无权下载该文件。")
    handle = file.file.open("rb")
    log_access(
        user=user,
        action=AccessLog.Action.DOWNLOAD_FILE,
        obj=file,
        detail={"audit_id": file.audit_id, "kind": file.kind, "name": file.original_name, "size": file.size},
        request=request,
    )
    return handle


def share_expiry(until: dt.date) -> dt.datetime:
    """A share 'until 15 May' lasts through the whole of 15 May (local time)."""
    return timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min))


@transaction.atomic
def audit_file_share(*, user, file: AuditFile, officer, until: dt.date, reason: str = "") -> AuditFileShare:
    file = AuditFile.objects.select_related("audit").get(pk=file.pk)
    ensure_org_perm(user, "manage_audits", file.audit.organization_id)
    if officer is None:
        raise ValidationError({"officer": "请选择共享对象。"})
    if "discipline" not in role_codes(officer) or not officer.is_active:
        raise ValidationError({"officer": "审计档案只能单独共享给纪检监察干部。"})
    if until is None:
        raise ValidationError({"until": "请填写共享截止日期。"})
    expires = share_expiry(until)
    error = rules.share_expiry_error(expires, timezone.now(), policy.get("audits.share_max_days"))
    if error:
        raise ValidationError({"until": error})
    share, _created = AuditFileShare.objects.update_or_create(
        file=file,
        officer=officer,
        defaults={"expires_at": expires, "reason": reason, "granted_by": user, "revoked_at": None},
    )
    assign_perm("audits.view_auditfile", officer, file)
    log_access(
        user=user,
        action=AccessLog.Action.PERMISSION_CHANGE,
        obj=file,
        detail={"share_with": officer.get_username(), "expires_at": expires.isoformat()},
    )
    return share


@transaction.atomic
def audit_file_share_revoke(*, user, share: AuditFileShare) -> AuditFileShare:
    share = AuditFileShare.objects.select_related("file__audit").get(pk=share.pk)
    ensure_org_perm(user, "manage_audits", share.file.audit.organization_id)
    share.revoked_at = timezone.now()
    share.save(update_fields=["revoked_at"])
    remove_perm("audits.view_auditfile", share.officer, share.file)
    log_access(
        user=user,
        action=AccessLog.Action.PERMISSION_CHANGE,
        obj=share.file,
        detail={"revoke_share_with": share.officer.get_username()},
    )
    return share


def audit_shares_purge_expired(now: dt.datetime | None = None) -> int:
    """Housekeeping: drop guardian grants whose share has ended. Access already ended at the
    expiry (every check compares with now()); this only keeps the grant table small."""
    from .models import AuditFileUserObjectPermission

    now = now or timezone.now()
    ended = AuditFileShare.objects.exclude(revoked_at__isnull=True, expires_at__gt=now).values_list(
        "file_id", "officer_id"
    )
    n = 0
    for file_id, officer_id in ended:
        n += AuditFileUserObjectPermission.objects.filter(
            content_object_id=file_id, user_id=officer_id, permission__codename="view_auditfile"
        ).delete()[0]
    return n


# --- yearly plan --------------------------------------------------------------------------------


@transaction.atomic
def audit_plan_create(*, user, year: int, items: Iterable[tuple[int, str]]) -> list[Audit]:
    """Create planned audits for the chosen (appointment id, kind) pairs of the proposed plan."""
    created = []
    errors = []
    for appointment_id, kind in items:
        appt = Appointment.objects.select_related("cadre", "post", "post__organization").get(
            pk=appointment_id
        )
        try:
            with transaction.atomic():
                created.append(audit_create(user=user, appointment=appt, kind=kind, year=year))
        except ValidationError as exc:
            errors.append(f"{appt.cadre.name}（{appt.post}）：{'；'.join(exc.messages)}")
    if errors:
        raise ValidationError({"__all__": errors})
    return created
