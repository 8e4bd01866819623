"""Reads of the interviews app. Every read that depends on a user goes through restrict().

The pages, the API, the statistics and the reminder sweep use these same functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count, F, Q
from django.urls import reverse

from cadre_supervision.notifications import ReminderSpec
from cadre_supervision.people import display_name, display_name_of
from cadre_supervision.permissions import SYSTEM, scope_q
from cadres.choices import OrgKind
from cadres.models import Cadre

from . import policies, rules
from .choices import DISCIPLINE_KINDS, InterviewerRole, ReminderKind, TalkStatus
from .models import FollowUp, InterviewAssignment, InterviewRecord, RequiredTalk

TALK_LIST_RELATED = ("cadre", "cadre__organization", "responsible", "fulfilled_by")


def window_days() -> int:
    return policies.current().due_soon_days


# --- supervisor: my tasks --------------------------------------------------------------------------


def my_tasks_queryset(*, user, year: int, today: dt.date, window: int):
    """This year's talks the user is responsible for, with their `status` (in SQL), by due
    date; overdue talks of earlier years are included (they do not go away at New Year)."""
    cond = Q(year=year)
    if year == today.year:
        cond |= Q(year__lt=year, done_on__isnull=True)
    return (
        RequiredTalk.objects.live()
        .filter(cond, responsible=user)
        .with_status(today, window)
        .select_related(*TALK_LIST_RELATED)
        .order_by("due_date", "cadre__name", "id")
    )


def my_task_counts(qs) -> dict[str, int]:
    """The number of talks per status of a `my_tasks_queryset`, in one query."""
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    return {s: counts.get(s, 0) for s in TalkStatus.values if s != TalkStatus.CANCELLED}


def my_tasks(*, user, year: int, today: dt.date, window: int) -> dict[str, list[RequiredTalk]]:
    """`my_tasks_queryset`, grouped by status."""
    qs = my_tasks_queryset(user=user, year=year, today=today, window=window)
    groups: dict[str, list[RequiredTalk]] = {s: [] for s in TalkStatus.values if s != TalkStatus.CANCELLED}
    for t in qs:
        groups[t.status].append(t)
    return groups


# --- staff: coverage -------------------------------------------------------------------------------


def _coverage_counts(today: dt.date):
    return {
        "required": Count("id"),
        "done": Count("id", filter=Q(done_on__isnull=False)),
        "overdue": Count("id", filter=Q(done_on__isnull=True, due_date__lt=today)),
        # Held after the due date (逾期补谈): done, but late.
        "late": Count("id", filter=Q(done_on__gt=F("due_date"))),
        "cadres": Count("cadre_id", distinct=True),
    }


def _with_rate(row: dict) -> dict:
    row["open"] = row["required"] - row["done"]
    row["rate"] = rules.coverage_rate(row["done"], row["required"])
    return row


def coverage_queryset(*, user, year: int, kind: str | None = None, org_kind: str | None = None):
    qs = RequiredTalk.objects.restrict(user, "view").live().filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if org_kind:
        qs = qs.filter(cadre__organization__kind=org_kind)
    return qs


def coverage_by_organization(
    *, user, year: int, today: dt.date, kind: str | None = None, org_kind: str | None = None
) -> list[dict]:
    rows = (
        coverage_queryset(user=user, year=year, kind=kind, org_kind=org_kind)
        .values("cadre__organization_id", "cadre__organization__name", "cadre__organization__kind")
        .annotate(**_coverage_counts(today))
        .order_by("cadre__organization__path")
    )
    kinds = dict(OrgKind.choices)
    out = []
    for r in rows:
        out.append(
            _with_rate(
                {
                    "organization_id": r["cadre__organization_id"],
                    "organization": r["cadre__organization__name"],
                    "org_kind": r["cadre__organization__kind"],
                    "org_kind_label": str(kinds.get(r["cadre__organization__kind"], "")),
                    **{k: r[k] for k in ("required", "done", "overdue", "late", "cadres")},
                }
            )
        )
    return out


def coverage_by_interviewer(
    *, user, year: int, today: dt.date, kind: str | None = None, org_kind: str | None = None
) -> list[dict]:
    rows = (
        coverage_queryset(user=user, year=year, kind=kind, org_kind=org_kind)
        .values(
            "responsible_id",
            "responsible__username",
            "responsible__first_name",
            "responsible__last_name",
            "interviewer_role",
        )
        .annotate(**_coverage_counts(today))
        .order_by("interviewer_role", "responsible__username")
    )
    roles = dict(InterviewerRole.choices)
    out = []
    for r in rows:
        name = display_name_of(
            r["responsible__first_name"], r["responsible__last_name"], r["responsible__username"]
        )
        out.append(
            _with_rate(
                {
                    "responsible_id": r["responsible_id"],
                    "interviewer": name or "（未落实谈话人）",
                    "role": r["interviewer_role"],
                    "role_label": str(roles.get(r["interviewer_role"], "（无法确定）")),
                    **{k: r[k] for k in ("required", "done", "overdue", "late", "cadres")},
                }
            )
        )
    return out


def coverage_totals(rows: list[dict]) -> dict:
    total = {k: sum(r[k] for r in rows) for k in ("required", "done", "overdue", "late", "cadres")}
    return _with_rate(total)


# --- staff: gaps -------------------------------------------------------------------------------------


def gap_talks(*, user, year: int):
    """This year's open talks with no resolvable interviewer, one per cadre (seq 1 / first)."""
    return (
        RequiredTalk.objects.restrict(user, "view")
        .live()
        .filter(year=year, responsible__isnull=True, done_on__isnull=True)
        .order_by("cadre__organization__path", "cadre__name", "cadre_id", "due_date")
        .distinct("cadre__organization__path", "cadre__name", "cadre_id")
        .select_related("cadre", "cadre__organization")
    )


def gap_reason(talk: RequiredTalk) -> str:
    return rules.gap_reason(talk.category, talk.interviewer_role)


# --- statistics (aggregates only) ---------------------------------------------------------------------


def stats_queryset(user, year: int):
    """Required talks over the caller's scope: interviews scope, statistics scope, own tasks."""
    return RequiredTalk.objects.restrict(user, "stats").live().filter(year=year)


def interview_stats(*, user, year: int, today: dt.date) -> dict:
    qs = stats_queryset(user, year)
    counts = _coverage_counts(today)
    kinds = dict(OrgKind.choices)
    roles = dict(InterviewerRole.choices)
    by_kind = [
        _with_rate(
            {
                "org_kind": r["cadre__organization__kind"],
                "label": str(kinds.get(r["cadre__organization__kind"], "")),
                **{k: r[k] for k in ("required", "done", "overdue", "late", "cadres")},
            }
        )
        for r in qs.values("cadre__organization__kind")
        .annotate(**counts)
        .order_by("cadre__organization__kind")
    ]
    by_role = [
        _with_rate(
            {
                "interviewer_role": r["interviewer_role"],
                "label": str(roles.get(r["interviewer_role"], "无法确定")),
                **{k: r[k] for k in ("required", "done", "overdue", "late", "cadres")},
            }
        )
        for r in qs.values("interviewer_role").annotate(**counts).order_by("interviewer_role")
    ]
    by_talk_kind = [
        _with_rate(
            {"kind": r["kind"], **{k: r[k] for k in ("required", "done", "overdue", "late", "cadres")}}
        )
        for r in qs.values("kind").annotate(**counts).order_by("kind")
    ]
    totals = qs.aggregate(**counts)
    gaps = qs.filter(responsible__isnull=True, done_on__isnull=True).values("cadre_id").distinct().count()
    return {
        "year": year,
        "as_of": today.isoformat(),
        "totals": _with_rate({**totals, "gap_cadres": gaps}),
        "by_org_kind": by_kind,
        "by_interviewer_role": by_role,
        "by_kind": by_talk_kind,
    }


# --- integrity file ----------------------------------------------------------------------------------


def discipline_records_of_cadres(*, cadre_ids, user):
    """The admonishments (诫勉谈话) and inquiries (函询) of any of `cadre_ids`, newest first."""
    return (
        InterviewRecord.objects.restrict(user, "view")
        .filter(interviewee_id__in=list(cadre_ids), kind__in=DISCIPLINE_KINDS)
        .for_list()
        .order_by("-date", "-id")
    )


# --- cadres a user may pick on the record form --------------------------------------------------------


def selectable_cadres(user):
    if user.is_superuser:
        return Cadre.objects.all()
    q = Q(pk__in=RequiredTalk.objects.live().filter(responsible=user).values("cadre_id"))
    q |= scope_q(Cadre, user, "manage_interviews")
    paths = list(
        InterviewAssignment.objects.active().filter(user=user).values_list("organization__path", flat=True)
    )
    for p in paths:
        q |= Q(organization__path__startswith=p)
    return Cadre.objects.filter(q)


# --- the sweep ------------------------------------------------------------------------------------------


def _escalation_targets() -> rules.AssignmentIndex:
    from .services import assignment_refs

    return rules.AssignmentIndex(a for a in assignment_refs() if a.role == InterviewerRole.ORG_DEPT)


def talk_reminders(today: dt.date) -> Iterator[ReminderSpec]:
    """Due-soon and overdue reminders to the responsible person, and a monthly escalation
    of overdue talks to the organization-department official covering the cadre's unit.

    Periods: due soon once per due date; overdue once per ISO week; escalation once a month.
    """
    window = policies.current().due_soon_days
    soon = today + dt.timedelta(days=window)
    org_dept = _escalation_targets()
    tasks_url = reverse("interviews:my_tasks")
    talks = (
        RequiredTalk.objects.restrict(SYSTEM)
        .open()
        .filter(due_date__lte=soon)
        .select_related("cadre", "cadre__organization", "responsible")
        .only(
            "id",
            "kind",
            "year",
            "seq",
            "trigger",
            "due_date",
            "responsible_id",
            "responsible__username",
            "responsible__first_name",
            "responsible__last_name",
            "cadre__name",
            "cadre__organization__name",
            "cadre__organization__path",
        )
        .order_by("due_date", "id")
    )
    week, month = rules.week_period(today), rules.month_period(today)
    for t in talks.iterator(chunk_size=2000):
        cadre = t.cadre
        obj = {"object_type": "interviews.requiredtalk", "object_id": str(t.pk)}
        log_url = reverse("interviews:record_create") + f"?task={t.pk}"
        if t.due_date >= today:
            if t.responsible_id:
                yield ReminderSpec(
                    recipient_id=t.responsible_id,
                    kind=ReminderKind.DUE_SOON,
                    period=f"due:{t.due_date.isoformat()}",
                    title=f"谈话即将到期：{cadre.name}（{t.title}）",
                    body=f"请于 {t.due_date:%Y-%m-%d} 前与{cadre.organization.name}{cadre.name}谈心谈话。",
                    url=log_url,
                    **obj,
                )
            continue
        days = (today - t.due_date).days
        if t.responsible_id:
            yield ReminderSpec(
                recipient_id=t.responsible_id,
                kind=ReminderKind.OVERDUE,
                period=week,
                title=f"谈话已逾期 {days} 天：{cadre.name}（{t.title}）",
                body=f"应于 {t.due_date:%Y-%m-%d} 前完成，请尽快谈话并登记。",
                url=log_url,
                **obj,
            )
        who = display_name(t.responsible) if t.responsible_id else "（未落实）"
        for official in rules.covering(
            InterviewerRole.ORG_DEPT,
            cadre.organization.path,
            "",
            org_dept,
            exclude_user_id=t.responsible_id,
        )[:1]:
            yield ReminderSpec(
                recipient_id=official.user_id,
                kind=ReminderKind.ESCALATION,
                period=month,
                title=f"逾期谈话督办：{cadre.organization.name}{cadre.name}（{t.title}）",
                body=f"谈话人：{who}；应于 {t.due_date:%Y-%m-%d} 前完成，已逾期 {days} 天。",
                url=tasks_url
                if official.user_id == t.responsible_id
                else reverse("interviews:required_list") + f"?status=overdue&year={t.year}",
                **obj,
            )


def follow_up_reminders(today: dt.date) -> Iterator[ReminderSpec]:
    """Overdue follow-ups: once per ISO week to the owner (or the record's author)."""
    week = rules.week_period(today)
    qs = (
        FollowUp.objects.restrict(SYSTEM)
        .open()
        .filter(due_date__lt=today)
        .select_related("record", "record__interviewee")
        .only(
            "id",
            "action",
            "due_date",
            "owner_id",
            "record__id",
            "record__created_by_id",
            "record__interviewee__name",
        )
        .order_by("due_date", "id")
    )
    for fu in qs.iterator(chunk_size=2000):
        recipient = fu.owner_id or fu.record.created_by_id
        if not recipient:
            continue
        yield ReminderSpec(
            recipient_id=recipient,
            kind=ReminderKind.FOLLOW_UP_OVERDUE,
            period=week,
            title=f"谈话后续措施逾期：{fu.action[:60]}",
            body=f"{fu.record.interviewee.name}谈话记录中的后续措施应于 {fu.due_date:%Y-%m-%d} 前完成。",
            url=reverse("interviews:record_detail", args=[fu.record_id]) + f"#follow-up-{fu.pk}",
            object_type="interviews.followup",
            object_id=str(fu.pk),
        )
