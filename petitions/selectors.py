"""Reads of the petitions app; every one goes through `restrict()`."""

from __future__ import annotations

import datetime as dt

from django.contrib.postgres.aggregates import ArrayAgg
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Q, Value
from django.urls import reverse
from django.utils import timezone

from cadre_supervision import policy, registry
from cadre_supervision.accesslog import log_access
from cadre_supervision.models import AccessLog
from cadre_supervision.notifications import ReminderSpec
from cadre_supervision.permissions import SYSTEM
from cadres.models import Organization

from . import rules
from .choices import SUBSTANTIATED, Channel, Disposal, ReminderKind, Result, Status
from .models import Petition, PetitionReporter, ProblemCategory


def petition_list(*, user, action: str = "view"):
    return Petition.objects.restrict(user, action).for_list()


def can_register(user) -> bool:
    from cadre_supervision.permissions import has_org_perm

    return bool(
        user.is_authenticated
        and (
            user.is_superuser or has_org_perm(user, "manage_petitions") or has_org_perm(user, "handle_12380")
        )
    )


def can_change(user, petition: Petition) -> bool:
    return Petition.objects.restrict(user, "change").filter(pk=petition.pk).exists()


# --- the reporter (only the handlers; every read logged) ------------------------------------


def reporter_for(*, user, petition: Petition, request=None) -> PetitionReporter | None:
    """The named reporter of `petition`, for its handlers only (anyone else: None, superusers
    included); each read is written to the access log."""
    if petition.anonymous or not petition.is_handler(user):
        return None
    reporter = PetitionReporter.objects.filter(petition=petition).first()
    if reporter is not None:
        log_access(
            user=user,
            action=AccessLog.Action.OTHER,
            obj=petition,
            detail={"what": "petition_reporter"},
            request=request,
        )
    return reporter


def attachments_for(*, user, petition: Petition):
    """The petition's attachments, for its handlers only (None for anyone else)."""
    if not petition.is_handler(user):
        return None
    return list(petition.attachments.all())


# --- possible duplicates -------------------------------------------------------------------


def duplicates(
    *, user, cadre_ids, content: str, received_on: dt.date, exclude_pk: int | None = None
) -> list[tuple[Petition, float]]:
    """Possible duplicates: visible petitions about any of the same cadres received within
    the policy window before `received_on`, whose content overlaps (rules.similarity) at least
    the policy threshold; best first."""
    ids = [getattr(c, "pk", c) for c in cadre_ids]
    if not ids or not (content or "").strip():
        return []
    start = received_on - dt.timedelta(days=policy.get("petitions.duplicate_days"))
    qs = (
        Petition.objects.restrict(user, "view")
        .filter(cadres__in=ids, received_on__gte=start, received_on__lte=received_on)
        .exclude(pk=exclude_pk)
        .distinct()
        .only("pk", "title", "content", "received_on", "channel", "status")
    )
    threshold = policy.get("petitions.duplicate_percent") / 100.0
    out = [(p, rules.similarity(content, p.content)) for p in qs[:200]]
    return sorted(((p, s) for p, s in out if s >= threshold), key=lambda t: -t[1])


def talks_of(*, user, petition: Petition) -> list[tuple[str, str]]:
    """The talks/inquiries raised in interviews for this petition, visible to `user`."""
    return registry.linked_records(user, "petitions.petition", [petition.pk]).get(str(petition.pk), [])


# --- statistics ----------------------------------------------------------------------------


def _year_qs(user, year: int | None):
    qs = Petition.objects.restrict(user, "stats")
    return qs.filter(received_on__year=year) if year else qs


# GROUPING(channel, result, disposal, status, organization_id) of each grouping set (a 1 bit: that
# column not grouped); the categories' rows of the same statement carry -1.
_ALL, _BY_CHANNEL, _BY_RESULT, _BY_DISPOSAL, _BY_STATUS, _BY_UNIT = 31, 15, 23, 27, 29, 30
_BY_CATEGORY = -1

_STATS_SQL = """WITH p(id, c, r, d, s, o, dl, esc) AS MATERIALIZED ({petitions}),
g AS (
  SELECT GROUPING(c, r, d, s, o) AS g, COALESCE(c, r, d, s) AS k, o, count(*) AS n,
         count(*) FILTER (WHERE s <> %s AND dl < %s) AS n_overdue,
         count(*) FILTER (WHERE esc IS NOT NULL) AS n_escalated
  FROM p GROUP BY GROUPING SETS ((), (c), (r), (d), (s), (o))
)
SELECT g.g, g.k, g.o, u.{org_name}, g.n, g.n_overdue, g.n_escalated
  FROM g LEFT JOIN {org} u ON g.g = {by_unit} AND u.{org_pk} = g.o
UNION ALL
SELECT {by_category}, c.{code}, NULL, c.{name}, count(DISTINCT pc.{petition_id}), 0, 0
  FROM {through} pc JOIN {category} c ON c.{category_pk} = pc.{category_id}
  WHERE pc.{petition_id} IN (SELECT id FROM p) GROUP BY c.{code}, c.{name}"""


def _stats_rows(qs, today: dt.date) -> list[tuple]:
    """One statement over the scoped petitions (materialised once): their counts by channel,
    result, disposal, status and unit (GROUP BY GROUPING SETS, the overdue and escalated counts
    alongside) and by category; rows (grouping, key, unit id, label, n, overdue, escalated)."""
    try:
        sql, params = (
            qs.order_by()
            .values_list(
                "id", "channel", "result", "disposal", "status", "organization_id", "deadline", "escalated_on"
            )
            .query.sql_with_params()
        )
    except EmptyResultSet:
        return []
    q = connections[qs.db].ops.quote_name
    field = Petition._meta.get_field("categories")
    statement = _STATS_SQL.format(
        petitions=sql,
        org=q(Organization._meta.db_table),
        org_pk=q(Organization._meta.pk.column),
        org_name=q(Organization._meta.get_field("name").column),
        by_unit=_BY_UNIT,
        by_category=_BY_CATEGORY,
        through=q(field.remote_field.through._meta.db_table),
        petition_id=q(field.m2m_column_name()),
        category_id=q(field.m2m_reverse_name()),
        category=q(ProblemCategory._meta.db_table),
        category_pk=q(ProblemCategory._meta.pk.column),
        code=q(ProblemCategory._meta.get_field("code").column),
        name=q(ProblemCategory._meta.get_field("name").column),
    )
    with connections[qs.db].cursor() as cur:
        cur.execute(statement, (*params, Status.CONCLUDED, today))
        return cur.fetchall()


def stats(*, user, year: int | None) -> dict:
    """The statistics of the petitions received in `year` (every year: None) in `user`'s
    "stats" scope; one query (see _stats_rows)."""
    by: dict[int, dict] = {g: {} for g in (_BY_CHANNEL, _BY_RESULT, _BY_DISPOSAL, _BY_STATUS)}
    total = overdue = escalated = 0
    by_category: list[tuple[str, str, int]] = []
    by_unit: list[tuple[int, str, int]] = []
    for g, key, org_id, label, n, n_overdue, n_escalated in _stats_rows(
        _year_qs(user, year), timezone.localdate()
    ):
        if g == _ALL:
            total, overdue, escalated = n, n_overdue, n_escalated
        elif g == _BY_UNIT:
            by_unit.append((org_id, label, n))
        elif g == _BY_CATEGORY:
            by_category.append((key, label, n))
        else:
            by[g][key] = n
    by_channel, by_status = by[_BY_CHANNEL], by[_BY_STATUS]
    by_result = {k: n for k, n in by[_BY_RESULT].items() if k != ""}
    by_disposal = {k: n for k, n in by[_BY_DISPOSAL].items() if k != ""}
    by_category.sort(key=lambda c: (-c[2], c[0]))
    by_unit.sort(key=lambda u: (-u[2], u[0]))
    concluded = sum(by_result.values())
    substantiated = sum(by_result.get(r, 0) for r in SUBSTANTIATED)
    return {
        "year": year,
        "total": total,
        "open": total - by_status.get(Status.CONCLUDED, 0),
        "concluded": concluded,
        "substantiated": substantiated,
        "substantiated_rate": rules.substantiated_rate(substantiated, concluded),
        "overdue": overdue,
        "escalated": escalated,
        "by_channel": [
            {"key": c.value, "label": c.label, "count": by_channel.get(c.value, 0)} for c in Channel
        ],
        "by_disposal": [
            {"key": d.value, "label": d.label, "count": by_disposal.get(d.value, 0)} for d in Disposal
        ],
        "by_result": [{"key": r.value, "label": r.label, "count": by_result.get(r.value, 0)} for r in Result],
        "by_category": [{"key": code, "label": name, "count": n} for code, name, n in by_category],
        "by_unit": [{"organization_id": org_id, "label": name, "count": n} for org_id, name, n in by_unit],
    }


def heavy_units(*, user, start: dt.date, end: dt.date, threshold: int | None = None):
    """Units with many petitions (信访举报较多单位): units whose petitions received in
    [start, end] reach the policy threshold, most first (an annotated queryset)."""
    threshold = threshold or policy.get("petitions.heavy_unit_threshold")
    visible = Petition.objects.restrict(user, "stats").filter(received_on__gte=start, received_on__lte=end)
    return (
        Organization.objects.filter(pk__in=visible.values("organization_id"))
        .annotate(
            n_petitions=Count("petitions", filter=Q(petitions__in=visible), distinct=True),
            n_substantiated=Count(
                "petitions",
                filter=Q(petitions__in=visible, petitions__result__in=SUBSTANTIATED),
                distinct=True,
            ),
            n_open=Count(
                "petitions",
                filter=Q(petitions__in=visible) & ~Q(petitions__status=Status.CONCLUDED),
                distinct=True,
            ),
        )
        .filter(n_petitions__gte=threshold)
        .order_by("-n_petitions", "path")
    )


def audit_plan_suggestions(user, year: int):
    """For the audit plan of `year`: units with many petitions in the two years up to it."""
    start, end = dt.date(year - 1, 1, 1), dt.date(year, 12, 31)
    for org in heavy_units(user=user, start=start, end=end):
        yield (
            org.pk,
            f"信访举报较多：{year - 1}—{year}年{org.n_petitions}件（属实或部分属实{org.n_substantiated}件）",
        )


# --- warnings, timeline, integrity file ------------------------------------------------------


def _cadre_rows(user, cadre_ids):
    qs = Petition.objects.restrict(user, "integrity")
    if cadre_ids is not None:
        qs = qs.filter(cadres__in=list(cadre_ids))
    return qs


def open_warnings(user, cadre_ids=None):
    through = Petition.cadres.through.objects.filter(
        petition__in=_cadre_rows(user, cadre_ids).open()
    ).select_related("petition")
    if cadre_ids is not None:
        through = through.filter(cadre_id__in=list(cadre_ids))
    for row in through.order_by("cadre_id", "petition__received_on"):
        p = row.petition
        overdue = p.deadline < timezone.localdate()
        yield registry.Warning(
            cadre_id=row.cadre_id,
            kind="petitions.open",
            title="有未办结的信访举报",
            detail=f"{p.received_on:%Y-%m-%d}收件，{p.get_status_display()}"
            + ("，已超期" if overdue else f"，期限{p.deadline:%Y-%m-%d}"),
            url=p.get_absolute_url(),
            level="orange" if overdue else "",
            since=p.received_on,
            uid=f"petitions.petition.{p.pk}.open",
        )


def substantiated_warnings(user, cadre_ids=None):
    today = timezone.localdate()
    since = dt.date(today.year - policy.get("petitions.substantiated_years"), today.month, 1)
    rows = _cadre_rows(user, cadre_ids).filter(result__in=SUBSTANTIATED, result_on__gte=since)
    through = Petition.cadres.through.objects.filter(petition__in=rows).select_related("petition")
    if cadre_ids is not None:
        through = through.filter(cadre_id__in=list(cadre_ids))
    for row in through.order_by("cadre_id", "petition__result_on"):
        p = row.petition
        yield registry.Warning(
            cadre_id=row.cadre_id,
            kind="petitions.substantiated",
            title=f"信访举报{p.get_result_display()}",
            detail=f"{p.result_on:%Y-%m-%d}办结：{p.get_result_display()}",
            url=p.get_absolute_url(),
            severity="danger",
            since=p.result_on,
            uid=f"petitions.petition.{p.pk}.substantiated",
        )


def petitions_of_cadres(*, user, cadre_ids):
    """The petitions about any of `cadre_ids` in the integrity scope, newest first, in one
    query: with their category names (`category_names`) and which of `cadre_ids` each concerns
    (`concerned`: a petition about two of them concerns both)."""
    ids = list(cadre_ids)
    return (
        Petition.objects.restrict(user, "integrity")
        .filter(pk__in=Petition.cadres.through.objects.filter(cadre_id__in=ids).values("petition_id"))
        .annotate(
            category_names=ArrayAgg(
                "categories__name", filter=Q(categories__isnull=False), distinct=True, default=Value([])
            ),
            concerned=ArrayAgg("cadres__id", filter=Q(cadres__id__in=ids), distinct=True, default=Value([])),
        )
        .order_by("-received_on", "-id")
    )


def timeline_many(cadre_ids, user):
    """Disposals and results of the petitions about any of `cadre_ids` (the integrity file
    timeline; the petitions of `petitions_of_cadres`), in one query: a petition about two of
    them is listed for each."""
    rows = petitions_of_cadres(user=user, cadre_ids=cadre_ids)
    for p in rows:
        entries = []
        if p.disposal_on:
            entries.append(
                registry.TimelineEntry(
                    date=p.disposal_on,
                    kind="petitions.disposal",
                    label="信访举报",
                    title=f"问题线索处置：{p.get_disposal_display()}",
                    detail=p.title,
                    url=p.get_absolute_url(),
                )
            )
        if p.result_on:
            entries.append(
                registry.TimelineEntry(
                    date=p.result_on,
                    kind="petitions.result",
                    label="信访举报",
                    title=f"信访举报办结：{p.get_result_display()}",
                    detail=p.title,
                    url=p.get_absolute_url(),
                )
            )
        for cadre_id in sorted(p.concerned):
            for entry in entries:
                yield cadre_id, entry


def timeline(cadre, user):
    """Disposals and results of the petitions about `cadre` (the integrity file timeline)."""
    return [entry for _cadre_id, entry in timeline_many([cadre.pk], user)]


# --- workbench, calendar, reminders --------------------------------------------------------


def my_open(*, user):
    from .models import handler_q

    if not getattr(user, "is_authenticated", False):
        return Petition.objects.none()
    return Petition.objects.open().filter(handler_q(user)).select_related("organization")


def overdue_reminders(today: dt.date):
    """Sweep source: each overdue petition reminds its lead handler once a week."""
    period = f"{today.isocalendar().year}-W{today.isocalendar().week:02d}"
    rows = Petition.objects.restrict(SYSTEM, "view").open().filter(deadline__lt=today)
    for p in rows.only("pk", "title", "deadline", "handler_id", "received_on", "escalated_on"):
        yield ReminderSpec(
            recipient_id=p.handler_id,
            kind=ReminderKind.OVERDUE,
            period=period,
            title=f"信访举报件超期未办结：{p.title}",
            body=f"办理期限{p.deadline:%Y-%m-%d}，已督办。"
            if p.escalated_on
            else f"办理期限{p.deadline:%Y-%m-%d}。",
            url=reverse("petitions:petition_detail", args=[p.pk]),
            object_type="petitions.petition",
            object_id=str(p.pk),
        )
