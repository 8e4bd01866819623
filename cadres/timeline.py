"""The integrity file's timeline (廉政档案时间轴): one dated list composed from
`registry.timeline_sources`. Each source (`fn(cadre, user) -> iterable of TimelineEntry`) reads
through restrict() itself; the cadres app contributes the dossier's sanctions, annual
assessments, rewards/punishments, training (教育培训) and publicities (公示)."""

from __future__ import annotations

import datetime as dt

from cadre_supervision import registry
from cadre_supervision.registry import TimelineEntry

from . import rules
from .models import AnnualAssessment, Publicity, RewardPunishment, Sanction, TrainingRecord


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.min


def timeline_for(cadre, user, *, year: int | None = None) -> list[TimelineEntry]:
    """Every source's entries for `cadre`, newest first (within `year` when given)."""
    entries: list[TimelineEntry] = []
    for fn in registry.timeline_sources.values():
        entries.extend(fn(cadre, user) or ())
    if year is not None:
        entries = [e for e in entries if _as_date(e.date).year == year]
    return sorted(entries, key=lambda e: (_as_date(e.date), e.kind, e.title), reverse=True)


def sanctions(cadre, user):
    for s in Sanction.objects.restrict(user, "view").filter(cadre=cadre):
        bar = "不得再任用" if s.bar_indefinite else (f"影响期至 {s.bar_end:%Y-%m-%d}" if s.bar_end else "")
        yield TimelineEntry(
            date=s.decision_date,
            kind="cadres.sanction",
            label="处分",
            title=f"{s.get_kind_display()}（{s.deciding_body}）",
            detail="；".join(x for x in (s.reason[:80], bar) if x),
            url=s.get_absolute_url(),
        )


def assessments(cadre, user):
    for a in AnnualAssessment.objects.restrict(user, "view").filter(cadre=cadre):
        yield TimelineEntry(
            date=dt.date(a.year, 12, 31),
            kind="cadres.assessment",
            label="年度考核",
            title=f"{a.year}年度考核：{a.get_grade_display()}",
            detail=a.notes,
            url=a.get_absolute_url(),
        )


def rewards(cadre, user):
    for r in RewardPunishment.objects.restrict(user, "view").filter(cadre=cadre):
        yield TimelineEntry(
            date=r.date,
            kind="cadres.reward",
            label="奖惩",
            title=f"{r.get_kind_display()}：{r.title}",
            detail=f"{r.issuing_body}{(' ' + r.document_no) if r.document_no else ''}",
            url=r.get_absolute_url(),
        )


def training(cadre, user):
    for t in TrainingRecord.objects.restrict(user, "view").filter(cadre=cadre):
        period = f"{t.start_date:%Y-%m-%d}" + (
            f" 至 {t.end_date:%Y-%m-%d}" if t.end_date and t.end_date != t.start_date else ""
        )
        yield TimelineEntry(
            date=t.start_date,
            kind="cadres.training",
            label="教育培训",
            title=f"{t.get_kind_display()}：{t.name}",
            detail=f"{t.organizer}，{period}，{rules.hours_text(t.hours)} 学时",
            url=t.get_absolute_url(),
        )


def publicities(cadre, user):
    for p in Publicity.objects.restrict(user, "view").filter(cadre=cadre):
        yield TimelineEntry(
            date=p.start_date,
            kind="cadres.publicity",
            label="公示",
            title=f"{p.get_kind_display()}{('：' + p.subject) if p.subject else ''}",
            detail=f"{p.start_date:%Y-%m-%d} 至 {p.end_date:%Y-%m-%d}，{p.location}",
            url=p.get_absolute_url(),
        )


def register() -> None:
    registry.register_timeline_source("cadres.sanctions", sanctions)
    registry.register_timeline_source("cadres.assessments", assessments)
    registry.register_timeline_source("cadres.rewards", rewards)
    registry.register_timeline_source("cadres.training", training)
    registry.register_timeline_source("cadres.publicities", publicities)
