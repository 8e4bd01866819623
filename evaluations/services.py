"""Writes of the evaluations app: keyword-only, atomic, scope re-checked inside the transaction."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cadre_supervision import events, policy, registry
from cadre_supervision.permissions import ensure_can, ensure_org_perm
from cadres.models import Cadre, Organization

from . import policies, rules, selectors
from .choices import DemocraticItem, EvaluatorGroup, ItemKind, LetterStatus, Step, SubjectKind
from .models import (
    ActionItem,
    Campaign,
    CampaignStep,
    CareLetter,
    DemocraticEvaluation,
    DemocraticRating,
    Score,
    StepAttachment,
    Subject,
)

MANAGE = "manage_evaluations"


def _today(today=None) -> dt.date:
    return today or timezone.localdate()


# --- campaigns and steps ------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *, user, organization: Organization, year: int, title: str = "", note: str = ""
) -> Campaign:
    ensure_org_perm(user, MANAGE, organization)
    if Campaign.objects.filter(organization=organization, year=year).exists():
        raise ValidationError({"year": f"{organization.name}{year}年度的阳光评议已经建立。"})
    campaign = Campaign.objects.create(
        organization=organization,
        year=year,
        title=(title or "").strip() or f"{year}年度阳光评议",
        note=note or "",
        created_by=user,
    )
    CampaignStep.objects.bulk_create(
        [CampaignStep(campaign=campaign, step=s.code, order=s.order) for s in rules.STEPS]
    )
    return campaign


@transaction.atomic
def step_update(
    *, user, step: CampaignStep, planned_start=None, planned_end=None, summary: str = ""
) -> CampaignStep:
    ensure_can(user, step, "change")
    if planned_start and planned_end and planned_end < planned_start:
        raise ValidationError({"planned_end": "计划完成日期不能早于计划开始日期。"})
    step.planned_start, step.planned_end, step.summary = planned_start, planned_end, summary or ""
    step.save(update_fields=["planned_start", "planned_end", "summary"])
    return step


@transaction.atomic
def step_complete(*, user, step: CampaignStep, on: dt.date, today: dt.date | None = None) -> CampaignStep:
    step = CampaignStep.objects.select_for_update().select_related("campaign").get(pk=step.pk)
    ensure_can(user, step, "change")
    if step.completed_on:
        raise ValidationError({"on": "该环节已经完成。"})
    if on is None:
        raise ValidationError({"on": "请填写完成日期。"})
    if on > _today(today):
        raise ValidationError({"on": "完成日期不能晚于今天。"})
    completed = selectors.completed_steps(step.campaign)
    blockers = rules.step_blockers(step.step, selectors.step_facts(step), completed)
    if blockers:
        raise ValidationError({"on": "；".join(blockers) + "。"})
    step.completed_on, step.completed_by = on, user
    step.save(update_fields=["completed_on", "completed_by"])
    if rules.current_step(completed | {step.step}) is None:
        Campaign.objects.filter(pk=step.campaign_id).update(completed_on=on)
    return step


def _check_file(file) -> None:
    max_mb = policy.get("evaluations.file_max_mb")
    if file is None:
        raise ValidationError({"file": "请选择要上传的文件。"})
    if file.size > max_mb * 1024 * 1024:
        raise ValidationError({"file": f"文件不能超过 {max_mb} MB。"})
    allowed = {
        e.strip().lower() for e in policy.get("evaluations.file_allowed_types").split(",") if e.strip()
    }
    ext = os.path.splitext(file.name or "")[1].lower().lstrip(".")
    if ext not in allowed:
        raise ValidationError({"file": f"不支持的文件类型（允许：{'、'.join(sorted(allowed))}）。"})


@transaction.atomic
def step_attachment_add(*, user, step: CampaignStep, file) -> StepAttachment:
    ensure_can(user, step, "change")
    _check_file(file)
    return StepAttachment.objects.create(
        step=step, file=file, name=file.name[:200], size=file.size, uploaded_by=user
    )


# --- subjects and scores ------------------------------------------------------------------------


@transaction.atomic
def subject_add(
    *,
    user,
    campaign: Campaign,
    kind: str,
    organization: Organization | None = None,
    cadre: Cadre | None = None,
) -> Subject:
    ensure_can(user, campaign, "change")
    if kind not in SubjectKind.values:
        raise ValidationError({"kind": "请选择评议对象类别。"})
    if kind == SubjectKind.LEADER:
        if cadre is None:
            raise ValidationError({"cadre": "请选择被评议的领导干部。"})
        organization = cadre.organization
    elif organization is None:
        raise ValidationError({"organization": "请选择被评议的单位。"})
    else:
        cadre = None
    if not organization.path.startswith(campaign.organization.path):
        raise ValidationError({"organization": "被评议单位不在本次评议的范围内。"})
    ensure_org_perm(user, MANAGE, organization)
    if selectors.completed_steps(campaign) & {Step.PING}:
        raise ValidationError({"kind": "测评定等已经完成，不能再增加评议对象。"})
    if cadre is not None and Subject.objects.filter(cadre=cadre, year=campaign.year).exists():
        raise ValidationError({"cadre": f"{cadre.name}{campaign.year}年度已列入阳光评议。"})
    if kind == SubjectKind.TEAM and campaign.subjects.filter(kind=kind, organization=organization).exists():
        raise ValidationError({"organization": f"{organization.name}领导班子已列入本次评议。"})
    post = selectors.current_post_title(cadre) if cadre else ""
    return Subject.objects.create(
        campaign=campaign,
        year=campaign.year,
        kind=kind,
        organization=organization,
        cadre=cadre,
        post_title=post,
    )


def _decimal(value, field: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: "请填写 0–100 之间的得分。"}) from None
    if not d.is_finite() or d < 0 or d > 100:
        raise ValidationError({field: "请填写 0–100 之间的得分。"})
    return d.quantize(Decimal("0.01"))


@transaction.atomic
def scores_record(
    *,
    user,
    subject: Subject,
    scores: Mapping[str, object],
    respondents: Mapping[str, int] | None = None,
    today: dt.date | None = None,
) -> Subject:
    """Record the evaluator groups' scores of a subject; once every weighted group has scored,
    the weighted score and the grade (thresholds: policy) are computed and recorded."""
    subject = Subject.objects.select_for_update().select_related("campaign").get(pk=subject.pk)
    ensure_can(user, subject, "change")
    done = selectors.completed_steps(subject.campaign)
    if Step.PING in done:
        raise ValidationError({"scores": "测评定等环节已完成，得分不能再修改。"})
    if Step.SHU not in done:
        raise ValidationError({"scores": "述职报告环节完成后才能录入评议得分。"})
    clean: dict[str, Decimal] = {}
    for group, value in scores.items():
        if group not in EvaluatorGroup.values:
            raise ValidationError({"scores": f"未知的评议主体：{group}"})
        if value in (None, ""):
            continue
        clean[group] = _decimal(value, f"score_{group}")
    if not clean:
        raise ValidationError({"scores": "请至少填写一个评议主体的得分。"})
    for group, value in clean.items():
        Score.objects.update_or_create(
            subject=subject,
            group=group,
            defaults={
                "score": value,
                "respondents": min(max(int((respondents or {}).get(group) or 0), 0), 100000),
                "recorded_by": user,
            },
        )
    all_scores = dict(subject.scores.values_list("group", "score"))
    total = rules.weighted_score(all_scores, policies.weights())
    grade = rules.grade_for(total, **policies.thresholds())
    subject.score, subject.grade = total, grade
    subject.graded_on = _today(today) if grade else None
    subject.save(update_fields=["score", "grade", "graded_on"])
    return subject


# --- pledges and rectification ------------------------------------------------------------------


@transaction.atomic
def action_item_add(*, user, subject: Subject, kind: str, content: str, due_date: dt.date) -> ActionItem:
    ensure_can(user, subject, "change")
    errors = {}
    if kind not in ItemKind.values:
        errors["kind"] = "请选择事项类型。"
    if not (content or "").strip():
        errors["content"] = "请填写事项内容。"
    if due_date is None:
        errors["due_date"] = "请填写完成时限。"
    if errors:
        raise ValidationError(errors)
    done = selectors.completed_steps(subject.campaign)
    need = Step.PING if kind == ItemKind.PLEDGE else Step.NUO
    if need not in done:
        raise ValidationError({"kind": f"“{Step(need).label}”环节完成后才能登记该类事项。"})
    if Step.GAI in done:
        raise ValidationError({"kind": "整改落实环节已经完成。"})
    return ActionItem.objects.create(
        subject=subject, kind=kind, content=content.strip(), due_date=due_date, created_by=user
    )


@transaction.atomic
def action_item_complete(
    *, user, item: ActionItem, done_on: dt.date, result: str = "", today: dt.date | None = None
) -> ActionItem:
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    ensure_can(user, item, "change")
    if item.done_on:
        raise ValidationError({"done_on": "该事项已经完成。"})
    if done_on is None:
        raise ValidationError({"done_on": "请填写完成日期。"})
    if done_on > _today(today):
        raise ValidationError({"done_on": "完成日期不能晚于今天。"})
    if not (result or "").strip():
        raise ValidationError({"result": "请填写完成情况。"})
    item.done_on, item.result = done_on, result.strip()
    item.save(update_fields=["done_on", "result"])
    return item


# --- democratic evaluation ------------------------------------------------------------------------


@transaction.atomic
def democratic_record(
    *,
    user,
    cadre: Cadre,
    year: int,
    held_on: dt.date,
    participants: int,
    ratings: Mapping[str, Sequence[int]],
    note: str = "",
    today: dt.date | None = None,
) -> DemocraticEvaluation:
    """Record a cadre's 民主测评 of a year: votes 好 / 一般 / 差 per item (三圈 included)."""
    ensure_org_perm(user, MANAGE, cadre.organization_id)
    errors: dict[str, str] = {}
    if held_on is None:
        errors["held_on"] = "请填写测评日期。"
    elif held_on > _today(today):
        errors["held_on"] = "测评日期不能晚于今天。"
    elif held_on.year != year:
        errors["held_on"] = "测评日期须在所填年度内。"
    if not participants or participants < 1 or participants > 100000:
        errors["participants"] = "请填写参评人数（1–100000）。"
    clean: dict[str, tuple[int, int, int]] = {}
    for item, votes in ratings.items():
        if item not in DemocraticItem.values:
            errors["ratings"] = f"未知的测评项目：{item}"
            continue
        try:
            good, fair, poor = (int(v or 0) for v in votes)
        except (TypeError, ValueError):
            errors["ratings"] = f"{DemocraticItem(item).label}：请按“好、一般、差”填写三个票数。"
            continue
        msg = rules.rating_errors(good, fair, poor, participants or 0)
        if msg:
            errors[f"{item}_good"] = f"{DemocraticItem(item).label}：{msg}"
        clean[item] = (good, fair, poor)
    if not clean and "ratings" not in errors:
        errors["ratings"] = "请至少填写一个测评项目的票数。"
    if DemocraticEvaluation.objects.filter(cadre=cadre, year=year).exists():
        errors["year"] = f"{cadre.name}{year}年度的民主测评已经登记。"
    if errors:
        raise ValidationError(errors)
    ev = DemocraticEvaluation.objects.create(
        cadre=cadre,
        organization_id=cadre.organization_id,
        year=year,
        held_on=held_on,
        participants=participants,
        note=note or "",
        created_by=user,
    )
    DemocraticRating.objects.bulk_create(
        [DemocraticRating(evaluation=ev, item=i, good=g, fair=f, poor=p) for i, (g, f, p) in clean.items()]
    )
    return ev


# --- care letters -------------------------------------------------------------------------------


def _letter(cadre: Cadre, year: int, reasons: list[str], user, today: dt.date) -> CareLetter:
    return CareLetter(
        cadre=cadre,
        organization_id=cadre.organization_id,
        year=year,
        reasons=reasons,
        body=rules.letter_body(name=cadre.name, year=year, reasons=reasons),
        proposed_on=today,
        created_by=user,
    )


@transaction.atomic
def care_letter_propose(
    *, user, cadre: Cadre, year: int, reasons: Sequence[str] = (), today: dt.date | None = None
) -> CareLetter:
    """Propose a letter for one cadre; without reasons given, the cadre's weak grades and open
    warning signals are the reasons (none: refused)."""
    today = _today(today)
    ensure_org_perm(user, MANAGE, cadre.organization_id)
    reasons = [r.strip() for r in reasons if r and r.strip()]
    if not reasons:
        found = selectors.letter_candidates(user=user, year=year, cadre_ids=[cadre.pk])
        reasons = found.get(cadre.pk, [])
    if not reasons:
        raise ValidationError({"reasons": "该干部没有较差评议等次或预警信号，请填写提醒事由。"})
    if CareLetter.objects.filter(cadre=cadre, year=year).exclude(status=LetterStatus.DISMISSED).exists():
        raise ValidationError({"cadre": f"{year}年度已向{cadre.name}拟发或发送关爱提醒函。"})
    letter = _letter(cadre, year, reasons, user, today)
    letter.save()
    return letter


@transaction.atomic
def care_letters_propose_all(*, user, year: int, today: dt.date | None = None) -> list[CareLetter]:
    """Propose a letter to every cadre in the user's scope with a weak grade or an open warning
    signal who has none this year. Returns the new letters."""
    today = _today(today)
    found = selectors.letter_candidates(user=user, year=year)
    taken = set(
        CareLetter.objects.filter(cadre_id__in=found, year=year)
        .exclude(status=LetterStatus.DISMISSED)
        .values_list("cadre_id", flat=True)
    )
    cadres = Cadre.objects.restrict(user, MANAGE).filter(pk__in=set(found) - taken)
    new = [_letter(c, year, found[c.pk], user, today) for c in cadres]
    return CareLetter.objects.bulk_create(new)


@transaction.atomic
def care_letter_send(
    *, user, letter: CareLetter, sent_on: dt.date, today: dt.date | None = None
) -> CareLetter:
    letter = CareLetter.objects.select_for_update().get(pk=letter.pk)
    ensure_can(user, letter, "change")
    if letter.status != LetterStatus.PROPOSED:
        raise ValidationError({"sent_on": "只有拟发送的提醒函可以发送。"})
    if sent_on is None:
        raise ValidationError({"sent_on": "请填写发送日期。"})
    if sent_on > _today(today) or sent_on < letter.proposed_on:
        raise ValidationError({"sent_on": "发送日期须在拟发日期与今天之间。"})
    letter.status, letter.sent_on = LetterStatus.SENT, sent_on
    letter.save(update_fields=["status", "sent_on"])
    registry.emit(
        events.CareLetterSent(
            user_id=getattr(user, "pk", None),
            letter_id=letter.pk,
            cadre_id=letter.cadre_id,
            sent_on=sent_on,
            reason="；".join(letter.reasons)[:500],
        )
    )
    return letter


@transaction.atomic
def care_letter_acknowledge(
    *,
    user,
    letter: CareLetter,
    acknowledged_on: dt.date,
    acknowledgement: str = "",
    today: dt.date | None = None,
) -> CareLetter:
    letter = CareLetter.objects.select_for_update().get(pk=letter.pk)
    ensure_can(user, letter, "change")
    if letter.status != LetterStatus.SENT:
        raise ValidationError({"acknowledged_on": "只有已发送的提醒函可以登记签收。"})
    if acknowledged_on is None:
        raise ValidationError({"acknowledged_on": "请填写签收日期。"})
    if acknowledged_on > _today(today) or acknowledged_on < letter.sent_on:
        raise ValidationError({"acknowledged_on": "签收日期须在发送日期与今天之间。"})
    letter.status, letter.acknowledged_on = LetterStatus.ACKNOWLEDGED, acknowledged_on
    letter.acknowledgement = acknowledgement or ""
    letter.save(update_fields=["status", "acknowledged_on", "acknowledgement"])
    return letter


@transaction.atomic
def care_letter_dismiss(*, user, letter: CareLetter, reason: str) -> CareLetter:
    letter = CareLetter.objects.select_for_update().get(pk=letter.pk)
    ensure_can(user, letter, "change")
    if letter.status != LetterStatus.PROPOSED:
        raise ValidationError({"reason": "只有拟发送的提醒函可以不予发送。"})
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写不予发送的原因。"})
    letter.status, letter.dismiss_reason = LetterStatus.DISMISSED, reason.strip()[:200]
    letter.save(update_fields=["status", "dismiss_reason"])
    return letter
