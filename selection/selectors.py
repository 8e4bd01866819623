"""Reads of the selection app: every read through restrict(); the pre-review checklist."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Min, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from cadre_supervision import policy, registry
from cadre_supervision.permissions import SYSTEM
from cadres import rules as cadre_rules
from cadres.models import AnnualAssessment, Appointment, Cadre, Publicity
from cadres.selectors import dossier_verifications, training_summary

from . import rules
from .choices import CandidateStatus, CheckState, Reply, RespondentKind
from .models import Agency, Candidate, GateException, OpinionLetter, Selection, SurveyResponse

PETITIONS = "petitions"


def _publicity_bound(field: str, fn):
    rows = (
        Publicity.objects.filter(source_type=Selection.PUBLICITY_SOURCE, source_id=OuterRef("pk"))
        .order_by()
        .values("source_id")
        .annotate(v=fn(field))
        .values("v")
    )
    return Subquery(rows[:1])


def selections(*, user):
    return (
        Selection.objects.restrict(user, "view")
        .select_related("organization")
        .annotate(
            publicity_start_at=_publicity_bound("start_date", Min),
            publicity_end_at=_publicity_bound("end_date", Max),
            n_candidates=Count("candidates", distinct=True),
            n_cleared=Count(
                "candidates",
                filter=Q(candidates__status__in=[CandidateStatus.CLEARED, CandidateStatus.APPOINTED]),
                distinct=True,
            ),
        )
    )


def candidates(*, user):
    return Candidate.objects.restrict(user, "view").select_related(
        "cadre", "post", "post__organization", "selection"
    )


def letters(*, user):
    return OpinionLetter.objects.restrict(user, "view").select_related(
        "agency", "candidate__cadre", "candidate__post", "candidate__selection"
    )


def exceptions(*, user, action="view"):
    return GateException.objects.restrict(user, action).select_related(
        "cadre", "post", "post__organization", "granted_by", "appointment"
    )


def reply_due(sent_on: dt.date, agency: Agency | None = None) -> dt.date:
    days = (agency.reply_days if agency and agency.reply_days else None) or policy.get(
        "selection.letter_reply_days"
    )
    return rules.add_working_days(sent_on, days, rules.china_is_workday)


@dataclass(frozen=True)
class Checklist:
    items: list[rules.CheckItem]
    flags: list[registry.Warning]
    record: list[tuple[str, str]]  # (label, text): read from the record, for information

    @property
    def blockers(self) -> list[rules.CheckItem]:
        return rules.clearance_blockers(self.items)

    @property
    def clear(self) -> bool:
        return not self.blockers

    def snapshot(self) -> list[dict]:
        return [{"key": i.key, "label": i.label, "state": i.state, "detail": i.detail} for i in self.items]


def _dossier_item(cadre_id: int) -> rules.CheckItem:
    check = dossier_verifications(user=SYSTEM, cadre_ids=[cadre_id]).get(cadre_id)
    url = reverse("cadres:cadre_detail", args=[cadre_id]) + "#verification"
    if check is None:
        return rules.CheckItem("dossier", "凡提必审：干部档案", CheckState.OPEN, "无档案认定记录", url)
    rows = tuple((i.label, i.status_label) for i in check.items)
    if check.complete:
        return rules.CheckItem(
            "dossier", "凡提必审：干部档案", CheckState.PASS, "三龄两历一身份均已认定", url, rows
        )
    state = CheckState.FLAG if check.doubtful_items else CheckState.OPEN
    detail = "；".join(f"{label}：{status}" for label, status in rows if status != "已认定")
    return rules.CheckItem("dossier", "凡提必审：干部档案", state, detail, url, rows)


def _personal_item(candidate: Candidate) -> rules.CheckItem:
    label = "凡提必核：个人有关事项"
    if not registry.personal_matter_checks:
        return rules.CheckItem("personal", label, CheckState.MISSING, "无个人有关事项查核来源")
    check = registry.personal_matter_checks_for(SYSTEM, [candidate.cadre_id]).get(candidate.cadre_id)
    if check is None:
        return rules.CheckItem("personal", label, CheckState.OPEN, "尚未建立重点查核")
    if check.status != "done":
        return rules.CheckItem("personal", label, CheckState.OPEN, "重点查核进行中", check.url)
    if check.outcome == "concealment":
        return rules.CheckItem(
            "personal", label, CheckState.FLAG, f"查核结果：{check.outcome_label}", check.url
        )
    if check.outcome == "omission":
        handling = candidate.omission_handling or check.handling
        if not handling:
            return rules.CheckItem(
                "personal", label, CheckState.OPEN, "查核结果：漏报，尚未记录处理情况", check.url
            )
        return rules.CheckItem(
            "personal", label, CheckState.PASS, f"查核结果：漏报；处理：{handling}", check.url
        )
    return rules.CheckItem(
        "personal", label, CheckState.PASS, f"查核结果：{check.outcome_label or '一致'}", check.url
    )


def _letters_item(candidate: Candidate, letters_, today: dt.date) -> rules.CheckItem:
    label = "凡提必听：廉政意见"
    required = {a.pk: a for a in Agency.objects.filter(active=True, required=True)}
    have = {letter.agency_id for letter in letters_}
    missing = [a.name for pk, a in required.items() if pk not in have]
    adverse = [f"{x.agency.name}：{x.reply_text or '有问题'}" for x in letters_ if x.reply == Reply.ISSUE]
    waiting = [
        x.agency.name + ("（已逾期）" if rules.letter_overdue(x.due_on, False, today) else "")
        for x in letters_
        if not x.reply
    ]
    evidence = tuple((x.agency.name, x.get_reply_display()) for x in letters_)
    url = reverse("selection:candidate_detail", args=[candidate.pk]) + "#letters"
    if adverse:
        return rules.CheckItem("letters", label, CheckState.FLAG, "；".join(adverse), url, evidence)
    if missing or waiting:
        parts = []
        if missing:
            parts.append("未发函：" + "、".join(missing))
        if waiting:
            parts.append("待答复：" + "、".join(waiting))
        return rules.CheckItem("letters", label, CheckState.OPEN, "；".join(parts), url, evidence)
    return rules.CheckItem("letters", label, CheckState.PASS, "各单位均无异议", url, evidence)


def _petitions_item(cadre_id: int) -> tuple[rules.CheckItem, list[registry.Warning]]:
    label = "凡提必查：信访举报"
    if PETITIONS not in registry.warning_channels():
        return rules.CheckItem("petitions", label, CheckState.MISSING, "无信访举报数据来源"), []
    keys = [s.key for s in registry.warning_sources if s.channel == PETITIONS]
    found = registry.warnings_for(SYSTEM, [cadre_id], sources=keys)
    if found:
        return (
            rules.CheckItem(
                "petitions",
                label,
                CheckState.FLAG,
                "；".join(f"{w.title}：{w.detail}" for w in found),
                found[0].url,
            ),
            found,
        )
    return rules.CheckItem("petitions", label, CheckState.PASS, "无未结或属实的信访举报"), []


def _survey_item(candidate: Candidate, responses) -> rules.CheckItem:
    label = "社区民意调查"
    kinds = {r.respondent_kind for r in responses}
    missing = [str(k.label) for k in RespondentKind if k.value not in kinds]
    url = reverse("selection:candidate_detail", args=[candidate.pk]) + "#survey"
    if missing:
        return rules.CheckItem("survey", label, CheckState.OPEN, "尚未调查：" + "、".join(missing), url)
    poor = [
        r
        for r in responses
        if "poor" in (r.family_virtue, r.social_morality, r.neighbourliness, r.law_abiding)
    ]
    if poor:
        return rules.CheckItem(
            "survey", label, CheckState.OPEN, f"{len(poor)} 名调查对象评价为“差”，请核实", url
        )
    return rules.CheckItem("survey", label, CheckState.PASS, f"已调查 {len(responses)} 人，无“差”评价", url)


def _flags_item(flags) -> rules.CheckItem:
    label = "带病提拔预警"
    if flags:
        return rules.CheckItem(
            "flags", label, CheckState.FLAG, "；".join(f"{w.title}（{w.detail}）" for w in flags)
        )
    return rules.CheckItem("flags", label, CheckState.PASS, "无未结的负面信号")


def _record(cadre: Cadre, today: dt.date) -> list[tuple[str, str]]:
    grades = dict(
        AnnualAssessment.objects.filter(cadre=cadre, year__gte=today.year - 3, year__lt=today.year)
        .order_by("-year")
        .values_list("year", "grade")
    )
    from cadres.choices import AssessmentGrade

    labels = dict(AssessmentGrade.choices)
    out = [
        (
            "近三年年度考核",
            "；".join(f"{y}年度{labels.get(g, g)}" for y, g in sorted(grades.items(), reverse=True))
            or "无记录",
        )
    ]
    current = (
        Appointment.objects.current(today)
        .filter(cadre=cadre, is_secondment=False)
        .select_related("post", "post__organization")
        .order_by("start_date")
    )
    out += [
        (
            f"任现职：{a.post}",
            f"{a.start_date:%Y-%m-%d}起，{cadre_rules.years_between(a.start_date, today):.1f} 年",
        )
        for a in current
    ]
    # Informational (not a clearance blocker): 《干部教育培训工作条例》's five-year norm.
    training = training_summary(user=SYSTEM, cadre_id=cadre.pk, today=today)
    out.append((f"{training.norm.window_label}教育培训", training.verdict))
    return out


def checklist(candidate: Candidate, today: dt.date | None = None) -> Checklist:
    """The 凡提四必 pre-review of one candidate, filled from the record. Read as the system:
    a signal outside the reader's own permissions still blocks (nothing passes silently)."""
    today = today or timezone.localdate()
    cadre_id = candidate.cadre_id
    letters_ = list(OpinionLetter.objects.filter(candidate=candidate).select_related("agency"))
    responses = list(SurveyResponse.objects.filter(candidate=candidate))
    petitions_item, petition_flags = _petitions_item(cadre_id)
    promo = [s.key for s in registry.warning_sources if s.blocks_promotion and s.channel != PETITIONS]
    flags = registry.warnings_for(SYSTEM, [cadre_id], sources=promo, blocks_promotion=True)
    own = list(flags)
    flags += petition_flags
    items = [
        _dossier_item(cadre_id),
        _personal_item(candidate),
        _letters_item(candidate, letters_, today),
        petitions_item,
        _survey_item(candidate, responses),
        _flags_item(own),
    ]
    return Checklist(items=items, flags=flags, record=_record(candidate.cadre, today))
