"""How the selection app joins the others: the appointment gate, the 带病提拔 signal it owns
(an adverse letter reply), the integrity-file section, navigation, reminders, statistics."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cadre_supervision import events, notifications, policy, registry
from cadre_supervision.permissions import SYSTEM, has_any_scope

from . import rules, services
from .choices import CandidateStatus, Reply, Stage
from .models import Candidate, GateException, OpinionLetter, Selection


def collect_adverse_replies(user, cadre_ids=None):
    """An opinion letter answered 有问题 for a candidate still in the process."""
    qs = (
        OpinionLetter.objects.restrict(user, "view")
        .filter(reply=Reply.ISSUE, candidate__status__in=[CandidateStatus.NOMINATED, CandidateStatus.CLEARED])
        .select_related("agency", "candidate")
    )
    if cadre_ids is not None:
        qs = qs.filter(candidate__cadre_id__in=list(cadre_ids))
    return [
        registry.Warning(
            cadre_id=x.candidate.cadre_id,
            kind="selection.adverse_reply",
            title="廉政意见回复有问题",
            detail=f"{x.agency.name}：{x.reply_text}",
            url=x.get_absolute_url(),
            severity="danger",
            since=x.replied_on,
            uid=f"selection.letter.{x.pk}",
        )
        for x in qs.order_by("candidate__cadre_id", "id")
    ]


# --- the integrity file ---------------------------------------------------------------------------


def build_integrity_section_many(cadres, user) -> dict[int, dict]:
    """The candidacies and gate exceptions of each of `cadres`, in two queries."""
    out: dict[int, dict] = {c.pk: {"candidacies": [], "exceptions": []} for c in cadres}
    ids = list(out)
    for c in (
        Candidate.objects.restrict(user, "view")
        .filter(cadre_id__in=ids)
        .select_related("selection", "post", "post__organization", "appointment")
        .order_by("-nominated_on", "-id")
    ):
        out[c.cadre_id]["candidacies"].append(c)
    for e in (
        GateException.objects.restrict(user, "integrity")
        .filter(cadre_id__in=ids)
        .select_related("post", "post__organization", "granted_by", "appointment")
    ):
        out[e.cadre_id]["exceptions"].append(e)
    return out


EXPORT_HEADER = ["类别", "选拔任用 / 岗位", "日期", "状态或理由"]


def export_integrity_section_many(cadres, user) -> dict[int, tuple[list[str], list[list]]]:
    return {
        pk: (
            list(EXPORT_HEADER),
            [
                ["人选", f"{c.selection.title} · {c.post}", c.nominated_on, c.get_status_display()]
                for c in ctx["candidacies"]
            ]
            + [
                [
                    "例外：" + e.get_kind_display(),
                    str(e.post),
                    timezone.localtime(e.granted_at).date(),
                    e.reason,
                ]
                for e in ctx["exceptions"]
            ],
        )
        for pk, ctx in build_integrity_section_many(cadres, user).items()
    }


build_integrity_section = registry.section_of_one(build_integrity_section_many)
export_integrity_section = registry.section_of_one(export_integrity_section_many)


# --- reminders (the daily sweep: reads only) ------------------------------------------------------


def sweep_letters_overdue(today: dt.date):
    qs = (
        OpinionLetter.objects.restrict(SYSTEM, "view")
        .filter(reply="", due_on__lt=today, sent_by__isnull=False)
        .select_related("agency", "candidate__cadre")
    )
    for x in qs:
        spec = dict(
            kind="selection.letter_overdue",
            period=x.due_on.isoformat(),
            title=f"廉政意见征求函逾期未复：{x.agency.name}（{x.candidate.cadre.name}）",
            body=f"答复期限 {x.due_on:%Y-%m-%d}",
            url=x.get_absolute_url(),
            object_type="selection.opinionletter",
            object_id=str(x.pk),
        )
        yield notifications.ReminderSpec(recipient_id=x.sent_by_id, **spec)
        for uid in x.agency.liaisons.values_list("pk", flat=True):
            yield notifications.ReminderSpec(recipient_id=uid, **spec)


def sweep_stage_overdue(today: dt.date):
    limit = policy.get("selection.stage_max_days")
    qs = (
        Selection.objects.restrict(SYSTEM, "view")
        .exclude(stage__in=[Stage.CLOSED, Stage.CANCELLED])
        .filter(stage_since__lt=today - dt.timedelta(days=limit), created_by__isnull=False)
    )
    for s in qs:
        if rules.stage_overdue(s.stage_since, limit, today):
            yield notifications.ReminderSpec(
                recipient_id=s.created_by_id,
                kind="selection.stage_overdue",
                period=f"{s.stage}.{s.stage_since.isoformat()}",
                title=f"{s.title}：{s.get_stage_display()}环节已超过 {limit} 天",
                url=s.get_absolute_url(),
                object_type="selection.selection",
                object_id=str(s.pk),
            )


def _sees(model, action="view"):
    return lambda user: has_any_scope(model, user, action)


def _liaison(user) -> bool:
    return user.is_authenticated and user.selection_agencies.exists()


def register() -> None:
    registry.register_appointment_guard("selection.cleared_candidate", services.appointment_guard)
    registry.on(events.AppointmentCreated, services.on_appointment_created)
    registry.register_warning_source(
        registry.WarningSource(
            "selection.adverse_reply",
            "廉政意见回复有问题",
            collect_adverse_replies,
            level="red",
            weight=5,
            channel="selection",
            blocks_promotion=True,
        )
    )
    registry.register_integrity_section(
        registry.IntegritySection(
            key="selection.history",
            title="选拔任用及例外",
            order=60,
            build=build_integrity_section,
            template="selection/integrity/section.html",
            export=export_integrity_section,
            build_many=build_integrity_section_many,
            export_many=export_integrity_section_many,
        )
    )
    registry.register_nav_item(
        registry.NavItem("选拔任用", "selection:selection_list", 35, visible=_sees(Selection))
    )
    for order, (label, url_name, visible) in enumerate(
        [
            ("选拔任用", "selection:selection_list", _sees(Selection)),
            ("人选", "selection:candidate_list", _sees(Candidate)),
            ("意见征求函", "selection:letter_list", lambda u: _sees(OpinionLetter)(u) or _liaison(u)),
            ("例外记录", "selection:exception_list", _sees(GateException)),
        ]
    ):
        registry.register_subnav_item("selection", registry.NavItem(label, url_name, order, visible=visible))
    registry.register_sweep_source("selection.letter_overdue", sweep_letters_overdue)
    registry.register_sweep_source("selection.stage_overdue", sweep_stage_overdue)
    notifications.register_kind_label("selection", "选拔任用")
    notifications.register_kind_label("selection.letter_overdue", "意见征求函逾期")
    notifications.register_kind_label("selection.stage_overdue", "选任环节超期")
    registry.stats_sections.setdefault("selection", "selection-api:stats-selection")
    from . import demo, workbench

    workbench.register()
    registry.register_demo_seeder(70, demo.seed)
    registry.register_demo_seeder(74, demo.seed_progress)
