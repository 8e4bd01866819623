"""Reads of the rotations app. Every function that serves a user takes `user=` and scopes
with the permission layer; the reminder sweep calls the same functions with
`user=permissions.SYSTEM` (a missing or anonymous user sees nothing)."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.utils import timezone

from cadre_supervision.permissions import (
    HEADED,
    SYSTEM,
    has_org_perm,
    personal_jurisdiction,
    role_codes,
    users_with_org_perm,
)
from cadres.choices import CadreStatus, OrgKind
from cadres.models import Appointment, Cadre, Organization, Post

from . import rules
from .choices import (
    AssignmentStatus,
    DueRule,
    DueState,
    ExchangeKind,
    PlanItemStatus,
    SecondLineStatus,
    Utilisation,
)
from .models import (
    AvoidanceCase,
    DueSnapshot,
    DueSnapshotItem,
    Exchange,
    PlanItem,
    RotationPlan,
)
from .policies import load_thresholds

# --- who is who --------------------------------------------------------------------------------


def is_org_staff(user, organization_id: int | None) -> bool:
    """Organization-department staff (role org_staff) holding manage_secondline over the unit.
    They decide what unit liaisons cannot: moves to the second line, confirmed matches,
    assessments, early retirement."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if "org_staff" not in role_codes(user):
        return False
    return has_org_perm(user, "manage_secondline", organization_id)


def may_decide_leave(user, organization_id: int) -> bool:
    """Approving or rejecting leave: organization staff over the unit, or the unit's head."""
    return is_org_staff(user, organization_id) or organization_id in personal_jurisdiction(user, HEADED)


def may_record_return(user, organization_id: int) -> bool:
    """Recording a return from leave (销假): second-line managers of the unit, or its head."""
    return has_org_perm(
        user, "manage_secondline", organization_id
    ) or organization_id in personal_jurisdiction(user, HEADED)


# --- the due list ---------------------------------------------------------------------------------


@dataclass
class DueItem:
    cadre: Cadre
    appointment: Appointment
    post: object
    organization: Organization
    run_start: dt.date
    terms: int
    years: float
    full_years: int
    findings: list[rules.DueFinding]
    plan_item: PlanItem | None = None
    avoidance: AvoidanceCase | None = None
    rules_labels: list[str] = field(default_factory=list)

    @property
    def first(self) -> rules.DueFinding:
        return self.findings[0]

    @property
    def rule(self) -> str:
        return self.first.rule

    @property
    def mandatory_date(self) -> dt.date:
        return self.first.mandatory_date

    @property
    def state(self) -> str:
        order = [DueState.OVERDUE, DueState.SOON, DueState.WARNING]
        return str(min((f.state for f in self.findings), key=lambda s: order.index(s)))

    @property
    def state_label(self) -> str:
        return str(DueState(self.state).label)

    @property
    def rule_label(self) -> str:
        return "；".join(self.rules_labels)

    @property
    def key(self) -> str:
        return f"{self.cadre.pk}:{self.post.pk}"


def _appointment_spec(action: str):
    """The organization permission(s) of a rotation `action`, applied to appointments."""
    return RotationPlan.scope.perms[action]


def _latest_due_start(
    on: dt.date, years: int, t: rules.Thresholds, *, include_warning: bool = True
) -> dt.date:
    """The latest start of a run whose rule of `years` (mandatory = start + `years`) can be in
    any window (warning, soon, overdue; without `include_warning`: soon or overdue) on `on`; a
    few days' slack covers 29 February. Runs starting later trigger nothing: the pure rule
    (`rules.due_findings`) decides exactly for the others."""
    soon = rules.add_years(on + dt.timedelta(days=t.reminder_days), -years)
    if not include_warning:
        return soon + dt.timedelta(days=3)
    warning = rules.add_years(on, t.warn_lead_years - years)
    return max(soon, warning) + dt.timedelta(days=3)


def due_candidates_q(on: dt.date, t: rules.Thresholds, *, include_warning: bool = True) -> Q:
    """A filter on current appointments (annotated with `pair_first_start`: the earliest start of
    the cadre's tenures in that post up to `on`, and `pair_terms`: how many) keeping every one
    that may trigger a rotation rule on `on` (without `include_warning`: a rule past or within
    the reminder days of its mandatory date), and dropping the many that cannot (in a post for
    fewer years than any rule needs). Never drops a due one: a run starts no earlier than the
    pair's first tenure and holds no more terms than the pair has; tests/rotations check it
    against the pure rule on a table of cases."""
    latest = functools.partial(_latest_due_start, on, t=t, include_warning=include_warning)
    leader = Q(post__is_leading=True, post__is_middle_level=False) & (
        Q(pair_first_start__lte=latest(t.leader_years))
        | (
            Q(
                pair_terms__gte=max(t.max_terms, 1),
                pair_first_start__lte=latest(t.term_years),
            )
            if t.max_terms > 0
            else Q(pk__in=[])
        )
    )
    key_middle = Q(
        post__is_middle_level=True,
        post__organization__kind=OrgKind.CITY_ORGAN,
        pair_first_start__lte=latest(t.key_middle_years),
    ) & ~Q(post__key_categories=[])
    return leader | key_middle


def _with_pair_tenure(qs, on: dt.date):
    pair = (
        Appointment.objects.filter(
            cadre_id=OuterRef("cadre_id"), post_id=OuterRef("post_id"), start_date__lte=on
        )
        .order_by()
        .values("cadre_id", "post_id")
    )
    return qs.annotate(
        pair_first_start=Subquery(pair.annotate(m=Min("start_date")).values("m")[:1]),
        pair_terms=Subquery(pair.annotate(n=Count("id")).values("n")[:1]),
    )


def _spans(pairs: set[tuple[int, int]], on: dt.date) -> dict[tuple[int, int], list[rules.Span]]:
    """The tenures up to `on` of each (cadre, post) pair (one query)."""
    spans: dict[tuple[int, int], list[rules.Span]] = defaultdict(list)
    if pairs:
        for cid, pid, start, end in Appointment.objects.filter(
            cadre_id__in={p[0] for p in pairs}, post_id__in={p[1] for p in pairs}, start_date__lte=on
        ).values_list("cadre_id", "post_id", "start_date", "end_date"):
            if (cid, pid) in pairs:
                spans[(cid, pid)].append(rules.Span(start, end))
    return spans


def _due_base(user, action: str, on: dt.date, cadre_ids=None):
    """The current appointments whose rotation rules are read on `on`, in `user`'s scope."""
    base = (
        Appointment.objects.restrict(user, _appointment_spec(action))
        .current(on)
        .filter(is_secondment=False)
        .filter(Q(post__is_leading=True, post__is_middle_level=False) | Q(post__is_middle_level=True))
        .select_related("cadre", "post", "post__organization")
    )
    if on >= timezone.localdate():
        base = base.filter(cadre__status=CadreStatus.ACTIVE)
    if cadre_ids is not None:
        base = base.filter(cadre_id__in=cadre_ids)
    return base


def _rule_items(base, on: dt.date, t: rules.Thresholds, *, include_warning: bool = True):
    """The due items from the rotation rules (no avoidance cases) over the appointments of
    `base`, by key "cadre:post", and the tenure spans read for them (two queries)."""
    # Only the appointments that may be due are built (the database drops the rest).
    candidates = due_candidates_q(on, t, include_warning=include_warning)
    current = list(_with_pair_tenure(base, on).filter(candidates))
    spans = _spans({(a.cadre_id, a.post_id) for a in current}, on)
    items: dict[str, DueItem] = {}
    for a in current:
        run = rules.current_run(spans[(a.cadre_id, a.post_id)], on, t.join_gap_days)
        if run is None:
            continue
        facts = rules.PostFacts(
            is_leading=a.post.is_leading,
            is_middle_level=a.post.is_middle_level,
            is_key=bool(a.post.key_categories),
            org_kind=a.post.organization.kind,
        )
        findings = rules.due_findings(run, facts, on, t)
        if not include_warning:
            findings = [f for f in findings if f.state != DueState.WARNING]
        if not findings:
            continue
        item = DueItem(
            cadre=a.cadre,
            appointment=a,
            post=a.post,
            organization=a.post.organization,
            run_start=run.start,
            terms=run.terms,
            years=rules.decimal_years(run.start, on),
            full_years=rules.full_years(run.start, on),
            findings=findings,
        )
        items[item.key] = item
    return items, spans


def _avoidance_pairs(user, action: str, on: dt.date, base, cadre_ids=None):
    """The avoidance cases (任职回避) open on `on` that `user` may see with `action`, each with
    the appointment it puts on the due list: the cadre's in-scope appointment of `base` if any,
    else any current home appointment of the cadre (the case is visible through its own unit
    even where the appointment is not), or None (no current appointment: not listed)."""
    cases = (
        AvoidanceCase.objects.restrict(user, action)
        .filter(raised_on__lte=on)
        .filter(Q(resolved_on__isnull=True) | Q(resolved_on__gt=on))
    )
    if cadre_ids is not None:
        cases = cases.filter(cadre_id__in=cadre_ids)
    cases = list(cases.select_related("cadre", "organization"))
    if not cases:
        return [], {}
    by_cadre = {a.cadre_id: a for a in base.filter(cadre_id__in={c.cadre_id for c in cases})}
    extra = {
        a.cadre_id: a
        for a in Appointment.objects.current(on)
        .filter(cadre_id__in=[c.cadre_id for c in cases if c.cadre_id not in by_cadre], is_secondment=False)
        .select_related("cadre", "post", "post__organization")
    }
    return [(c, by_cadre.get(c.cadre_id) or extra.get(c.cadre_id)) for c in cases], by_cadre


def due_items(
    *,
    user,
    action: str = "view",
    on: dt.date | None = None,
    cadre_ids=None,
    include_warning: bool = True,
    thresholds: rules.Thresholds | None = None,
    with_plans: bool = True,
) -> list[DueItem]:
    """Cadres due (or soon due) to rotate on `on`: one row per cadre and post, every rule it
    triggers, earliest mandatory date first. Constant number of queries.

    Over the posts of the units where `user` may perform the rotation `action` ("view", or
    "stats" for the statistics); the sweep passes `permissions.SYSTEM`. `with_plans=False`
    leaves each item's `plan_item` unread (None)."""
    on = on or timezone.localdate()
    t = thresholds or load_thresholds()
    base = _due_base(user, action, on, cadre_ids)
    items, spans = _rule_items(base, on, t, include_warning=include_warning)
    labels = dict(DueRule.choices)
    # Avoidance cases raised by hand (任职回避): due at once, on the cadre's primary post.
    pairs, by_cadre = _avoidance_pairs(user, action, on, base, cadre_ids)
    if pairs:
        # The tenure runs of the in-scope appointments the candidate filter left out.
        spans.update(_spans({(a.cadre_id, a.post_id) for a in by_cadre.values()} - set(spans), on))
        for case, a in pairs:
            if a is None:
                continue
            finding = rules.DueFinding(DueRule.AVOIDANCE, case.raised_on, case.raised_on, DueState.OVERDUE)
            key = f"{a.cadre_id}:{a.post_id}"
            if key in items:
                items[key].findings = sorted(
                    [*items[key].findings, finding], key=lambda f: (f.mandatory_date, f.rule)
                )
                items[key].avoidance = case
            else:
                run = rules.current_run(
                    spans.get((a.cadre_id, a.post_id), [rules.Span(a.start_date, a.end_date)]),
                    on,
                    t.join_gap_days,
                )
                start = run.start if run else a.start_date
                items[key] = DueItem(
                    cadre=a.cadre,
                    appointment=a,
                    post=a.post,
                    organization=a.post.organization,
                    run_start=start,
                    terms=run.terms if run else 1,
                    years=rules.decimal_years(start, on),
                    full_years=rules.full_years(start, on),
                    findings=[finding],
                    avoidance=case,
                )
    out = sorted(items.values(), key=lambda i: (i.mandatory_date, i.organization.path, i.cadre.name))
    for item in out:
        item.rules_labels = [str(labels.get(f.rule, f.rule)) for f in item.findings]
    if out and with_plans:
        plan_items = PlanItem.objects.filter(
            plan__year=on.year, cadre_id__in=[i.cadre.pk for i in out]
        ).select_related("plan")
        by_cadre = {p.cadre_id: p for p in plan_items}
        for item in out:
            item.plan_item = by_cadre.get(item.cadre.pk)
    return out


# --- the materialised due list (statistics) ------------------------------------------------------

FINGERPRINT_MODELS = (Appointment, Cadre, Organization, Post)


def snapshot_dates(today: dt.date) -> tuple[dt.date, ...]:
    """The dates the daily sweep materialises: today (the due counts) and 1 January (the
    year's execution: who is due by 31 December)."""
    return (today, dt.date(today.year, 1, 1))


def data_fingerprint() -> dict[str, int | None]:
    """The latest history event of every table the due list is computed from (one query): any
    insert, update or delete of an appointment, cadre, organization or post changes it,
    queryset updates and bulk writes included (the history is kept by triggers)."""
    from django.db import connection

    tables = [m.pgh_event_model._meta.db_table for m in FINGERPRINT_MODELS]
    sql = "SELECT " + ", ".join(f"(SELECT max(pgh_id) FROM {t})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        values = cursor.fetchone()
    return {m._meta.label_lower: v for m, v in zip(FINGERPRINT_MODELS, values, strict=True)}


def fresh_snapshots(dates, *, thresholds: rules.Thresholds | None = None) -> dict[dt.date, DueSnapshot]:
    """The snapshots of `dates` that may be read instead of the live due list (two queries at
    most): computed today, with the current thresholds, not marked stale and with the current
    data fingerprint. A date without a fresh snapshot is absent."""
    from dataclasses import asdict

    today = timezone.localdate()
    snaps = [
        s for s in DueSnapshot.objects.filter(on__in=list(dates)) if not s.stale and s.computed_on == today
    ]
    if not snaps:
        return {}
    t = asdict(thresholds or load_thresholds())
    fingerprint = data_fingerprint()
    return {s.on: s for s in snaps if s.thresholds == t and s.fingerprint == fingerprint}


def fresh_snapshot(on: dt.date, *, thresholds: rules.Thresholds | None = None) -> DueSnapshot | None:
    return fresh_snapshots([on], thresholds=thresholds).get(on)


@dataclass
class DueCount:
    """What the statistics need of a due item: its unit, state, rules and mandatory date."""

    cadre_id: int
    post_id: int
    organization_id: int
    state: str
    mandatory_date: dt.date
    rules: list[str]


@dataclass
class DueSummary:
    on: dt.date
    items: list[DueCount]
    snapshot: DueSnapshot | None = None  # None: computed live

    def meta(self) -> dict:
        s = self.snapshot
        return {
            "on": self.on,
            "source": "snapshot" if s else "live",
            "refreshed_at": s.refreshed_at if s else None,
            "refresh_seconds": round(s.refresh_seconds, 3) if s else None,
        }


def _merge_avoidance(items: dict[str, DueCount], pairs) -> None:
    """Put the avoidance cases on the due counts exactly as `due_items` does: on the item of the
    same cadre and post (overdue, earliest mandatory date) or as a new overdue item."""
    for case, a in pairs:
        if a is None:
            continue
        key = f"{a.cadre_id}:{a.post_id}"
        if key in items:
            item = items[key]
            item.rules = [*item.rules, DueRule.AVOIDANCE]
            item.state = DueState.OVERDUE
            item.mandatory_date = min(item.mandatory_date, case.raised_on)
        else:
            items[key] = DueCount(
                a.cadre_id,
                a.post_id,
                a.post.organization_id,
                DueState.OVERDUE,
                case.raised_on,
                [DueRule.AVOIDANCE],
            )


def due_summaries(*, user, action: str = "stats", dates) -> dict[dt.date, DueSummary]:
    """The due list of `user`'s scope on each of `dates`, reduced to what the statistics count:
    the same items as `due_items(user=, action=, on=)` (tests/rotations/test_due_snapshot.py
    compares them).

    On the `snapshot_dates` the rule findings come from the materialised snapshots (one query
    for all dates), read through `Appointment.objects.restrict()` on the appointments their rows
    point to; the avoidance cases are merged live with the caller's scope (the case visible
    through its own unit, its appointment possibly not). A snapshot missing or not fresh is
    refreshed first, synchronously (`services.due_snapshot_refresh`), so a number is never an
    old one. Other dates are computed live."""
    today = timezone.localdate()
    wanted = list(dict.fromkeys(dates))
    materialised = [d for d in wanted if d in snapshot_dates(today)]
    out = {
        d: DueSummary(d, [_count_of(i) for i in due_items(user=user, action=action, on=d)])
        for d in wanted
        if d not in materialised
    }
    if not materialised:
        return out
    t = load_thresholds()
    snaps = fresh_snapshots(materialised, thresholds=t)
    for d in materialised:
        if d not in snaps:
            from .services import due_snapshot_refresh

            snaps[d] = due_snapshot_refresh(on=d)
    items: dict[int, dict[str, DueCount]] = {s.pk: {} for s in snaps.values()}
    for sid, *r in DueSnapshotItem.objects.filter(
        snapshot_id__in=list(items),
        appointment_id__in=Appointment.objects.restrict(user, _appointment_spec(action)).values("id"),
    ).values_list(
        "snapshot_id", "cadre_id", "post_id", "organization_id", "state", "mandatory_date", "rules"
    ):
        items[sid][f"{r[0]}:{r[1]}"] = DueCount(*r)
    for d in materialised:
        found = items[snaps[d].pk]
        pairs, _by_cadre = _avoidance_pairs(user, action, d, _due_base(user, action, d))
        _merge_avoidance(found, pairs)
        out[d] = DueSummary(d, list(found.values()), snaps[d])
    return out


def due_summary(*, user, action: str = "stats", on: dt.date | None = None) -> DueSummary:
    """`due_summaries` of one date (today by default)."""
    on = on or timezone.localdate()
    return due_summaries(user=user, action=action, dates=[on])[on]


def _count_of(item: DueItem) -> DueCount:
    return DueCount(
        item.cadre.pk,
        item.post.pk,
        item.organization.pk,
        item.state,
        item.mandatory_date,
        [f.rule for f in item.findings],
    )


def snapshot_rows(on: dt.date, t: rules.Thresholds) -> list[tuple[int, DueCount]]:
    """The whole city's rule items on `on` (no avoidance cases) with their appointments' ids,
    to be materialised."""
    items, _spans = _rule_items(_due_base(SYSTEM, "stats", on), on, t)
    return [(i.appointment.pk, _count_of(i)) for i in items.values()]


# --- reminder recipients ----------------------------------------------------------------------------


def recipients_by_org(organization_ids, codename: str = "manage_rotations") -> dict[int, set[int]]:
    """Users holding `codename` over each organization (see cadre_supervision.permissions)."""
    return users_with_org_perm(organization_ids, codename)


# --- execution ----------------------------------------------------------------------------------------


@dataclass
class ExecutionRow:
    organization: Organization
    plan: RotationPlan | None = None
    planned: int = 0
    done: int = 0
    due: int = 0
    rotated: int = 0

    @property
    def plan_rate(self) -> float | None:
        return rules.execution_rate(self.done, self.planned)

    @property
    def due_rate(self) -> float | None:
        return rules.execution_rate(self.rotated, self.due)

    @property
    def stalled(self) -> bool:
        return self.plan_rate is not None and self.plan_rate < 50


def execution_by_org(
    *, user, year: int, action: str = "view", due: list[DueCount] | None = None
) -> list[ExecutionRow]:
    """Per organization for `year`: planned vs done (plan items) and due vs rotated (cadres due
    by 31 December as of 1 January, and how many of them were exchanged out of that post
    during the year). Ranked by plan execution rate, best first; units without a plan last.

    `due`: the due counts as of 1 January of `year` for `user` and `action` when the caller has
    them (the statistics pass `due_summary(...).items`); else computed with `due_items`."""
    rows: dict[int, ExecutionRow] = {}
    plans = (
        RotationPlan.objects.restrict(user, action)
        .filter(year=year)
        .select_related("organization")
        .annotate(
            n_planned=Count("items", filter=~Q(items__status=PlanItemStatus.CANCELLED)),
            n_done=Count("items", filter=Q(items__status=PlanItemStatus.DONE)),
        )
    )
    for p in plans:
        rows[p.organization_id] = ExecutionRow(p.organization, p, p.n_planned, p.n_done)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if due is None:
        due = [_count_of(i) for i in due_items(user=user, action=action, on=start)]
    due = [i for i in due if i.mandatory_date <= end]
    if due:
        exchanged = set(
            Exchange.objects.filter(
                effective_date__range=(start, end),
                cadre_id__in={i.cadre_id for i in due},
            )
            .exclude(kind=ExchangeKind.SECONDMENT)
            .values_list("cadre_id", "from_post_id")
        )
        # The units of the due posts (an avoidance case's post may lie outside the reader's
        # scope: it is counted under its own unit, as the due list shows it).
        missing = {i.organization_id for i in due} - set(rows)
        units = Organization.objects.in_bulk(missing) if missing else {}
        for i in due:
            row = rows.get(i.organization_id)
            if row is None:
                row = rows[i.organization_id] = ExecutionRow(units[i.organization_id])
            row.due += 1
            if (i.cadre_id, i.post_id) in exchanged:
                row.rotated += 1
    return sorted(
        rows.values(),
        key=lambda r: (r.plan_rate is None, -(r.plan_rate or 0), -(r.due_rate or 0), r.organization.path),
    )


def execution_by_org_kind(rows: list[ExecutionRow]) -> list[dict]:
    agg: dict[str, dict] = {}
    labels = dict(OrgKind.choices)
    for r in rows:
        a = agg.setdefault(
            r.organization.kind,
            {
                "org_kind": r.organization.kind,
                "label": str(labels.get(r.organization.kind, "")),
                "planned": 0,
                "done": 0,
                "due": 0,
                "rotated": 0,
            },
        )
        for k in ("planned", "done", "due", "rotated"):
            a[k] += getattr(r, k)
    for a in agg.values():
        a["plan_rate"] = rules.execution_rate(a["done"], a["planned"])
        a["due_rate"] = rules.execution_rate(a["rotated"], a["due"])
    return sorted(agg.values(), key=lambda a: a["org_kind"])


# --- figures ----------------------------------------------------------------------------------------------


def exchange_figures(qs) -> dict:
    """Essay 1's figures over an already scoped Exchange queryset."""
    by = Counter()
    years = set()
    for kind, year, n in (
        qs.values_list("kind", "effective_date__year")
        .annotate(n=Count("id"))
        .values_list("kind", "effective_date__year", "n")
    ):
        by[(kind, year)] += n
        years.add(year)
    years = sorted(years)
    kinds = [
        {
            "kind": k,
            "label": str(label),
            "by_year": [by.get((k, y), 0) for y in years],
            "total": sum(by.get((k, y), 0) for y in years),
        }
        for k, label in ExchangeKind.choices
    ]
    # The three movement figures in one aggregate (cadres counted once each).
    to_head = ~Q(to_top_leader_kind="")
    township_to_city = Q(from_org_kind=OrgKind.TOWNSHIP, to_org_kind=OrgKind.CITY_ORGAN)
    moved = qs.order_by().aggregate(
        secretaries=Count(
            "cadre_id", distinct=True, filter=township_to_city & Q(from_top_leader_kind="party") & to_head
        ),
        to_township_heads=Count(
            "cadre_id",
            distinct=True,
            filter=Q(from_org_kind=OrgKind.CITY_ORGAN, to_org_kind=OrgKind.TOWNSHIP) & to_head,
        ),
        township_to_city=Count("cadre_id", distinct=True, filter=township_to_city),
    )
    secretaries, to_township_heads, township_to_city = (
        moved["secretaries"],
        moved["to_township_heads"],
        moved["township_to_city"],
    )
    return {
        "years": years,
        "kinds": kinds,
        "totals_by_year": [sum(by.get((k, y), 0) for k, _l in ExchangeKind.choices) for y in years],
        "total": sum(by.values()),
        "township_to_city_cadres": township_to_city,
        "township_secretaries_to_city_heads": secretaries,
        "city_cadres_to_township_heads": to_township_heads,
    }


# --- second line -------------------------------------------------------------------------------------------


def secondline_with_roles(qs):
    """Annotate each record with the roles of its confirmed assignments (one query)."""
    return qs.annotate(
        confirmed_roles=ArrayAgg(
            "assignments__role",
            filter=Q(assignments__status=AssignmentStatus.CONFIRMED),
            distinct=True,
            default=[],
        )
    )


def utilisation_of(record) -> str:
    roles = getattr(record, "confirmed_roles", None)
    if roles is None:
        roles = [a.role for a in record.assignments.all() if a.status == AssignmentStatus.CONFIRMED]
    return rules.utilisation(record.status, record.work_status, [r for r in roles if r])


def utilisation_total(qs) -> dict:
    """The city-wide row of `utilisation_table` alone (what the statistics answer): the records
    read as tuples, without building the per-unit rows (one query)."""
    counts: Counter = Counter()
    n = willing = 0
    rows = (
        secondline_with_roles(qs.exclude(status=SecondLineStatus.ENDED))
        .order_by()
        .values_list("status", "work_status", "willing_to_serve", "confirmed_roles")
    )
    for status, work_status, willing_to_serve, roles in rows:
        counts[rules.utilisation(status, work_status, [r for r in roles if r])] += 1
        n += 1
        willing += 1 if willing_to_serve else 0
    return {
        "counts": counts,
        "n": n,
        "willing": willing,
        "rate": rules.utilisation_rate(dict(counts)),
        "willing_rate": round(100.0 * willing / n, 1) if n else None,
    }


def utilisation_table(qs) -> dict:
    """Essay 3's table over a scoped SecondLineRecord queryset: per unit and city-wide."""
    cats = [c for c, _l in Utilisation.choices]
    per_unit: dict[int, dict] = {}
    total = {"counts": Counter(), "willing": 0, "n": 0}
    records = secondline_with_roles(
        qs.exclude(status=SecondLineStatus.ENDED).select_related("cadre__organization")
    ).order_by()
    for r in records:
        cat = utilisation_of(r)
        org = r.cadre.organization
        u = per_unit.setdefault(org.pk, {"organization": org, "counts": Counter(), "willing": 0, "n": 0})
        for bucket in (u, total):
            bucket["counts"][cat] += 1
            bucket["n"] += 1
            bucket["willing"] += 1 if r.willing_to_serve else 0

    def finish(b):
        return {
            **b,
            "cells": [b["counts"].get(c, 0) for c in cats],
            "rate": rules.utilisation_rate(dict(b["counts"])),
            "willing_rate": round(100.0 * b["willing"] / b["n"], 1) if b["n"] else None,
        }

    units = sorted((finish(u) for u in per_unit.values()), key=lambda u: u["organization"].path)
    return {
        "categories": [(c, str(label)) for c, label in Utilisation.choices],
        "units": units,
        "total": finish(total),
    }
