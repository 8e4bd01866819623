"""The integrity file (廉政档案): one page per cadre composed from `registry.integrity_sections`.

The cadres app never imports the others: each app registers its sections (audits and
findings, talks, personal reports, petitions, evaluations, sanctions …) in the framework's
`registry.integrity_sections`, and this view (here, because the file is composed around a
`Cadre` and its appointments) lays them out in order. Visible to users holding
`view_integrity` over the cadre's organization (the "integrity" action of `Cadre.scope`;
404 otherwise); every opening and every export is written to the access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.generic import TemplateView

from cadre_supervision import registry
from cadre_supervision.accesslog import log_access
from cadre_supervision.excel import xlsx_multi_response
from cadre_supervision.models import AccessLog
from cadre_supervision.permissions import has_any_scope

from .board import cadre_signals
from .models import Appointment, Cadre
from .timeline import timeline_for


def integrity_cadres(user):
    """Cadres whose integrity file `user` may open."""
    return Cadre.objects.restrict(user, "integrity")


def get_cadre_or_404(user, cadre_id: int):
    try:
        return integrity_cadres(user).select_related("organization").get(pk=cadre_id)
    except Cadre.DoesNotExist:
        raise Http404("记录不存在或无权查看")


def basic_facts(cadre) -> list[tuple[str, Any]]:
    today = timezone.localdate()
    age = cadre.age(today)
    return [
        ("姓名", cadre.name),
        ("性别", cadre.get_gender_display()),
        ("民族", cadre.ethnicity),
        ("出生日期", f"{cadre.birth_date:%Y-%m-%d}（{age} 岁）" if cadre.birth_date else ""),
        ("身份证号", cadre.citizen_id_masked),
        ("籍贯", cadre.native_place),
        (
            "入党时间",
            f"{cadre.party_join_date:%Y-%m-%d}（党龄 {cadre.party_age(today)} 年）"
            if cadre.party_join_date
            else "—",
        ),
        (
            "参加工作时间",
            f"{cadre.work_start_date:%Y-%m-%d}（工龄 {cadre.work_age(today)} 年）"
            if cadre.work_start_date
            else "—",
        ),
        ("最高学历", cadre.education_label),
        ("身份类别", cadre.get_identity_category_display()),
        ("职级", cadre.get_rank_display()),
        ("管理层级", cadre.get_management_level_display()),
        ("状态", cadre.get_status_display()),
        ("所在单位", cadre.organization.name),
    ]


def appointment_rows(cadre) -> list:
    return list(
        Appointment.objects.filter(cadre=cadre)
        .select_related("post", "post__organization")
        .order_by("-start_date")
    )


@dataclass
class RenderedSection:
    key: str
    title: str
    html: str


class IntegrityIndexView(LoginRequiredMixin, TemplateView):
    """Find a cadre's integrity file (search over the cadres in the user's integrity scope)."""

    template_name = "integrity/index.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        q = (self.request.GET.get("q") or "").strip()
        qs = integrity_cadres(self.request.user).select_related("organization")
        if q:
            cond = Q(name__icontains=q)
            if q.isascii() and q.isalpha():
                cond |= Q(name_initials__startswith=q.lower())
            qs = qs.filter(cond)
        ctx.update(q=q, cadres=list(qs.order_by("organization__path", "name")[:100]) if q else [])
        ctx["has_scope"] = has_any_scope(Cadre, self.request.user, "integrity")
        return ctx


class IntegrityFileView(LoginRequiredMixin, TemplateView):
    template_name = "integrity/file.html"

    def get(self, request, *args, **kwargs):
        self.cadre = get_cadre_or_404(request.user, kwargs["cadre_id"])
        response = super().get(request, *args, **kwargs)
        log_access(
            user=request.user,
            action=AccessLog.Action.VIEW_INTEGRITY_FILE,
            obj=self.cadre,
            detail={"sections": [s.key for s in registry.integrity_sections]},
            request=request,
        )
        return response

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        cadre = self.cadre
        sections = []
        for s in registry.integrity_sections:
            context = dict(s.build(cadre, user) or {})
            context.setdefault("cadre", cadre)
            sections.append(
                RenderedSection(s.key, s.title, render_to_string(s.template, context, request=self.request))
            )
        ctx.update(
            cadre=cadre,
            facts=basic_facts(cadre),
            appointments=appointment_rows(cadre),
            warnings=cadre_signals(user, cadre),
            timeline=timeline_for(cadre, user),
            sections=sections,
            printed_at=timezone.localtime(),
        )
        return ctx


class IntegrityExportView(LoginRequiredMixin, TemplateView):
    """The integrity file as .xlsx: basic facts, tenures, warnings, then one sheet per section."""

    def get(self, request, *args, **kwargs):
        cadre = get_cadre_or_404(request.user, kwargs["cadre_id"])
        user = request.user
        sheets = [("基本信息", ["项目", "内容"], basic_facts(cadre))]
        sheets.append(
            (
                "任职经历",
                ["单位", "职务", "一把手", "任职开始", "任职结束", "离任原因"],
                [
                    [
                        a.post.organization.name,
                        a.post.title,
                        bool(a.post.top_leader_kind),
                        a.start_date,
                        a.end_date,
                        a.end_reason,
                    ]
                    for a in appointment_rows(cadre)
                ],
            )
        )
        sheets.append(
            (
                "预警",
                ["等级", "预警", "说明", "发生日期"],
                [[w.level_label, w.title, w.detail, w.since] for w in cadre_signals(user, cadre)],
            )
        )
        sheets.append(
            (
                "时间轴",
                ["日期", "渠道", "事项", "说明"],
                [[e.date, e.label, e.title, e.detail] for e in timeline_for(cadre, user)],
            )
        )
        used = {t for t, _h, _r in sheets}
        for s in registry.integrity_sections:
            if s.export is None:
                continue
            header, rows = s.export(cadre, user)
            title = _sheet_title(s.title, used)
            used.add(title)
            sheets.append((title, header, list(rows)))
        log_access(
            user=user,
            action=AccessLog.Action.EXPORT,
            obj=cadre,
            object_repr=f"{cadre.name}廉政档案",
            detail={"what": "integrity_file", "sheets": [t for t, _h, _r in sheets]},
            request=request,
        )
        return xlsx_multi_response(f"{cadre.name}廉政档案.xlsx", sheets)


def _sheet_title(title: str, used: set[str]) -> str:
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate in used:
        suffix = f"({n})"
        candidate = clean[: 31 - len(suffix)] + suffix
        n += 1
    return candidate
