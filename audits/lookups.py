"""Picker sources of the audits app (`cadre_supervision.lookup`)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q

from cadre_supervision import lookup
from cadres.lookups import cadre_search_q

from .models import Audit


def _search_audits(qs, text, user):
    return qs.filter(Q(title__icontains=text) | cadre_search_q(text, user, "cadre__"))


def auditable_set(qs, user):
    from .forms import auditable_filter

    return auditable_filter(qs)


def register() -> None:
    lookup.register_source(
        lookup.Source(
            name="audits",
            model=Audit,
            base=lambda user, action: Audit.objects.restrict(user, action).select_related("cadre"),
            search=_search_audits,
            label=lambda a: f"{a.year}年 {a.title}",
            actions=("view", "change"),
            order=("-year", "-id"),
            org_path="organization",
        )
    )
    # appointments an audit may be opened on (新建联审)
    lookup.register_set("appointments", "auditable", auditable_set)
    User = get_user_model()
    team = (
        Q(groups__name__startswith="audit_team:")
        | Q(groups__name__startswith="org_staff:")
        | Q(groups__name__startswith="discipline:")
    )
    lookup.register_set(
        "users", "audit_team", lambda qs, user: qs.filter(pk__in=User.objects.filter(team).values("pk"))
    )
    lookup.register_set(
        "users",
        "discipline",
        lambda qs, user: qs.filter(
            pk__in=User.objects.filter(groups__name__startswith="discipline:").values("pk")
        ),
    )
