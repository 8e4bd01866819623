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
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cadre_supervision import events, registry
from cadre_supervision.permissions import ensure_can, ensure_org_perm

from . import crypto, rules
from .choices import (
    SANCTION_TRACK_OF_KIND,
    TOP_LEADER_FORBIDDEN_CODES,
    TRAINING_MAX_HOURS,
    AssessmentGrade,
    PoliticalStatus,
    PortfolioAreaCode,
    RewardKind,
    SanctionKind,
    TrainingKind,
    VerificationItem,
    VerificationStatus,
)
from .models import (
    AnnualAssessment,
    Appointment,
    Cadre,
    CadrePhoto,
    DossierVerification,
    EducationRecord,
    FamilyMember,
    Organization,
    PortfolioArea,
    Post,
    ResumeLine,
    RewardPunishment,
    Sanction,
    TrainingRecord,
    clear_catalogue_cache,
    photo_storage,
    portfolio_catalogue,
)

CADRE_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "native_place",
    "birth_place",
    "health",
    "professional_title",
    "expertise",
    "party_join_date",
    "work_start_date",
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
    "recommender_cadre",
    "recommender_user",
    "recommended_by",
    "reviewer_cadre",
    "reviewer_user",
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
    for i, rec in enumerate(education_records or []):
        try:
            _education_save(EducationRecord(cadre=cadre), rec)
        except ValidationError as exc:
            raise ValidationError(
                {
                    "education_records": f"第{i + 1}条学历："
                    + "；".join(m for msgs in exc.message_dict.values() for m in msgs)
                }
            )
    return cadre


# Cadre fields under 三龄两历一身份 认定: field -> verification item.
VERIFIED_CADRE_FIELDS = {
    "birth_date": VerificationItem.BIRTH_DATE,
    "party_join_date": VerificationItem.PARTY_JOIN_DATE,
    "work_start_date": VerificationItem.WORK_START_DATE,
    "identity_category": VerificationItem.IDENTITY,
}


@transaction.atomic
def cadre_update(
    *, user, cadre: Cadre, citizen_id: str | None = None, change_reason: str = "", **data
) -> Cadre:
    """`change_reason` is required when a verified (已认定) item of 三龄两历一身份 changes."""
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
    for field, item in VERIFIED_CADRE_FIELDS.items():
        _guard_verified(cadre, item, change_reason, field=field)
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


def _people_errors(appt: Appointment) -> dict[str, str]:
    """推荐人 and 考察人: one person (a cadre or a user) or, only for an outside body, text."""
    errors: dict[str, str] = {}
    for prefix, text_field, label in (
        ("recommender", "recommended_by", "推荐人"),
        ("reviewer", "reviewed_by", "考察人"),
    ):
        cadre_id = getattr(appt, f"{prefix}_cadre_id")
        user_id = getattr(appt, f"{prefix}_user_id")
        text = (getattr(appt, text_field) or "").strip()
        setattr(appt, text_field, text)
        if cadre_id and user_id:
            errors[f"{prefix}_user"] = f"{label}只能选择一名干部或一名用户。"
        elif text and (cadre_id or user_id):
            errors[text_field] = f"已选择{label}本人时，不再填写外部单位。"
        elif prefix == "recommender" and cadre_id and cadre_id == appt.cadre_id:
            errors["recommender_cadre"] = "推荐人不能是被任职干部本人。"
    return errors


def _save_appointment(appt: Appointment) -> Appointment:
    Cadre.objects.select_for_update().filter(pk=appt.cadre_id).first()
    _raise(_appointment_errors(appt))
    _raise(_people_errors(appt))
    _raise(_portfolio_errors(appt))
    if appt.post.top_leader_kind:
        _check_top_leader_unique_for_post(
            appt.post, exclude_pk=appt.pk, start=appt.start_date, end=appt.end_date
        )
    appt.full_clean()
    appt.save()
    return appt


@transaction.atomic
def appointment_create(
    *, user, cadre: Cadre, post: Post, move_cadre: bool = True, via: str = "page", **data
) -> Appointment:
    """`via` names the entry point ("page", "api", "import", "exchange", "selection") for the
    appointment guards (registry.appointment_guards), which every new tenure passes."""
    ensure_can(user, cadre, "change")
    ensure_org_perm(user, "manage_cadres", post.organization_id)
    appt = Appointment(cadre=cadre, post=post, **{k: v for k, v in data.items() if k in APPOINTMENT_FIELDS})
    _check_guards(appt, user=user, via=via)
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


def _check_guards(appt: Appointment, *, user, via: str) -> None:
    """Every registered guard may refuse the new tenure (a ValidationError, nothing saved);
    e.g. selection: a leading post needs a cleared candidate or a logged exception."""
    for guard in list(registry.appointment_guards.values()):
        guard(
            user=user, cadre=appt.cadre, post=appt.post, start_date=appt.start_date, via=via, appointment=appt
        )


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
        new_data.setdefault("via", "exchange")
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


# --- the dossier (干部档案) ------------------------------------------------------------------------
# Every dossier write: the cadre must be changeable by the user (ensure_can inside the
# transaction); bad input raises ValidationError with a Chinese message and nothing is saved.

EDUCATION_FIELDS = ("full_time", "level", "degree", "school", "department", "major", "start_date", "end_date")
RESUME_FIELDS = ("start_month", "end_month", "text", "source")
REWARD_FIELDS = ("kind", "title", "date", "issuing_body", "document_no")
SANCTION_FIELDS = ("kind", "decision_date", "deciding_body", "document_no", "reason")
TRAINING_FIELDS = ("name", "organizer", "kind", "start_date", "end_date", "hours", "certificate", "notes")
FAMILY_FIELDS = ("relation", "name", "birth_month", "political_status", "employer_post", "sort_order")


def _locked_cadre(user, cadre: Cadre) -> Cadre:
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    ensure_can(user, cadre, "change")
    return cadre


def _full_clean(obj, exclude=()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise ValidationError(exc.message_dict)


def _not_future(value, field: str, label: str, errors: dict, today: dt.date) -> None:
    if value is not None and value > today:
        errors[field] = f"{label}不能晚于今天。"


# --- 三龄两历一身份 认定 ---------------------------------------------------------------------------


def verification_value(cadre: Cadre, item: str) -> str:
    """The recorded value an item is verified against (kept on the verification row)."""
    if item == VerificationItem.BIRTH_DATE:
        return cadre.birth_date.isoformat() if cadre.birth_date else ""
    if item == VerificationItem.PARTY_JOIN_DATE:
        return cadre.party_join_date.isoformat() if cadre.party_join_date else ""
    if item == VerificationItem.WORK_START_DATE:
        return cadre.work_start_date.isoformat() if cadre.work_start_date else ""
    if item == VerificationItem.IDENTITY:
        return cadre.identity_category or ""
    if item == VerificationItem.EDUCATION:
        return education_value(EducationRecord.objects.filter(cadre_id=cadre.pk))
    if item == VerificationItem.CAREER:
        return career_value(ResumeLine.objects.filter(cadre_id=cadre.pk))
    raise ValueError(item)


def education_value(records) -> str:
    """What 学历学位 is verified against: every education record, in a fixed order."""
    rows = sorted(records, key=lambda r: (r.full_time, r.level, r.end_date or dt.date.min, r.pk or 0))
    return "；".join(
        f"{'全日制' if r.full_time else '在职'}{r.level}{r.degree}{r.school}{r.end_date or ''}" for r in rows
    )[:200]


def career_value(lines) -> str:
    """What 经历 is verified against: a digest of the entered résumé lines."""
    rows = sorted(lines, key=lambda r: (r.start_month, r.pk or 0))
    digest = "；".join(f"{r.start_month}{r.end_month or ''}{r.text}" for r in rows)
    return crypto.digest(digest)[:64] if digest else ""


def _guard_verified(cadre: Cadre, item: str, reason: str, *, field: str) -> None:
    """After a change: if `item` is 已认定 and its value moved, a reason is required; with one,
    the verification row keeps the new value and the reason (its history shows the change)."""
    row = DossierVerification.objects.select_for_update().filter(cadre_id=cadre.pk, item=item).first()
    if row is None or row.status != VerificationStatus.VERIFIED:
        return
    new = verification_value(cadre, item)
    label = VerificationItem(item).label
    _raise(
        rules.verified_change_errors(field, old=row.value, new=new, verified=True, reason=reason, label=label)
    )
    if new != row.value:
        row.value = new
        row.change_reason = reason.strip()[:300]
        row.save(update_fields=["value", "change_reason"])


@transaction.atomic
def verification_record(
    *, user, cadre: Cadre, item: str, status: str, document: str = "", note: str = ""
) -> DossierVerification:
    """Record the 认定 of one item: status, the dossier document it rests on, who and when."""
    cadre = _locked_cadre(user, cadre)
    errors: dict[str, str] = {}
    if item not in VerificationItem.values:
        errors["item"] = "请选择认定事项。"
    if status not in VerificationStatus.values:
        errors["status"] = "请选择认定状态。"
    document = (document or "").strip()
    if status == VerificationStatus.VERIFIED and not document:
        errors["document"] = "认定须写明所依据的档案材料。"
    if status == VerificationStatus.DOUBTFUL and not (note or "").strip():
        errors["note"] = "有疑点时请写明疑点。"
    _raise(errors)
    if status == VerificationStatus.VERIFIED and not verification_value(cadre, item):
        _raise({"status": f"{VerificationItem(item).label}尚无记载，不能认定。"})
    row, _created = DossierVerification.objects.select_for_update().get_or_create(cadre=cadre, item=item)
    row.status = status
    row.document = document
    row.note = (note or "").strip()
    row.value = verification_value(cadre, item)
    row.verified_by = user
    row.verified_at = timezone.now()
    _full_clean(row, exclude=["cadre", "verified_by"])
    row.save()
    return row


# --- education ------------------------------------------------------------------------------------


def _education_save(rec: EducationRecord, data: dict) -> EducationRecord:
    for k, v in data.items():
        if k in EDUCATION_FIELDS:
            setattr(rec, k, v.strip() if isinstance(v, str) else v)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if not rec.level:
        errors["level"] = "请选择学历。"
    if not rec.school:
        errors["school"] = "请填写毕业院校。"
    _not_future(rec.start_date, "start_date", "入学时间", errors, today)
    if rec.start_date and rec.end_date and rec.end_date < rec.start_date:
        errors["end_date"] = "毕业时间不能早于入学时间。"
    birth = rec.cadre.birth_date
    if birth and rec.start_date and rec.start_date < birth:
        errors["start_date"] = "入学时间不能早于出生日期。"
    _raise(errors)
    _full_clean(rec, exclude=["cadre"])
    rec.save()
    return rec


@transaction.atomic
def education_create(*, user, cadre: Cadre, change_reason: str = "", **data) -> EducationRecord:
    cadre = _locked_cadre(user, cadre)
    rec = _education_save(EducationRecord(cadre=cadre), data)
    _guard_verified(cadre, VerificationItem.EDUCATION, change_reason, field="change_reason")
    return rec


@transaction.atomic
def education_update(*, user, record: EducationRecord, change_reason: str = "", **data) -> EducationRecord:
    record = EducationRecord.objects.select_related("cadre").get(pk=record.pk)
    cadre = _locked_cadre(user, record.cadre)
    rec = _education_save(record, data)
    _guard_verified(cadre, VerificationItem.EDUCATION, change_reason, field="change_reason")
    return rec


@transaction.atomic
def education_delete(*, user, record: EducationRecord, change_reason: str = "") -> None:
    record = EducationRecord.objects.select_related("cadre").get(pk=record.pk)
    cadre = _locked_cadre(user, record.cadre)
    record.delete()
    _guard_verified(cadre, VerificationItem.EDUCATION, change_reason, field="change_reason")


# --- résumé lines (简历, before the tenures kept here) ---------------------------------------------------


def _resume_save(line: ResumeLine, data: dict) -> ResumeLine:
    for k, v in data.items():
        if k in RESUME_FIELDS:
            setattr(line, k, v.strip() if isinstance(v, str) else v)
    line.start_month = rules.first_of_month(line.start_month)
    line.end_month = rules.first_of_month(line.end_month)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if line.start_month is None:
        errors["start_month"] = "请填写起始年月。"
    if not line.text:
        errors["text"] = "请填写单位及职务。"
    _not_future(line.start_month, "start_month", "起始年月", errors, today)
    _not_future(line.end_month, "end_month", "终止年月", errors, today)
    if line.start_month and line.end_month and line.end_month < line.start_month:
        errors["end_month"] = "终止年月不能早于起始年月。"
    birth = line.cadre.birth_date
    if birth and line.start_month and line.start_month < rules.first_of_month(birth):
        errors["start_month"] = "起始年月不能早于出生日期。"
    _raise(errors)
    _full_clean(line, exclude=["cadre"])
    line.save()
    return line


@transaction.atomic
def resume_line_create(*, user, cadre: Cadre, change_reason: str = "", **data) -> ResumeLine:
    cadre = _locked_cadre(user, cadre)
    line = _resume_save(ResumeLine(cadre=cadre), data)
    _guard_verified(cadre, VerificationItem.CAREER, change_reason, field="change_reason")
    return line


@transaction.atomic
def resume_line_update(*, user, line: ResumeLine, change_reason: str = "", **data) -> ResumeLine:
    line = ResumeLine.objects.select_related("cadre").get(pk=line.pk)
    cadre = _locked_cadre(user, line.cadre)
    line = _resume_save(line, data)
    _guard_verified(cadre, VerificationItem.CAREER, change_reason, field="change_reason")
    return line


@transaction.atomic
def resume_line_delete(*, user, line: ResumeLine, change_reason: str = "") -> None:
    line = ResumeLine.objects.select_related("cadre").get(pk=line.pk)
    cadre = _locked_cadre(user, line.cadre)
    line.delete()
    _guard_verified(cadre, VerificationItem.CAREER, change_reason, field="change_reason")


# --- rewards and punishments (奖惩情况) ---------------------------------------------------------------


def _reward_save(rec: RewardPunishment, data: dict) -> RewardPunishment:
    for k, v in data.items():
        if k in REWARD_FIELDS:
            setattr(rec, k, v.strip() if isinstance(v, str) else v)
    errors: dict[str, str] = {}
    if rec.kind not in RewardKind.values:
        errors["kind"] = "请选择奖励或惩处。"
    if not rec.title:
        errors["title"] = "请填写奖惩名称。"
    if not rec.issuing_body:
        errors["issuing_body"] = "请填写批准机关。"
    if rec.date is None:
        errors["date"] = "请填写奖惩时间。"
    _not_future(rec.date, "date", "奖惩时间", errors, timezone.localdate())
    _raise(errors)
    _full_clean(rec, exclude=["cadre"])
    rec.save()
    return rec


@transaction.atomic
def reward_create(*, user, cadre: Cadre, **data) -> RewardPunishment:
    cadre = _locked_cadre(user, cadre)
    return _reward_save(RewardPunishment(cadre=cadre), data)


@transaction.atomic
def reward_update(*, user, record: RewardPunishment, **data) -> RewardPunishment:
    record = RewardPunishment.objects.select_related("cadre").get(pk=record.pk)
    _locked_cadre(user, record.cadre)
    return _reward_save(record, data)


# --- training (教育培训) -------------------------------------------------------------------------------


def _hours(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return hours if hours.is_finite() else None


def _training_save(rec: TrainingRecord, data: dict) -> TrainingRecord:
    for k, v in data.items():
        if k in TRAINING_FIELDS:
            setattr(rec, k, v.strip() if isinstance(v, str) else v)
    errors: dict[str, str] = {}
    if not rec.name:
        errors["name"] = "请填写培训名称。"
    if not rec.organizer:
        errors["organizer"] = "请填写主办单位。"
    if rec.kind not in TrainingKind.values:
        errors["kind"] = "请选择培训类别。"
    if rec.start_date is None:
        errors["start_date"] = "请填写培训开始日期。"
    _not_future(rec.start_date, "start_date", "培训开始日期", errors, timezone.localdate())
    if rec.start_date and rec.end_date and rec.end_date < rec.start_date:
        errors["end_date"] = "结束日期不能早于开始日期。"
    hours = _hours(rec.hours)
    if hours is None:
        errors["hours"] = "请填写学时（数字）。"
    elif hours <= 0:
        errors["hours"] = "学时须大于 0。"
    elif hours > TRAINING_MAX_HOURS:
        errors["hours"] = f"学时不能超过 {TRAINING_MAX_HOURS}（一条记录为一次培训）。"
    elif hours != hours.quantize(Decimal("0.1")):
        errors["hours"] = "学时最多保留一位小数。"
    else:
        rec.hours = hours
    _raise(errors)
    _full_clean(rec, exclude=["cadre"])
    rec.save()
    return rec


@transaction.atomic
def training_create(*, user, cadre: Cadre, **data) -> TrainingRecord:
    cadre = _locked_cadre(user, cadre)
    return _training_save(TrainingRecord(cadre=cadre), data)


@transaction.atomic
def training_update(*, user, record: TrainingRecord, **data) -> TrainingRecord:
    record = TrainingRecord.objects.select_related("cadre").get(pk=record.pk)
    _locked_cadre(user, record.cadre)
    return _training_save(record, data)


@transaction.atomic
def training_delete(*, user, record: TrainingRecord) -> None:
    record = TrainingRecord.objects.select_related("cadre").get(pk=record.pk)
    _locked_cadre(user, record.cadre)
    record.delete()


# --- annual assessments (年度考核) ---------------------------------------------------------------------


def _assessment_errors(cadre: Cadre, year, grade: str) -> dict[str, str]:
    today = timezone.localdate()
    errors: dict[str, str] = {}
    earliest = (
        (cadre.work_start_date or cadre.birth_date).year
        if (cadre.work_start_date or cadre.birth_date)
        else 1950
    )
    if not isinstance(year, int) or year > today.year or year < earliest:
        errors["year"] = f"考核年度须在{earliest}年至{today.year}年之间。"
    if grade not in AssessmentGrade.values:
        errors["grade"] = "请选择考核等次。"
    return errors


@transaction.atomic
def assessment_record(*, user, cadre: Cadre, year: int, grade: str, notes: str = "") -> AnnualAssessment:
    """Record a cadre's 年度考核 (once per year); emits AssessmentRecorded."""
    cadre = _locked_cadre(user, cadre)
    _raise(_assessment_errors(cadre, year, grade))
    if AnnualAssessment.objects.filter(cadre=cadre, year=year).exists():
        _raise({"year": f"{year}年度考核已登记。"})
    a = AnnualAssessment(cadre=cadre, year=year, grade=grade, notes=(notes or "").strip(), recorded_by=user)
    _full_clean(a, exclude=["cadre", "recorded_by"])
    a.save()
    registry.emit(
        events.AssessmentRecorded(
            cadre_id=cadre.pk,
            year=year,
            grade=grade,
            source="cadres.annualassessment",
            source_id=a.pk,
            user_id=_uid(user),
        )
    )
    return a


@transaction.atomic
def assessment_update(*, user, assessment: AnnualAssessment, grade: str, notes: str = "") -> AnnualAssessment:
    """Correct the grade of a recorded year (the year itself does not change)."""
    assessment = AnnualAssessment.objects.select_related("cadre").get(pk=assessment.pk)
    cadre = _locked_cadre(user, assessment.cadre)
    _raise(_assessment_errors(cadre, assessment.year, grade))
    assessment.grade = grade
    assessment.notes = (notes or "").strip()
    _full_clean(assessment, exclude=["cadre", "recorded_by"])
    assessment.save()
    return assessment


# --- sanctions (党纪处分 / 政务处分) -----------------------------------------------------------------


def sanction_bar_months() -> dict[str, int]:
    """The promotion-bar months per kind, as the policy settings hold them now."""
    from cadre_supervision import policy

    return {k: policy.get(f"cadres.sanction_bar_months.{k}") for k in SanctionKind.values}


def _sanction_save(s: Sanction, data: dict) -> Sanction:
    for k, v in data.items():
        if k in SANCTION_FIELDS:
            setattr(s, k, v.strip() if isinstance(v, str) else v)
    errors: dict[str, str] = {}
    if s.kind not in SanctionKind.values:
        errors["kind"] = "请选择处分种类。"
    if s.decision_date is None:
        errors["decision_date"] = "请填写处分决定时间。"
    _not_future(s.decision_date, "decision_date", "处分决定时间", errors, timezone.localdate())
    if s.decision_date and s.cadre.birth_date and s.decision_date < s.cadre.birth_date:
        errors["decision_date"] = "处分决定时间不能早于出生日期。"
    if not s.deciding_body:
        errors["deciding_body"] = "请填写决定机关。"
    if not s.reason:
        errors["reason"] = "请填写处分事由。"
    _raise(errors)
    s.track = SANCTION_TRACK_OF_KIND[SanctionKind(s.kind)]
    s.bar_months, s.bar_end, s.bar_indefinite = rules.sanction_bar(
        s.kind, s.decision_date, sanction_bar_months()
    )
    _full_clean(s, exclude=["cadre"])
    s.save()
    return s


@transaction.atomic
def sanction_create(*, user, cadre: Cadre, **data) -> Sanction:
    cadre = _locked_cadre(user, cadre)
    return _sanction_save(Sanction(cadre=cadre), data)


@transaction.atomic
def sanction_update(*, user, sanction: Sanction, **data) -> Sanction:
    sanction = Sanction.objects.select_related("cadre").get(pk=sanction.pk)
    _locked_cadre(user, sanction.cadre)
    return _sanction_save(sanction, data)


# --- family members and important social relations --------------------------------------------------


def _family_save(m: FamilyMember, data: dict) -> FamilyMember:
    for k, v in data.items():
        if k in FAMILY_FIELDS:
            setattr(m, k, v.strip() if isinstance(v, str) else v)
    m.birth_month = rules.first_of_month(m.birth_month)
    errors: dict[str, str] = {}
    if not m.relation:
        errors["relation"] = "请填写称谓。"
    if not m.name:
        errors["name"] = "请填写姓名。"
    _not_future(m.birth_month, "birth_month", "出生年月", errors, timezone.localdate())
    if m.political_status and m.political_status not in PoliticalStatus.values:
        errors["political_status"] = "请选择政治面貌。"
    _raise(errors)
    if m.sort_order is None:
        m.sort_order = 0
    _full_clean(m, exclude=["cadre"])
    m.save()
    return m


@transaction.atomic
def family_member_create(*, user, cadre: Cadre, **data) -> FamilyMember:
    cadre = _locked_cadre(user, cadre)
    return _family_save(FamilyMember(cadre=cadre), data)


@transaction.atomic
def family_member_update(*, user, member: FamilyMember, **data) -> FamilyMember:
    member = FamilyMember.objects.select_related("cadre").get(pk=member.pk)
    _locked_cadre(user, member.cadre)
    return _family_save(member, data)


@transaction.atomic
def family_member_delete(*, user, member: FamilyMember) -> None:
    member = FamilyMember.objects.select_related("cadre").get(pk=member.pk)
    _locked_cadre(user, member.cadre)
    member.delete()


# --- photo -----------------------------------------------------------------------------------------

PHOTO_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}


def photo_check(fileobj) -> tuple[str, int, int, int]:
    """(content type, width, height, size) of an uploaded photo; the real type is read by
    Pillow, never taken from the name or the browser. ValidationError otherwise."""
    from PIL import Image, UnidentifiedImageError

    from cadre_supervision import policy

    max_kb = policy.get("cadres.photo_max_kb")
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, 2)
        size = fileobj.tell()
    if not size:
        _raise({"photo": "照片文件为空。"})
    if size > max_kb * 1024:
        _raise({"photo": f"照片不能超过 {max_kb} KB。"})
    fileobj.seek(0)
    try:
        with Image.open(fileobj) as img:
            fmt = img.format
            width, height = img.size
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        _raise({"photo": "照片须为 JPEG 或 PNG 图片，文件无法识别。"})
    if fmt not in PHOTO_TYPES:
        _raise({"photo": "照片须为 JPEG 或 PNG 格式。"})
    if width < 50 or height < 50 or width > 6000 or height > 6000:
        _raise({"photo": "照片尺寸须在 50 至 6000 像素之间。"})
    fileobj.seek(0)
    return PHOTO_TYPES[fmt], width, height, size


@transaction.atomic
def photo_upload(*, user, cadre: Cadre, fileobj) -> CadrePhoto:
    """Store (or replace) the cadre's photo as uploaded, after the checks."""
    from django.core.files.base import ContentFile

    cadre = _locked_cadre(user, cadre)
    content_type, width, height, size = photo_check(fileobj)
    data = fileobj.read()
    photo = CadrePhoto.objects.select_for_update().filter(cadre=cadre).first() or CadrePhoto(cadre=cadre)
    old_name = photo.image.name if photo.pk else ""
    photo.content_type, photo.width, photo.height, photo.size = content_type, width, height, size
    photo.uploaded_by = user
    photo.image.save("photo", ContentFile(data), save=False)
    photo.save()
    if old_name and old_name != photo.image.name:
        transaction.on_commit(lambda: photo_storage.delete(old_name))
    return photo


@transaction.atomic
def photo_delete(*, user, cadre: Cadre) -> None:
    cadre = _locked_cadre(user, cadre)
    photo = CadrePhoto.objects.filter(cadre=cadre).first()
    if photo is None:
        return
    name = photo.image.name
    photo.delete()
    transaction.on_commit(lambda: photo_storage.delete(name))
