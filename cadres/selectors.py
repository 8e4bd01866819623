"""Reads of the registry. Every selector takes `user=` and goes through `restrict()`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from cadre_supervision.history import history_for
from cadre_supervision.permissions import has_org_perm

from .models import Appointment, Cadre, Organization, Post

# --- organizations -----------------------------------------------------------------------------


@dataclass
class OrgNode:
    org: Organization
    cadres: int = 0
    top_leaders: int = 0
    children: list[OrgNode] = field(default_factory=list)

    @property
    def cadres_in_subtree(self) -> int:
        return self.cadres + sum(c.cadres_in_subtree for c in self.children)


def organizations_visible(*, user, action: str = "view") -> QuerySet[Organization]:
    return Organization.objects.restrict(user, action).order_by("path")


def organization_tree(*, user, today: dt.date | None = None) -> list[OrgNode]:
    """The part of the tree `user` may see, nested, with cadre and current-一把手 counts.

    Three queries whatever the size: organizations, cadres per organization, current
    一把手 tenures per organization. An organization whose parent is out of scope becomes
    a root of the returned forest.
    """
    today = today or timezone.localdate()
    orgs = list(organizations_visible(user=user).order_by("path", "sort_order"))
    ids = [o.pk for o in orgs]
    cadre_counts = dict(
        Cadre.objects.restrict(user, "view")
        .filter(organization_id__in=ids)
        .values_list("organization_id")
        .annotate(n=Count("id"))
        .values_list("organization_id", "n")
    )
    top_counts = dict(
        Appointment.objects.restrict(user, "view")
        .current(today)
        .top_leaders()
        .filter(post__organization_id__in=ids)
        .values_list("post__organization_id")
        .annotate(n=Count("cadre_id", distinct=True))
        .values_list("post__organization_id", "n")
    )
    nodes = {o.pk: OrgNode(o, cadre_counts.get(o.pk, 0), top_counts.get(o.pk, 0)) for o in orgs}
    roots: list[OrgNode] = []
    for o in sorted(orgs, key=lambda o: (o.depth, o.sort_order, o.name)):
        node = nodes[o.pk]
        parent = nodes.get(o.parent_id)
        (parent.children if parent else roots).append(node)
    for node in nodes.values():
        node.children.sort(key=lambda n: (n.org.sort_order, n.org.name))
    return roots


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
            )
        )
    return out


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
