"""Reads of the registry. Every selector takes `user=` and goes through `restrict()`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Left, Length
from django.utils import timezone

from cadre_supervision.history import history_for
from cadre_supervision.permissions import has_org_perm

from .models import Appointment, Cadre, Organization, Post

# Columns never shown in a rendered history diff (history_for already drops them).
HIDDEN_HISTORY_FIELDS = Cadre.history_hidden_fields


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
    visible = Organization.objects.restrict(user, "view")
    units = list(
        orgs.annotate(has_kids=Exists(visible.filter(parent_id=OuterRef("pk")))).order_by(
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


def cadre_list(*, user, action: str = "view") -> QuerySet[Cadre]:
    return Cadre.objects.restrict(user, action).select_related("organization").with_current()


def cadre_appointments(*, cadre: Cadre) -> list[Appointment]:
    """The career history (tenure timeline), newest first."""
    return list(
        Appointment.objects.filter(cadre=cadre)
        .select_related("post", "post__organization", "cadre")
        .order_by("-start_date", "-id")
    )


def can_manage(user, organization_id: int | None) -> bool:
    return organization_id is not None and has_org_perm(user, "manage_cadres", organization_id)


# --- history -----------------------------------------------------------------------------------


_EXTRA_LABELS = {"id": "编号", "created_at": "创建时间", "updated_at": "更新时间"}


def _display(value, choices: dict | None):
    if isinstance(value, bool):
        return "是" if value else "否"
    if choices:
        if isinstance(value, list):
            return "、".join(str(choices.get(v, v)) for v in value)
        return str(choices.get(value, value)) if value not in (None, "") else value
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return value


def _field_meta(model) -> tuple[dict[str, str], dict[str, dict]]:
    labels: dict[str, str] = dict(_EXTRA_LABELS)
    choices: dict[str, dict] = {}
    for f in model._meta.concrete_fields:
        verbose = str(f.verbose_name)
        if f.name not in _EXTRA_LABELS or verbose != f.name.replace("_", " "):
            labels[f.name] = verbose
        labels[f.attname] = labels[f.name]
        base = getattr(f, "base_field", None)
        flat = (base or f).flatchoices if (base or f).choices else None
        if flat:
            choices[f.attname] = {k: v for k, v in flat}
    return labels, choices


def _labelled(rows: list[dict], model, prefix: str = "") -> list[dict]:
    """Field names as Chinese labels, choice codes as their labels; citizen-ID columns dropped."""
    labels, choices = _field_meta(model)
    out = []
    for row in rows:
        row = dict(row)
        row["object"] = prefix
        row["changes"] = [
            {
                **c,
                "field": labels.get(c["field"], c["field"]),
                "before": _display(c["before"], choices.get(c["field"])),
                "after": _display(c["after"], choices.get(c["field"])),
            }
            for c in row["changes"]
            if c["field"] not in HIDDEN_HISTORY_FIELDS
        ]
        out.append(row)
    return out


def record_history(obj) -> list[dict]:
    """history_for(obj) with field labels in Chinese and citizen-ID columns hidden."""
    return _labelled(history_for(obj), type(obj), str(obj._meta.verbose_name))


def cadre_history(*, cadre: Cadre) -> list[dict]:
    """The cadre's own events and those of all its appointments, newest first."""
    rows = record_history(cadre)
    for appt in Appointment.objects.filter(cadre=cadre).select_related("post", "post__organization"):
        rows.extend(_labelled(history_for(appt), Appointment, f"任职：{appt.post}"))
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
            )
        )
    return out
