"""带病提拔 signal owned by the joint audits: an open (not yet 销号) finding of an audit of the
cadre's tenure, or one naming them responsible, blocks a promotion until rectified."""

from __future__ import annotations

from django.db.models import Q

from cadre_supervision import registry

from .models import Finding


def collect_open_findings(user, cadre_ids=None):
    qs = Finding.objects.restrict(user, "view").unverified().select_related("audit", "stream")
    if cadre_ids is not None:
        ids = list(cadre_ids)
        qs = qs.filter(Q(audit__cadre_id__in=ids) | Q(responsible_cadre_id__in=ids))
    out = []
    for f in qs.order_by("audit__cadre_id", "due_date", "id"):
        targets = {f.audit.cadre_id} | ({f.responsible_cadre_id} if f.responsible_cadre_id else set())
        for cid in sorted(targets):
            if cadre_ids is None or cid in cadre_ids:
                out.append(
                    registry.Warning(
                        cadre_id=cid,
                        kind="audits.open_finding",
                        title="审计发现问题未整改销号",
                        detail=f"{f.audit.title}：{f.description[:60]}（{f.get_state_display()}）",
                        url=f.get_absolute_url(),
                        since=f.created_at.date() if f.created_at else None,
                        uid=f"audits.finding.{f.pk}.{cid}",
                    )
                )
    return out


def register() -> None:
    registry.register_warning_source(
        registry.WarningSource(
            "audits.open_finding",
            "审计发现问题未整改销号",
            collect_open_findings,
            level="orange",
            weight=3,
            channel="audits",
            blocks_promotion=True,
        )
    )
