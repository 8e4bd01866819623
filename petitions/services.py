"""Writes of the petitions app: keyword-only, atomic, scope re-checked inside the transaction.

Bad input raises `ValidationError({"field": "中文"})` and saves nothing; a write outside the
caller's scope raises `PermissionDenied`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cadre_supervision import events, policy, registry
from cadre_supervision.permissions import ensure_can, has_org_perm
from cadres.models import Cadre, Organization

from . import rules
from .choices import Channel, Disposal, TalkForm
from .models import Petition, PetitionAttachment, PetitionCoHandler, PetitionReporter, ProblemCategory


def may_register(user, organization_id: int | None, channel: str) -> bool:
    if has_org_perm(user, "manage_petitions", organization_id):
        return True
    return channel == Channel.P12380 and has_org_perm(user, "handle_12380", organization_id)


def deadline_for(received_on: dt.date) -> dt.date:
    return rules.add_working_days(received_on, policy.get("petitions.deadline_working_days"))


def _check_reporter(anonymous: bool, reporter: dict | None, errors: dict) -> dict | None:
    reporter = {k: (v or "").strip() for k, v in (reporter or {}).items()}
    if anonymous:
        if any(reporter.values()):
            errors["anonymous"] = "匿名举报不登记举报人信息。"
        return None
    if not reporter.get("name"):
        errors["reporter_name"] = "实名举报请填写举报人姓名。"
    return reporter


def _check_handlers(handler, co_handlers, organization_id: int, channel: str) -> None:
    """Handlers must themselves hold the petition permission over the unit."""

    def ok(u) -> bool:
        return u.is_superuser or may_register(u, organization_id, channel)

    if not ok(handler):
        raise ValidationError({"handler": "承办人须为对该单位有信访举报办理权限的人员。"})
    if any(not ok(u) for u in co_handlers):
        raise ValidationError({"co_handlers": "协办人须为对该单位有信访举报办理权限的人员。"})


@transaction.atomic
def petition_create(
    *,
    user,
    title: str,
    channel: str,
    received_on: dt.date,
    organization: Organization,
    content: str,
    handler,
    cadres: Sequence[Cadre] = (),
    categories: Sequence[ProblemCategory] = (),
    co_handlers: Sequence = (),
    anonymous: bool = True,
    reporter: dict | None = None,
    today: dt.date | None = None,
) -> Petition:
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if not (title or "").strip():
        errors["title"] = "请填写标题。"
    if channel not in Channel.values:
        errors["channel"] = "请选择来源渠道。"
    if received_on is None:
        errors["received_on"] = "请填写收件日期。"
    elif received_on > today:
        errors["received_on"] = "收件日期不能晚于今天。"
    if organization is None:
        errors["organization"] = "请选择主要涉及单位。"
    if not (content or "").strip():
        errors["content"] = "请填写反映内容。"
    if handler is None:
        errors["handler"] = "请选择承办人。"
    cadres = list(dict.fromkeys(cadres))
    reporter = _check_reporter(bool(anonymous), reporter, errors)
    if errors:
        raise ValidationError(errors)
    if not may_register(user, organization.pk, channel):
        raise PermissionDenied("您无权在该单位登记此类信访举报件。")
    _check_handlers(handler, co_handlers, organization.pk, channel)
    petition = Petition.objects.create(
        title=title.strip(),
        channel=channel,
        received_on=received_on,
        anonymous=bool(anonymous),
        organization=organization,
        content=content.strip(),
        handler=handler,
        deadline=deadline_for(received_on),
        created_by=user,
    )
    petition.cadres.set(cadres)
    petition.categories.set(list(categories))
    PetitionCoHandler.objects.bulk_create(
        [
            PetitionCoHandler(petition=petition, user=u)
            for u in dict.fromkeys(co_handlers)
            if u.pk != handler.pk
        ]
    )
    if reporter is not None:
        PetitionReporter.objects.create(petition=petition, **reporter)
    return petition


def _locked(user, petition: Petition) -> Petition:
    ensure_can(user, petition, "change")
    return Petition.objects.select_for_update().get(pk=petition.pk)


@transaction.atomic
def petition_dispose(
    *,
    user,
    petition: Petition,
    disposal: str,
    decided_on: dt.date,
    note: str,
    talk_form: str = "",
    today: dt.date | None = None,
) -> Petition:
    """Dispose of the petition's problem clue (谈话函询 / 初步核实 / 暂存待查 / 予以了结).
    A 谈话函询 raises the talk or written inquiry of each concerned cadre in interviews."""
    today = today or timezone.localdate()
    p = _locked(user, petition)
    errors: dict[str, str] = {}
    msg = rules.disposal_error(p.disposal, disposal, concluded=bool(p.result))
    if msg:
        errors["disposal"] = msg
    if decided_on is None:
        errors["decided_on"] = "请填写处置日期。"
    elif decided_on > today:
        errors["decided_on"] = "处置日期不能晚于今天。"
    elif decided_on < p.received_on:
        errors["decided_on"] = "处置日期不能早于收件日期。"
    if not (note or "").strip():
        errors["note"] = "请填写处置决定。"
    if disposal == Disposal.TALK_INQUIRY:
        if talk_form not in TalkForm.values:
            errors["talk_form"] = "请选择谈话或函询。"
        elif not p.cadres.exists():
            errors["disposal"] = "谈话函询须有被反映人。"
    elif talk_form:
        errors["talk_form"] = "只有谈话函询需要选择方式。"
    if errors:
        raise ValidationError(errors)
    p.disposal = disposal
    p.disposal_on = decided_on
    p.disposal_note = note.strip()
    p.talk_form = talk_form if disposal == Disposal.TALK_INQUIRY else ""
    p.status = rules.status_after(p.disposal, p.result)
    p.save()
    if disposal == Disposal.TALK_INQUIRY:
        for cadre_id in p.cadres.values_list("pk", flat=True):
            registry.emit(
                events.PetitionTalkRequested(
                    user_id=user.pk,
                    petition_id=p.pk,
                    cadre_id=cadre_id,
                    form=talk_form,
                    date=decided_on,
                    handler_id=p.handler_id,
                    summary=f"依据信访举报件{p.number}（{p.title}）开展{TalkForm(talk_form).label}：{p.disposal_note}",
                    source_id=str(p.pk),
                )
            )
    return p


@transaction.atomic
def petition_conclude(
    *, user, petition: Petition, result: str, concluded_on: dt.date, note: str, today: dt.date | None = None
) -> Petition:
    """Record the result (属实 / 部分属实 / 不属实 / 无法查证): the petition is concluded."""
    today = today or timezone.localdate()
    p = _locked(user, petition)
    errors: dict[str, str] = {}
    msg = rules.result_error(p.disposal, result, concluded=bool(p.result))
    if msg:
        errors["result"] = msg
    if concluded_on is None:
        errors["concluded_on"] = "请填写办结日期。"
    elif concluded_on > today:
        errors["concluded_on"] = "办结日期不能晚于今天。"
    elif p.disposal_on and concluded_on < p.disposal_on:
        errors["concluded_on"] = "办结日期不能早于处置日期。"
    if not (note or "").strip():
        errors["note"] = "请填写结果说明。"
    if errors:
        raise ValidationError(errors)
    p.result = result
    p.result_on = concluded_on
    p.result_note = note.strip()
    p.status = rules.status_after(p.disposal, p.result)
    p.save()
    return p


@transaction.atomic
def petition_feedback(
    *, user, petition: Petition, given_on: dt.date, note: str, today: dt.date | None = None
) -> Petition:
    """Record the feedback given to a named reporter."""
    today = today or timezone.localdate()
    p = _locked(user, petition)
    errors: dict[str, str] = {}
    msg = rules.feedback_error(anonymous=p.anonymous, result=p.result)
    if msg:
        errors["note"] = msg
    if given_on is None:
        errors["given_on"] = "请填写反馈日期。"
    elif given_on > today:
        errors["given_on"] = "反馈日期不能晚于今天。"
    elif p.result_on and given_on < p.result_on:
        errors["given_on"] = "反馈日期不能早于办结日期。"
    if not (note or "").strip():
        errors.setdefault("note", "请填写反馈情况。")
    if errors:
        raise ValidationError(errors)
    p.feedback_on = given_on
    p.feedback_note = note.strip()
    p.save()
    return p


@transaction.atomic
def petition_escalate(*, user, petition: Petition, note: str, today: dt.date | None = None) -> Petition:
    """督办 by hand (the daily sweep escalates every overdue petition itself)."""
    today = today or timezone.localdate()
    p = _locked(user, petition)
    if p.result:
        raise ValidationError({"note": "该件已办结，无需督办。"})
    if p.escalated_on is not None:
        raise ValidationError({"note": "该件已督办。"})
    p.escalated_on = today
    p.escalation_note = (note or "").strip()[:200] or "人工督办"
    p.save()
    return p


@transaction.atomic
def petition_assign(*, user, petition: Petition, handler, co_handlers: Sequence = ()) -> Petition:
    """Change who handles the petition (the lead handler and the co-handlers): they, and only
    they, see the reporter's identity from now on."""
    p = _locked(user, petition)
    if handler is None:
        raise ValidationError({"handler": "请选择承办人。"})
    _check_handlers(handler, co_handlers, p.organization_id, p.channel)
    co = [u for u in dict.fromkeys(co_handlers) if u.pk != handler.pk]
    if p.handler_id != handler.pk:
        p.handler = handler
        p.save()
    PetitionCoHandler.objects.filter(petition=p).exclude(user__in=co).delete()
    have = set(PetitionCoHandler.objects.filter(petition=p).values_list("user_id", flat=True))
    PetitionCoHandler.objects.bulk_create(
        [PetitionCoHandler(petition=p, user=u) for u in co if u.pk not in have]
    )
    return p


@transaction.atomic
def petition_attachment_add(*, user, petition: Petition, file) -> PetitionAttachment:
    """Attach material to a petition: its handlers only (material may name the reporter)."""
    if not petition.is_handler(user):
        raise PermissionDenied("只有承办人、协办人可以上传附件。")
    ensure_can(user, petition, "change")
    msg = (
        rules.attachment_error(file.name, file.size or 0, max_mb=policy.get("petitions.attachment_max_mb"))
        if file
        else "请选择附件。"
    )
    if msg:
        raise ValidationError({"file": msg})
    return PetitionAttachment.objects.create(
        petition=petition, file=file, name=file.name[:200], size=file.size, uploaded_by=user
    )


def escalate_overdue(today: dt.date) -> int:
    """Sweep step: every overdue, not yet escalated petition is escalated (督办) today."""
    qs = Petition.objects.open().filter(deadline__lt=today, escalated_on__isnull=True)
    return qs.update(escalated_on=today, escalation_note="超期未办结，系统自动督办")


@transaction.atomic
def categories_seed() -> int:
    """The default problem categories (idempotent; the data migration calls the same list)."""
    from .migrations_data import CATEGORIES

    n = 0
    for order, (code, name) in enumerate(CATEGORIES, start=1):
        _obj, created = ProblemCategory.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )
        n += created
    return n
