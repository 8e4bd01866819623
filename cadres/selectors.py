"""Reads of the registry. Every selector takes `user=` and goes through `restrict()`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q, QuerySet
from django.db.models.functions import Left, Length
from django.utils import timezone

from cadre_supervision import policy
from cadre_supervision.history import history_for
from cadre_supervision.permissions import has_org_perm

from . import rules
from .choices import VerificationItem, VerificationStatus
from .models import (
    AnnualAssessment,
    Appointment,
    Cadre,
    DossierVerification,
    Organization,
    Post,
    ResumeLine,
    Sanction,
    TrainingRecord,
)

# --- organizations -----------------------------------------------------------------------------


@dataclass
class OrgNode:
    org: Organization
    cadres: int = 0
    top_leaders: int = 0
    children: list[OrgNode] = field(default_factory=list)
    subtree: int | None = None  # cadres in the unit and below (in scope), when counted
    has_children: bool = False  # visible children exist (loaded or not)

    @property
    def cadres_in_subtree(self) -> int:
        if self.subtree is not None:
            return self.subtree
        return self.cadres + sum(c.cadres_in_subtree for c in self.children)

    @property
    def children_loaded(self) -> bool:
        return bool(self.children) or not self.has_children


def organizations_visible(*, user, action: str = "view") -> QuerySet[Organization]:
    return Organization.objects.restrict(user, action).order_by("path")


def _org_nodes(*, user, orgs: QuerySet[Organization], today: dt.date) -> list[OrgNode]:
    """Nodes for `orgs` with their counts, in a bounded number of queries whatever the tree's
    size: the units (with "has visible children"), one grouped cadre count per distinct path
    length (own and subtree counts together; normally one), one grouped 一把手 count."""
    # Every unit here is in scope, and a grant covers its subtree: a unit's children are all
    # visible, so "has visible children" is "is some unit's parent", one hashed set of parent
    # ids. (As a correlated EXISTS the planner expected an early hit and scanned the whole
    # table once per childless unit: 43 ms for the city's 861 units.)
    parents = Organization.objects.filter(parent_id__isnull=False).values("parent_id")
    units = list(
        orgs.annotate(has_kids=ExpressionWrapper(Q(pk__in=parents), output_field=BooleanField())).order_by(
            "sort_order", "name", "id"
        )
    )
    if not units:
        return []
    cadres = Cadre.objects.restrict(user, "view")
    own: dict[str, int] = {}
    subtree: dict[str, int] = {}
    for length in sorted({len(o.path) for o in units}):
        prefixes = [o.path for o in units if len(o.path) == length]
        rows = (
            cadres.annotate(prefix=Left("organization__path", length), plen=Length("organization__path"))
            .filter(prefix__in=prefixes)
            .values("prefix")
            .annotate(n=Count("id"), own=Count("id", filter=Q(plen=length)))
            .values_list("prefix", "n", "own")
        )
        for prefix, n, n_own in rows:
            subtree[prefix], own[prefix] = n, n_own
    top_counts = dict(
        Appointment.objects.restrict(user, "view")
        .current(today)
        .top_leaders()
        .filter(post__organization_id__in=[o.pk for o in units])
        .values_list("post__organization_id")
        .annotate(n=Count("cadre_id", distinct=True))
        .values_list("post__organization_id", "n")
    )
    return [
        OrgNode(
            o,
            cadres=own.get(o.path, 0),
            top_leaders=top_counts.get(o.pk, 0),
            subtree=subtree.get(o.path, 0),
            has_children=o.has_kids,
        )
        for o in units
    ]


def organization_tree(*, user, today: dt.date | None = None, levels: int = 2) -> list[OrgNode]:
    """The first `levels` (1 or 2) of the part of the tree `user` may see, with counts; deeper
    units load on demand (`organization_children`). An organization whose parent is out of
    scope becomes a root of the returned forest. Queries are bounded: units, counts and
    一把手 per level shown."""
    today = today or timezone.localdate()
    visible = Organization.objects.restrict(user, "view")
    root_ids = visible.exclude(parent_id__in=visible.values("pk")).values("pk")
    shown = Q(pk__in=root_ids) | Q(parent_id__in=root_ids) if levels > 1 else Q(pk__in=root_ids)
    nodes = _org_nodes(user=user, orgs=visible.filter(shown), today=today)
    by_pk = {n.org.pk: n for n in nodes}
    roots = []
    for node in nodes:  # in sibling order
        parent = by_pk.get(node.org.parent_id)
        (parent.children if parent else roots).append(node)
    return roots


def organization_children(*, user, parent: Organization, today: dt.date | None = None) -> list[OrgNode]:
    """The visible children of `parent` (itself in scope), with counts."""
    today = today or timezone.localdate()
    visible = Organization.objects.restrict(user, "view")
    return _org_nodes(user=user, orgs=visible.filter(parent_id=parent.pk), today=today)


def organization_summary(*, user, organization: Organization, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    posts = list(posts_with_holders(user=user, today=today).filter(organization=organization))
    children = list(organizations_visible(user=user).filter(parent=organization))
    cadres_visible = Cadre.objects.restrict(user, "view")
    return {
        "posts": posts,
        "children": children,
        "cadre_count": cadres_visible.filter(organization=organization).count(),
        "subtree_cadre_count": cadres_visible.filter(
            organization__path__startswith=organization.path
        ).count(),
        "top_leader_holders": [a for p in posts if p.is_top_leader for a in p.current_appointments],
    }


# --- posts -------------------------------------------------------------------------------------


def posts_with_holders(*, user, today: dt.date | None = None, action: str = "view") -> QuerySet[Post]:
    """Posts in scope with their current tenures prefetched (`post.current_appointments`)."""
    today = today or timezone.localdate()
    return (
        Post.objects.restrict(user, action)
        .select_related("organization")
        .prefetch_related(
            Prefetch(
                "appointments",
                queryset=Appointment.objects.current(today).select_related("cadre").order_by("start_date"),
                to_attr="current_appointments",
            )
        )
    )


def post_tenures(*, post: Post) -> list[Appointment]:
    """Every tenure of a post (current and past), newest first."""
    return list(post.appointments.select_related("cadre", "post").order_by("-start_date", "-id"))


# --- cadres ------------------------------------------------------------------------------------


def headed_organization_ids(user) -> list[int]:
    """The units whose 一把手 post (not a secondment) the cadre linked to `user` holds today:
    the personal jurisdiction HEADED (registered in apps.py)."""
    return list(
        Appointment.objects.current()
        .filter(cadre__user=user, is_secondment=False)
        .top_leaders()
        .values_list("post__organization_id", flat=True)
    )


def cadre_list(*, user, action: str = "view") -> QuerySet[Cadre]:
    return Cadre.objects.restrict(user, action).select_related("organization").with_current()


def cadre_appointments(*, cadre: Cadre) -> list[Appointment]:
    """The career history (tenure timeline), newest first."""
    return list(
        Appointment.objects.filter(cadre=cadre)
        .select_related(
            "post",
            "post__organization",
            "cadre",
            "recommender_cadre",
            "recommender_user",
            "reviewer_cadre",
            "reviewer_user",
        )
        .order_by("-start_date", "-id")
    )


def can_manage(user, organization_id: int | None) -> bool:
    return organization_id is not None and has_org_perm(user, "manage_cadres", organization_id)


# --- history -----------------------------------------------------------------------------------


def _labelled(rows: list[dict], prefix: str = "") -> list[dict]:
    """The framework's history rows (labels beside the raw values), each naming its record."""
    return [{**row, "object": prefix} for row in rows]


def record_history(obj) -> list[dict]:
    """history_for(obj) with field labels in Chinese and citizen-ID columns hidden."""
    return _labelled(history_for(obj), str(obj._meta.verbose_name))


def cadre_history(*, cadre: Cadre) -> list[dict]:
    """The cadre's own events and those of all its appointments, newest first."""
    rows = record_history(cadre)
    for appt in Appointment.objects.filter(cadre=cadre).select_related("post", "post__organization"):
        rows.extend(_labelled(history_for(appt), f"任职：{appt.post}"))
    rows.sort(key=lambda r: (r["at"], r["id"]), reverse=True)
    return rows


# --- rule 1 as a warning source ----------------------------------------------------------------------


def portfolio_warnings(user, cadre_ids=None):
    """一把手分管违规 (rule 1): a current 一把手 tenure in the caller's scope whose structured
    portfolio holds an area the catalogue forbids to a 一把手. Registered as the warning
    source "cadres.portfolio" (cadres/apps.py); two queries whatever the number of rows."""
    from django.urls import reverse

    from cadre_supervision.registry import Warning

    from . import rules
    from .models import forbidden_area_codes, portfolio_area_labels

    forbidden = forbidden_area_codes()
    if not forbidden:
        return []
    qs = (
        Appointment.objects.restrict(user, "view")
        .current(timezone.localdate())
        .top_leaders()
        .filter(portfolio_areas__overlap=forbidden)
        .select_related("cadre", "post", "post__organization")
        .order_by("post__organization__path", "cadre_id", "id")
    )
    if cadre_ids is not None:
        qs = qs.filter(cadre_id__in=list(cadre_ids))
    out = []
    for a in qs:
        labels = portfolio_area_labels(rules.portfolio_violations(True, a.portfolio_areas, forbidden))
        out.append(
            Warning(
                cadre_id=a.cadre_id,
                kind="cadres.portfolio",
                title="一把手分管违规预警",
                detail=(
                    f"{a.cadre.name}现任{a.post.organization.name}{a.post.title}（一把手），分管"
                    + "、".join(f"“{label}”" for label in labels)
                    + "。按规定，一把手不直接分管这些工作，请调整分工。"
                ),
                url=reverse("cadres:cadre_detail", args=[a.cadre_id]) + f"#appointment-{a.pk}",
                severity="danger",
                since=a.start_date,
                uid=f"cadres.appointment.{a.pk}.portfolio",
            )
        )
    return out


# --- the dossier (干部档案) ------------------------------------------------------------------------


@dataclass(frozen=True)
class ResumeRow:
    start: dt.date
    end: dt.date | None
    text: str
    source: str  # "entered" | "imported" | "tenure"
    secondary: bool = False
    line_id: int | None = None  # a ResumeLine (editable) or None for a tenure line

    @property
    def period(self) -> str:
        return rules.resume_period(self.start, self.end)

    @property
    def formatted(self) -> str:
        return rules.resume_line_text(self.start, self.end, self.text)

    def as_entry(self) -> rules.ResumeEntry:
        return rules.ResumeEntry(self.start, self.end, self.text, self.source, self.secondary)


def tenure_resume_text(appt: Appointment) -> str:
    org = appt.post.organization
    text = f"{org.name}{appt.post.title}"
    return f"{text}（挂职）" if appt.is_secondment else text


def resume_rows(lines, appointments) -> list[ResumeRow]:
    """简历: entered/imported lines before the system, then one line per tenure (from the
    tenures themselves, never typed twice), in date order. A tenure sharing its period with
    another (兼任, 挂职) is a secondary line."""
    rows = [ResumeRow(r.start_month, r.end_month, r.text, r.source, False, r.pk) for r in lines]
    tenures = sorted(appointments, key=lambda a: (a.start_date, a.pk))
    main_ids: set[int] = set()
    for a in tenures:
        concurrent = a.is_secondment or any(
            b.pk in main_ids and rules.periods_overlap(a.start_date, a.end_date, b.start_date, b.end_date)
            for b in tenures
        )
        if not concurrent:
            main_ids.add(a.pk)
        rows.append(
            ResumeRow(
                rules.first_of_month(a.start_date),
                rules.first_of_month(a.end_date),
                tenure_resume_text(a),
                "tenure",
                concurrent,
            )
        )
    return sorted(rows, key=lambda r: (r.start, r.end or dt.date.max, r.source != "tenure"))


@dataclass
class Resume:
    rows: list[ResumeRow]
    issues: list[rules.ResumeIssue]


def cadre_resume(*, cadre: Cadre, today: dt.date | None = None) -> Resume:
    """The cadre's résumé (经历) with its gaps and overlaps flagged. The caller has already
    read `cadre` through restrict()."""
    today = today or timezone.localdate()
    lines = list(ResumeLine.objects.filter(cadre=cadre))
    appointments = list(
        Appointment.objects.filter(cadre=cadre, start_date__lte=today).select_related(
            "post", "post__organization"
        )
    )
    rows = resume_rows(lines, appointments)
    return Resume(rows, rules.resume_issues([r.as_entry() for r in rows], today=today))


@dataclass(frozen=True)
class VerificationState:
    item: str
    label: str
    status: str  # a VerificationStatus value; "pending" where no row exists
    status_label: str
    row: DossierVerification | None


@dataclass(frozen=True)
class DossierCheck:
    """ "凡提必审": are all six of 三龄两历一身份 verified, and which are open."""

    cadre_id: int
    complete: bool
    items: list[VerificationState]
    open_items: list[str]
    doubtful_items: list[str]


def dossier_verification(*, user, cadre: Cadre) -> DossierCheck | None:
    """The 三龄两历一身份 认定 of one cadre as `user` may see it (None when out of scope)."""
    return dossier_verifications(user=user, cadre_ids=[cadre.pk]).get(cadre.pk)


def dossier_verifications(*, user, cadre_ids) -> dict[int, DossierCheck]:
    """Batch form (one query for the cadres, one for the rows): {cadre_id: DossierCheck}."""
    visible = set(
        Cadre.objects.restrict(user, "view").filter(pk__in=list(cadre_ids)).values_list("pk", flat=True)
    )
    rows: dict[int, dict[str, DossierVerification]] = {pk: {} for pk in visible}
    for v in (
        DossierVerification.objects.restrict(user, "view")
        .filter(cadre_id__in=visible)
        .select_related("verified_by")
    ):
        rows[v.cadre_id][v.item] = v
    # The labels are translated once per call, not once per cadre and item.
    item_labels = [(item, str(label)) for item, label in VerificationItem.choices]
    labels = {k: str(v) for k, v in VerificationStatus.choices}
    all_items = VerificationItem.values
    out = {}
    for pk, by_item in rows.items():
        summary = rules.verification_summary({i: v.status for i, v in by_item.items()}, all_items)
        items = []
        for item, label in item_labels:
            row = by_item.get(item)
            status = row.status if row is not None else VerificationStatus.PENDING
            items.append(VerificationState(item, label, status, labels[status], row))
        out[pk] = DossierCheck(pk, summary.complete, items, summary.open_items, summary.doubtful_items)
    return out


def dossier_open_items(*, user, cadre_ids=None) -> dict[int, rules.VerificationSummary]:
    """The cadres in `user`'s scope (of `cadre_ids`, or all) whose 三龄两历一身份 is not fully
    verified: {cadre_id: summary}, from one query of (cadre, item, status) triples (the warning
    source over a whole scope: no row objects, the scope as a subquery)."""
    cadres = Cadre.objects.restrict(user, "view")
    if cadre_ids is not None:
        cadres = cadres.filter(pk__in=list(cadre_ids))
    statuses: dict[int, dict[str, str]] = {pk: {} for pk in cadres.values_list("pk", flat=True)}
    # Per cadre, its verified and its doubtful items, aggregated in the database (a sixth of the
    # rows of one triple per item); the other items read as pending, as rows absent do. Rows of
    # cadres outside `cadres` are skipped below (no second scope subquery in the SQL).
    rows = (
        DossierVerification.objects.restrict(user, "view")
        .order_by()
        .values("cadre_id")
        .annotate(
            verified=ArrayAgg("item", filter=Q(status=VerificationStatus.VERIFIED), default=[]),
            doubtful=ArrayAgg("item", filter=Q(status=VerificationStatus.DOUBTFUL), default=[]),
        )
        .values_list("cadre_id", "verified", "doubtful")
    )
    if cadre_ids is not None:
        rows = rows.filter(cadre_id__in=list(statuses))
    for cid, verified, doubtful in rows:
        if cid in statuses:
            statuses[cid] = {
                **dict.fromkeys(verified, VerificationStatus.VERIFIED),
                **dict.fromkeys(doubtful, VerificationStatus.DOUBTFUL),
            }
    out = {}
    all_items = VerificationItem.values  # an enum property that rebuilds its list per call
    for cid, by_item in statuses.items():
        summary = rules.verification_summary(by_item, all_items)
        if not summary.complete:
            out[cid] = summary
    return out


def sanctions_barring_promotion(*, user, on: dt.date | None = None, cadre_ids=None) -> QuerySet[Sanction]:
    """Sanctions during whose period promotion is barred on `on` (default today), in scope of
    `view_sanctions`."""
    qs = Sanction.objects.restrict(user, "view").barring_on(on or timezone.localdate())
    if cadre_ids is not None:
        qs = qs.filter(cadre_id__in=list(cadre_ids))
    return qs.select_related("cadre", "cadre__organization").order_by(
        "cadre__organization__path", "cadre__name", "-decision_date"
    )


def cadre_assessments(*, user, cadre: Cadre, since: int | None = None) -> QuerySet[AnnualAssessment]:
    """A cadre's 年度考核 in `user`'s scope, newest year first (`since`: from that year on)."""
    qs = AnnualAssessment.objects.restrict(user, "view").filter(cadre=cadre)
    if since is not None:
        qs = qs.filter(year__gte=since)
    return qs.select_related("recorded_by").order_by("-year")


def latest_assessments(assessments, *, years: int = 3) -> list[AnnualAssessment]:
    return sorted(assessments, key=lambda a: a.year, reverse=True)[:years]


# --- training (教育培训) ----------------------------------------------------------------------------

_CN_DIGITS = "零一二三四五六七八九十"


def _cn_years(n: int) -> str:
    return _CN_DIGITS[n] if 0 <= n <= 10 else str(n)


@dataclass(frozen=True)
class TrainingNorm:
    """The norm of 《干部教育培训工作条例》 as the policy settings give it."""

    years: int
    min_hours: int
    min_days: int

    @property
    def text(self) -> str:
        days = f"{self.min_days // 30} 个月" if self.min_days % 30 == 0 else f"{self.min_days} 天"
        return f"{self.years} 年 {self.min_hours} 学时或 {days}"

    @property
    def window_label(self) -> str:
        return f"近{_cn_years(self.years)}年"


def training_norm() -> TrainingNorm:
    """The norm from the policy settings (one query)."""
    v = policy.get_many("cadres.training.years", "cadres.training.min_hours", "cadres.training.min_days")
    return TrainingNorm(
        years=v["cadres.training.years"],
        min_hours=v["cadres.training.min_hours"],
        min_days=v["cadres.training.min_days"],
    )


@dataclass(frozen=True)
class TrainingSummary:
    """A cadre's training within the norm's window (rules.training_total) and the norm."""

    total: rules.TrainingTotal
    norm: TrainingNorm

    @property
    def hours(self) -> float:
        return self.total.hours

    @property
    def days(self) -> int:
        return self.total.days

    @property
    def met(self) -> bool:
        return self.total.met

    @property
    def any(self) -> bool:
        return self.total.hours > 0 or self.total.days > 0

    @property
    def figures(self) -> str:
        return f"{rules.hours_text(self.total.hours)} 学时、{self.total.days} 天"

    @property
    def line(self) -> str:
        """The cadre page's line: "近五年累计 312 学时、45 天，未达到 5 年 550 学时或 3 个月的要求"."""
        verdict = "达到" if self.met else "未达到"
        return f"{self.norm.window_label}累计 {self.figures}，{verdict} {self.norm.text}的要求"

    @property
    def verdict(self) -> str:
        """The pre-review's value: "312 学时、45 天，未达标（要求 5 年 550 学时或 3 个月）"."""
        if not self.any:
            return f"无培训记录（要求 {self.norm.text}）"
        return f"{self.figures}，{'达标' if self.met else '未达标'}（要求 {self.norm.text}）"


def training_summary(
    *, user, cadre_id: int, today: dt.date, norm: TrainingNorm | None = None
) -> TrainingSummary:
    """A cadre's training in `user`'s scope against the norm: one query for the records (one
    more for the norm unless given)."""
    norm = norm or training_norm()
    rows = (
        TrainingRecord.objects.restrict(user, "view")
        .filter(cadre_id=cadre_id)
        .values_list("start_date", "end_date", "hours")
    )
    total = rules.training_total(
        rows, today, years=norm.years, min_hours=norm.min_hours, min_days=norm.min_days
    )
    return TrainingSummary(total=total, norm=norm)


@dataclass
class RecommendedRow:
    appointment: Appointment
    role: str  # "推荐" | "考察"
    sanctions: list[Sanction]
    outcomes: list[tuple[str, str]]  # (source title, text)


def recommender_record(*, user, cadre: Cadre | None = None, user_obj=None) -> dict:
    """ "谁推荐谁负责": the tenures `cadre` (or a user) recommended or reviewed, in `user`'s
    scope, and what later happened to those cadres."""
    from django.db.models import Q

    from cadre_supervision import registry

    person_user = user_obj
    if cadre is not None:
        rec_q, rev_q = Q(recommender_cadre=cadre), Q(reviewer_cadre=cadre)
    else:
        rec_q, rev_q = Q(recommender_user=person_user), Q(reviewer_user=person_user)
    appts = list(
        Appointment.objects.restrict(user, "view")
        .filter(rec_q | rev_q)
        .select_related("cadre", "post", "post__organization", "recommender_cadre", "reviewer_cadre")
        .order_by("-start_date", "-id")
    )
    cadre_ids = sorted({a.cadre_id for a in appts})
    sanctions: dict[int, list[Sanction]] = {}
    for s in Sanction.objects.restrict(user, "view").filter(cadre_id__in=cadre_ids):
        sanctions.setdefault(s.cadre_id, []).append(s)
    outcomes: dict[int, list[tuple[str, str]]] = {}
    for source in registry.cadre_outcome_sources:
        for cid, texts in (source.collect(user, cadre_ids) or {}).items():
            outcomes.setdefault(cid, []).extend((source.title, t) for t in texts)
    rows = []
    for a in appts:
        recommended = (cadre is not None and a.recommender_cadre_id == cadre.pk) or (
            person_user is not None and a.recommender_user_id == person_user.pk
        )
        rows.append(
            RecommendedRow(
                a,
                "推荐" if recommended else "考察",
                sanctions.get(a.cadre_id, []),
                outcomes.get(a.cadre_id, []),
            )
        )
    return {
        "rows": rows,
        "with_consequences": sum(1 for r in rows if r.sanctions or r.outcomes),
        "sanction_visible": has_org_perm(user, "view_sanctions"),
    }


# --- people ------------------------------------------------------------------------------------------


def account_offices(user_ids: set[int]) -> dict[int, str]:
    """The office of each account linked to a cadre: the title of the cadre's current primary
    tenure (non-secondment, 一把手 and leading posts first), e.g. "党委书记". Registered as a
    person office source (cadres/apps.py); one query whatever the number of accounts."""
    rows = (
        Appointment.objects.current(timezone.localdate())
        .filter(cadre__user_id__in=user_ids)
        .values_list(
            "cadre__user_id",
            "post__title",
            "is_secondment",
            "post__top_leader_kind",
            "post__is_leading",
            "start_date",
        )
    )
    best: dict[int, tuple] = {}
    for uid, title, secondment, top, leading, start in rows:
        key = (secondment, not top, not leading, start)
        if uid not in best or key < best[uid][0]:
            best[uid] = (key, title)
    return {uid: title for uid, (_, title) in best.items()}
