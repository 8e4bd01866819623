"""Loading the item catalogue from its data file (reports/data/catalogue_<version>.json).

The catalogue is data: a new regulation is a new JSON file and a new CatalogueVersion,
never a code change. The data migration and `ensure_catalogue()` share this loader.
"""

from __future__ import annotations

import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def read(code: str = "2017") -> dict:
    return json.loads((DATA_DIR / f"catalogue_{code}.json").read_text(encoding="utf-8"))


def load(CatalogueVersion, ReportItem, code: str = "2017"):
    """Create (or complete) a catalogue version from its file; idempotent."""
    data = read(code)
    version, _ = CatalogueVersion.objects.get_or_create(
        code=data["version"], defaults={"title": data["title"], "effective_from": data["effective_from"]}
    )
    existing = set(version.items.values_list("code", flat=True))
    ReportItem.objects.bulk_create(
        [
            ReportItem(
                catalogue=version,
                code=it["code"],
                number=it["number"],
                category=it["category"],
                title=it["title"],
                fields=it["fields"],
                sort_order=it["sort_order"],
            )
            for it in data["items"]
            if it["code"] not in existing
        ]
    )
    return version


def ensure_catalogue():
    from .models import CatalogueVersion, ReportItem

    return load(CatalogueVersion, ReportItem)
