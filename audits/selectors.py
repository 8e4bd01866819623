"""Reads of the joint audits. Pages, API, warnings, reminders and statistics use these.

Everything goes through `restrict()`, so out of scope is absent everywhere. The daily sweep
passes `permissions.SYSTEM` as the user; `user=None` (a forgotten argument) sees nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from cadre_supervision import policy
from cadre_supervision.permissions import AnyOf, has_any_scope, users_with_org_perm
from cadres.choices import OrgKind
from cadres.models import (
    Appointment,
    Cadre,
    Organization,
)

from . import rules
from .choices import AuditKind, AuditStatus, MemberRole, RectState
from .models import Audit, AuditMember, Finding

PENDING_STATUSES = (AuditStatus.PLANNED, AuditStatus.NOTIFIED)


def cycle_years() -> int:
    return policy.get("audits.cycle_years")


# --- who receives reminders --------------------------------------------------------------------


def audit_managers_by_org(organization_ids) -> dict[int, set[int]]:
    """Active users holding `manage_audits` over each organization (or an ancestor)."""
    return users_with_org_perm(organization_ids, "manage_audits")


def audit_manager_user_ids(organization) -> set[int]:
    org_id = getattr(organization, "pk", organization)
    return audit_managers_by_org([org_id]).get(org_id, set())


def team_user_ids_by_audit(audit_ids) -> dict[int, set[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    for audit_id, user_id in (
        AuditMember.objects.filter(audit_id__in=set(audit_ids), user__is_active=True)
        .exclude(role=MemberRole.OBSERVER)
        .values_list("audit_id", "user_id")
    ):
        out[audit_id].add(user_id)
    return out


# --- compliance: 轮审 (cycle) and 离任必审 (departure) ---------------------------------------


@dataclass
class CycleRow:
    appointment: Appointment
    last_audit_date: dt.date | None
    state: rules.CycleState
    pending_audit: Audit | None

    @property
    def cadre(self):
        return self.appointment.cadre

    @property
    def organization(self):
        return self.appointment.post.organization


def _appointment_scope(user, qs):
    return qs.restrict(user, "view_audits")


class AddYears(Func):
    """`date + N years` in SQL, as a date (29 Feb + 1 year is 28 Feb, like `rules.add_years`)."""

    output_field = DateField()

    def __init__(self, expression, years: int):
        super().__init__(expression, Value(int(years)))

    def as_sql(self, compiler, connection, **extra_context):
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        years_sql, years_params = compiler.compile(self.source_expressions[1])
        return f"CAST(({date_sql}) + make_interval(years => {years_sql}) AS date)", (
            *date_params,
            *years_params,
        )


@dataclass(frozen=True)
class CyclePolicy:
    """The 轮审 thresholds, read once per request."""

    years: int
    warning_days: int


def cycle_policy() -> CyclePolicy:
    return CyclePolicy(cycle_years(), policy.get("audits.cycle_warning_days"))


def _with_cycle_dates(qs, today: dt.date, years: int):
    """Annotate appointments with `last_audit_date` and `cycle_due_date` (see `cycle_queryset`)."""
    last = (
        Audit.objects.filter(
            cadre_id=OuterRef("cadre_id"), fieldwork_date__isnull=False, fieldwork_date__lte=today
        )
        .order_by()
        .values("cadre_id")
        .annotate(last=Max("fieldwork_date"))
        .values("last")
    )
    return qs.annotate(last_audit_date=Subquery(last, output_field=DateField())).annotate(
        cycle_due_date=AddYears(Coalesce("last_audit_date", "start_date"), years)
    )


#: Which cycle rows a list shows: the overdue only, overdue and due soon, or every 一把手 in office.
CYCLE_DUE, CYCLE_WARN, CYCLE_ALL = "due", "warn", "all"


def cycle_queryset(
    *,
    user=None,
    today: dt.date | None = None,
    show: str = CYCLE_WARN,
    cadre_ids=None,
    cp: CyclePolicy | None = None,
) -> QuerySet[Appointment]:
    """The current 一把手 appointments in scope, annotated in SQL with `last_audit_date` (the
    latest fieldwork date up to `today`, any kind) and `cycle_due_date` (`cycle_years` after it,
    or after the tenure start when never audited), filtered by `show`, in unit order."""
    today = today or timezone.localdate()
    cp = cp or cycle_policy()
    qs = Appointment.objects.current(today).top_leaders()
    if cadre_ids is not None:
        qs = qs.filter(cadre_id__in=cadre_ids)
    qs = _with_cycle_dates(_appointment_scope(user, qs), today, cp.years)
    if show == CYCLE_DUE:
        qs = qs.filter(cycle_due_date__lte=today)
    elif show == CYCLE_WARN:
        qs = qs.filter(cycle_due_date__lte=today + dt.timedelta(days=cp.warning_days))
    return qs.select_related("cadre", "post", "post__organization").order_by(
        "post__organization__path", "post__top_leader_kind", "id"
    )


def cycle_counts(*, user=None, today: dt.date | None = None, cp: CyclePolicy | None = None) -> dict:
    """`n_due`, `n_soon` and the overdue per organization kind (`by_kind`), counted in SQL."""
    today = today or timezone.localdate()
    cp = cp or cycle_policy()
    soon = today + dt.timedelta(days=cp.warning_days)
    qs = cycle_queryset(user=user, today=today, show=CYCLE_WARN, cp=cp).order_by()
    due = Q(cycle_due_date__lte=today)
    totals = qs.aggregate(
        n_due=Count("pk", filter=due),
        n_soon=Count("pk", filter=Q(cycle_due_date__gt=today, cycle_due_date__lte=soon)),
    )
    per_kind = dict(qs.filter(due).values_list("post__organization__kind").annotate(n=Count("pk")))
    return {**totals, "by_kind": _kind_counts(per_kind)}


def build_cycle_rows(
    appts, *, today: dt.date | None = None, include_ok: bool = True, cp: CyclePolicy | None = None
) -> list[CycleRow]:
    """`CycleRow`s for appointments from `cycle_queryset` (one query for their pending audits)."""
    today = today or timezone.localdate()
    appts = list(appts)
    cp = cp or cycle_policy()
    pending = {}
    if appts:
        pending = {
            a.cadre_id: a
            for a in Audit.objects.filter(
                cadre_id__in={a.cadre_id for a in appts}, status__in=PENDING_STATUSES
            ).order_by("planned_date")
        }
    rows = []
    for a in appts:
        state = rules.cycle_state(
            today=today,
            tenure_start=a.start_date,
            last_audit_date=a.last_audit_date,
            cycle_years=cp.years,
            warning_days=cp.warning_days,
        )
        if include_ok or state.state != "ok":
            rows.append(CycleRow(a, a.last_audit_date, state, pending.get(a.cadre_id)))
    return rows


def cycle_rows(
    *, user=None, today: dt.date | None = None, include_ok: bool = False, cadre_ids=None
) -> list[CycleRow]:
    """Every 一把手 in office with their 轮审 state (overdue / due soon / ok)."""
    today = today or timezone.localdate()
    cp = cycle_policy()
    show = CYCLE_ALL if include_ok else CYCLE_WARN
    qs = cycle_queryset(user=user, today=today, show=show, cadre_ids=cadre_ids, cp=cp)
    return build_cycle_rows(qs, today=today, include_ok=include_ok, cp=cp)


def departures_queryset(*, user=None, today: dt.date | None = None, cadre_ids=None) -> QuerySet[Appointment]:
    """离任必审: ended 一把手 tenures within the look-back window with no departure audit (the
    whole of `rules.departure_requires_audit`, in SQL), the latest departures first."""
    today = today or timezone.localdate()
    since = rules.add_years(today, -policy.get("audits.departure_lookback_years"))
    qs = (
        Appointment.objects.top_leaders()
        .filter(end_date__isnull=False, end_date__lte=today, end_date__gte=since)
        .exclude(audits__kind=AuditKind.DEPARTURE)
        .select_related("cadre", "post", "post__organization")
    )
    if cadre_ids is not None:
        qs = qs.filter(cadre_id__in=cadre_ids)
    return _appointment_scope(user, qs).order_by("-end_date", "id")


def departures_without_audit(*, user=None, today: dt.date | None = None, cadre_ids=None) -> list[Appointment]:
    return list(departures_queryset(user=user, today=today, cadre_ids=cadre_ids))


def plan_proposal_queryset(*, user=None, year: int, today: dt.date | None = None) -> QuerySet[Appointment]:
    """The yearly plan's proposal in one queryset of appointments, in the units where `user`
    manages audits: 一把手 in office due for their cycle audit by the end of `year` with no
    pending audit (`is_departure` 0, unit order), then departures without audit (1)."""
    today = today or timezone.localdate()
    cp = cycle_policy()
    managed = Organization.objects.restrict(user, "manage_audits")
    pending = Audit.objects.filter(cadre_id=OuterRef("cadre_id"), status__in=PENDING_STATUSES)
    cycle = (
        cycle_queryset(user=user, today=today, show=CYCLE_ALL, cp=cp)
        .filter(cycle_due_date__lte=dt.date(year, 12, 31), post__organization__in=managed)
        .exclude(Exists(pending))
    )
    departures = departures_queryset(user=user, today=today).filter(post__organization__in=managed)
    qs = Appointment.objects.filter(Q(pk__in=cycle.values("pk")) | Q(pk__in=departures.values("pk")))
    return (
        _with_cycle_dates(qs, today, cp.years)
        .annotate(is_departure=Case(When(end_date__isnull=False, end_date__lte=today, then=1), default=0))
        .select_related("cadre", "post", "post__organization")
        .order_by("is_departure", "post__organization__path", "post__top_leader_kind", "-end_date", "id")
    )


def _d(d: dt.date | None) -> str:
    return d.strftime("%Y-%m-%d") if d else ""


def build_plan_items(appts) -> list[dict]:
    """The proposal's rows (`appointment`, `kind`, `reason`) for appointments from
    `plan_proposal_queryset`."""
    items = []
    for a in appts:
        if a.is_departure:
            reason = f"{_d(a.end_date)} 离任，离任必审"
            items.append({"appointment": a, "kind": AuditKind.DEPARTURE, "reason": reason})
            continue
        last = f"上次联审 {_d(a.last_audit_date)}" if a.last_audit_date else "任职以来未联审"
        reason = f"轮审到期 {_d(a.cycle_due_date)}（{last}）"
        items.append({"appointment": a, "kind": AuditKind.MID_TERM, "reason": reason})
    return items


def departure_counts_by_org_kind(qs) -> list[tuple[str, int]]:
    """`counts_by_org_kind` of a `departures_queryset`, counted in SQL."""
    return _kind_counts(dict(qs.order_by().values_list("post__organization__kind").annotate(n=Count("pk"))))


def _kind_counts(counts: dict) -> list[tuple[str, int]]:
    labels = dict(OrgKind.choices)
    return [(str(labels[k]), counts.get(k, 0)) for k in labels if counts.get(k)]


def counts_by_org_kind(organizations) -> list[tuple[str, int]]:
    return _kind_counts(Counter(o.kind for o in organizations))


# --- rectification ----------------------------------------------------------------------------


def overdue_findings(*, user=None, today: dt.date | None = None):
    today = today or timezone.localdate()
    return Finding.objects.restrict(user, "view").overdue(today)


def cadre_ids_with_overdue_rectification(user, today: dt.date | None = None) -> set[int]:
    """Cadres (the audited 一把手 and, if recorded, the responsible cadre) with a finding past
    its rectification deadline and not verified, over the user's audit scope."""
    ids: set[int] = set()
    for audit_cadre, responsible in overdue_findings(user=user, today=today).values_list(
        "audit__cadre_id", "responsible_cadre_id"
    ):
        ids.add(audit_cadre)
        if responsible:
            ids.add(responsible)
    return ids


def audits_of_cadre(cadre, user):
    return audits_of_cadres([cadre.pk], user)


def audits_of_cadres(cadre_ids, user):
    """The audits of any of `cadre_ids` (each concerns its `cadre`), with their finding counts."""
    return (
        Audit.objects.restrict(user, "view")
        .filter(cadre_id__in=cadre_ids)
        .select_related("organization", "appointment__post")
        .annotate(
            n_findings=Count("findings", distinct=True),
            n_open=Count("findings", filter=~Q(findings__state=RectState.VERIFIED), distinct=True),
        )
        .order_by("-planned_date", "-id")
    )


def findings_of_cadre(cadre, user):
    return findings_of_cadres([cadre.pk], user)


def findings_of_cadres(cadre_ids, user):
    """The findings concerning any of `cadre_ids`: by the audit's cadre or as the responsible
    cadre (a finding may concern two of them; `finding_cadre_ids` says which)."""
    return (
        Finding.objects.restrict(user, "view")
        .filter(Q(audit__cadre_id__in=cadre_ids) | Q(responsible_cadre_id__in=cadre_ids))
        .for_list()
        .order_by("-audit__planned_date", "due_date", "id")
    )


def finding_cadre_ids(finding, cadre_ids) -> list[int]:
    """Which of `cadre_ids` `finding` concerns (its audit's cadre first, then the responsible one)."""
    ids = set(cadre_ids)
    return [pk for pk in dict.fromkeys((finding.audit.cadre_id, finding.responsible_cadre_id)) if pk in ids]


# --- statistics -------------------------------------------------------------------------------


STATS = AnyOf("view_audits", "view_stats")


def may_see_stats(user) -> bool:
    """Audit statistics: for users who may read audits or statistics somewhere."""
    return has_any_scope(Audit, user, "stats")


def audit_stats(user, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    audits = Audit.objects.restrict(user, "stats")
    findings = Finding.objects.restrict(user, "stats")
    appts = Appointment.objects.current(today).top_leaders().restrict(user, STATS)

    by_year_kind = defaultdict(lambda: {k: 0 for k in AuditKind.values})
    for year, kind, n in audits.values_list("year", "kind").annotate(n=Count("id")).order_by("year"):
        by_year_kind[year][kind] = n
    by_status = dict(audits.values_list("status").annotate(n=Count("id")).order_by())

    by_stream_sev: dict[str, dict[str, int]] = defaultdict(dict)
    for stream, sev, n in (
        findings.values_list("stream__stream", "severity").annotate(n=Count("id")).order_by()
    ):
        by_stream_sev[stream][sev] = n
    by_state = dict(findings.values_list("state").annotate(n=Count("id")).order_by())
    total = sum(by_state.values())
    verified = by_state.get(RectState.VERIFIED, 0)
    overdue = findings.overdue(today).count()

    years = cycle_years()
    leader_rows = list(appts.values_list("cadre_id", "start_date"))
    last = dict(
        Audit.objects.filter(
            cadre_id__in={c for c, _s in leader_rows}, fieldwork_date__isnull=False, fieldwork_date__lte=today
        )
        .values("cadre_id")
        .annotate(last=Max("fieldwork_date"))
        .values_list("cadre_id", "last")
    )
    covered = sum(
        1
        for c, start in leader_rows
        if not rules.cycle_state(
            today=today, tenure_start=start, last_audit_date=last.get(c), cycle_years=years, warning_days=0
        ).is_due
    )
    return {
        "as_of": today.isoformat(),
        "audits_total": sum(by_status.values()),
        "audits_by_year": [{"year": y, **kinds} for y, kinds in sorted(by_year_kind.items())],
        "audits_by_status": {s: by_status.get(s, 0) for s in AuditStatus.values},
        "findings_total": total,
        "findings_by_stream": {
            s: {sev: by_stream_sev.get(s, {}).get(sev, 0) for sev in ("minor", "serious", "grave")}
            for s in ("people", "staffing", "money")
        },
        "findings_by_state": {s: by_state.get(s, 0) for s in RectState.values},
        "rectification_rate": rules.rectification_rate(verified, total),
        "rectification_overdue": overdue,
        "top_leaders_in_office": len(leader_rows),
        "top_leaders_within_cycle": covered,
        "cycle_coverage_rate": round(covered / len(leader_rows), 4) if leader_rows else None,
        "cycle_years": years,
    }


def cadres_by_ids(ids):
    return Cadre.objects.filter(pk__in=ids)


# --- suggestions from other channels (registry) ---------------------------------------------


@dataclass(frozen=True)
class UnitSuggestion:
    organization: Organization
    reasons: tuple[str, ...]


def unit_suggestions(*, user, year: int) -> list[UnitSuggestion]:
    """Units other apps suggest for the audit plan of `year` (e.g. units with many petitions,
    essay 1), limited to the units of the user's audits scope, in tree order."""
    from cadre_supervision import registry

    reasons: dict[int, list[str]] = defaultdict(list)
    for org_id, reason in registry.audit_plan_suggestions_for(user, year):
        reasons[org_id].append(reason)
    if not reasons:
        return []
    orgs = Organization.objects.restrict(user, "view_audits").filter(pk__in=reasons).order_by("path")
    return [UnitSuggestion(o, tuple(reasons[o.pk])) for o in orgs]
