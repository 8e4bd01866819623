"""带病提拔 signals the registry owns (warning sources with blocks_promotion=True): a
sanction still in its bar period, an unverified or doubtful 三龄两历一身份 item, and a
基本称职/不称职 annual assessment in the last three years. Each reads through restrict()."""

from __future__ import annotations

from django.utils import timezone

from cadre_supervision import registry
from cadre_supervision.registry import Warning
from cadre_supervision.rows import choice_labels, url_maker

from . import selectors
from .choices import AssessmentGrade, VerificationItem, VerificationStatus
from .models import AnnualAssessment

WEAK_GRADES = (AssessmentGrade.BASIC, AssessmentGrade.INCOMPETENT)


def sanction_bar(user, cadre_ids=None):
    today = timezone.localdate()
    out = []
    for s in selectors.sanctions_barring_promotion(user=user, on=today, cadre_ids=cadre_ids):
        until = "不得再任用" if s.bar_indefinite else f"影响期至 {s.bar_end:%Y-%m-%d}"
        out.append(
            Warning(
                cadre_id=s.cadre_id,
                kind="cadres.sanction_bar",
                title="处分影响期内",
                detail=f"{s.get_kind_display()}（{s.decision_date:%Y-%m-%d}，{s.deciding_body}），{until}",
                url=s.get_absolute_url(),
                severity="danger",
                since=s.decision_date,
                uid=f"cadres.sanction.{s.pk}",
            )
        )
    return out


def dossier_unverified(user, cadre_ids=None):
    items = {k: str(v) for k, v in VerificationItem.choices}
    labels = {k: str(v) for k, v in VerificationStatus.choices}
    cadre_url = url_maker("cadres:cadre_detail")
    out = []
    for cid, summary in selectors.dossier_open_items(user=user, cadre_ids=cadre_ids).items():
        doubtful = set(summary.doubtful_items)
        open_labels = [
            f"{items[i]}（{labels['doubtful' if i in doubtful else 'pending']}）" for i in summary.open_items
        ]
        out.append(
            Warning(
                cadre_id=cid,
                kind="cadres.dossier_unverified",
                title="三龄两历一身份未认定",
                detail="、".join(open_labels),
                url=cadre_url(cid) + "#verification",
                level="red" if summary.doubtful_items else "",
                uid=f"cadres.dossier.{cid}",
            )
        )
    return out


def weak_assessment(user, cadre_ids=None):
    year = timezone.localdate().year
    qs = AnnualAssessment.objects.restrict(user, "view").filter(
        grade__in=WEAK_GRADES, year__gte=year - 3, year__lt=year
    )
    if cadre_ids is not None:
        qs = qs.filter(cadre_id__in=list(cadre_ids))
    grades = choice_labels(AssessmentGrade)
    cadre_url = url_maker("cadres:cadre_detail")  # AnnualAssessment.get_absolute_url, once
    return [
        Warning(
            cadre_id=cadre_id,
            kind="cadres.weak_assessment",
            title="近三年年度考核基本称职或不称职",
            detail=f"{year_}年度：{grades.get(grade, grade)}",
            url=cadre_url(cadre_id) + "#assessments",
            uid=f"cadres.assessment.{pk}",
        )
        for pk, cadre_id, year_, grade in qs.order_by("cadre_id", "-year").values_list(
            "pk", "cadre_id", "year", "grade"
        )
    ]


def register() -> None:
    for key, title, fn, level, weight, channel, raises in (
        ("cadres.sanction_bar", "处分影响期内", sanction_bar, "red", 5, "sanctions", ()),
        (
            "cadres.dossier_unverified",
            "三龄两历一身份未认定",
            dossier_unverified,
            "orange",
            2,
            "dossier",
            ("red",),
        ),
        ("cadres.weak_assessment", "近三年考核基本称职或不称职", weak_assessment, "orange", 3, "dossier", ()),
    ):
        registry.register_warning_source(
            registry.WarningSource(
                key,
                title,
                fn,
                level=level,
                weight=weight,
                channel=channel,
                blocks_promotion=True,
                raises=raises,
            )
        )
