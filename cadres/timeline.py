"""The integrity file's timeline (廉政档案时间轴): one dated list composed from
`registry.timeline_sources`. Each source (`fn(cadre, user) -> iterable of TimelineEntry`, and
`many(cadre_ids, user)` for many cadres at once, `fn` derived from it by `registry.timeline_of_one`) reads
through restrict() itself; the cadres app contributes the dossier's sanctions, annual
assessments, rewards/punishments, training (教育培训) and publicities (公示)."""

from __future__ import annotations

import datetime as dt

from cadre_supervision import registry
from cadre_supervision.registry import TimelineEntry

from . import rules
from .choices import AssessmentGrade
from .models import AnnualAssessment, Cadre, Publicity, RewardPunishment, Sanction, TrainingRecord


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.min


def _sort(entries: list[TimelineEntry], year: int | None) -> list[TimelineEntry]:
    if year is not None:
        entries = [e for e in entries if _as_date(e.date).year == year]
    return sorted(entries, key=lambda e: (_as_date(e.date), e.kind, e.title), reverse=True)


def timeline_for(cadre, user, *, year: int | None = None) -> list[TimelineEntry]:
    """Every source's entries for `cadre`, newest first (within `year` when given)."""
    entries: list[TimelineEntry] = []
    for fn in registry.timeline_sources.values():
        entries.extend(fn(cadre, user) or ())
    return _sort(entries, year)


def timeline_for_many(cadre_ids, user, *, year: int | None = None) -> dict[int, list[TimelineEntry]]:
    """`timeline_for` of each of `cadre_ids` (cadre id -> its entries, sorted the same way), in
    a constant number of queries: each source's `many` reads all the cadres at once; a source
    registered without one is asked per cadre (the cadres fetched in one query)."""
    ids = list(dict.fromkeys(int(pk) for pk in cadre_ids))
    collected: dict[int, list[TimelineEntry]] = {pk: [] for pk in ids}
    if not ids:
        return collected
    cadres = None
    for key, fn in registry.timeline_sources.items():
        many = registry.timeline_sources_many.get(key)
        if many is not None:
            for cadre_id, entry in many(ids, user) or ():
                if cadre_id in collected:
                    collected[cadre_id].append(entry)
            continue
        if cadres is None:
            # Only handed to the sources, which read their own records through restrict().
            cadres = Cadre.objects.in_bulk(ids)
        for pk in ids:
            if pk in cadres:
                collected[pk].extend(fn(cadres[pk], user) or ())
    return {pk: _sort(entries, year) for pk, entries in collected.items()}


def sanctions_many(cadre_ids, user):
    for s in Sanction.objects.restrict(user, "view").filter(cadre_id__in=cadre_ids):
        bar = "不得再任用" if s.bar_indefinite else (f"影响期至 {s.bar_end:%Y-%m-%d}" if s.bar_end else "")
        yield (
            s.cadre_id,
            TimelineEntry(
                date=s.decision_date,
                kind="cadres.sanction",
                label="处分",
                title=f"{s.get_kind_display()}（{s.deciding_body}）",
                detail="；".join(x for x in (s.reason[:80], bar) if x),
                url=s.get_absolute_url(),
            ),
        )


def assessments_many(cadre_ids, user):
    grades = {k: str(v) for k, v in AssessmentGrade.choices}  # once, not per row
    for a in AnnualAssessment.objects.restrict(user, "view").filter(cadre_id__in=cadre_ids):
        yield (
            a.cadre_id,
            TimelineEntry(
                date=dt.date(a.year, 12, 31),
                kind="cadres.assessment",
                label="年度考核",
                title=f"{a.year}年度考核：{grades.get(a.grade, a.grade)}",
                detail=a.notes,
                url=a.get_absolute_url(),
            ),
        )


def rewards_many(cadre_ids, user):
    for r in RewardPunishment.objects.restrict(user, "view").filter(cadre_id__in=cadre_ids):
        yield (
            r.cadre_id,
            TimelineEntry(
                date=r.date,
                kind="cadres.reward",
                label="奖惩",
                title=f"{r.get_kind_display()}：{r.title}",
                detail=f"{r.issuing_body}{(' ' + r.document_no) if r.document_no else ''}",
                url=r.get_absolute_url(),
            ),
        )


def training_many(cadre_ids, user):
    for t in TrainingRecord.objects.restrict(user, "view").filter(cadre_id__in=cadre_ids):
        period = f"{t.start_date:%Y-%m-%d}" + (
            f" 至 {t.end_date:%Y-%m-%d}" if t.end_date and t.end_date != t.start_date else ""
        )
        yield (
            t.cadre_id,
            TimelineEntry(
                date=t.start_date,
                kind="cadres.training",
                label="教育培训",
                title=f"{t.get_kind_display()}：{t.name}",
                detail=f"{t.organizer}，{period}，{rules.hours_text(t.hours)} 学时",
                url=t.get_absolute_url(),
            ),
        )


def publicities_many(cadre_ids, user):
    for p in Publicity.objects.restrict(user, "view").filter(cadre_id__in=cadre_ids):
        yield (
            p.cadre_id,
            TimelineEntry(
                date=p.start_date,
                kind="cadres.publicity",
                label="公示",
                title=f"{p.get_kind_display()}{('：' + p.subject) if p.subject else ''}",
                detail=f"{p.start_date:%Y-%m-%d} 至 {p.end_date:%Y-%m-%d}，{p.location}",
                url=p.get_absolute_url(),
            ),
        )


sanctions = registry.timeline_of_one(sanctions_many)
assessments = registry.timeline_of_one(assessments_many)
rewards = registry.timeline_of_one(rewards_many)
training = registry.timeline_of_one(training_many)
publicities = registry.timeline_of_one(publicities_many)


def register() -> None:
    registry.register_timeline_source("cadres.sanctions", sanctions, many=sanctions_many)
    registry.register_timeline_source("cadres.assessments", assessments, many=assessments_many)
    registry.register_timeline_source("cadres.rewards", rewards, many=rewards_many)
    registry.register_timeline_source("cadres.training", training, many=training_many)
    registry.register_timeline_source("cadres.publicities", publicities, many=publicities_many)
