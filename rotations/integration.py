"""What the rotations app plugs into the shared registries: nav visibility, the reminder
sweep source and the cadre-page panel."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from cadre_supervision.notifications import ReminderSpec
from cadre_supervision.permissions import HEADED, SYSTEM, has_org_perm, personal_jurisdiction

from .choices import DueRule
from .models import Exchange, SecondLineRecord
from .rules import reminder_kind


def due_snapshot_step(today: dt.date) -> dict:
    """Sweep step "rotations.due_snapshot": materialise the due list as of today and as of
    1 January (the statistics' due counts and the year's execution), each replaced whole, rows
    written in chunks; the refresh time is kept on the snapshot and reported here."""
    from .selectors import snapshot_dates
    from .services import due_snapshot_refresh

    out = {}
    for on in snapshot_dates(today):
        if on.isoformat() in out:
            continue
        snap = due_snapshot_refresh(on=on, force=True)
        out[on.isoformat()] = {"items": snap.items, "seconds": round(snap.refresh_seconds, 3)}
    return out


def can_see_rotations(user) -> bool:
    return has_org_perm(user, "view_rotations")


def can_see_secondline(user) -> bool:
    return has_org_perm(user, "view_secondline") or bool(personal_jurisdiction(user, HEADED))


def collect_tenure_over_limit(user, cadre_ids=None):
    """Warning source "rotations.tenure_over_limit": a tenure past its mandatory rotation date
    (the due list's overdue rows, read through the SQL-prefiltered due selector)."""
    from urllib.parse import urlencode

    from cadre_supervision.registry import Warning

    from .choices import DueState
    from .selectors import due_items

    out = []
    url = reverse("rotations:due_list")
    for item in due_items(user=user, cadre_ids=cadre_ids, include_warning=False, with_plans=False):
        passed = [f for f in item.findings if f.state == DueState.OVERDUE]
        if not passed:
            continue
        first = passed[0]
        out.append(
            Warning(
                cadre_id=item.cadre.pk,
                kind="rotations.tenure_over_limit",
                title="任职超过交流期限",
                detail=(
                    f"{item.organization.name}{item.post.title}，同一职位连续任职 {item.years} 年"
                    f"（自{item.run_start}起），强制交流日期 {first.mandatory_date}（{item.rule_label}）"
                ),
                url=f"{url}?{urlencode({'q': item.cadre.name})}",
                severity="danger",
                since=first.mandatory_date,
                uid=f"rotations.due.{item.cadre.pk}.{item.post.pk}",
            )
        )
    return out


def due_reminders(today: dt.date):
    """Sweep source: 90 days (policy) before a mandatory rotation date, and once it has passed,
    to every organization-staff user holding manage_rotations over the post's organization."""
    from .selectors import due_items, recipients_by_org

    items = due_items(user=SYSTEM, on=today)
    recipients = recipients_by_org({i.organization.pk for i in items})
    labels = dict(DueRule.choices)
    url = reverse("rotations:due_list")
    for item in items:
        for f in item.findings:
            kind = reminder_kind(f)
            if kind is None:
                continue
            passed = kind.endswith("passed")
            title = f"{item.cadre.name}（{item.organization.name}{item.post.title}）" + (
                "已到强制交流日期" if passed else f"将于{f.mandatory_date}到强制交流日期"
            )
            body = (
                f"触发规则：{labels.get(f.rule, f.rule)}；同一职位连续任职 {item.years} 年"
                f"（自{item.run_start}起）；强制交流日期：{f.mandatory_date}。"
            )
            for uid in sorted(recipients.get(item.organization.pk, ())):
                yield ReminderSpec(
                    recipient_id=uid,
                    kind=kind,
                    period=f.mandatory_date.isoformat(),
                    title=title,
                    body=body,
                    url=f"{url}?q={item.cadre.name}",
                    object_type="rotations.due",
                    object_id=f"{item.cadre.pk}:{item.post.pk}:{f.rule}",
                )


def cadre_panel(cadre, user):
    """Cadre page panel: rotation due status, exchanges, second-line assignment."""
    from .selectors import due_items, utilisation_of

    see_rot = has_org_perm(user, "view_rotations", cadre.organization_id)
    record = SecondLineRecord.objects.restrict(user, "view").filter(cadre=cadre).first()
    if not see_rot and record is None:
        return None
    ctx = {"cadre": cadre, "record": record, "due": [], "exchanges": []}
    if see_rot:
        ctx["due"] = due_items(user=user, cadre_ids=[cadre.pk])
        ctx["exchanges"] = list(
            Exchange.objects.restrict(user, "view")
            .filter(cadre=cadre)
            .select_related("from_post", "to_post", "from_organization", "to_organization")
        )
    if record is not None:
        ctx["utilisation"] = utilisation_of(record)
        ctx["assignments"] = list(record.assignments.select_related("organization"))
    return {"title": "轮岗交流与二线", "template": "rotations/_cadre_panel.html", "context": ctx}
