"""Writes of the selection process. Keyword-only, atomic; every write re-checks scope.

Invariants:
- a candidate is a cadre nominated for one of the selection's posts, once per post;
- nomination opens the 凡提四必 pre-review: letters to every required agency (reply due in
  working days by policy) and the event that makes the owner of personal-matter reports
  open the targeted verification (凡提必核);
- clearance needs every checklist item passed; open flags are overridden only by a holder
  of override_selection, with a reason, logged as a GateException;
- a tenure of a leading post needs a cleared candidate or a logged exception (the guard
  registered with cadres.services, whatever the entry point).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cadre_supervision import events, policy, registry
from cadre_supervision.permissions import ensure_can, ensure_org_perm, has_org_perm
from cadres import publicity
from cadres import services as cadre_services
from cadres.choices import CadreStatus, PublicityKind
from cadres.models import Appointment, Cadre, Post, Publicity

from . import rules, selectors
from .choices import (
    STAGE_ORDER,
    CandidateStatus,
    ExceptionKind,
    Method,
    Rating,
    RatioPoint,
    Reply,
    RespondentKind,
    Stage,
)
from .models import (
    Agency,
    Candidate,
    GateException,
    OpinionLetter,
    RatioRecord,
    Selection,
    StageRecord,
    SurveyResponse,
)

MANAGE = "manage_selection"
OVERRIDE = "override_selection"


def _raise(errors: dict[str, Any]) -> None:
    if errors:
        raise ValidationError(errors)


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _text(value) -> str:
    return (value or "").strip()


def _locked(selection: Selection, user) -> Selection:
    selection = Selection.objects.select_for_update().select_related("organization").get(pk=selection.pk)
    ensure_can(user, selection, "change")
    return selection


# --- selections ---------------------------------------------------------------------------------


@transaction.atomic
def selection_create(
    *, user, organization, title: str, posts, reason: str, method: str, proposed_by: str, motion_date: dt.date
) -> Selection:
    ensure_org_perm(user, MANAGE, organization)
    posts = list(posts or [])
    errors: dict[str, str] = {}
    if not _text(title):
        errors["title"] = "请填写名称。"
    if not posts:
        errors["posts"] = "请选择至少一个拟任岗位。"
    elif any(
        p.organization_id != organization.pk and not has_org_perm(user, MANAGE, p.organization_id)
        for p in posts
    ):
        errors["posts"] = "拟任岗位不在您的管理范围内。"
    elif not all(p.is_leading for p in posts):
        errors["posts"] = "选拔任用只针对领导职务岗位。"
    if not _text(reason):
        errors["reason"] = "请填写动议理由。"
    if method not in Method.values:
        errors["method"] = "请选择选拔方式。"
    if not _text(proposed_by):
        errors["proposed_by"] = "请填写动议提出人或机构。"
    if motion_date is None:
        errors["motion_date"] = "请填写动议日期。"
    elif motion_date > timezone.localdate():
        errors["motion_date"] = "动议日期不能晚于今天。"
    _raise(errors)
    selection = Selection.objects.create(
        organization=organization,
        title=_text(title),
        reason=_text(reason),
        method=method,
        proposed_by=_text(proposed_by),
        motion_date=motion_date,
        stage=Stage.MOTION,
        stage_since=motion_date,
        created_by=user,
    )
    selection.posts.set(posts)
    StageRecord.objects.create(
        selection=selection, stage=Stage.MOTION, started_on=motion_date, recorded_by=user
    )
    return selection


def next_stage(selection: Selection) -> str | None:
    if selection.stage in (Stage.CLOSED, Stage.CANCELLED):
        return None
    i = STAGE_ORDER.index(selection.stage)
    nxt = STAGE_ORDER[i + 1] if i + 1 < len(STAGE_ORDER) else None
    if nxt == Stage.RECOMMENDATION and selection.method == Method.COMPETITION:
        return Stage.RECOMMENDATION  # 竞争上岗 still records its nomination (报名、资格审查)
    return nxt


def _advance_errors(selection: Selection, today: dt.date) -> dict[str, str]:
    stage = selection.stage
    cands = list(selection.candidates.all())
    active = [c for c in cands if c.status not in (CandidateStatus.WITHDRAWN, CandidateStatus.NOT_SELECTED)]
    if stage == Stage.RECOMMENDATION:
        if not active:
            return {"__all__": "尚未确定人选，不能进入联审。"}
        if not selection.ratios.filter(point=RatioPoint.NOMINATION).exists():
            return {"__all__": "请先记录差额提名情况。"}
    if stage == Stage.PREREVIEW and not any(c.status == CandidateStatus.CLEARED for c in active):
        return {"__all__": "没有通过凡提四必联审（准予任用）的人选，不能进入考察。"}
    if stage == Stage.INSPECTION and not _text(selection.inspection_conclusion):
        return {"__all__": "请先记录考察结论。"}
    if stage == Stage.DECISION and selection.decision_date is None:
        return {"__all__": "请先记录讨论决定情况。"}
    if stage == Stage.PUBLICITY:
        end = selection.publicities.aggregate(end=Max("end_date"))["end"]
        if end is None:
            return {"__all__": "尚未发布任前公示。"}
        if today <= end:
            return {"__all__": f"任前公示至 {end:%Y-%m-%d} 结束，期满后方可任职。"}
    if stage == Stage.APPOINTMENT and any(c.status == CandidateStatus.CLEARED for c in active):
        return {"__all__": "仍有准予任用的人选未办理任职或未标记为未选用。"}
    return {}


@transaction.atomic
def selection_advance(
    *, user, selection: Selection, note: str = "", document=None, today: dt.date | None = None
) -> Selection:
    selection = _locked(selection, user)
    today = _today(today)
    nxt = next_stage(selection)
    if nxt is None:
        raise ValidationError({"__all__": "该选拔任用已结束。"})
    _raise(_advance_errors(selection, today))
    StageRecord.objects.filter(selection=selection, stage=selection.stage, ended_on__isnull=True).update(
        ended_on=today
    )
    if nxt == Stage.RECOMMENDATION and selection.stage == Stage.RECOMMENDATION:
        nxt = STAGE_ORDER[STAGE_ORDER.index(Stage.RECOMMENDATION) + 1]
    record = StageRecord(selection=selection, stage=nxt, started_on=today, note=_text(note), recorded_by=user)
    if document:
        record.document = document
    record.save()
    selection.stage = nxt
    selection.stage_since = today
    selection.save(update_fields=["stage", "stage_since"])
    return selection


@transaction.atomic
def selection_cancel(*, user, selection: Selection, reason: str) -> Selection:
    selection = _locked(selection, user)
    if selection.stage in (Stage.CLOSED, Stage.CANCELLED):
        raise ValidationError({"__all__": "该选拔任用已结束。"})
    if not _text(reason):
        raise ValidationError({"reason": "请填写终止理由。"})
    today = timezone.localdate()
    StageRecord.objects.create(
        selection=selection, stage=Stage.CANCELLED, started_on=today, note=_text(reason), recorded_by=user
    )
    selection.stage, selection.stage_since = Stage.CANCELLED, today
    selection.save(update_fields=["stage", "stage_since"])
    selection.candidates.filter(status__in=[CandidateStatus.NOMINATED, CandidateStatus.CLEARED]).update(
        status=CandidateStatus.WITHDRAWN
    )
    return selection


@transaction.atomic
def selection_record(*, user, selection: Selection, **data) -> Selection:
    """Record the facts of the recommendation, inspection, decision stages."""
    selection = _locked(selection, user)
    fields = (
        "meeting_date",
        "meeting_participants",
        "talk_participants",
        "inspection_team",
        "inspection_talks",
        "inspection_conclusion",
        "decision_date",
        "decision_members",
        "decision_present",
        "decision_text",
    )
    errors: dict[str, str] = {}
    today = timezone.localdate()
    for key in ("meeting_date", "decision_date"):
        value = data.get(key)
        if value and value > today:
            errors[key] = "日期不能晚于今天。"
        elif value and value < selection.motion_date:
            errors[key] = "日期不能早于动议日期。"
    members, present = data.get("decision_members"), data.get("decision_present")
    if members is not None and present is not None and present > members:
        errors["decision_present"] = "实到人数不能多于应到人数。"
    if members and present is not None and present * 3 < members * 2:
        errors["decision_present"] = "讨论决定时到会成员应超过应到会成员的三分之二。"
    _raise(errors)
    for key in fields:
        if key in data:
            value = data[key]
            setattr(selection, key, _text(value) if isinstance(value, str) else value)
    if data.get("inspection_report"):
        selection.inspection_report = data["inspection_report"]
    selection.full_clean(exclude=["posts"])
    selection.save()
    return selection


@transaction.atomic
def ratio_record(
    *, user, selection: Selection, point: str, nominees: int, posts: int, today: dt.date | None = None
) -> RatioRecord:
    selection = _locked(selection, user)
    errors: dict[str, str] = {}
    if point not in RatioPoint.values:
        errors["point"] = "请选择环节。"
    if posts is None or posts < 1:
        errors["posts"] = "职位数至少为 1。"
    if nominees is None or nominees < 0:
        errors["nominees"] = "请填写人选人数。"
    _raise(errors)
    row, _created = RatioRecord.objects.update_or_create(
        selection=selection,
        point=point,
        defaults={"nominees": nominees, "posts": posts, "recorded_on": _today(today)},
    )
    return row


def ratio_minimum(point: str) -> float:
    return policy.get(f"selection.min_ratio.{point}")


# --- candidates ---------------------------------------------------------------------------------


@transaction.atomic
def candidate_nominate(
    *,
    user,
    selection: Selection,
    cadre: Cadre,
    post: Post,
    recommendation_votes: int | None = None,
    today: dt.date | None = None,
) -> Candidate:
    selection = _locked(selection, user)
    today = _today(today)
    errors: dict[str, str] = {}
    if selection.stage not in (Stage.MOTION, Stage.RECOMMENDATION, Stage.PREREVIEW):
        errors["__all__"] = "该选拔任用已过确定人选的环节。"
    if cadre is None:
        errors["cadre"] = "请选择干部。"
    elif cadre.status != CadreStatus.ACTIVE:
        errors["cadre"] = "只有在职干部可以确定为人选。"
    if post is None or not selection.posts.filter(pk=post.pk).exists():
        errors["post"] = "请选择本次选拔的拟任岗位。"
    if not errors and Candidate.objects.filter(selection=selection, cadre=cadre, post=post).exists():
        errors["cadre"] = f"{cadre.name}已是该岗位的人选。"
    _raise(errors)
    Cadre.objects.select_for_update().filter(pk=cadre.pk).first()
    ensure_can(user, cadre, "view_cadres")
    candidate = Candidate.objects.create(
        selection=selection,
        cadre=cadre,
        post=post,
        recommendation_votes=recommendation_votes,
        nominated_on=today,
        nominated_by=user,
    )
    for agency in Agency.objects.filter(active=True, required=True):
        OpinionLetter.objects.create(
            candidate=candidate,
            agency=agency,
            sent_on=today,
            due_on=selectors.reply_due(today, agency),
            sent_by=user,
        )
    registry.emit(
        events.SelectionCandidateNominated(
            candidate_id=candidate.pk,
            selection_id=selection.pk,
            cadre_id=cadre.pk,
            proposed_post=str(post),
            user_id=user.pk,
        )
    )
    return candidate


def _locked_candidate(candidate: Candidate, user, action: str = "change") -> Candidate:
    candidate = (
        Candidate.objects.select_for_update()
        .select_related("selection", "cadre", "post", "post__organization")
        .get(pk=candidate.pk)
    )
    ensure_can(user, candidate, action)
    return candidate


@transaction.atomic
def candidate_update(*, user, candidate: Candidate, **data) -> Candidate:
    candidate = _locked_candidate(candidate, user)
    for key in ("recommendation_votes", "decision_for", "decision_against", "decision_abstain", "notes"):
        if key in data:
            value = data[key]
            if isinstance(value, int) and value < 0:
                raise ValidationError({key: "票数不能为负数。"})
            setattr(candidate, key, _text(value) if isinstance(value, str) else value)
    if "omission_handling" in data:
        candidate.omission_handling = _text(data["omission_handling"])
    candidate.save()
    return candidate


@transaction.atomic
def candidate_clear(
    *, user, candidate: Candidate, override_reason: str = "", today: dt.date | None = None
) -> Candidate:
    """准予任用: every item of the pre-review passed, or (holders of override_selection only)
    the open items overridden with a reason, logged as a GateException."""
    candidate = _locked_candidate(candidate, user)
    if candidate.status != CandidateStatus.NOMINATED:
        raise ValidationError({"__all__": "该人选不在联审中。"})
    if candidate.selection.stage not in (Stage.PREREVIEW, Stage.INSPECTION, Stage.DECISION):
        raise ValidationError({"__all__": "请在凡提四必联审环节准予任用。"})
    check = selectors.checklist(candidate, _today(today))
    blockers = check.blockers
    reason = _text(override_reason)
    if blockers:
        if not reason:
            raise ValidationError(
                {"__all__": [f"{b.label}：{b.get_state_label()}（{b.detail}）" for b in _labelled(blockers)]}
            )
        if not has_org_perm(user, OVERRIDE, candidate.post.organization_id):
            raise PermissionDenied("您无权记录越过凡提四必的例外。")
        GateException.objects.create(
            kind=ExceptionKind.CLEARANCE,
            cadre=candidate.cadre,
            post=candidate.post,
            candidate=candidate,
            reason=reason,
            flags=[{"label": b.label, "state": b.state, "detail": b.detail} for b in blockers],
            granted_by=user,
        )
    candidate.status = CandidateStatus.CLEARED
    candidate.cleared_at = timezone.now()
    candidate.cleared_by = user
    candidate.clearance_snapshot = check.snapshot()
    candidate.save(update_fields=["status", "cleared_at", "cleared_by", "clearance_snapshot"])
    return candidate


class _Labelled:
    def __init__(self, item):
        self.label, self.detail, self.state = item.label, item.detail, item.state

    def get_state_label(self) -> str:
        from .choices import CheckState

        return str(CheckState(self.state).label)


def _labelled(items):
    return [_Labelled(i) for i in items]


@transaction.atomic
def candidate_withdraw(*, user, candidate: Candidate, reason: str) -> Candidate:
    candidate = _locked_candidate(candidate, user)
    if candidate.status not in (CandidateStatus.NOMINATED, CandidateStatus.CLEARED):
        raise ValidationError({"__all__": "该人选已任职或已撤销。"})
    if not _text(reason):
        raise ValidationError({"reason": "请填写撤销理由。"})
    candidate.status = CandidateStatus.WITHDRAWN
    candidate.notes = (candidate.notes + "\n撤销理由：" + _text(reason)).strip()
    candidate.save(update_fields=["status", "notes"])
    return candidate


@transaction.atomic
def candidate_appoint(
    *, user, candidate: Candidate, start_date: dt.date, document_no: str = "", today: dt.date | None = None
) -> Appointment:
    """任职: the tenure through cadres.services (the gate sees the cleared candidate); the
    listener on AppointmentCreated links it and announces SelectionAppointed."""
    candidate = _locked_candidate(candidate, user)
    today = _today(today)
    errors: dict[str, str] = {}
    if candidate.status != CandidateStatus.CLEARED:
        errors["__all__"] = "只有准予任用的人选可以办理任职。"
    elif candidate.selection.stage != Stage.APPOINTMENT:
        errors["__all__"] = "任前公示期满、进入任职环节后方可办理任职。"
    if start_date is None:
        errors["start_date"] = "请填写任职日期。"
    _raise(errors)
    appt = cadre_services.appointment_create(
        user=user,
        cadre=candidate.cadre,
        post=candidate.post,
        start_date=start_date,
        document_no=_text(document_no),
        via="selection",
    )
    return appt


# --- letters and the survey ---------------------------------------------------------------------


@transaction.atomic
def letter_send(
    *, user, candidate: Candidate, agency: Agency, sent_on: dt.date | None = None
) -> OpinionLetter:
    candidate = _locked_candidate(candidate, user)
    sent_on = sent_on or timezone.localdate()
    if agency is None or not agency.active:
        raise ValidationError({"agency": "请选择征求意见的单位。"})
    if OpinionLetter.objects.filter(candidate=candidate, agency=agency).exists():
        raise ValidationError({"agency": f"已向{agency.name}发函。"})
    if sent_on > timezone.localdate():
        raise ValidationError({"sent_on": "发函日期不能晚于今天。"})
    return OpinionLetter.objects.create(
        candidate=candidate,
        agency=agency,
        sent_on=sent_on,
        due_on=selectors.reply_due(sent_on, agency),
        sent_by=user,
    )


@transaction.atomic
def letter_reply(
    *, user, letter: OpinionLetter, reply: str, reply_text: str = "", reply_file=None, replied_on=None
) -> OpinionLetter:
    """The addressed agency's liaison enters the reply (无异议 / 有问题 with its text)."""
    letter = OpinionLetter.objects.select_for_update().select_related("agency", "candidate").get(pk=letter.pk)
    ensure_can(user, letter, "reply")
    replied_on = replied_on or timezone.localdate()
    errors: dict[str, str] = {}
    if letter.reply:
        errors["__all__"] = "该函已答复。"
    if reply not in (Reply.NO_OBJECTION, Reply.ISSUE):
        errors["reply"] = "请选择答复意见。"
    if reply == Reply.ISSUE and not _text(reply_text):
        errors["reply_text"] = "答复“有问题”时请写明具体问题。"
    if replied_on < letter.sent_on:
        errors["replied_on"] = "答复日期不能早于发函日期。"
    elif replied_on > timezone.localdate():
        errors["replied_on"] = "答复日期不能晚于今天。"
    _raise(errors)
    letter.reply, letter.reply_text, letter.replied_on, letter.replied_by = (
        reply,
        _text(reply_text),
        replied_on,
        user,
    )
    if reply_file:
        letter.reply_file = reply_file
    letter.save()
    return letter


RATING_FIELDS = ("family_virtue", "social_morality", "neighbourliness", "law_abiding")


@transaction.atomic
def survey_add(
    *,
    user,
    candidate: Candidate,
    respondent_kind: str,
    respondent_name: str = "",
    comments: str = "",
    surveyed_on: dt.date | None = None,
    **ratings,
) -> SurveyResponse:
    candidate = _locked_candidate(candidate, user)
    errors: dict[str, str] = {}
    if respondent_kind not in RespondentKind.values:
        errors["respondent_kind"] = "请选择调查对象。"
    labels = {
        "family_virtue": "家庭美德",
        "social_morality": "社会公德",
        "neighbourliness": "邻里关系",
        "law_abiding": "遵纪守法",
    }
    for key in RATING_FIELDS:
        if ratings.get(key) not in Rating.values:
            errors[key] = f"请选择{labels[key]}评价。"
    surveyed_on = surveyed_on or timezone.localdate()
    if surveyed_on > timezone.localdate():
        errors["surveyed_on"] = "调查日期不能晚于今天。"
    _raise(errors)
    return SurveyResponse.objects.create(
        candidate=candidate,
        respondent_kind=respondent_kind,
        respondent_name=_text(respondent_name),
        comments=_text(comments),
        surveyed_on=surveyed_on,
        recorded_by=user,
        **{k: ratings[k] for k in RATING_FIELDS},
    )


# --- publicity ----------------------------------------------------------------------------------


@transaction.atomic
def publicity_open(
    *, user, selection: Selection, start_date: dt.date, location: str, today: dt.date | None = None
) -> list[Publicity]:
    """The 任前公示 of the cleared candidates, one cadres.Publicity each (one period, one
    notice naming them all), through the shared mechanism."""
    selection = _locked(selection, user)
    if selection.stage != Stage.PUBLICITY:
        raise ValidationError({"__all__": "讨论决定后进入任前公示环节方可发布公示。"})
    cleared = list(
        selection.candidates.filter(status=CandidateStatus.CLEARED)
        .select_related("cadre", "cadre__organization", "post", "post__organization")
        .order_by("id")
    )
    return publicity.publicity_open(
        user=user,
        kind=PublicityKind.APPOINTMENT,
        persons=[(c.cadre, str(c.post)) for c in cleared],
        source_type=Selection.PUBLICITY_SOURCE,
        source_id=selection.pk,
        start_date=start_date,
        location=location,
        authority=selection.organization,
        today=today,
    )


def publicity_notice_text(selection: Selection) -> str:
    """The notice as posted (the text stored on the selection's latest 任前公示)."""
    p = selection.publicities.order_by("-end_date", "-id").first()
    return p.notice_text if p else "干部任前公示\n\n（尚未发布）"


# --- the gate and its exceptions ----------------------------------------------------------------


@transaction.atomic
def exception_record(*, user, cadre: Cadre, post: Post, reason: str) -> GateException:
    """An appointment to a leading post without a cleared candidate: only a holder of
    override_selection, with a reason; logged, shown on the integrity file."""
    if post is None:
        raise ValidationError({"post": "请选择岗位。"})
    if cadre is None:
        raise ValidationError({"cadre": "请选择干部。"})
    if not has_org_perm(user, OVERRIDE, post.organization_id):
        raise PermissionDenied("您无权记录选拔任用例外。")
    ensure_can(user, cadre, "view_cadres")
    if not _text(reason):
        raise ValidationError({"reason": "请写明例外理由。"})
    if not post.is_leading:
        raise ValidationError({"post": "非领导职务岗位任职无需选拔任用例外。"})
    if GateException.objects.filter(
        kind=ExceptionKind.APPOINTMENT, cadre=cadre, post=post, appointment__isnull=True
    ).exists():
        raise ValidationError({"post": "已为该干部和岗位记录了尚未使用的例外。"})
    return GateException.objects.create(
        kind=ExceptionKind.APPOINTMENT, cadre=cadre, post=post, reason=_text(reason), granted_by=user
    )


def gate_problem(*, cadre: Cadre, post: Post, is_secondment: bool, end_date, today: dt.date) -> str:
    """What is missing for this tenure ("" when nothing is)."""
    if not rules.is_gated(
        is_leading=post.is_leading, is_secondment=is_secondment, end_date=end_date, today=today
    ):
        return ""
    if Candidate.objects.filter(cadre=cadre, post=post, status=CandidateStatus.CLEARED).exists():
        return ""
    if GateException.objects.filter(
        kind=ExceptionKind.APPOINTMENT, cadre=cadre, post=post, appointment__isnull=True
    ).exists():
        return ""
    pending = Candidate.objects.filter(cadre=cadre, post=post, status=CandidateStatus.NOMINATED).first()
    if pending is not None:
        return (
            f"“{post}”是领导职务，{cadre.name}是“{pending.selection}”的人选，但凡提四必联审尚未准予任用，"
            "不能任职。"
        )
    return (
        f"“{post}”是领导职务：{cadre.name}须是选拔任用中被准予任用（通过凡提四必联审）的人选，"
        "或由选任工作负责人记录例外（写明理由），方可任职。"
    )


def appointment_guard(*, user, cadre, post, start_date, via, appointment=None, **_kw) -> None:
    problem = gate_problem(
        cadre=cadre,
        post=post,
        is_secondment=bool(appointment and appointment.is_secondment),
        end_date=appointment.end_date if appointment else None,
        today=timezone.localdate(),
    )
    if problem:
        raise ValidationError({"post": problem})


def on_appointment_created(event: events.AppointmentCreated) -> None:
    """Inside the creating transaction: the cleared candidate (or the exception) that let
    the tenure through is linked to it; a candidate's appointment is announced."""
    appt = Appointment.objects.select_related("post").get(pk=event.appointment_id)
    candidate = (
        Candidate.objects.select_for_update()
        .filter(cadre_id=appt.cadre_id, post_id=appt.post_id, status=CandidateStatus.CLEARED)
        .order_by("id")
        .first()
    )
    if candidate is not None:
        candidate.status = CandidateStatus.APPOINTED
        candidate.appointment = appt
        candidate.save(update_fields=["status", "appointment"])
        registry.emit(
            events.SelectionAppointed(
                candidate_id=candidate.pk,
                selection_id=candidate.selection_id,
                cadre_id=appt.cadre_id,
                appointment_id=appt.pk,
                start_date=appt.start_date,
                user_id=event.user_id,
            )
        )
        return
    GateException.objects.filter(
        kind=ExceptionKind.APPOINTMENT, cadre_id=appt.cadre_id, post_id=appt.post_id, appointment__isnull=True
    ).update(appointment=appt)
