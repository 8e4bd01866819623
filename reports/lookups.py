"""Picker sets of the reports app (`cadre_supervision.lookup`)."""

from __future__ import annotations

from cadre_supervision import lookup
from cadres.choices import CadreStatus, ManagementLevel


def register() -> None:
    # promotion candidates: active cadres managed by the city (市管干部)
    lookup.register_set(
        "cadres",
        "city_active",
        lambda qs, user: qs.filter(status=CadreStatus.ACTIVE, management_level=ManagementLevel.CITY),
    )
