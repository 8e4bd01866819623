"""The yearly joint analysis (联席会议专题分析): for a year and a scope, one document per 一把手
compiling what every channel reported about that cadre — the integrity file's sections (their
export rows dated within the year), the timeline entries of the year and the open warnings —
with a summary table for the meeting. A page and a .docx; every generation is written to the
access log. Permission: who may open integrity files (the "integrity" action of `Cadre`).

Composed around a `Cadre` from the registries (`integrity_sections`, `timeline_sources`,
`warning_sources`), so petitions, evaluations and selection add their channels by registering.
Every source is asked once for all the leaders (`build_many` / `export_many` of the sections,
`many` of the timeline sources, the warnings for the leaders' ids): the .docx costs the same
number of queries whatever the number of 一把手.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from cadre_supervision import exports, registry
from cadre_supervision.accesslog import log_access
from cadre_supervision.models import AccessLog
from cadre_supervision.params import page_year, parse_year
from cadre_supervision.permissions import has_any_scope
from cadre_supervision.views import ExportView
from cadre_supervision.widgets import LookupChoiceField, bind_lookups

from . import board
from .integrity import get_cadre_or_404, integrity_cadres
from .models import Appointment, Cadre
from .timeline import timeline_for, timeline_for_many

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _tenures(user, year: int, organization=None):
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    qs = (
        Appointment.objects.top_leaders()
        .filter(cadre__in=integrity_cadres(user), start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    )
    if organization is not None:
        qs = qs.filter(post__organization__path__startswith=organization.path)
    return qs


def leader_count(user, year: int, organization=None) -> int:
    """How many 一把手 `leader_tenures` lists (one COUNT): the size of the year's analysis."""
    return _tenures(user, year, organization).order_by().values("cadre_id").distinct().count()


def leader_tenures(user, year: int, organization=None) -> list[Appointment]:
    """一把手 tenures overlapping `year` of cadres whose integrity file `user` may open (one
    query), by unit; one row per cadre (its latest 一把手 tenure of the year)."""
    qs = (
        _tenures(user, year, organization)
        .select_related("cadre", "cadre__organization", "post", "post__organization")
        .order_by("post__organization__path", "post__top_leader_kind", "cadre_id", "-start_date")
    )
    seen: set[int] = set()
    out = []
    for a in qs:
        if a.cadre_id not in seen:
            seen.add(a.cadre_id)
            out.append(a)
    return out


def _in_year(row, year: int) -> bool:
    """A section's export row belongs to the year when one of its dates falls in it (rows
    without any date are kept: they describe the cadre as a whole)."""
    dates = [v for v in row if isinstance(v, dt.date)]
    return not dates or any((v.date() if isinstance(v, dt.datetime) else v).year == year for v in dates)


@dataclass
class SectionPart:
    title: str
    header: list[str]
    rows: list[list[Any]]


@dataclass
class LeaderDocument:
    cadre: Cadre
    office: str
    year: int
    signals: list = field(default_factory=list)
    timeline: list = field(default_factory=list)
    sections: list[SectionPart] = field(default_factory=list)

    @property
    def score(self) -> int:
        return sum(s.weight for s in self.signals)

    def level_counts(self) -> dict[str, int]:
        return board.level_counts(self.signals)

    def channel_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for e in self.timeline:
            counts[e.label] = counts.get(e.label, 0) + 1
        return counts


def section_parts(user, cadres, year: int) -> dict[int, list[SectionPart]]:
    """The integrity file's sections of each of `cadres` (cadre id -> parts, in the sections'
    order): each section's export rows dated within `year`. Every section is asked once for
    all the cadres (`export_many`; a section without one per cadre)."""
    cadres = list(cadres)
    out: dict[int, list[SectionPart]] = {c.pk: [] for c in cadres}
    if not cadres:
        return out
    for s in registry.integrity_sections:
        if s.export is None and s.export_many is None:
            continue
        exports = s.export_for(cadres, user)
        for c in cadres:
            header, rows = exports[c.pk]
            out[c.pk].append(SectionPart(s.title, list(header), [list(r) for r in rows if _in_year(r, year)]))
    return out


def leader_document(
    user, cadre, year: int, *, office: str = "", signals=None, timeline=None, sections=None
) -> LeaderDocument:
    """One cadre's document of the year; `signals`, `timeline` and `sections` when already read
    for many cadres at once (`summary`, `section_parts`)."""
    doc = LeaderDocument(cadre=cadre, office=office, year=year)
    doc.signals = board.signals_for(user, [cadre.pk]) if signals is None else signals
    doc.timeline = timeline_for(cadre, user, year=year) if timeline is None else timeline
    doc.sections = section_parts(user, [cadre], year)[cadre.pk] if sections is None else sections
    return doc


def leader_documents(user, rows: list[SummaryRow], year: int) -> list[LeaderDocument]:
    """The document of each 一把手 of the summary, in its order: the warnings and the timeline
    as the summary read them, the sections read once for all of them."""
    parts = section_parts(user, [r.cadre for r in rows], year)
    return [
        leader_document(
            user,
            r.cadre,
            year,
            office=r.office,
            signals=r.signals,
            timeline=r.timeline,
            sections=parts[r.cadre.pk],
        )
        for r in rows
    ]


def office_of(appointment: Appointment) -> str:
    return f"{appointment.post.organization.name}{appointment.post.title}"


@dataclass
class SummaryRow:
    appointment: Appointment
    signals: list
    channels: dict[str, int]
    channel_values: list[int] = field(default_factory=list)
    timeline: list = field(default_factory=list)  # the year's entries

    @property
    def cadre(self):
        return self.appointment.cadre

    @property
    def office(self) -> str:
        return office_of(self.appointment)

    @property
    def counts(self) -> dict[str, int]:
        return board.level_counts(self.signals)

    @property
    def score(self) -> int:
        return sum(s.weight for s in self.signals)


def summary(user, year: int, organization=None) -> tuple[list[SummaryRow], list[str]]:
    """The meeting's summary table: per 一把手 the open warnings by colour, the risk score and the
    number of the year's timeline entries per channel; the channel labels in order of first
    appearance. The warnings and the timeline cost one call of each source for all leaders
    together."""
    tenures = leader_tenures(user, year, organization)
    cadre_ids = [a.cadre_id for a in tenures]
    signals = board.signals_for(user, cadre_ids) if tenures else []
    timelines = timeline_for_many(cadre_ids, user, year=year)
    by_cadre: dict[int, list] = {}
    for s in signals:
        by_cadre.setdefault(s.cadre_id, []).append(s)
    labels: list[str] = []
    rows = []
    for a in tenures:
        channels: dict[str, int] = {}
        timeline = timelines.get(a.cadre_id, [])
        for e in timeline:
            channels[e.label] = channels.get(e.label, 0) + 1
            if e.label not in labels:
                labels.append(e.label)
        rows.append(SummaryRow(a, by_cadre.get(a.cadre_id, []), channels, timeline=timeline))
    for r in rows:
        r.channel_values = [r.channels.get(label, 0) for label in labels]
    return rows, labels


# --- the .docx ------------------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%Y-%m-%d}" if timezone.is_aware(value) else f"{value:%Y-%m-%d}"
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def _table(doc, header: list[str], rows: list[list[Any]]) -> None:
    # Every row at once (one parse of the table's XML), rather than `add_row` per row.
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    lines = [[str(text) for text in header], *([_cell_text(value) for value in row] for row in rows)]
    for tr, line in zip(table.rows, lines, strict=True):
        for cell, text in zip(tr.cells, line, strict=False):
            cell.text = text


def _resolve_styles_once(doc) -> None:
    """python-docx resolves a style name to its id on every heading, paragraph and table by
    scanning the document's styles twice (the style by its name, then whether it is the
    default): ~3 ms each, most of the time of a city's analysis. The styles do not change
    while the document is written, so each (name, type) is resolved once; the XML written is
    the same."""
    part = doc.part
    resolve = part.get_style_id
    ids: dict[tuple[str, Any], str | None] = {}

    def get_style_id(style_or_name, style_type):
        if not isinstance(style_or_name, str):
            return resolve(style_or_name, style_type)
        key = (style_or_name, style_type)
        if key not in ids:
            ids[key] = resolve(style_or_name, style_type)
        return ids[key]

    part.get_style_id = get_style_id


def docx_bytes(year: int, scope_label: str, rows: list[SummaryRow], labels: list[str], documents) -> bytes:
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document()
    _resolve_styles_once(doc)
    doc.add_heading(f"{year}年度一把手廉政情况联席会议专题分析", level=0)
    doc.add_paragraph(
        f"范围：{scope_label}；一把手 {len(rows)} 人；生成时间：{timezone.localtime():%Y-%m-%d %H:%M}"
    )
    doc.add_heading("汇总表", level=1)
    _table(
        doc,
        ["序号", "姓名", "单位职务", "红色预警", "橙色预警", "黄色预警", "风险分值", *labels],
        [
            [i, r.cadre.name, r.office, r.counts["red"], r.counts["orange"], r.counts["yellow"], r.score]
            + r.channel_values
            for i, r in enumerate(rows, 1)
        ],
    )
    # Each leader's part is written into a scratch document and then moved before the main
    # body's section properties: python-docx finds the place of every new paragraph or table
    # by scanning the body's children, so writing 1,400 leaders into one body cost O(n²)
    # (700 leaders 11.9 s, 200 leaders 1.4 s). The XML is the same.
    scratch = Document()
    _resolve_styles_once(scratch)
    scratch_body = scratch.element.body
    section_properties = doc.element.body.find(qn("w:sectPr"))
    for d in documents:
        _leader_part(scratch, d, year)
        for child in list(scratch_body):
            if child.tag != qn("w:sectPr"):
                section_properties.addprevious(child)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def _leader_part(doc, d, year: int) -> None:
    """One 一把手's part: a page break, the warnings, the year's timeline, every section."""
    doc.add_page_break()
    doc.add_heading(f"{d.cadre.name}（{d.office}）", level=1)
    doc.add_heading("预警", level=2)
    if d.signals:
        _table(
            doc,
            ["等级", "预警", "说明", "发生日期", "权重"],
            [[s.level_label, s.title, s.detail, s.since, s.weight] for s in d.signals],
        )
        doc.add_paragraph(f"风险分值：{d.score}")
    else:
        doc.add_paragraph("无未消除的预警。")
    doc.add_heading(f"{year}年度时间轴", level=2)
    if d.timeline:
        _table(
            doc,
            ["日期", "渠道", "事项", "说明"],
            [[e.date, e.label, e.title, e.detail] for e in d.timeline],
        )
    else:
        doc.add_paragraph("本年度无记录。")
    for part in d.sections:
        doc.add_heading(part.title, level=2)
        if part.rows:
            _table(doc, part.header, part.rows)
        else:
            doc.add_paragraph("本年度无记录。")


# --- the .docx as a registry.ExportKind (inline when small, else a background job) ----------------

ANALYSIS_EXPORT = "cadres.joint_analysis"
# 200 leaders took 1.33 s, 700 leaders 3.81 s (docs/PERFORMANCE.md): about 2 s for 300.
ANALYSIS_INLINE_MAX = 300


def scope_label(organization) -> str:
    return organization.name if organization is not None else "本人可查阅廉政档案的全部单位"


def _analysis_scope(user, params: dict):
    """(year, organization or None) of `params`, checked as the page's filter form checks them:
    the year 2000..2100 (default: last year), the unit among those the user may open."""
    exports.only_keys(params, {"year", "organization"})
    year = parse_year(params.get("year"), default=timezone.localdate().year - 1)
    org = params.get("organization")
    if isinstance(org, bool) or not isinstance(org, int | str | None):
        raise ValidationError({"organization": "单位应为编号。"})
    form = AnalysisForm({"year": str(year), "organization": "" if org is None else str(org)}, user=user)
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    return year, form.cleaned_data.get("organization")


def _analysis_clean(user, params: dict) -> dict:
    year, organization = _analysis_scope(user, params)
    return {"year": year, "organization": organization.pk if organization is not None else None}


def _cleaned(params: dict):
    """(year, organization) of parameters `_analysis_clean` gave (the unit checked there)."""
    from .models import Organization

    org_id = params.get("organization")
    return params["year"], (Organization.objects.get(pk=org_id) if org_id is not None else None)


def _analysis_size(user, params: dict) -> int:
    year, organization = _cleaned(params)
    return leader_count(user, year, organization)


def _analysis_describe(user, params: dict) -> str:
    year, organization = _cleaned(params)
    return f"{year}年度联席会议专题分析" + (f"（{organization.name}）" if organization is not None else "")


def analysis_export(user, params: dict) -> registry.ExportFile:
    """The year's analysis of the user's integrity scope (or of one unit of it) as .docx."""
    year, organization = _cleaned(params)
    rows, labels = summary(user, year, organization) if has_any_scope(Cadre, user, "integrity") else ([], [])
    documents = leader_documents(user, rows, year)
    label = scope_label(organization)
    filename = f"{year}年度联席会议专题分析.docx"
    return registry.ExportFile(
        filename=filename,
        content_type=DOCX_TYPE,
        content=docx_bytes(year, label, rows, labels, documents),
        detail={"what": "joint_analysis", "year": year, "scope": label, "leaders": len(rows)},
        object_type="cadres.joint_analysis",
        object_repr=filename,
    )


def register_exports() -> None:
    registry.register_export(
        registry.ExportKind(
            key=ANALYSIS_EXPORT,
            label="联席会议专题分析（Word 文档）",
            build=analysis_export,
            size=_analysis_size,
            inline_max=ANALYSIS_INLINE_MAX,
            clean=_analysis_clean,
            describe=_analysis_describe,
        )
    )


# --- pages ----------------------------------------------------------------------------------------


class AnalysisForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)
    organization = LookupChoiceField(
        label="单位（含下级）", source="organizations", action="view_integrity", required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        bind_lookups(self, user)
        self.fields["organization"].widget.empty_label = "全部"


class AnalysisMixin(LoginRequiredMixin):
    def year(self) -> int:
        return page_year(self.request, self.request.GET.get("year"), default=timezone.localdate().year - 1)

    def filter_form(self):
        if not hasattr(self, "_form"):
            data = self.request.GET.copy()
            data["year"] = str(self.year())
            self._form = AnalysisForm(data, user=self.request.user)
        return self._form

    def organization(self):
        form = self.filter_form()
        return form.cleaned_data.get("organization") if form.is_valid() else None

    def scope_label(self) -> str:
        return scope_label(self.organization())


class AnalysisIndexView(AnalysisMixin, TemplateView):
    """联席会议专题分析: the summary table for a year and a scope, one link per 一把手."""

    template_name = "integrity/analysis_index.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        year = self.year()
        has_scope = has_any_scope(Cadre, user, "integrity")
        rows, labels = summary(user, year, self.organization()) if has_scope else ([], [])
        if has_scope:
            log_access(
                user=user,
                action=AccessLog.Action.VIEW_INTEGRITY_FILE,
                object_type="cadres.joint_analysis",
                object_repr=f"{year}年度联席会议专题分析",
                detail={"year": year, "scope": self.scope_label(), "leaders": len(rows)},
                request=self.request,
            )
        ctx.update(
            year=year,
            rows=rows,
            labels=labels,
            filter_form=self.filter_form(),
            has_scope=has_scope,
            scope_label=self.scope_label(),
            querystring=self.request.GET.urlencode(),
        )
        return ctx


class AnalysisCadreView(AnalysisMixin, TemplateView):
    """One 一把手's document of the year (any cadre whose integrity file the user may open)."""

    template_name = "integrity/analysis_cadre.html"

    def get(self, request, *args, **kwargs):
        self.cadre = get_cadre_or_404(request.user, kwargs["cadre_id"])
        response = super().get(request, *args, **kwargs)
        log_access(
            user=request.user,
            action=AccessLog.Action.VIEW_INTEGRITY_FILE,
            obj=self.cadre,
            detail={"what": "joint_analysis", "year": self.year()},
            request=request,
        )
        return response

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year = self.year()
        tenures = [a for a in leader_tenures(self.request.user, year) if a.cadre_id == self.cadre.pk]
        office = office_of(tenures[0]) if tenures else self.cadre.organization.name
        ctx.update(doc=leader_document(self.request.user, self.cadre, year, office=office), year=year)
        return ctx


class AnalysisDocxView(AnalysisMixin, ExportView):
    """The year's analysis as .docx: the summary table, then one document per 一把手. Built in
    the request for up to ANALYSIS_INLINE_MAX leaders, beyond by a background job."""

    exports_whole_scope = True  # `manage.py bench`: a file of everything in scope, O(rows)
    export_kind = ANALYSIS_EXPORT

    def get_export_params(self) -> dict:
        org = self.organization()
        return {"year": self.year(), "organization": org.pk if org is not None else None}

    def get_back_url(self) -> str:
        query = self.request.GET.urlencode()
        return reverse("integrity_analysis") + (f"?{query}" if query else "")
