"""Picker sources of the selection app: selections (for filters) and the leading posts set."""

from __future__ import annotations

from django.db.models import Q

from cadre_supervision import lookup

from .models import Selection


def register() -> None:
    lookup.register_source(
        lookup.Source(
            name="selections",
            model=Selection,
            base=lambda user, action: Selection.objects.restrict(user, action).select_related("organization"),
            search=lambda qs, text, user: qs.filter(
                Q(title__icontains=text) | Q(organization__name__icontains=text)
            ),
            label=lambda s: f"{s.title}（{s.organization.name}）",
            actions=("view", "change"),
            order=("-motion_date", "id"),
            org_path="organization",
        )
    )
    lookup.register_set("posts", "leading", lambda qs, user: qs.filter(is_leading=True, is_active=True))
