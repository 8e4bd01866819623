"""Writes of the rotations app. Keyword-only, atomic, scope re-checked inside the transaction.

Appointments change only through `cadres.services` (appointment_transfer / appointment_create /
appointment_end); a status change only through `cadres.services.cadre_update`. Each service
here wraps those calls and its own rows in ONE transaction: if any check fails half-way,
nothing is saved (both appointments stay as they were).

Events emitted (cadre_supervision.events): RotationExchanged, SecondLineMoved. A second-line
cadre's yearly assessment is a `cadres.AnnualAssessment` (AssessmentRecorded comes from there).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cadre_supervision import events, registry
from cadre_supervision.permissions import ensure_can, ensure_org_perm, has_org_perm
from cadres import services as cadre_services
from cadres.choices import AppointmentMethod, CadreStatus
from cadres.models import Appointment, Cadre, Organization, Post
from cadres.rules import periods_overlap

from . import rules
from .choices import (
    AssignmentStatus,
    ExchangeKind,
    LeaveStatus,
    PlanItemStatus,
    SecondLineRole,
    SecondLineStatus,
    WorkStatus,
)
from .models import (
    Absence,
    Assignment,
    AvoidanceCase,
    DueSnapshot,
    DueSnapshotItem,
    Exchange,
    LeaveRequest,
    Opening,
    PlanItem,
    RotationPlan,
    SecondLineRecord,
)
from .selectors import is_org_staff, may_decide_leave, may_record_return

logger = logging.getLogger(__name__)

# Field names of cadres.services errors → the field of our forms/API.
_REMAP = {
    "start_date": "effective_date",
    "end_date": "effective_date",
    "top_leader_kind": "to_post",
    "post": "to_post",
}


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _remapped(exc: ValidationError, mapping: dict[str, str]) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    out: dict[str, list[str]] = {}
    for key, errs in exc.error_dict.items():
        out.setdefault(mapping.get(key, key), []).extend(m for e in errs for m in e.messages)
    return ValidationError(out)


def _lock_cadre(cadre: Cadre) -> Cadre:
    return Cadre.objects.select_for_update().select_related("organization").get(pk=cadre.pk)


def primary_home_appointment(cadre: Cadre, on: dt.date | None = None) -> Appointment | None:
    """The cadre's main current tenure (not a secondment): a 一把手 post first, then leading posts."""
    current = [
        a
        for a in Appointment.objects.current(on)
        .filter(cadre=cadre, is_secondment=False)
        .select_related("post", "post__organization")
    ]
    if not current:
        return None
    return sorted(current, key=lambda a: (not a.post.top_leader_kind, not a.post.is_leading, a.start_date))[0]


# --- exchanges ---------------------------------------------------------------------------------


def _top_leader_clash(to_post: Post, start: dt.date, end: dt.date | None, exclude_pk: int | None):
    if not to_post.top_leader_kind:
        return None
    qs = Appointment.objects.filter(
        post__organization_id=to_post.organization_id, post__top_leader_kind=to_post.top_leader_kind
    ).select_related("cadre", "post")
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    for other in qs:
        if periods_overlap(start, end, other.start_date, other.end_date):
            return other
    return None


@transaction.atomic
def exchange_record(
    *,
    user,
    cadre: Cadre,
    to_post: Post,
    kind: str,
    reason: str,
    approval_date: dt.date,
    effective_date: dt.date,
    from_appointment: Appointment | None = None,
    secondment_end: dt.date | None = None,
    document_no: str = "",
    notes: str = "",
    plan_item: PlanItem | None = None,
) -> Exchange:
    """Record an exchange: end the old tenure and start the new one (a secondment keeps the
    home post and adds a secondment tenure), then the exchange row and its plan item."""
    cadre = _lock_cadre(cadre)
    errors: dict[str, str] = {}
    if cadre.status != CadreStatus.ACTIVE:
        raise ValidationError(
            {"cadre": f"该干部当前状态为“{cadre.get_status_display()}”，不能登记轮岗交流。"}
        )
    if from_appointment is None:
        from_appointment = primary_home_appointment(cadre)
    else:
        from_appointment = Appointment.objects.select_related("post", "post__organization").get(
            pk=from_appointment.pk
        )
    is_secondment = kind == ExchangeKind.SECONDMENT
    if from_appointment is None:
        if is_secondment:
            raise ValidationError(
                {"from_post": "挂职交流须保留原岗位（原职务）：该干部当前没有在任的原岗位，不能登记挂职。"}
            )
        raise ValidationError(
            {"from_post": "该干部当前没有在任职务，不能登记交流；请在干部名册中直接办理任职。"}
        )
    if from_appointment.cadre_id != cadre.pk:
        raise ValidationError({"from_post": "原任职不属于该干部。"})
    if from_appointment.is_secondment:
        raise ValidationError({"from_post": "原任职是挂职，不能作为交流的原岗位；请选择其本职岗位。"})
    if from_appointment.end_date is not None and from_appointment.end_date <= effective_date:
        errors["from_post"] = "原任职在生效日期前已经结束。"
    from_post = from_appointment.post
    if to_post.pk == from_post.pk:
        errors["to_post"] = "新岗位与原岗位相同。"
    if not to_post.is_active:
        errors["to_post"] = "新岗位已停用。"
    if effective_date <= from_appointment.start_date:
        errors["effective_date"] = (
            f"生效日期（{effective_date}）不能早于或等于现任职务的开始日期（{from_appointment.start_date}）。"
        )
    if approval_date and approval_date > effective_date:
        errors["approval_date"] = "批准日期不能晚于生效日期。"
    if is_secondment:
        if secondment_end is not None and secondment_end <= effective_date:
            errors["secondment_end"] = "挂职期满日期须晚于生效日期。"
    elif secondment_end is not None:
        errors["secondment_end"] = "只有挂职交流需要填写挂职期满日期。"
    errors.update(
        rules.exchange_kind_errors(
            kind,
            from_org_kind=from_post.organization.kind,
            to_org_kind=to_post.organization.kind,
            same_org=from_post.organization_id == to_post.organization_id,
            to_is_top_leader=bool(to_post.top_leader_kind),
        )
    )
    if "effective_date" not in errors:
        clash = _top_leader_clash(
            to_post,
            effective_date,
            secondment_end if is_secondment else None,
            None if is_secondment else from_appointment.pk,
        )
        if clash is not None:
            errors["to_post"] = (
                f"{to_post.organization.name}的{to_post.get_top_leader_kind_display()}岗位已有在任一把手："
                f"{clash.cadre.name}（{clash.post.title}，{clash.start_date}起）。"
                "请先办理其免职或交流，再登记本次交流。"
            )
    _raise(errors)
    ensure_org_perm(user, "manage_rotations", from_post.organization_id)
    ensure_org_perm(user, "manage_rotations", to_post.organization_id)
    if plan_item is not None:
        plan_item = PlanItem.objects.select_for_update().select_related("plan").get(pk=plan_item.pk)
        if plan_item.cadre_id != cadre.pk:
            raise ValidationError({"plan_item": "计划人选与交流干部不一致。"})
        if plan_item.status != PlanItemStatus.PLANNED:
            raise ValidationError(
                {"plan_item": f"该计划人选状态为“{plan_item.get_status_display()}”，不能再登记交流。"}
            )
        ensure_org_perm(user, "manage_rotations", plan_item.plan.organization_id)
    label = ExchangeKind(kind).label
    try:
        if is_secondment:
            new = cadre_services.appointment_create(
                user=user,
                cadre=cadre,
                post=to_post,
                start_date=effective_date,
                end_date=secondment_end,
                is_secondment=True,
                via="exchange",
                method=AppointmentMethod.TRANSFERRED,
                document_no=document_no,
            )
        else:
            new = cadre_services.appointment_transfer(
                user=user,
                cadre=cadre,
                from_appointment=from_appointment,
                to_post=to_post,
                effective_date=effective_date,
                end_reason=f"轮岗交流（{label}）",
                method=AppointmentMethod.TRANSFERRED,
                document_no=document_no,
            )
            if to_post.organization_id != from_post.organization_id:
                # Posts held concurrently in the unit being left (e.g. 局长 and 党组书记) end too.
                concurrent = (
                    Appointment.objects.current(effective_date)
                    .filter(cadre=cadre, post__organization_id=from_post.organization_id, is_secondment=False)
                    .exclude(pk=from_appointment.pk)
                    .filter(start_date__lt=effective_date)
                )
                for other in concurrent:
                    cadre_services.appointment_end(
                        user=user, appointment=other, end_date=effective_date, reason=f"轮岗交流（{label}）"
                    )
    except ValidationError as exc:
        raise _remapped(exc, _REMAP)
    exchange = Exchange.objects.create(
        cadre=cadre,
        kind=kind,
        reason=reason,
        from_post=from_post,
        to_post=to_post,
        from_organization_id=from_post.organization_id,
        to_organization_id=to_post.organization_id,
        from_appointment=from_appointment,
        new_appointment=new,
        approval_date=approval_date,
        effective_date=effective_date,
        secondment_end=secondment_end if is_secondment else None,
        document_no=document_no,
        notes=notes,
        from_top_leader_kind=from_post.top_leader_kind,
        to_top_leader_kind=to_post.top_leader_kind,
        from_org_kind=from_post.organization.kind,
        to_org_kind=to_post.organization.kind,
        created_by=user if getattr(user, "pk", None) else None,
    )
    if plan_item is None and not is_secondment:
        # Carry out an open plan item of the cadre in the effective year automatically.
        plan_item = (
            PlanItem.objects.select_for_update()
            .filter(cadre=cadre, plan__year=effective_date.year, status=PlanItemStatus.PLANNED)
            .first()
        )
    if plan_item is not None:
        plan_item.exchange = exchange
        plan_item.status = PlanItemStatus.DONE
        plan_item.save(update_fields=["exchange", "status"])
    if not is_secondment:
        AvoidanceCase.objects.filter(cadre=cadre, resolved_on__isnull=True).update(resolved_on=effective_date)
    # The due statistics read a snapshot: an exchange moves a cadre off the list at once.
    due_snapshots_mark_stale()
    registry.emit(
        events.RotationExchanged(
            exchange_id=exchange.pk,
            cadre_id=cadre.pk,
            from_appointment_id=getattr(from_appointment, "pk", None),
            from_organization_id=from_post.organization_id,
            to_organization_id=to_post.organization_id,
            from_top_leader=bool(from_post.top_leader_kind),
            is_secondment=is_secondment,
            effective_date=effective_date,
            user_id=getattr(user, "pk", None),
        )
    )
    return exchange


@transaction.atomic
def avoidance_raise(*, user, cadre: Cadre, reason: str, raised_on: dt.date) -> AvoidanceCase:
    ensure_org_perm(user, "manage_rotations", cadre.organization_id)
    if not (reason or "").strip():
        raise ValidationError({"reason": "请写明回避事由。"})
    if raised_on > timezone.localdate():
        raise ValidationError({"raised_on": "提出日期不能晚于今天。"})
    if AvoidanceCase.objects.filter(cadre=cadre, resolved_on__isnull=True).exists():
        raise ValidationError({"cadre": "该干部已有未解决的回避事项。"})
    return AvoidanceCase.objects.create(
        cadre=cadre,
        organization_id=cadre.organization_id,
        reason=reason.strip(),
        raised_on=raised_on,
        created_by=user,
    )


# --- plans --------------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *, user, organization: Organization, year: int, title: str = "", notes: str = ""
) -> RotationPlan:
    ensure_org_perm(user, "manage_rotations", organization)
    if not 2000 <= int(year) <= timezone.localdate().year + 5:
        raise ValidationError({"year": "年度不合理。"})
    if RotationPlan.objects.filter(organization=organization, year=year).exists():
        raise ValidationError({"year": f"{organization.name}{year}年度的轮岗交流计划已存在。"})
    return RotationPlan.objects.create(
        organization=organization, year=year, title=title, notes=notes, created_by=user
    )


@transaction.atomic
def plan_update(
    *, user, plan: RotationPlan, title: str | None = None, notes: str | None = None
) -> RotationPlan:
    ensure_can(user, plan, "change")
    if title is not None:
        plan.title = title
    if notes is not None:
        plan.notes = notes
    plan.save()
    return plan


@transaction.atomic
def plan_item_add(
    *,
    user,
    plan: RotationPlan,
    cadre: Cadre,
    post: Post | None = None,
    rule: str = "",
    due_date: dt.date | None = None,
    planned_kind: str = "",
    target_note: str = "",
    notes: str = "",
) -> PlanItem:
    plan = RotationPlan.objects.select_for_update().select_related("organization").get(pk=plan.pk)
    ensure_can(user, plan, "change")
    cadre = Cadre.objects.select_related("organization").get(pk=cadre.pk)
    if not cadre.organization.path.startswith(plan.organization.path):
        raise ValidationError(
            {"cadre": f"{cadre.name}不属于{plan.organization.name}，不能列入该单位的计划。"}
        )
    if cadre.status != CadreStatus.ACTIVE:
        raise ValidationError(
            {"cadre": f"{cadre.name}当前状态为“{cadre.get_status_display()}”，不能列入轮岗计划。"}
        )
    if PlanItem.objects.filter(plan=plan, cadre=cadre).exists():
        raise ValidationError({"cadre": f"{cadre.name}已在该计划中。"})
    if post is None:
        home = primary_home_appointment(cadre)
        post = home.post if home else None
    return PlanItem.objects.create(
        plan=plan,
        cadre=cadre,
        post=post,
        rule=rule,
        due_date=due_date,
        planned_kind=planned_kind,
        target_note=target_note,
        notes=notes,
    )


@transaction.atomic
def plan_add_due(*, user, organization: Organization, year: int, due_item) -> PlanItem:
    """Add a cadre from the due list to the organization's plan of `year` (created if missing)."""
    plan = RotationPlan.objects.filter(organization=organization, year=year).first()
    if plan is None:
        plan = plan_create(user=user, organization=organization, year=year)
    return plan_item_add(
        user=user,
        plan=plan,
        cadre=due_item.cadre,
        post=due_item.post,
        rule=due_item.rule,
        due_date=due_item.mandatory_date,
    )


@transaction.atomic
def plan_item_update(*, user, item: PlanItem, **data) -> PlanItem:
    item = PlanItem.objects.select_for_update().get(pk=item.pk)
    ensure_can(user, item, "change")
    status = data.get("status")
    if status is not None and status != item.status:
        if status == PlanItemStatus.DONE:
            raise ValidationError({"status": "“已交流”由登记交流记录自动设置，请通过“登记交流”办理。"})
        if item.status == PlanItemStatus.DONE:
            raise ValidationError({"status": "该人选已完成交流，状态不能再修改。"})
        item.status = status
    for f in ("planned_kind", "target_note", "notes"):
        if f in data and data[f] is not None:
            setattr(item, f, data[f])
    item.save()
    return item


# --- second line ------------------------------------------------------------------------------------------


def _ensure_org_staff(user, organization_id: int, what: str) -> None:
    if not is_org_staff(user, organization_id):
        raise PermissionDenied(f"只有组织部工作人员可以{what}。")


def _clean_roles(roles: Iterable[str]) -> list[str]:
    valid = {c for c, _l in SecondLineRole.choices}
    out = []
    for r in roles or ():
        if r not in valid:
            raise ValidationError({"preferred_roles": f"未知的岗位类型：{r}"})
        if r not in out:
            out.append(r)
    return out


@transaction.atomic
def secondline_move(
    *,
    user,
    cadre: Cadre,
    effective_date: dt.date,
    non_leading_title: str = "",
    willing_to_serve: bool = False,
    preferred_roles: Iterable[str] = (),
    preference_note: str = "",
    health_note: str = "",
    work_status: str = WorkStatus.IDLE,
) -> SecondLineRecord:
    """改任非领导职务: end every current leading tenure, set the status to 二线, open the record."""
    cadre = _lock_cadre(cadre)
    _ensure_org_staff(user, cadre.organization_id, "办理改任非领导职务")
    if cadre.status != CadreStatus.ACTIVE:
        raise ValidationError(
            {"cadre": f"该干部当前状态为“{cadre.get_status_display()}”，不能改任非领导职务。"}
        )
    if SecondLineRecord.objects.filter(cadre=cadre).exists():
        raise ValidationError({"cadre": "该干部已有二线干部记录。"})
    if effective_date > timezone.localdate():
        raise ValidationError({"effective_date": "改任日期不能晚于今天。"})
    leading = list(
        Appointment.objects.current(effective_date)
        .filter(cadre=cadre, is_secondment=False, post__is_leading=True)
        .select_related("post", "post__organization")
    )
    if not leading:
        raise ValidationError(
            {"cadre": "该干部当前没有领导职务，无需改任；已在二线的干部请使用“登记二线干部”。"}
        )
    for a in leading:
        if effective_date <= a.start_date:
            raise ValidationError(
                {
                    "effective_date": f"改任日期不能早于或等于现任职务（{a.post.title}）的开始日期（{a.start_date}）。"
                }
            )
    roles = _clean_roles(preferred_roles)
    former = sorted(leading, key=lambda a: (not a.post.top_leader_kind, a.start_date))[0].post
    try:
        for a in leading:
            cadre_services.appointment_end(
                user=user, appointment=a, end_date=effective_date, reason="改任非领导职务"
            )
        cadre_services.cadre_update(user=user, cadre=cadre, status=CadreStatus.SECOND_LINE)
    except ValidationError as exc:
        raise _remapped(exc, {"end_date": "effective_date", "start_date": "effective_date"})
    record = SecondLineRecord.objects.create(
        cadre=cadre,
        former_post=former,
        moved_on=effective_date,
        non_leading_title=non_leading_title,
        willing_to_serve=willing_to_serve,
        preferred_roles=roles,
        preference_note=preference_note,
        health_note=health_note,
        work_status=work_status,
    )
    registry.emit(
        events.SecondLineMoved(
            record_id=record.pk,
            cadre_id=cadre.pk,
            organization_id=former.organization_id,
            former_post=str(former),
            moved_on=effective_date,
            user_id=getattr(user, "pk", None),
        )
    )
    return record


@transaction.atomic
def secondline_register(
    *,
    user,
    cadre: Cadre,
    moved_on: dt.date,
    non_leading_title: str = "",
    willing_to_serve: bool = False,
    preferred_roles: Iterable[str] = (),
    work_status: str = WorkStatus.IDLE,
    health_note: str = "",
) -> SecondLineRecord:
    """Open the record of a cadre already on the second line (status 二线) before this system."""
    cadre = _lock_cadre(cadre)
    _ensure_org_staff(user, cadre.organization_id, "登记二线干部")
    if cadre.status != CadreStatus.SECOND_LINE:
        raise ValidationError({"cadre": "该干部状态不是“二线”；在职领导干部请使用“改任非领导职务”。"})
    if SecondLineRecord.objects.filter(cadre=cadre).exists():
        raise ValidationError({"cadre": "该干部已有二线干部记录。"})
    last = (
        Appointment.objects.filter(cadre=cadre, post__is_leading=True)
        .select_related("post")
        .order_by("-start_date")
        .first()
    )
    return SecondLineRecord.objects.create(
        cadre=cadre,
        former_post=last.post if last else None,
        moved_on=moved_on,
        non_leading_title=non_leading_title,
        willing_to_serve=willing_to_serve,
        preferred_roles=_clean_roles(preferred_roles),
        work_status=work_status,
        health_note=health_note,
    )


@transaction.atomic
def secondline_update(*, user, record: SecondLineRecord, **data) -> SecondLineRecord:
    """Preferences and attendance status (unit liaisons and staff)."""
    record = SecondLineRecord.objects.select_for_update().get(pk=record.pk)
    ensure_can(user, record, "change")
    if "preferred_roles" in data:
        data["preferred_roles"] = _clean_roles(data["preferred_roles"])
    for f in (
        "willing_to_serve",
        "preferred_roles",
        "preference_note",
        "health_note",
        "work_status",
        "non_leading_title",
    ):
        if f in data and data[f] is not None:
            setattr(record, f, data[f])
    record.full_clean()
    record.save()
    return record


def _active_record_for(cadre: Cadre) -> SecondLineRecord:
    record = SecondLineRecord.objects.select_for_update().filter(cadre=cadre).select_related("cadre").first()
    if (
        record is None
        or record.cadre.status != CadreStatus.SECOND_LINE
        or record.status != SecondLineStatus.ACTIVE
    ):
        raise ValidationError({"cadre": f"{cadre.name}不是在岗的二线干部，不能安排二线干部工作岗位。"})
    return record


@transaction.atomic
def opening_create(
    *, user, organization: Organization, role: str, title: str, description: str = "", slots: int = 1
) -> Opening:
    ensure_org_perm(user, "manage_secondline", organization)
    if role not in SecondLineRole.values:
        raise ValidationError({"role": "请选择岗位类型。"})
    if not (title or "").strip():
        raise ValidationError({"title": "请填写岗位名称。"})
    if slots < 1:
        raise ValidationError({"slots": "人数至少为 1。"})
    return Opening.objects.create(
        organization=organization,
        role=role,
        title=title.strip(),
        description=description,
        slots=slots,
        created_by=user,
    )


@transaction.atomic
def opening_close(*, user, opening: Opening) -> Opening:
    ensure_can(user, opening, "change")
    opening.is_open = False
    opening.save(update_fields=["is_open"])
    return opening


def _check_slots(opening: Opening, exclude_pk: int | None = None) -> None:
    taken = opening.assignments.filter(status=AssignmentStatus.CONFIRMED).exclude(pk=exclude_pk).count()
    if taken >= opening.slots:
        raise ValidationError({"opening": f"“{opening.title}”的 {opening.slots} 个名额已满。"})


@transaction.atomic
def assignment_propose(
    *,
    user,
    cadre: Cadre,
    role: str = "",
    organization: Organization | None = None,
    opening: Opening | None = None,
    description: str = "",
    cadre_agreed: bool = False,
    unit_agreed: bool = False,
    mentees: Iterable[Cadre] = (),
) -> Assignment:
    """A two-way-choice proposal: the cadre's wish and/or the unit's offer, confirmed by staff."""
    record = _active_record_for(cadre)
    ensure_can(user, record, "change")
    if opening is not None:
        opening = Opening.objects.select_for_update().get(pk=opening.pk)
        if not opening.is_open:
            raise ValidationError({"opening": "该岗位需求已关闭。"})
        role, organization = opening.role, opening.organization
    if role not in SecondLineRole.values:
        raise ValidationError({"role": "请选择岗位类型。"})
    if organization is None:
        organization = cadre.organization
    mentees = list(mentees or ())
    if role == SecondLineRole.MENTORING:
        if not mentees:
            raise ValidationError({"mentees": "帮带年轻干部须至少指定一名帮带对象。"})
        for m in mentees:
            if m.pk == cadre.pk:
                raise ValidationError({"mentees": "帮带对象不能是本人。"})
            if m.status != CadreStatus.ACTIVE:
                raise ValidationError({"mentees": f"帮带对象{m.name}不是在职干部。"})
    elif mentees:
        raise ValidationError({"mentees": "只有“帮带年轻干部”岗位需要指定帮带对象。"})
    if Assignment.objects.filter(
        record=record,
        role=role,
        organization=organization,
        status__in=[AssignmentStatus.PROPOSED, AssignmentStatus.CONFIRMED],
    ).exists():
        raise ValidationError({"role": "该干部已有相同的在办或在岗安排。"})
    a = Assignment.objects.create(
        record=record,
        opening=opening,
        role=role,
        organization=organization,
        description=description,
        cadre_agreed=cadre_agreed,
        unit_agreed=unit_agreed,
    )
    if mentees:
        a.mentees.set(mentees)
    return a


@transaction.atomic
def assignment_agree(
    *, user, assignment: Assignment, cadre_agreed: bool | None = None, unit_agreed: bool | None = None
) -> Assignment:
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    ensure_can(user, assignment, "change")
    if assignment.status != AssignmentStatus.PROPOSED:
        raise ValidationError({"status": "只有待确认的意向可以修改双方意见。"})
    if cadre_agreed is not None:
        assignment.cadre_agreed = cadre_agreed
    if unit_agreed is not None:
        assignment.unit_agreed = unit_agreed
    assignment.save(update_fields=["cadre_agreed", "unit_agreed"])
    return assignment


@transaction.atomic
def assignment_confirm(*, user, assignment: Assignment, start_date: dt.date | None = None) -> Assignment:
    assignment = Assignment.objects.select_for_update().select_related("record__cadre").get(pk=assignment.pk)
    _ensure_org_staff(user, assignment.record.cadre.organization_id, "确认二线干部工作安排")
    _active_record_for(assignment.record.cadre)
    if assignment.status != AssignmentStatus.PROPOSED:
        raise ValidationError({"status": f"该安排状态为“{assignment.get_status_display()}”，不能确认。"})
    if not (assignment.cadre_agreed and assignment.unit_agreed):
        raise ValidationError({"status": "双向选择：须本人和用人单位均同意后方可确认。"})
    if assignment.opening_id:
        _check_slots(
            Opening.objects.select_for_update().get(pk=assignment.opening_id), exclude_pk=assignment.pk
        )
    assignment.status = AssignmentStatus.CONFIRMED
    assignment.start_date = start_date or timezone.localdate()
    assignment.confirmed_by = user
    assignment.confirmed_at = timezone.now()
    assignment.save()
    return assignment


@transaction.atomic
def assignment_end(*, user, assignment: Assignment, end_date: dt.date, declined: bool = False) -> Assignment:
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    ensure_can(user, assignment, "change")
    if declined:
        if assignment.status != AssignmentStatus.PROPOSED:
            raise ValidationError({"status": "只有待确认的意向可以标记为未达成。"})
        assignment.status = AssignmentStatus.DECLINED
    else:
        if assignment.status != AssignmentStatus.CONFIRMED:
            raise ValidationError({"status": "只有已确认的安排可以结束。"})
        if assignment.start_date and end_date < assignment.start_date:
            raise ValidationError({"end_date": "结束日期不能早于开始日期。"})
        assignment.status = AssignmentStatus.ENDED
        assignment.end_date = end_date
    assignment.save()
    return assignment


# --- leave, absence --------------------------------------------------------------------------------------


@transaction.atomic
def leave_request_create(
    *,
    user,
    record: SecondLineRecord,
    start_date: dt.date,
    end_date: dt.date,
    reason: str,
    kind: str = "personal",
) -> LeaveRequest:
    record = SecondLineRecord.objects.select_for_update().select_related("cadre").get(pk=record.pk)
    own = record.cadre.user_id is not None and record.cadre.user_id == user.pk
    if not own and not has_org_perm(user, "manage_secondline", record.cadre.organization_id):
        raise PermissionDenied("您无权为该干部登记请假。")
    if record.status != SecondLineStatus.ACTIVE:
        raise ValidationError({"record": "该干部已不在二线在岗状态，无需请假。"})
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写请假事由。"})
    others = list(
        LeaveRequest.objects.filter(record=record)
        .exclude(status=LeaveStatus.REJECTED)
        .values_list("start_date", "end_date")
    )
    _raise(rules.leave_errors(start_date, end_date, others))
    return LeaveRequest.objects.create(
        record=record,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        reason=reason.strip(),
        requested_by=user,
    )


@transaction.atomic
def leave_decide(*, user, leave: LeaveRequest, approve: bool, note: str = "") -> LeaveRequest:
    leave = LeaveRequest.objects.select_for_update().select_related("record__cadre").get(pk=leave.pk)
    if not may_decide_leave(user, leave.record.cadre.organization_id):
        raise PermissionDenied("只有本单位主要负责人（一把手）或组织部工作人员可以审批请假。")
    if leave.status != LeaveStatus.PENDING:
        raise ValidationError({"status": f"该请假已{leave.get_status_display()}，不能重复审批。"})
    leave.status = LeaveStatus.APPROVED if approve else LeaveStatus.REJECTED
    leave.decided_by = user
    leave.decided_at = timezone.now()
    leave.decision_note = note
    leave.save()
    return leave


@transaction.atomic
def leave_return(*, user, leave: LeaveRequest, returned_on: dt.date) -> LeaveRequest:
    leave = LeaveRequest.objects.select_for_update().select_related("record__cadre").get(pk=leave.pk)
    org_id = leave.record.cadre.organization_id
    if not may_record_return(user, org_id):
        raise PermissionDenied("您无权为该干部办理销假。")
    if leave.status != LeaveStatus.APPROVED:
        raise ValidationError({"status": "只有已批准的请假可以销假。"})
    if returned_on < leave.start_date:
        raise ValidationError({"returned_on": "销假日期不能早于请假开始日期。"})
    if returned_on > timezone.localdate():
        raise ValidationError({"returned_on": "销假日期不能晚于今天。"})
    leave.status = LeaveStatus.RETURNED
    leave.returned_on = returned_on
    leave.save()
    return leave


@transaction.atomic
def absence_record(*, user, record: SecondLineRecord, date: dt.date, note: str = "") -> Absence:
    record = SecondLineRecord.objects.select_for_update().get(pk=record.pk)
    ensure_can(user, record, "change")
    if date > timezone.localdate():
        raise ValidationError({"date": "不能登记未来日期的缺勤。"})
    if (
        LeaveRequest.objects.filter(
            record=record,
            status__in=[LeaveStatus.APPROVED, LeaveStatus.RETURNED],
            start_date__lte=date,
            end_date__gte=date,
        )
        .filter(Q(returned_on__isnull=True) | Q(returned_on__gte=date))
        .exists()
    ):
        raise ValidationError({"date": "该日已批准请假，不能登记为未请假缺勤。"})
    if Absence.objects.filter(record=record, date=date).exists():
        raise ValidationError({"date": "该日缺勤已登记。"})
    try:
        with transaction.atomic():
            return Absence.objects.create(record=record, date=date, note=note, recorded_by=user)
    except IntegrityError:
        raise ValidationError({"date": "该日缺勤已登记。"})


# --- assessment, early retirement -------------------------------------------------------------------------


@transaction.atomic
def assessment_record(*, user, record: SecondLineRecord, year: int, grade: str, notes: str = ""):
    """A second-line cadre's 年度考核: organization staff only, a year since the move; recorded
    as the cadre's general annual assessment (cadres.services.assessment_record emits
    AssessmentRecorded, once)."""
    record = SecondLineRecord.objects.select_for_update().select_related("cadre").get(pk=record.pk)
    _ensure_org_staff(user, record.cadre.organization_id, "登记二线干部年度考核")
    if not isinstance(year, int) or year > timezone.localdate().year or year < record.moved_on.year:
        raise ValidationError({"year": f"考核年度须在{record.moved_on.year}年至今年之间。"})
    return cadre_services.assessment_record(
        user=user, cadre=record.cadre, year=year, grade=grade, notes=notes
    )


@transaction.atomic
def secondline_early_retire(
    *, user, record: SecondLineRecord, retirement_date: dt.date, approved_on: dt.date, approval: str
) -> SecondLineRecord:
    """提前离岗退养: approved by the city party committee (本人申请、单位同意、市委批准)."""
    record = SecondLineRecord.objects.select_for_update().select_related("cadre").get(pk=record.pk)
    _ensure_org_staff(user, record.cadre.organization_id, "办理提前离岗退养")
    if record.status != SecondLineStatus.ACTIVE:
        raise ValidationError(
            {"status": f"该干部状态为“{record.get_status_display()}”，不能办理提前离岗退养。"}
        )
    if not (approval or "").strip():
        raise ValidationError({"approval": "请填写批准文号或批准机关。"})
    if approved_on is None:
        raise ValidationError({"approved_on": "请填写批准日期。"})
    if retirement_date < approved_on:
        raise ValidationError({"retirement_date": "离岗退养日期不能早于批准日期。"})
    if retirement_date < record.moved_on:
        raise ValidationError({"retirement_date": "离岗退养日期不能早于退出领导岗位日期。"})
    for a in record.assignments.filter(status=AssignmentStatus.CONFIRMED):
        a.status = AssignmentStatus.ENDED
        a.end_date = max(retirement_date, a.start_date or retirement_date)
        a.save(update_fields=["status", "end_date"])
    record.assignments.filter(status=AssignmentStatus.PROPOSED).update(status=AssignmentStatus.DECLINED)
    record.status = SecondLineStatus.EARLY_RETIRED
    record.early_retirement_date = retirement_date
    record.early_retirement_approved_on = approved_on
    record.early_retirement_approval = approval.strip()
    record.save()
    return record


# --- the materialised due list ---------------------------------------------------------------------

SNAPSHOT_LOCK = 0x52_4F_54_44  # "ROTD": one refresh of the due snapshots at a time
SNAPSHOT_CHUNK = 1000


@transaction.atomic
def due_snapshot_refresh(*, on: dt.date, force: bool = False) -> DueSnapshot:
    """Materialise the whole city's due list (rule findings) as of `on`: replace the snapshot of
    that date, rows written in chunks of SNAPSHOT_CHUNK, and record when and how long it took.
    Idempotent (a second run replaces the rows with the same ones). Under a transaction-level
    advisory lock: a concurrent caller waits, then finds the snapshot fresh and returns it
    (unless `force`, as the sweep step passes)."""
    import time
    from dataclasses import asdict

    from django.db import connection

    from . import selectors
    from .policies import load_thresholds

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SNAPSHOT_LOCK])
    t = load_thresholds()
    if not force:
        fresh = selectors.fresh_snapshot(on, thresholds=t)
        if fresh is not None:
            return fresh
    started = time.perf_counter()
    # The fingerprint is taken before the data is read: a write committed meanwhile makes the
    # new snapshot stale at once rather than hiding in it.
    fingerprint = selectors.data_fingerprint()
    rows = selectors.snapshot_rows(on, t)
    snap, _created = DueSnapshot.objects.update_or_create(
        on=on,
        defaults={
            "computed_on": timezone.localdate(),
            "refreshed_at": timezone.now(),
            "refresh_seconds": 0.0,
            "thresholds": asdict(t),
            "fingerprint": fingerprint,
            "items": len(rows),
            "stale": False,
        },
    )
    # Only what changed since the snapshot's last refresh is written: the rows as they stand are
    # read as tuples, those gone or different deleted, those new or different inserted (a daily
    # refresh of a city changes a few dozen of its ten thousand rows).
    wanted = {
        (appointment_id, c.cadre_id, c.post_id, c.organization_id, c.state, c.mandatory_date, tuple(c.rules))
        for appointment_id, c in rows
    }
    stale: list[int] = []
    kept: set[tuple] = set()
    for pk, *values in DueSnapshotItem.objects.filter(snapshot=snap).values_list(
        "pk", "appointment_id", "cadre_id", "post_id", "organization_id", "state", "mandatory_date", "rules"
    ):
        row = (*values[:-1], tuple(values[-1]))
        if row in wanted and row not in kept:
            kept.add(row)
        else:
            stale.append(pk)
    for i in range(0, len(stale), SNAPSHOT_CHUNK):
        DueSnapshotItem.objects.filter(pk__in=stale[i : i + SNAPSHOT_CHUNK]).delete()
    fresh = sorted(wanted - kept)
    for i in range(0, len(fresh), SNAPSHOT_CHUNK):
        DueSnapshotItem.objects.bulk_create(
            [
                DueSnapshotItem(
                    snapshot=snap,
                    appointment_id=appointment_id,
                    cadre_id=cadre_id,
                    post_id=post_id,
                    organization_id=organization_id,
                    state=state,
                    mandatory_date=mandatory_date,
                    rules=list(rules_),
                )
                for appointment_id, cadre_id, post_id, organization_id, state, mandatory_date, rules_ in fresh[
                    i : i + SNAPSHOT_CHUNK
                ]
            ]
        )
    snap.refresh_seconds = time.perf_counter() - started
    snap.refreshed_at = timezone.now()
    snap.save(update_fields=["refresh_seconds", "refreshed_at"])
    logger.info("rotation due snapshot %s: %d rows in %.2f s", on, len(rows), snap.refresh_seconds)
    return snap


def due_snapshots_mark_stale() -> int:
    """Mark every due snapshot stale (the next statistics request refreshes it): called by the
    writes of this app that move cadres between posts."""
    return DueSnapshot.objects.filter(stale=False).update(stale=True)
