"""Seed the portfolio-area catalogue and carry rule 1 over from the free text.

Until now rule 1 also matched keywords in the free-text portfolio. Here, once, a tenure's free
text adds a forbidden area to its structured areas only where that is unambiguous: the keyword
stands in a clause (split at ，；。 and line breaks) with no negation (不, 未, 无, 免, 非, 不再),
so "不分管财务、人事" adds nothing. After this migration the text is a note and never matched.
"""

import re

from django.db import migrations

# (code, name, forbidden to a 一把手) in catalogue order, as of this migration.
AREAS = [
    ("finance", "财务/财政", True),
    ("personnel", "人事", True),
    ("construction", "工程建设", True),
    ("procurement", "物资采购", True),
    ("asset_disposal", "公有资产处理", True),
    ("licensing", "行政许可", True),
    ("approval", "审批", True),
    ("law_enforcement", "执法", True),
    ("party_building", "党建", False),
    ("overall", "全面工作", False),
    ("economy", "经济发展", False),
    ("agriculture", "农业农村", False),
    ("education", "教育", False),
    ("health", "卫生健康", False),
    ("culture", "宣传文化", False),
    ("safety", "安全生产", False),
    ("environment", "生态环境", False),
    ("petitions", "信访维稳", False),
    ("investment", "招商引资", False),
    ("urban", "城市管理", False),
    ("other", "其他", False),
]

# The keywords the old free-text rule used.
KEYWORDS = {
    "finance": ("财务", "财政", "财会"),
    "personnel": ("人事", "干部人事", "人员招录"),
    "construction": ("工程建设", "工程", "基建"),
    "procurement": ("物资采购", "采购", "招投标"),
    "asset_disposal": ("公有资产处理", "资产处置", "国有资产处置"),
    "licensing": ("行政许可", "许可"),
    "approval": ("审批",),
    "law_enforcement": ("执法",),
}
CLAUSE_BREAK = re.compile(r"[，,；;。\n]")
NEGATION = ("不", "未", "无", "免", "非")


def areas_from_text(text: str) -> list[str]:
    """Forbidden areas the text names unambiguously (no negation in the clause)."""
    found: list[str] = []
    for clause in CLAUSE_BREAK.split(text or ""):
        if any(n in clause for n in NEGATION):
            continue
        for code, words in KEYWORDS.items():
            if code not in found and any(w in clause for w in words):
                found.append(code)
    return found


def forwards(apps, schema_editor):
    PortfolioArea = apps.get_model("cadres", "PortfolioArea")
    Appointment = apps.get_model("cadres", "Appointment")
    have = set(PortfolioArea.objects.values_list("code", flat=True))
    PortfolioArea.objects.bulk_create(
        [
            PortfolioArea(code=code, name=name, top_leader_forbidden=forbidden, order=10 * i)
            for i, (code, name, forbidden) in enumerate(AREAS, start=1)
            if code not in have
        ]
    )
    changed = []
    for a in Appointment.objects.exclude(portfolio_text="").only("id", "portfolio_areas", "portfolio_text"):
        extra = [c for c in areas_from_text(a.portfolio_text) if c not in (a.portfolio_areas or [])]
        if extra:
            a.portfolio_areas = [*(a.portfolio_areas or []), *extra]
            changed.append(a)
    Appointment.objects.bulk_update(changed, ["portfolio_areas"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("cadres", "0002_portfolio_area_catalogue")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
