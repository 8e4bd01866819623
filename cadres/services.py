"""Writes of the registry. Keyword-only, typed, atomic; every write re-checks scope.

Invariants live here (not only in forms), so the UI, the API, the Excel import and other
apps (rotations, second line) all obey them:
- one current 一把手 per organization and kind (party / administrative);
- no overlapping tenures of one cadre in the same post;
- a tenure ends after it starts; no future birth dates; valid citizen IDs.

Events emitted (cadre_supervision.events): AppointmentCreated, AppointmentEnded,
CadreStatusChanged, and TeamChanged when a 党政正职 (top-leader) tenure starts or ends: the
unit's leadership team has changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cadre_supervision import events, registry
from cadre_supervision.permissions import ensure_can, ensure_org_perm

from . import crypto, rules
from .choices import TOP_LEADER_FORBIDDEN_CODES, PortfolioAreaCode
from .models import (
    Appointment,
    Cadre,
    EducationRecord,
    Organization,
    PortfolioArea,
    Post,
    clear_catalogue_cache,
    portfolio_catalogue,
)

CADRE_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "native_place",
    "party_join_date",
    "work_start_date",
    "education",
    "degree",
    "identity_category",
    "rank",
    "management_level",
    "status",
    "organization",
    "phone",
    "notes",
    "user",
)
POST_FIELDS = (
    "organization",
    "title",
    "is_leading",
    "top_leader_kind",
    "is_middle_level",
    "line_role",
    "key_categories",
    "key_reason",
    "sort_order",
    "is_active",
)
APPOINTMENT_FIELDS = (
    "start_date",
    "end_date",
    "method",
    "document_no",
    "portfolio_areas",
    "portfolio_text",
    "recommended_by",
    "reviewed_by",
    "is_secondment",
    "end_reason",
)


def _raise(errors: dict[str, Any]) -> None:
    if errors:
        raise ValidationError(errors)


# --- organizations -----------------------------------------------------------------------------


def _set_path(org: Organization) -> None:
    parent_path = org.parent.path if org.parent_id else ""
    org.path = f"{parent_path}{org.pk:06d}."
    org.depth = parent_path.count(".")


@transaction.atomic
def organization_create(*, user, name: str, kind: str, parent: Organization | None, **extra) -> Organization:
    if parent is None:
        if not user.is_superuser:
            raise ValidationError({"parent": "只有系统管理员可以创建顶级单位。"})
    else:
        ensure_org_perm(user, "manage_cadres", parent)
    org = Organization(name=name, kind=kind, parent=parent, **extra)
    org.full_clean(exclude=["path", "depth"])
    org.save()
    _set_path(org)
    org.save(update_fields=["path", "depth"])
    return org


@transaction.atomic
def organization_update(*, user, organization: Organization, **data) -> Organization:
    ensure_can(user, organization, "change")
    new_parent = data.get("parent", organization.parent)
    if new_parent is not None and new_parent.pk != organization.parent_id:
        ensure_org_perm(user, "manage_cadres", new_parent)
        if new_parent.path.startswith(organization.path):
            raise ValidationError({"parent": "不能把单位移到它自己的下级单位之下。"})
    for k, v in data.items():
        setattr(organization, k, v)
    organization.full_clean(exclude=["path", "depth"])
    old_path = organization.path
    _set_path(organization)
    organization.save()
    if old_path != organization.path:
        for child in (
            Organization.objects.filter(path__startswith=old_path)
            .exclude(pk=organization.pk)
            .order_by("depth")
        ):
            child.refresh_from_db()
            _set_path(child)
            child.save(update_fields=["path", "depth"])
    return organization


# --- posts -------------------------------------------------------------------------------------


def _post_errors(post: Post) -> dict[str, str]:
    errors: dict[str, str] = {}
    if post.top_leader_kind and not post.is_leading:
        errors["top_leader_kind"] = "一把手岗位必须是领导职务。"
    if post.key_categories and not (post.key_reason or "").strip():
        errors["key_reason"] = "认定为关键岗位时，请写明理由。"
    return errors


@transaction.atomic
def post_create(*, user, **data) -> Post:
    ensure_org_perm(user, "manage_cadres", data.get("organization"))
    post = Post(**{k: v for k, v in data.items() if k in POST_FIELDS})
    _raise(_post_errors(post))
    post.full_clean()
    post.save()
    return post


@transaction.atomic
def post_update(*, user, post: Post, **data) -> Post:
    ensure_can(user, post, "change")
    if "organization" in data and data["organization"].pk != post.organization_id:
        ensure_org_perm(user, "manage_cadres", data["organization"])
    for k, v in data.items():
        if k in POST_FIELDS:
            setattr(post, k, v)
    _raise(_post_errors(post))
    post.full_clean()
    if post.top_leader_kind:
        # Changing a post into a 一把手 post must not create two current 一把手.
        _check_top_leader_unique_for_post(post)
    post.save()
    return post


# --- cadres ------------------------------------------------------------------------------------


def _apply_citizen_id(cadre: Cadre, citizen_id: str | None, errors: dict[str, str], today: dt.date) -> None:
    """A valid citizen ID decides gender and birth date: empty values are taken from it (also
    from the stored ID when none is given), a typed value that differs is an error."""
    given = citizen_id not in (None, "")
    if not given and not cadre.citizen_id_encrypted:
        errors["citizen_id"] = "请填写身份证号。"
        return
    value = citizen_id if given else crypto.decrypt(cadre.citizen_id_encrypted)
    try:
        parsed = rules.parse_citizen_id(value, today=today)
    except rules.CitizenIdError as exc:
        if given:
            errors["citizen_id"] = str(exc)
        return
    gender, birth, conflicts = rules.facts_from_citizen_id(
        parsed, gender=cadre.gender, birth_date=cadre.birth_date
    )
    errors.update(conflicts)
    if not conflicts:
        cadre.gender, cadre.birth_date = gender, birth
    if not given:
        return
    digest = crypto.digest(parsed.value)
    if Cadre.objects.filter(citizen_id_digest=digest).exclude(pk=cadre.pk).exists():
        errors["citizen_id"] = "该身份证号已登记在另一名干部名下。"
        return
    cadre.citizen_id_encrypted = crypto.encrypt(parsed.value)
    cadre.citizen_id_digest = digest
    cadre.citizen_id_tail = parsed.value[-4:]
    cadre.citizen_id_masked = rules.mask_citizen_id(parsed.value)


def _cadre_errors(cadre: Cadre, today: dt.date) -> dict[str, str]:
    errors = dict(rules.birth_date_errors(cadre.birth_date, today=today))
    for field, label in (("party_join_date", "入党时间"), ("work_start_date", "参加工作时间")):
        value = getattr(cadre, field)
        if value is not None:
            if value > today:
                errors[field] = f"{label}不能晚于今天。"
            elif cadre.birth_date and value < cadre.birth_date:
                errors[field] = f"{label}不能早于出生日期。"
    return errors


def _validate_and_save_cadre(cadre: Cadre, citizen_id: str | None) -> Cadre:
    today = timezone.localdate()
    id_errors: dict[str, str] = {}
    _apply_citizen_id(cadre, citizen_id, id_errors, today)  # may fill gender and birth date
    errors = {**_cadre_errors(cadre, today), **id_errors}
    _raise(errors)
    cadre.name = cadre.name.strip()
    cadre.name_initials = rules.pinyin_initials(cadre.name)
    try:
        cadre.full_clean(exclude=["citizen_id_digest"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict)
    cadre.save()
    return cadre


@transaction.atomic
def cadre_create(*, user, citizen_id: str, education_records: list[dict] | None = None, **data) -> Cadre:
    ensure_org_perm(user, "manage_cadres", data.get("organization"))
    cadre = Cadre(**{k: v for k, v in data.items() if k in CADRE_FIELDS})
    _validate_and_save_cadre(cadre, citizen_id)
    for rec in education_records or []:
        EducationRecord.objects.create(cadre=cadre, **rec)
    return cadre


@transaction.atomic
def cadre_update(*, user, cadre: Cadre, citizen_id: str | None = None, **data) -> Cadre:
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    ensure_can(user, cadre, "change")
    if (
        "organization" in data
        and data["organization"] is not None
        and data["organization"].pk != cadre.organization_id
    ):
        ensure_org_perm(user, "manage_cadres", data["organization"])
    old_status = cadre.status
    for k, v in data.items():
        if k in CADRE_FIELDS:
            setattr(cadre, k, v)
    _validate_and_save_cadre(cadre, citizen_id)
    if cadre.status != old_status:
        registry.emit(
            events.CadreStatusChanged(
                cadre_id=cadre.pk, old_status=old_status, new_status=cadre.status, user_id=_uid(user)
            )
        )
    return cadre


def cadre_citizen_id(*, user, cadre: Cadre, request=None) -> str:
    """The unmasked citizen ID, for users holding view_citizen_ids; every read is logged."""
    from django.core.exceptions import PermissionDenied

    from cadre_supervision.accesslog import log_access
    from cadre_supervision.models import AccessLog
    from cadre_supervision.permissions import has_org_perm

    if not has_org_perm(user, "view_citizen_ids", cadre.organization_id):
        raise PermissionDenied("您无权查看完整身份证号。")
    log_access(user=user, action=AccessLog.Action.VIEW_CITIZEN_ID, obj=cadre, request=request)
    return crypto.decrypt(cadre.citizen_id_encrypted)


# --- appointments ------------------------------------------------------------------------------


def _check_top_leader_unique_for_post(
    post: Post, *, exclude_pk: int | None = None, start: dt.date | None = None, end: dt.date | None = None
) -> None:
    """No two tenures of posts of the same organization and 一把手 kind may overlap."""
    # Serialise concurrent writers on the organization row.
    Organization.objects.select_for_update().filter(pk=post.organization_id).first()
    qs = Appointment.objects.filter(
        post__organization_id=post.organization_id,
        post__top_leader_kind=post.top_leader_kind,
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if start is None:
        # Whole post check (post turned into 一把手): any two current tenures clash.
        today = timezone.localdate()
        holders = qs.current(today).exclude(post=post)
        if holders.exists() and Appointment.objects.current(today).filter(post=post).exists():
            raise ValidationError({"top_leader_kind": "该单位已有在任的同类一把手。"})
        return
    for other in qs.select_related("cadre", "post"):
        if rules.periods_overlap(start, end, other.start_date, other.end_date):
            kind = post.get_top_leader_kind_display()
            raise ValidationError(
                {
                    "start_date": f"{post.organization.name}在该期间已有{kind}：{other.cadre.name}"
                    f"（{other.post.title}，{other.start_date}起）。同一单位同一时间只能有一名{kind}。"
                }
            )


def _appointment_errors(appt: Appointment) -> dict[str, str]:
    today = timezone.localdate()
    errors = rules.tenure_errors(appt.start_date, appt.end_date, today=today)
    if errors:
        return errors
    if appt.cadre.birth_date and appt.start_date < appt.cadre.birth_date:
        errors["start_date"] = "任职开始日期不能早于出生日期。"
    overlapping = Appointment.objects.filter(cadre_id=appt.cadre_id, post_id=appt.post_id).exclude(pk=appt.pk)
    for other in overlapping:
        if rules.periods_overlap(appt.start_date, appt.end_date, other.start_date, other.end_date):
            errors["start_date"] = f"该干部在此岗位已有重叠的任职记录（{other.start_date}起）。"
            break
    return errors


def _portfolio_errors(appt: Appointment) -> dict[str, str]:
    """Portfolio areas must be codes of the catalogue; a deactivated area is kept where it is
    already held but cannot be newly chosen."""
    catalogue = portfolio_catalogue()
    areas = list(dict.fromkeys(appt.portfolio_areas or ()))
    appt.portfolio_areas = areas
    unknown = rules.unknown_portfolio_areas(areas, catalogue)
    if unknown:
        return {"portfolio_areas": f"未知的分管领域：{'、'.join(unknown)}。"}
    held = set()
    if appt.pk:
        held = set(
            Appointment.objects.filter(pk=appt.pk).values_list("portfolio_areas", flat=True).first() or ()
        )
    retired = [catalogue[c][0] for c in areas if not catalogue[c][2] and c not in held]
    if retired:
        return {"portfolio_areas": f"分管领域“{'、'.join(retired)}”已停用，不能再选用。"}
    return {}


def _save_appointment(appt: Appointment) -> Appointment:
    Cadre.objects.select_for_update().filter(pk=appt.cadre_id).first()
    _raise(_appointment_errors(appt))
    _raise(_portfolio_errors(appt))
    if appt.post.top_leader_kind:
        _check_top_leader_unique_for_post(
            appt.post, exclude_pk=appt.pk, start=appt.start_date, end=appt.end_date
        )
    appt.full_clean()
    appt.save()
    return appt


@transaction.atomic
def appointment_create(*, user, cadre: Cadre, post: Post, move_cadre: bool = True, **data) -> Appointment:
    ensure_can(user, cadre, "change")
    ensure_org_perm(user, "manage_cadres", post.organization_id)
    appt = Appointment(cadre=cadre, post=post, **{k: v for k, v in data.items() if k in APPOINTMENT_FIELDS})
    _save_appointment(appt)
    if (
        move_cadre
        and not appt.is_secondment
        and appt.is_current()
        and cadre.organization_id != post.organization_id
    ):
        Cadre.objects.filter(pk=cadre.pk).update(organization=post.organization_id)
        cadre.organization_id = post.organization_id
    registry.emit(
        events.AppointmentCreated(
            appointment_id=appt.pk,
            cadre_id=appt.cadre_id,
            organization_id=post.organization_id,
            post_title=str(post),
            start_date=appt.start_date,
            is_leading=post.is_leading,
            is_top_leader=bool(post.top_leader_kind),
            user_id=_uid(user),
        )
    )
    _team_changed(appt, appt.start_date, user)
    return appt


@transaction.atomic
def appointment_update(*, user, appointment: Appointment, **data) -> Appointment:
    appointment = Appointment.objects.select_related("cadre", "post", "post__organization").get(
        pk=appointment.pk
    )
    ensure_can(user, appointment, "change")
    for k, v in data.items():
        if k in APPOINTMENT_FIELDS:
            setattr(appointment, k, v)
    return _save_appointment(appointment)


@transaction.atomic
def appointment_end(*, user, appointment: Appointment, end_date: dt.date, reason: str = "") -> Appointment:
    appt = appointment_update(user=user, appointment=appointment, end_date=end_date, end_reason=reason)
    registry.emit(
        events.AppointmentEnded(
            appointment_id=appt.pk,
            cadre_id=appt.cadre_id,
            organization_id=appt.post.organization_id,
            end_date=appt.end_date,
            is_leading=appt.post.is_leading,
            is_top_leader=bool(appt.post.top_leader_kind),
            user_id=_uid(user),
        )
    )
    _team_changed(appt, appt.end_date, user)
    return appt


def _uid(user) -> int | None:
    return getattr(user, "pk", None)


def _team_changed(appt: Appointment, date: dt.date | None, user) -> None:
    """A 党政正职 taking up or leaving the post changes the unit's leadership team."""
    if appt.post.top_leader_kind and date is not None:
        registry.emit(
            events.TeamChanged(
                organization_id=appt.post.organization_id,
                date=date,
                appointment_id=appt.pk,
                user_id=_uid(user),
            )
        )


def appointment_transfer(
    *,
    user,
    cadre: Cadre,
    from_appointment: Appointment | None,
    to_post: Post,
    effective_date: dt.date,
    end_reason: str = "",
    **new_data,
) -> Appointment:
    """End one tenure and start the next in one transaction (used by rotations).

    Must be called inside transaction.atomic by the caller if it does more work; it is
    atomic on its own as well.
    """
    with transaction.atomic():
        if from_appointment is not None:
            if effective_date <= from_appointment.start_date:
                raise ValidationError({"effective_date": "生效日期不能早于（或等于）现任职务的开始日期。"})
            appointment_end(
                user=user, appointment=from_appointment, end_date=effective_date, reason=end_reason
            )
        return appointment_create(user=user, cadre=cadre, post=to_post, start_date=effective_date, **new_data)


def cadres_matching_citizen_id(citizen_id: str):
    return Cadre.objects.filter(Q(citizen_id_digest=crypto.digest(citizen_id.strip().upper())))


# --- the portfolio-area catalogue ------------------------------------------------------------------


def portfolio_catalogue_seed() -> int:
    """Insert the initial portfolio areas that are missing (rule 1's forbidden areas and the
    ordinary ones); rows the administrator changed are left alone. Returns how many were added."""
    rows = [
        PortfolioArea(
            code=code.value,
            name=str(code.label),
            top_leader_forbidden=code in TOP_LEADER_FORBIDDEN_CODES,
            order=10 * i,
        )
        for i, code in enumerate(PortfolioAreaCode, start=1)
    ]
    have = set(PortfolioArea.objects.values_list("code", flat=True))
    created = PortfolioArea.objects.bulk_create(
        [r for r in rows if r.code not in have], ignore_conflicts=True
    )
    clear_catalogue_cache()
    return len(created)
