"""Picker sources of the registry's records (`cadre_supervision.lookup`): cadres, posts,
appointments and organizations, each read with `restrict(user, action)` where `action` is
the permission the picking form needs (any organization permission, or a model action)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from cadre_supervision import lookup
from cadre_supervision.permissions import ORG_PERMISSION_LABELS, scope_q

from .choices import CadreStatus
from .models import Appointment, Cadre, Organization, Post

ORG_ACTIONS = ("view", "change", *ORG_PERMISSION_LABELS)


def _is_initials(text: str) -> bool:
    return text.isascii() and text.isalpha()


def _is_id_tail(text: str) -> bool:
    return len(text) == 4 and text[:3].isdigit() and (text[3].isdigit() or text[3] in "xX")


def cadre_search_q(text: str, user, prefix: str = "") -> Q:
    """Name, pinyin initials ("zs" → 张三) or the citizen ID's last four characters.

    The tail is more than the mask shows: it is searched only in the units where the user
    may read full IDs (otherwise 10^4 searches would reveal it)."""
    cond = Q(**{f"{prefix}name__icontains": text})
    if _is_initials(text):
        cond |= Q(**{f"{prefix}name_initials__startswith": text.lower()})
    if _is_id_tail(text):
        tail = Q(**{f"{prefix}citizen_id_tail": text.upper()})
        visible = scope_q(Cadre, user, "citizen_id")
        if prefix:
            visible = Q(**{f"{prefix}pk__in": Cadre.objects.filter(visible).values("pk")})
        cond |= tail & visible
    return cond


def cadre_label(c: Cadre) -> str:
    return f"{c.name}（{c.organization.name}）"


def post_label(p: Post) -> str:
    suffix = "（一把手）" if p.top_leader_kind else ""
    return f"{p.organization.name} · {p.title}{suffix}"


def appointment_label(a: Appointment) -> str:
    end = a.end_date.strftime("%Y-%m-%d") if a.end_date else "至今"
    return f"{a.cadre.name} · {a.post.organization.name}{a.post.title}（{a.start_date:%Y-%m-%d}—{end}）"


def _search_cadres(qs, text, user):
    return qs.filter(cadre_search_q(text, user))


def _search_posts(qs, text, user):
    return qs.filter(Q(title__icontains=text) | Q(organization__name__icontains=text))


def _search_appointments(qs, text, user):
    return qs.filter(
        cadre_search_q(text, user, "cadre__")
        | Q(post__title__icontains=text)
        | Q(post__organization__name__icontains=text)
    )


def _search_orgs(qs, text, user):
    return qs.filter(Q(name__icontains=text) | Q(short_name__icontains=text))


def register() -> None:
    lookup.register_source(
        lookup.Source(
            name="cadres",
            model=Cadre,
            base=lambda user, action: Cadre.objects.restrict(user, action).select_related("organization"),
            search=_search_cadres,
            label=cadre_label,
            actions=ORG_ACTIONS,
            order=("organization__path", "name", "id"),
            org_path="organization",
        )
    )
    lookup.register_set("cadres", "active", lambda qs, user: qs.filter(status=CadreStatus.ACTIVE))
    lookup.register_set(
        "cadres",
        "top_leaders",
        lambda qs, user: qs.filter(
            pk__in=Appointment.objects.current(timezone.localdate()).top_leaders().values("cadre_id")
        ),
    )
    lookup.register_source(
        lookup.Source(
            name="posts",
            model=Post,
            base=lambda user, action: Post.objects.restrict(user, action).select_related("organization"),
            search=_search_posts,
            label=post_label,
            actions=ORG_ACTIONS,
            order=("organization__path", "sort_order", "id"),
            org_path="organization",
        )
    )
    lookup.register_set("posts", "active", lambda qs, user: qs.filter(is_active=True))
    lookup.register_source(
        lookup.Source(
            name="appointments",
            model=Appointment,
            base=lambda user, action: Appointment.objects.restrict(user, action).select_related(
                "cadre", "post", "post__organization"
            ),
            search=_search_appointments,
            label=appointment_label,
            actions=ORG_ACTIONS,
            order=("post__organization__path", "post__sort_order", "-start_date", "id"),
            org_path="post__organization",
        )
    )
    lookup.register_set("appointments", "current", lambda qs, user: qs.current(timezone.localdate()))
    lookup.register_source(
        lookup.Source(
            name="organizations",
            model=Organization,
            base=lambda user, action: Organization.objects.restrict(user, action),
            search=_search_orgs,
            label=lambda o: o.name,
            actions=ORG_ACTIONS,
            order=("path",),
            org_path="",
            tree=True,
        )
    )
    lookup.register_set("organizations", "active", lambda qs, user: qs.filter(is_active=True))
