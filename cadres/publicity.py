"""Publicity (公示): the one mechanism behind 任前公示 (selection) and 报告表公示 (reports).

Writes are keyword-only and atomic; each checks, inside the transaction, the organization
permission of the publicity's kind (`choices.PUBLICITY_MANAGE_PERM`). The period is computed
by policy in working days (`cadres.publicity_days.<kind>`, the national calendar with its
调休 days); the notice text is generated from the record when the caller gives none.
Callers name their record by `source_type` / `source_id` (cadres imports no other app).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cadre_supervision import policy
from cadre_supervision.permissions import ensure_org_perm

from . import rules
from .choices import PUBLICITY_MANAGE_PERM, FeedbackChannel, FeedbackStatus, PublicityKind
from .models import Cadre, Publicity, PublicityFeedback


def days_policy_key(kind: str) -> str:
    return f"cadres.publicity_days.{kind}"


def period(kind: str, start_date: dt.date) -> tuple[dt.date, int]:
    """(end date, working days) of a publicity of `kind` starting on `start_date`."""
    days = policy.get(days_policy_key(kind))
    return rules.publicity_end(start_date, days, rules.china_is_workday), days


def _person_line(cadre: Cadre, subject: str) -> str:
    appt = cadre.primary_appointment
    parts = [cadre.name, cadre.get_gender_display()]
    if cadre.birth_date:
        parts.append(f"{cadre.birth_date:%Y年%m月}生")
    if appt is not None:
        parts.append(f"现任{appt.post}")
    if subject:
        parts.append(f"拟任{subject}")
    return "，".join(p for p in parts if p)


def notice_text(
    *, kind: str, persons: Sequence[tuple[Cadre, str]], start: dt.date, end: dt.date, location: str
) -> str:
    """The notice as posted, generated from the record."""
    span = f"{start:%Y年%m月%d日}至{end:%Y年%m月%d日}"
    if kind == PublicityKind.APPOINTMENT:
        lines = [_person_line(c, s) for c, s in persons]
        return (
            "干部任前公示\n\n根据《党政领导干部选拔任用工作条例》，现将拟任职干部予以公示：\n"
            + "\n".join(f"{i}. {n}" for i, n in enumerate(lines, 1))
            + f"\n\n公示期：{span}。公示方式或地点：{location}。"
            "公示期间，对公示对象有何情况和问题，可通过来信、来电、来访等方式向组织部门反映。"
        )
    lines = [f"{c.name}（{s}）" if s else c.name for c, s in persons]
    return (
        "拟提拔人选个人有关事项报告表公示\n\n现将下列拟提拔人选的个人有关事项报告表予以公示：\n"
        + "\n".join(f"{i}. {n}" for i, n in enumerate(lines, 1))
        + f"\n\n公示期：{span}。公示地点：{location}。"
        "公示期间，对报告表所列事项有不同意见的，可向组织部门反映。"
    )


@transaction.atomic
def publicity_open(
    *,
    user,
    kind: str,
    persons: Iterable[tuple[Cadre, str]],
    source_type: str,
    source_id: int | None,
    start_date: dt.date | None,
    location: str,
    authority=None,
    notice: str = "",
    today: dt.date | None = None,
) -> list[Publicity]:
    """Post one publicity per person ((cadre, subject) pairs), all with one period.

    The kind's manage permission is checked on `authority` (the organization running the
    process, e.g. the selection's unit) or, when none is given, on each cadre's unit."""
    persons = [(c, (s or "").strip()[:200]) for c, s in persons]
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if kind not in PublicityKind.values:
        raise ValidationError({"kind": "请选择公示类别。"})
    if authority is not None:
        ensure_org_perm(user, PUBLICITY_MANAGE_PERM[kind], authority)
    for cadre, _subject in persons:
        if authority is None:
            ensure_org_perm(user, PUBLICITY_MANAGE_PERM[kind], cadre.organization)
    if not persons:
        errors["__all__"] = "没有可公示的对象。"
    if not (source_type or "").strip():
        errors["__all__"] = "公示须注明来源。"
    if start_date is None:
        errors["start_date"] = "请填写公示开始日期。"
    elif start_date < today - dt.timedelta(days=30) or start_date > today + dt.timedelta(days=60):
        errors["start_date"] = "公示开始日期应在今天前 30 天至后 60 天之内。"
    if not (location or "").strip():
        errors["location"] = "请填写公示方式或地点（如单位公示栏）。"
    if errors:
        raise ValidationError(errors)
    end, days = period(kind, start_date)
    overlapping = Publicity.objects.filter(
        kind=kind,
        cadre__in=[c for c, _ in persons],
        source_type=source_type,
        source_id=source_id,
        end_date__gte=start_date,
        start_date__lte=end,
    )
    if overlapping.exists():
        raise ValidationError({"start_date": "与该对象已有的公示期重叠。"})
    text = (notice or "").strip() or notice_text(
        kind=kind, persons=persons, start=start_date, end=end, location=location.strip()
    )
    return [
        Publicity.objects.create(
            kind=kind,
            cadre=cadre,
            subject=subject,
            source_type=source_type.strip(),
            source_id=source_id,
            start_date=start_date,
            end_date=end,
            working_days=days,
            location=location.strip(),
            notice_text=text,
            posted_by=user,
        )
        for cadre, subject in persons
    ]


def _locked_publicity(publicity: Publicity) -> Publicity:
    return Publicity.objects.select_for_update().select_related("cadre").get(pk=publicity.pk)


@transaction.atomic
def publicity_feedback_add(
    *,
    user,
    publicity: Publicity,
    received_on: dt.date | None,
    channel: str,
    content: str,
    today: dt.date | None = None,
) -> PublicityFeedback:
    publicity = _locked_publicity(publicity)
    ensure_org_perm(user, PUBLICITY_MANAGE_PERM[publicity.kind], publicity.cadre.organization)
    errors = rules.publicity_feedback_errors(
        received_on, publicity.start_date, publicity.end_date, today or timezone.localdate()
    )
    if channel not in FeedbackChannel.values:
        errors["channel"] = "请选择反映方式。"
    if not (content or "").strip():
        errors["content"] = "请填写反映内容。"
    if errors:
        raise ValidationError(errors)
    return PublicityFeedback.objects.create(
        publicity=publicity,
        received_on=received_on,
        channel=channel,
        content=content.strip(),
        recorded_by=user,
    )


@transaction.atomic
def publicity_feedback_handle(*, user, feedback: PublicityFeedback, handling: str) -> PublicityFeedback:
    feedback = (
        PublicityFeedback.objects.select_for_update(of=("self",))
        .select_related("publicity__cadre")
        .get(pk=feedback.pk)
    )
    ensure_org_perm(
        user, PUBLICITY_MANAGE_PERM[feedback.publicity.kind], feedback.publicity.cadre.organization
    )
    if not (handling or "").strip():
        raise ValidationError({"handling": "请填写处理情况。"})
    feedback.status = FeedbackStatus.HANDLED
    feedback.handling = handling.strip()
    feedback.handled_by = user
    feedback.handled_at = timezone.now()
    feedback.save()
    return feedback


def for_source(source_type: str, source_id: int):
    """The publicities a process posted (unscoped: callers hold the source record already)."""
    return Publicity.objects.filter(source_type=source_type, source_id=source_id)


# --- reminders and the calendar -----------------------------------------------------------------


def sweep_publicity_ending(today: dt.date):
    """公示即将结束: to whoever posted it, `cadres.publicity_ending_days` before the end."""
    from cadre_supervision import notifications
    from cadre_supervision.permissions import SYSTEM

    days = policy.get("cadres.publicity_ending_days")
    qs = (
        Publicity.objects.restrict(SYSTEM, "view")
        .filter(end_date__gte=today, end_date__lte=today + dt.timedelta(days=days), posted_by__isnull=False)
        .select_related("cadre")
    )
    for p in qs:
        yield notifications.ReminderSpec(
            recipient_id=p.posted_by_id,
            kind="cadres.publicity_ending",
            period=p.end_date.isoformat(),
            title=f"{p.get_kind_display()}即将结束：{p.cadre.name}",
            body=f"公示至 {p.end_date:%Y-%m-%d}",
            url=p.get_absolute_url(),
            object_type="cadres.publicity",
            object_id=str(p.pk),
        )


def sweep_feedback_open(today: dt.date):
    """公示已结束待处理反馈: an ended publicity with feedback still open."""
    from cadre_supervision import notifications
    from cadre_supervision.permissions import SYSTEM

    qs = (
        Publicity.objects.restrict(SYSTEM, "view")
        .filter(end_date__lt=today, posted_by__isnull=False, feedback__status=FeedbackStatus.OPEN)
        .distinct()
        .select_related("cadre")
    )
    for p in qs:
        yield notifications.ReminderSpec(
            recipient_id=p.posted_by_id,
            kind="cadres.publicity_feedback_open",
            period=p.end_date.isoformat(),
            title=f"{p.get_kind_display()}已结束，有待处理反映：{p.cadre.name}",
            body=f"公示期 {p.start_date:%Y-%m-%d} 至 {p.end_date:%Y-%m-%d}",
            url=p.get_absolute_url() + "#feedback",
            object_type="cadres.publicity",
            object_id=str(p.pk),
        )


def publicity_dates(user, start: dt.date, end: dt.date):
    """The calendar: each publicity's last day."""
    from cadre_supervision.registry import TodoItem

    qs = Publicity.objects.restrict(user, "view").filter(end_date__range=(start, end)).select_related("cadre")
    for p in qs.order_by("end_date", "id"):
        yield TodoItem(
            kind="cadres.publicity",
            label="公示结束",
            title=f"{p.cadre.name}{p.get_kind_display()}结束",
            url=p.get_absolute_url(),
            due=p.end_date,
            detail=f"{p.start_date:%Y-%m-%d} 至 {p.end_date:%Y-%m-%d}，{p.location}",
            uid=f"cadres.publicity.{p.pk}",
        )


def register() -> None:
    from cadre_supervision import notifications, registry

    policy.register(
        "cadres.publicity_ending_days", 1, "公示结束前提醒天数", minimum=0, maximum=10, area="公示", unit="天"
    )
    registry.register_sweep_source("cadres.publicity_ending", sweep_publicity_ending)
    registry.register_sweep_source("cadres.publicity_feedback_open", sweep_feedback_open)
    notifications.register_kind_label("cadres.publicity_ending", "公示即将结束")
    notifications.register_kind_label("cadres.publicity_feedback_open", "公示已结束待处理反馈")
    registry.register_date_source("cadres.publicity", publicity_dates)
