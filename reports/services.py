"""Writes of personal-matter reports. Keyword-only, atomic; every write re-checks scope.

Invariants held here (for the pages, the API, the demo seeder alike):
- an annual cycle per year; its reports are created for the city-managed cadres on the
  reference date;
- a submitted version is locked; a correction is a new version with a reason; every
  version is kept;
- "nothing to report" is an explicit answer per item; submission needs all items answered;
- one random draw per year, reproducible from its seed, no cadre sampled two years
  running unless the pool is too small;
- a targeted verification (重点查核, 凡提必核) is opened for a subject owned elsewhere (a
  selection candidate), named by `source_type`/`source_id`, once per subject; its report
  form is posted for publicity before the selection clears the candidate;
- major-matter reports only by a current 党政正职.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cadre_supervision import policy
from cadre_supervision.permissions import ensure_org_perm, has_org_perm
from cadres import publicity
from cadres.choices import CadreStatus, ManagementLevel, PublicityKind
from cadres.models import Appointment, Cadre, Organization, Publicity

from . import rules
from .catalogue import ensure_catalogue
from .choices import (
    Circle,
    EvidenceSource,
    Handling,
    MajorMatterKind,
    Outcome,
    ReportKind,
    ReportStatus,
    VerificationKind,
    VerificationStatus,
    VersionStatus,
)
from .models import (
    CatalogueVersion,
    ItemAnswer,
    ItemOutcome,
    MajorMatterReport,
    PersonalReport,
    ReportCycle,
    ReportEntry,
    ReportItem,
    ReportVersion,
    SampleDraw,
    SocialTie,
    Verification,
    VerificationAssignment,
)

MANAGE = "manage_personal_reports"
PUBLICITY_SOURCE = "reports.verification"


def _raise(errors: dict[str, Any]) -> None:
    if errors:
        raise ValidationError(errors)


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


# --- permission helpers ------------------------------------------------------------------------


def can_manage_city(user) -> bool:
    """Cycles and the sample draw concern the whole city: manage over every top organization."""
    if user.is_superuser:
        return True
    roots = list(Organization.objects.filter(parent__isnull=True).values_list("id", flat=True))
    return bool(roots) and all(has_org_perm(user, MANAGE, root) for root in roots)


def ensure_city_manager(user) -> None:
    if not can_manage_city(user):
        raise PermissionDenied("只有对全市具有个人事项报告管理权限的组织部工作人员可以进行此操作。")


def can_edit_report(user, report: PersonalReport) -> bool:
    if has_org_perm(user, MANAGE, report.cadre.organization_id):
        return True
    return user.is_authenticated and report.cadre.user_id is not None and report.cadre.user_id == user.pk


def ensure_edit_report(user, report: PersonalReport) -> None:
    if not can_edit_report(user, report):
        raise PermissionDenied("您无权填报或修改该干部的个人有关事项报告。")


# --- catalogue and cycles ----------------------------------------------------------------------


def catalogue_for_year(year: int) -> CatalogueVersion:
    version = CatalogueVersion.objects.filter(effective_from__lte=year).order_by("-effective_from").first()
    return version or ensure_catalogue()


def obligated_cadres():
    """Who must report: city-managed cadres in post (active or second line)."""
    return Cadre.objects.filter(
        management_level=ManagementLevel.CITY, status__in=[CadreStatus.ACTIVE, CadreStatus.SECOND_LINE]
    )


def policy_deadline(year: int) -> dt.date:
    return rules.default_deadline(
        year, policy.get("reports.deadline_month"), policy.get("reports.deadline_day")
    )


@transaction.atomic
def cycle_open(
    *,
    user,
    year: int,
    reference_date: dt.date | None = None,
    deadline: dt.date | None = None,
    notes: str = "",
    today: dt.date | None = None,
) -> ReportCycle:
    ensure_city_manager(user)
    today = _today(today)
    errors: dict[str, str] = {}
    if year is None or year < 2000 or year > today.year:
        errors["year"] = f"报告年度须在 2000 年至 {today.year} 年之间。"
    elif ReportCycle.objects.filter(year=year).exists():
        errors["year"] = f"{year}年度的报告周期已启动，不能重复启动。"
    _raise(errors)
    reference_date = reference_date or dt.date(year, 12, 31)
    deadline = deadline or policy_deadline(year)
    if reference_date.year not in (year, year + 1):
        errors["reference_date"] = "确定报告对象的日期应在报告年度末前后。"
    if deadline <= dt.date(year, 12, 31):
        errors["deadline"] = f"截止日期应晚于报告年度末（{year}-12-31）。"
    _raise(errors)
    cycle = ReportCycle.objects.create(
        year=year,
        reference_date=reference_date,
        deadline=deadline,
        notes=notes,
        catalogue=catalogue_for_year(year),
        opened_by=user if user.is_authenticated else None,
    )
    PersonalReport.objects.bulk_create(
        [
            PersonalReport(
                cadre_id=cid,
                kind=ReportKind.ANNUAL,
                cycle=cycle,
                year=year,
                catalogue=cycle.catalogue,
                deadline=deadline,
            )
            for cid in obligated_cadres().order_by("id").values_list("id", flat=True)
        ],
        batch_size=1000,
    )
    return cycle


@transaction.atomic
def cycle_add_cadre(*, user, cycle: ReportCycle, cadre: Cadre) -> PersonalReport:
    """Add a cadre who became obliged after the cycle opened."""
    ensure_org_perm(user, MANAGE, cadre.organization_id)
    if PersonalReport.objects.filter(cycle=cycle, cadre=cadre).exists():
        raise ValidationError({"cadre": f"{cadre.name}已在{cycle.year}年度报告名单中。"})
    return PersonalReport.objects.create(
        cadre=cadre,
        kind=ReportKind.ANNUAL,
        cycle=cycle,
        year=cycle.year,
        catalogue=cycle.catalogue,
        deadline=cycle.deadline,
    )


# --- entering reports --------------------------------------------------------------------------


def _lock_report(report: PersonalReport) -> PersonalReport:
    return PersonalReport.objects.select_for_update().select_related("cadre").get(pk=report.pk)


def open_draft(report: PersonalReport) -> ReportVersion | None:
    return report.versions.filter(status=VersionStatus.DRAFT).first()


LOCKED_MESSAGE = "报告已提交并锁定，不能直接修改；如需更正，请新建更正版本并说明理由。"


def _items(report: PersonalReport) -> dict[str, ReportItem]:
    return {i.code: i for i in ReportItem.objects.filter(catalogue_id=report.catalogue_id)}


def _max_amount() -> Decimal:
    return Decimal(str(policy.get("reports.max_amount_wan")))


def validate_answers(
    report: PersonalReport, answers: dict[str, dict], items: dict[str, ReportItem] | None = None
) -> dict[str, tuple[bool, list[dict]]]:
    """Clean every posted answer; raise one ValidationError listing every problem."""
    items = items if items is not None else _items(report)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, tuple[bool, list[dict]]] = {}
    max_amount = _max_amount()
    for code, answer in answers.items():
        item = items.get(code)
        if item is None:
            errors.setdefault("answers", []).append(f"未知的报告事项：{code}")
            continue
        none = bool(answer.get("nothing_to_report"))
        entries = [e for e in (answer.get("entries") or []) if not rules.is_blank_entry(e)]
        msg = rules.answer_errors(none, len(entries), title=item.title)
        if msg:
            errors.setdefault(code, []).append(msg)
        out = []
        for idx, data in enumerate(entries, start=1):
            if not isinstance(data, dict):
                errors.setdefault(code, []).append(f"第{idx}条：格式不正确。")
                continue
            clean, errs = rules.validate_entry(item.fields, data, year=report.year, max_amount=max_amount)
            for m in errs.values():
                errors.setdefault(code, []).append(f"第{idx}条：{m}")
            out.append(clean)
        cleaned[code] = (none, out)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _write_answers(version: ReportVersion, cleaned: dict[str, tuple[bool, list[dict]]], items) -> None:
    for code, (none, entries) in cleaned.items():
        answer, _ = ItemAnswer.objects.update_or_create(
            version=version, item=items[code], defaults={"nothing_to_report": none}
        )
        answer.entries.all().delete()
        ReportEntry.objects.bulk_create(
            [ReportEntry(answer=answer, position=i, data=d) for i, d in enumerate(entries)]
        )


@transaction.atomic
def report_save_draft(*, user, report: PersonalReport, answers: dict[str, dict]) -> ReportVersion:
    """Save the posted items (code -> {"nothing_to_report", "entries"}) into the open draft.

    The first save creates version 1. A submitted report without an open correction is
    locked: editing it in place is refused."""
    report = _lock_report(report)
    ensure_edit_report(user, report)
    draft = open_draft(report)
    if draft is None:
        if report.versions.exists():
            raise ValidationError({"__all__": LOCKED_MESSAGE})
        draft = ReportVersion.objects.create(
            report=report,
            number=1,
            entered_by=user,
            on_behalf=report.cadre.user_id != user.pk,
        )
    items = _items(report)
    cleaned = validate_answers(report, answers, items)
    _write_answers(draft, cleaned, items)
    draft.entered_by = user
    draft.on_behalf = report.cadre.user_id != user.pk
    draft.save(update_fields=["entered_by", "on_behalf", "updated_at"])
    if report.status == ReportStatus.NOT_STARTED:
        report.status = ReportStatus.DRAFT
        report.save(update_fields=["status", "updated_at"])
    return draft


def answered_map(version: ReportVersion) -> dict[str, tuple[bool, int]]:
    out = {}
    for a in version.answers.select_related("item").prefetch_related("entries"):
        out[a.item.code] = (a.nothing_to_report, len(a.entries.all()))
    return out


@transaction.atomic
def report_submit(*, user, report: PersonalReport, now: dt.datetime | None = None) -> ReportVersion:
    report = _lock_report(report)
    ensure_edit_report(user, report)
    draft = open_draft(report)
    if draft is None:
        if report.status == ReportStatus.SUBMITTED:
            raise ValidationError({"__all__": "报告已提交，无需重复提交。"})
        raise ValidationError({"__all__": "尚未填报任何内容，不能提交。"})
    items = ReportItem.objects.filter(catalogue_id=report.catalogue_id).order_by("sort_order")
    missing = rules.completeness_errors([(i.code, i.title) for i in items], answered_map(draft))
    if missing:
        raise ValidationError({"__all__": missing})
    now = now or timezone.now()
    draft.status = VersionStatus.SUBMITTED
    draft.submitted_at = now
    draft.submitted_by = user
    draft.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    report.status = ReportStatus.SUBMITTED
    report.current_version = draft
    if report.first_submitted_at is None:
        report.first_submitted_at = now
    report.save(update_fields=["status", "current_version", "first_submitted_at", "updated_at"])
    return draft


@transaction.atomic
def report_enter(
    *, user, report: PersonalReport, answers: dict[str, dict], submit: bool = False
) -> ReportVersion:
    """What the report form does: save the answers into the open draft and, with `submit`,
    submit it; all or nothing (a refused submission saves nothing either)."""
    version = report_save_draft(user=user, report=report, answers=answers)
    if submit:
        version = report_submit(user=user, report=report)
    return version


@transaction.atomic
def report_start_correction(*, user, report: PersonalReport, reason: str) -> ReportVersion:
    """A correction of a submitted report: a new draft version copied from the current one."""
    report = _lock_report(report)
    ensure_edit_report(user, report)
    reason = (reason or "").strip()
    if report.status != ReportStatus.SUBMITTED or report.current_version_id is None:
        raise ValidationError({"__all__": "报告尚未提交，可直接修改草稿，无需更正。"})
    if open_draft(report) is not None:
        raise ValidationError({"__all__": "已有一个未提交的更正版本，请先完成或提交。"})
    if len(reason) < 4:
        raise ValidationError({"reason": "请填写更正理由（不少于 4 个字）。"})
    current = report.current_version
    number = report.versions.order_by("-number").values_list("number", flat=True).first() + 1
    draft = ReportVersion.objects.create(
        report=report,
        number=number,
        correction_reason=reason,
        entered_by=user,
        on_behalf=report.cadre.user_id != user.pk,
    )
    for a in current.answers.prefetch_related("entries"):
        new = ItemAnswer.objects.create(
            version=draft, item_id=a.item_id, nothing_to_report=a.nothing_to_report
        )
        ReportEntry.objects.bulk_create(
            [ReportEntry(answer=new, position=e.position, data=e.data) for e in a.entries.all()]
        )
    return draft


@transaction.atomic
def report_create_candidate_form(*, user, cadre: Cadre, today: dt.date | None = None) -> PersonalReport:
    """The report form filled by a promotion candidate (拟提拔人选填报)."""
    ensure_org_perm(user, MANAGE, cadre.organization_id)
    year = _today(today).year
    return PersonalReport.objects.create(
        cadre=cadre, kind=ReportKind.CANDIDATE, year=year, catalogue=catalogue_for_year(year)
    )


# --- sampling ----------------------------------------------------------------------------------


def sample_pool(cycle: ReportCycle) -> list[int]:
    return sorted(
        PersonalReport.objects.filter(cycle=cycle, status=ReportStatus.SUBMITTED).values_list(
            "cadre_id", flat=True
        )
    )


def previous_sample(cycle: ReportCycle) -> list[int]:
    prev = SampleDraw.objects.filter(cycle__year=cycle.year - 1).first()
    return list(prev.selected) if prev else []


@transaction.atomic
def sample_draw_create(
    *, user, cycle: ReportCycle, seed: str | None = None, today: dt.date | None = None
) -> SampleDraw:
    ensure_city_manager(user)
    cycle = ReportCycle.objects.select_for_update().get(pk=cycle.pk)
    today = _today(today)
    if SampleDraw.objects.filter(cycle=cycle).exists():
        raise ValidationError({"__all__": f"{cycle.year}年度已抽取随机抽查名单，不能重复抽取。"})
    if today <= cycle.deadline:
        raise ValidationError({"__all__": f"报告截止日期（{cycle.deadline}）过后方可抽取随机抽查名单。"})
    seed = (seed or "").strip() or secrets.token_hex(8)
    if len(seed) > 64:
        raise ValidationError({"seed": "随机种子不超过 64 个字符。"})
    pool = sample_pool(cycle)
    if not pool:
        raise ValidationError({"__all__": "尚无已提交的报告，无法抽取。"})
    share = Decimal(str(policy.get("reports.sample_share_percent")))
    draw = rules.draw_sample(pool, previous_sample(cycle), share, seed)
    try:
        with transaction.atomic():
            sd = SampleDraw.objects.create(
                cycle=cycle,
                seed=seed,
                share_percent=share,
                pool=pool,
                excluded=draw.excluded,
                selected=draw.selected,
                repeat_allowed=draw.repeat_allowed,
                drawn_by=user,
            )
    except IntegrityError:
        raise ValidationError({"__all__": f"{cycle.year}年度已抽取随机抽查名单，不能重复抽取。"})
    reports = PersonalReport.objects.filter(cycle=cycle, cadre_id__in=draw.selected)
    Verification.objects.bulk_create(
        [Verification(report=r, kind=VerificationKind.RANDOM, draw=sd) for r in reports]
    )
    return sd


def sample_reproduce(draw: SampleDraw) -> list[int]:
    """Re-run the draw from what was recorded: anyone can check it equals `draw.selected`."""
    prev = SampleDraw.objects.filter(cycle__year=draw.cycle.year - 1).first()
    previous = prev.selected if prev else []
    return rules.draw_sample(draw.pool, previous, draw.share_percent, draw.seed).selected


# --- verification ------------------------------------------------------------------------------


@transaction.atomic
def verification_assign(*, user, verification: Verification, verifier) -> VerificationAssignment:
    ensure_org_perm(user, MANAGE, verification.report.cadre.organization_id)
    if verifier is None or not verifier.is_active:
        raise ValidationError({"verifier": "请选择有效的查核人员账号。"})
    if verification.report.cadre.user_id == verifier.pk:
        raise ValidationError({"verifier": "不能指派干部本人查核自己的报告。"})
    obj, created = VerificationAssignment.objects.get_or_create(verification=verification, user=verifier)
    if not created:
        raise ValidationError({"verifier": f"{verifier.get_username()}已是该查核的查核人员。"})
    return obj


@transaction.atomic
def verification_unassign(*, user, verification: Verification, verifier) -> None:
    ensure_org_perm(user, MANAGE, verification.report.cadre.organization_id)
    VerificationAssignment.objects.filter(verification=verification, user=verifier).delete()


def can_record_verification(user, verification: Verification) -> bool:
    if has_org_perm(user, MANAGE, verification.report.cadre.organization_id):
        return True
    return VerificationAssignment.objects.filter(verification=verification, user=user).exists()


@transaction.atomic
def verification_record(
    *,
    user,
    verification: Verification,
    item_outcomes: dict[str, dict],
    evidence_sources: list[str],
    handling: str = "",
    handling_note: str = "",
    outcome: str | None = None,
) -> Verification:
    """Record the outcome per item (code -> {"outcome", "evidence_source", "note"}) and for the
    report. Items not listed are consistent. Re-recording amends (history keeps both)."""
    verification = (
        Verification.objects.select_for_update()
        .select_related("report", "report__cadre")
        .get(pk=verification.pk)
    )
    if not can_record_verification(user, verification):
        raise PermissionDenied("您无权录入该报告的查核结果。")
    report = verification.report
    if report.current_version_id is None:
        raise ValidationError({"__all__": "报告尚未提交，无法录入查核结果。"})
    items = {i.code: i for i in ReportItem.objects.filter(catalogue_id=report.catalogue_id)}
    errors: dict[str, str] = {}
    norm: dict[str, tuple[str, str, str]] = {}
    valid_outcomes, valid_sources = set(Outcome.values), set(EvidenceSource.values)
    for code, val in (item_outcomes or {}).items():
        if code not in items:
            errors["item_outcomes"] = f"未知的报告事项：{code}"
            continue
        o = (val or {}).get("outcome") or Outcome.CONSISTENT
        src = (val or {}).get("evidence_source") or ""
        if o not in valid_outcomes:
            errors[f"outcome_{code}"] = "查核结果只能是一致、漏报或瞒报。"
        if src and src not in valid_sources:
            errors[f"source_{code}"] = "依据来源不在可选范围内。"
        norm[code] = (o, src, (val or {}).get("note") or "")
    sources = list(dict.fromkeys(evidence_sources or []))
    bad = [s for s in sources if s not in valid_sources]
    if bad:
        errors["evidence_sources"] = "依据来源不在可选范围内。"
    if handling and handling not in Handling.values:
        errors["handling"] = "处理方式不在可选范围内。"
    _raise(errors)
    computed = rules.overall_outcome(o for o, _s, _n in norm.values())
    outcome = outcome or computed
    _raise(
        rules.verification_errors(
            outcome=outcome,
            handling=handling,
            handling_note=handling_note,
            evidence_sources=sources,
            item_outcomes={c: (o, s) for c, (o, s, _n) in norm.items()},
        )
    )
    verification.item_outcomes.all().delete()
    ItemOutcome.objects.bulk_create(
        [
            ItemOutcome(verification=verification, item=items[c], outcome=o, evidence_source=s, note=n)
            for c, (o, s, n) in norm.items()
            if o != Outcome.CONSISTENT or s or n
        ]
    )
    verification.outcome = outcome
    verification.evidence_sources = sources
    verification.handling = handling or Handling.NONE
    verification.handling_note = handling_note.strip()
    verification.status = VerificationStatus.DONE
    verification.version_id = report.current_version_id
    verification.completed_by = user
    verification.completed_at = timezone.now()
    verification.save()
    return verification


# --- targeted checks and publicity ------------------------------------------------------------


def latest_submitted_report(cadre: Cadre) -> PersonalReport | None:
    return (
        PersonalReport.objects.filter(cadre=cadre, status=ReportStatus.SUBMITTED)
        .order_by("-year", "-first_submitted_at")
        .first()
    )


@transaction.atomic
def targeted_check_open(
    *, cadre: Cadre, source_type: str, source_id: int, proposed_post: str = "", today: dt.date | None = None
) -> Verification:
    """Open the targeted verification (重点查核) of a promotion candidate owned by another app
    (`source_type`, e.g. "selection.candidate", and its id). Idempotent per source.

    The report checked is the latest submitted one if it is from this or last year; otherwise
    a candidate report form (拟提拔人选填报) is opened for filling."""
    if not (source_type or "").strip() or not source_id:
        raise ValidationError({"source_type": "重点查核须注明来源（拟提拔人选）。"})
    existing = Verification.objects.filter(source_type=source_type, source_id=source_id).first()
    if existing is not None:
        return existing
    today = _today(today)
    report = latest_submitted_report(cadre)
    if report is None or report.year < today.year - 1:
        report = PersonalReport.objects.create(
            cadre=cadre, kind=ReportKind.CANDIDATE, year=today.year, catalogue=catalogue_for_year(today.year)
        )
    return Verification.objects.create(
        report=report,
        kind=VerificationKind.TARGETED,
        source_type=source_type,
        source_id=source_id,
        proposed_post=(proposed_post or "")[:200],
    )


@transaction.atomic
def notice_create(
    *, user, verification: Verification, start_date: dt.date, location: str, today: dt.date | None = None
) -> Publicity:
    """The publicity of a candidate's personal report (报告表公示), on its targeted check,
    through the one publicity mechanism (cadres.publicity)."""
    verification = (
        Verification.objects.select_for_update().select_related("report__cadre").get(pk=verification.pk)
    )
    ensure_org_perm(user, MANAGE, verification.report.cadre.organization_id)
    if verification.kind != VerificationKind.TARGETED:
        raise ValidationError({"__all__": "只有拟提拔人选的重点查核可以公示报告表。"})
    if verification.report.status != ReportStatus.SUBMITTED:
        raise ValidationError({"__all__": "拟提拔人选的报告表尚未提交，不能公示。"})
    (notice,) = publicity.publicity_open(
        user=user,
        kind=PublicityKind.REPORT,
        persons=[(verification.report.cadre, verification.proposed_post)],
        source_type=PUBLICITY_SOURCE,
        source_id=verification.pk,
        start_date=start_date,
        location=location,
        today=_today(today),
    )
    return notice


def notices_of(verification: Verification):
    """The 报告表公示 posted on a verification (the caller holds the verification)."""
    return publicity.for_source(PUBLICITY_SOURCE, verification.pk)


# --- major matters -----------------------------------------------------------------------------


def is_top_leader_on(cadre: Cadre, on: dt.date) -> bool:
    return Appointment.objects.current(on).filter(cadre=cadre).top_leaders().exists()


@transaction.atomic
def major_matter_create(
    *,
    user,
    cadre: Cadre,
    kind: str,
    title: str,
    occurred_on: dt.date,
    reported_on: dt.date,
    description: str,
    ties: list[dict] | None = None,
    today: dt.date | None = None,
) -> MajorMatterReport:
    own = user.is_authenticated and cadre.user_id == user.pk
    if not own:
        ensure_org_perm(user, MANAGE, cadre.organization_id)
    today = _today(today)
    ties = [t for t in (ties or []) if any(str(v).strip() for v in t.values())]
    errors = rules.major_matter_errors(
        is_top_leader=is_top_leader_on(cadre, reported_on or today),
        occurred_on=occurred_on,
        reported_on=reported_on,
        today=today,
        kind=kind,
        tie_count=len(ties),
    )
    if kind not in MajorMatterKind.values:
        errors["kind"] = "请选择事项类别。"
    if not (title or "").strip():
        errors["title"] = "请填写标题。"
    if not (description or "").strip():
        errors["description"] = "请填写具体情况。"
    for i, t in enumerate(ties, start=1):
        if t.get("circle") not in Circle.values:
            errors["ties"] = f"第{i}名交往对象：请选择所属圈子（生活圈、社交圈、娱乐圈）。"
        elif not str(t.get("person", "")).strip() or not str(t.get("relation", "")).strip():
            errors["ties"] = f"第{i}名交往对象：请填写姓名和关系。"
    _raise(errors)
    report = MajorMatterReport.objects.create(
        cadre=cadre,
        kind=kind,
        title=title.strip(),
        occurred_on=occurred_on,
        reported_on=reported_on,
        description=description.strip(),
        entered_by=user,
    )
    SocialTie.objects.bulk_create(
        [
            SocialTie(
                report=report,
                circle=t["circle"],
                person=str(t["person"]).strip(),
                relation=str(t["relation"]).strip(),
                occupation=str(t.get("occupation", "")).strip(),
                note=str(t.get("note", "")).strip(),
            )
            for t in ties
        ]
    )
    return report


def active_user(username: str):
    return get_user_model().objects.filter(username=username, is_active=True).first()
