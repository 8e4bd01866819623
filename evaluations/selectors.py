"""Reads of the evaluations app; every scoped read goes through restrict()."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from cadre_supervision import policy, registry
from cadres.models import Appointment, Cadre

from . import rules
from .choices import WEAK_GRADES, Grade, ItemKind, LetterStatus, SubjectKind, Verdict
from .models import ActionItem, Campaign, CampaignStep, CareLetter, DemocraticEvaluation, Subject

WEAK_SOURCE = "evaluations.weak_grade"


def completed_steps(campaign: Campaign) -> set[str]:
    return set(
        CampaignStep.objects.filter(campaign=campaign, completed_on__isnull=False).values_list(
            "step", flat=True
        )
    )


def step_facts(step: CampaignStep) -> rules.StepFacts:
    subjects = Subject.objects.filter(campaign_id=step.campaign_id)
    agg = subjects.aggregate(
        n=Count("id"),
        ungraded=Count("id", filter=Q(grade="")),
    )
    # A subject below 优秀 without any pledge (counted once per subject).
    without = (
        subjects.exclude(grade__in=["", Grade.EXCELLENT])
        .exclude(items__kind=ItemKind.PLEDGE)
        .distinct()
        .count()
    )
    open_rectify = ActionItem.objects.filter(
        subject__campaign_id=step.campaign_id, kind=ItemKind.RECTIFY, done_on__isnull=True
    ).count()
    return rules.StepFacts(
        attachments=step.attachments.count(),
        has_summary=bool((step.summary or "").strip()),
        subjects=agg["n"],
        ungraded=agg["ungraded"],
        without_pledge=without,
        open_rectify=open_rectify,
    )


def current_post_title(cadre: Cadre) -> str:
    a = (
        Appointment.objects.current()
        .filter(cadre=cadre)
        .select_related("post")
        .order_by("-start_date")
        .first()
    )
    return a.post.title if a else ""


def campaign_steps(campaign: Campaign) -> list[CampaignStep]:
    steps = list(campaign.steps.annotate(n_files=Count("attachments")).order_by("order"))
    done = {s.step for s in steps if s.completed_on}
    for s in steps:
        rule = rules.STEP_RULES[s.step]
        s.artefact = rule.artefact
        s.is_open = rules.step_is_open(s.step, done) and not s.completed_on
    return steps


# --- grades on the cadre --------------------------------------------------------------------------


def weak_years() -> int:
    return policy.get("evaluations.weak_grade_years")


def weak_results(*, user, cadre_ids=None, today: dt.date | None = None):
    today = today or timezone.localdate()
    since = today.year - weak_years() + 1
    qs = Subject.objects.restrict(user, "integrity").filter(
        cadre__isnull=False, grade__in=WEAK_GRADES, year__gte=since
    )
    if cadre_ids is not None:
        qs = qs.filter(cadre_id__in=list(cadre_ids))
    return qs.select_related("organization", "campaign").order_by("cadre_id", "-year")


def collect_weak_grades(user, cadre_ids=None):
    """Warning source `evaluations.weak_grade`: 基本称职/不称职 in the last three years."""
    out = []
    for s in weak_results(user=user, cadre_ids=cadre_ids):
        out.append(
            registry.Warning(
                cadre_id=s.cadre_id,
                kind=WEAK_SOURCE,
                title="阳光评议等次较差",
                detail=f"{s.year}年度阳光评议（{s.organization.name}{s.post_title}）等次为“{s.get_grade_display()}”，得分 {s.score}",
                url=s.get_absolute_url(),
                severity="danger" if s.grade == Grade.INCOMPETENT else "warning",
                level="red" if s.grade == Grade.INCOMPETENT else "",
                since=s.graded_on,
                uid=f"evaluations.subject.{s.pk}.weak",
            )
        )
    return out


def results_of_cadres(*, user, cadre_ids, action: str = "view"):
    return (
        Subject.objects.restrict(user, action)
        .filter(cadre_id__in=list(cadre_ids))
        .select_related("organization", "campaign")
        .order_by("-year")
    )


def results_of_cadre(*, user, cadre: Cadre, action: str = "view"):
    return results_of_cadres(user=user, cadre_ids=[cadre.pk], action=action)


def letters_of_cadres(*, user, cadre_ids, action: str = "view"):
    return (
        CareLetter.objects.restrict(user, action)
        .filter(cadre_id__in=list(cadre_ids))
        .order_by("-year", "-proposed_on")
    )


def letters_of_cadre(*, user, cadre: Cadre, action: str = "view"):
    return letters_of_cadres(user=user, cadre_ids=[cadre.pk], action=action)


def democratic_of_cadres(*, user, cadre_ids, action: str = "view"):
    return DemocraticEvaluation.objects.restrict(user, action).filter(cadre_id__in=list(cadre_ids))


def democratic_of_cadre(*, user, cadre: Cadre, action: str = "view"):
    return democratic_of_cadres(user=user, cadre_ids=[cadre.pk], action=action).prefetch_related("ratings")


# --- 能者上、平者让、庸者下 -------------------------------------------------------------------------


@dataclass
class VerdictRow:
    cadre_id: int
    name: str
    organization: str
    post_title: str
    grades: dict  # year -> grade label
    verdict: str
    verdict_label: str
    last_score: object = None


def verdict_rows(
    *, user, today: dt.date | None = None, verdict: str = "", organization=None
) -> list[VerdictRow]:
    """Leaders by grade over the last three years (computed from many rows, once per request)."""
    today = today or timezone.localdate()
    years = list(range(today.year - 2, today.year + 1))
    qs = Subject.objects.restrict(user, "view").filter(kind=SubjectKind.LEADER, year__in=years, grade__gt="")
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    by: dict[int, list] = defaultdict(list)
    for s in qs.select_related("cadre", "organization").order_by("cadre_id", "year"):
        by[s.cadre_id].append(s)
    rows = []
    for cid, subs in by.items():
        v = rules.verdict([s.grade for s in subs])
        if verdict and v != verdict:
            continue
        last = subs[-1]
        rows.append(
            VerdictRow(
                cadre_id=cid,
                name=last.cadre.name,
                organization=last.organization.name,
                post_title=last.post_title,
                grades={s.year: s.get_grade_display() for s in subs},
                verdict=v,
                verdict_label=str(Verdict(v).label),
                last_score=last.score,
            )
        )
    order = {Verdict.UP: 0, Verdict.KEEP: 1, Verdict.YIELD: 2, Verdict.DOWN: 3}
    rows.sort(key=lambda r: (order.get(r.verdict, 9), r.organization, r.name))
    return rows


# --- care-letter candidates -------------------------------------------------------------------------


def letter_candidates(*, user, year: int, cadre_ids=None) -> dict[int, list[str]]:
    """{cadre id: reasons} for cadres in the user's scope with a weak grade (last three years)
    or an open warning signal of any registered source (the weak-grade source aside: its
    reasons are the grades themselves)."""
    weak: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for s in weak_results(user=user, cadre_ids=cadre_ids, today=dt.date(year, 12, 31)):
        weak[s.cadre_id].append((s.year, s.get_grade_display()))
    others = [s.key for s in registry.warning_sources if s.key != WEAK_SOURCE]
    signals: dict[int, list[str]] = defaultdict(list)
    for w in registry.warnings_for(user, cadre_ids, sources=others):
        signals[w.cadre_id].append(w.title)
    out: dict[int, list[str]] = {}
    for cid in set(weak) | set(signals):
        out[cid] = rules.letter_reasons(weak.get(cid, []), signals.get(cid, []))
    # Only cadres the user may manage letters for, still active.
    allowed = set(
        Cadre.objects.restrict(user, "manage_evaluations")
        .filter(pk__in=list(out))
        .values_list("pk", flat=True)
    )
    return {cid: r for cid, r in out.items() if cid in allowed}


# --- statistics ---------------------------------------------------------------------------------


def _sql(qs, *fields) -> tuple[str, tuple] | None:
    """The SELECT of `fields` over `qs`; None when the scope is empty."""
    try:
        sql, params = qs.order_by().values_list(*fields).query.sql_with_params()
    except EmptyResultSet:
        return None
    return sql, tuple(params)


def _nothing(*fields) -> tuple[str, tuple]:
    return "SELECT " + ", ".join("NULL" for _ in fields) + " WHERE false", ()


# One statement, one aggregate per scoped set: the subjects by kind and grade (GROUPING SETS: the
# total alongside), the campaigns, the care letters by status, the democratic evaluations and the
# action items by kind. Rows: (part, key, subkey, grouping, n, n_done).
_FIGURES_SQL = """SELECT 'subject', kind, grade, GROUPING(kind, grade), count(*), NULL::bigint
  FROM ({subjects}) AS s(kind, grade) GROUP BY GROUPING SETS ((), (kind, grade))
UNION ALL SELECT 'campaign', NULL, NULL, 0, count(*), count(*) FILTER (WHERE done IS NOT NULL)
  FROM ({campaigns}) AS c(done)
UNION ALL SELECT 'letter', status, NULL, 0, count(*), NULL FROM ({letters}) AS l(status) GROUP BY status
UNION ALL SELECT 'democratic', NULL, NULL, 0, count(*), NULL FROM ({democratic}) AS d(id)
UNION ALL SELECT 'item', kind, NULL, 0, count(*), count(*) FILTER (WHERE done IS NOT NULL)
  FROM ({items}) AS i(kind, done) GROUP BY kind"""


def figures(*, user, year: int, action: str = "stats") -> dict:
    """The year's figures over `user`'s `action` scope of each model, in one query."""
    parts = {
        "subjects": (Subject.objects.restrict(user, action).filter(year=year), ("kind", "grade")),
        "campaigns": (Campaign.objects.restrict(user, action).filter(year=year), ("completed_on",)),
        "letters": (CareLetter.objects.restrict(user, action).filter(year=year), ("status",)),
        "democratic": (DemocraticEvaluation.objects.restrict(user, action).filter(year=year), ("id",)),
        "items": (ActionItem.objects.restrict(user, action).filter(subject__year=year), ("kind", "done_on")),
    }
    compiled = {name: _sql(qs, *fields) for name, (qs, fields) in parts.items()}
    rows: list[tuple] = []
    if any(c is not None for c in compiled.values()):  # no scope at all: no query
        compiled = {name: c or _nothing(*parts[name][1]) for name, c in compiled.items()}
        statement = _FIGURES_SQL.format(**{name: sql for name, (sql, _p) in compiled.items()})
        params = tuple(p for _sql_, ps in compiled.values() for p in ps)
        with connections[Subject.objects.db].cursor() as cur:
            cur.execute(statement, params)
            rows = cur.fetchall()

    by_grade = {str(g): 0 for g in Grade.values}
    by_kind_grade: dict[str, dict[str, int]] = {k: dict(by_grade) for k in SubjectKind.values}
    by_status = {str(s): 0 for s in LetterStatus.values}
    items = {kind: (0, 0) for kind in ItemKind.values}
    subjects = campaigns = campaigns_completed = democratic = 0
    for part, key, subkey, grouping, n, n_done in rows:
        if part == "subject":
            if grouping:
                subjects = n
            elif subkey != "":
                by_grade[subkey] += n
                by_kind_grade[key][subkey] += n
        elif part == "campaign":
            campaigns, campaigns_completed = n, n_done
        elif part == "letter":
            by_status[key] = n
        elif part == "democratic":
            democratic = n
        else:
            items[key] = (n, n_done)
    sent = by_status[LetterStatus.SENT] + by_status[LetterStatus.ACKNOWLEDGED]
    return {
        "year": year,
        "campaigns": campaigns,
        "campaigns_completed": campaigns_completed,
        "subjects": subjects,
        "graded": sum(by_grade.values()),
        "by_grade": by_grade,
        "by_kind_grade": by_kind_grade,
        "weak": by_grade[Grade.BASIC] + by_grade[Grade.INCOMPETENT],
        "care_letters": {"sent": sent, "by_status": by_status},
        "items": {
            "pledges": items[ItemKind.PLEDGE][0],
            "pledges_done": items[ItemKind.PLEDGE][1],
            "rectify": items[ItemKind.RECTIFY][0],
            "rectify_done": items[ItemKind.RECTIFY][1],
        },
        "democratic_evaluations": democratic,
    }


# --- workbench ----------------------------------------------------------------------------------


def open_steps(*, user, action: str = "change"):
    """Open steps (the first not done of each campaign) with a planned end date."""
    qs = (
        CampaignStep.objects.restrict(user, action)
        .filter(completed_on__isnull=True, campaign__completed_on__isnull=True)
        .select_related("campaign")
        .order_by("campaign_id", "order")
    )
    first: dict[int, CampaignStep] = {}
    for s in qs:
        first.setdefault(s.campaign_id, s)
    return list(first.values())


def open_items(*, user, action: str = "change"):
    return (
        ActionItem.objects.restrict(user, action)
        .filter(done_on__isnull=True)
        .select_related("subject__organization", "subject__cadre")
    )


def letters_awaiting(*, user, action: str = "change"):
    return (
        CareLetter.objects.restrict(user, action)
        .filter(status__in=[LetterStatus.PROPOSED, LetterStatus.SENT])
        .select_related("cadre")
    )


def letter_due(letter: CareLetter, days: int | None = None) -> dt.date | None:
    """The date the letter's acknowledgement is due (`days`: the policy, read once by callers
    that go through many letters)."""
    if letter.sent_on is None:
        return None
    days = policy.get("evaluations.letter_ack_days") if days is None else days
    return letter.sent_on + dt.timedelta(days=days)


def reminder_talks_url(cadre_id: int, year: int | None = None) -> str:
    """The interviews page listing the cadre's 提醒谈话 (raised by interviews/evaluation_hooks.py)."""
    year = year or timezone.localdate().year
    return reverse("interviews:required_list") + f"?cadre={cadre_id}&kind=reminder&year={year}"
