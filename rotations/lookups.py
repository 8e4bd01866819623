"""Picker sources of the rotations app (`cadre_supervision.lookup`)."""

from __future__ import annotations

from cadre_supervision import lookup
from cadres.lookups import cadre_search_q

from .models import SecondLineRecord


def register() -> None:
    lookup.register_source(
        lookup.Source(
            name="secondline_records",
            model=SecondLineRecord,
            base=lambda user, action: SecondLineRecord.objects.restrict(user, action).select_related(
                "cadre", "cadre__organization"
            ),
            search=lambda qs, text, user: qs.filter(cadre_search_q(text, user, "cadre__")),
            label=lambda r: f"{r.cadre.name}（{r.cadre.organization.name}）",
            actions=("view", "change"),
            order=("cadre__organization__path", "cadre__name", "id"),
            org_path="cadre__organization",
        )
    )
