"""REST API of personal-matter reports. Lists carry no contents; a report's contents are
returned only to those `restrict(user, "view")` admits, and every such read and export is
written to the access log. Writes go through the same services as the pages."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cadre_supervision.accesslog import access_entries_for
from cadre_supervision.api import HistoryActionMixin, HistoryContextMixin, ScopedReadOnlyViewSet, StatsView
from cadre_supervision.people import display_name
from cadre_supervision.permissions import has_org_perm
from cadres.api.publicity import PublicitySerializer

from .. import selectors, services
from ..filters import MajorMatterFilter, ReportFilter, VerificationFilter
from ..models import (
    MajorMatterReport,
    PersonalReport,
    ReportCycle,
    ReportVersion,
    SampleDraw,
    Verification,
)
from . import serializers as s


def _require_any(user, codename="view_personal_reports"):
    if not (user.is_superuser or has_org_perm(user, codename)):
        raise exceptions.NotFound("记录不存在或无权查看")


class CycleViewSet(
    HistoryContextMixin, HistoryActionMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Yearly cycles; the summary counts are over the caller's scope."""

    serializer_class = s.CycleSerializer
    queryset = ReportCycle.objects.select_related("catalogue").order_by("-year")
    filterset_class = None
    ordering = "-year"

    def get_queryset(self):
        _require_any(self.request.user)
        return super().get_queryset()

    def retrieve(self, request, *args, **kwargs):
        cycle = self.get_object()
        data = self.get_serializer(cycle).data
        visible = PersonalReport.objects.restrict(request.user, "view").filter(cycle=cycle)
        data["summary"] = selectors.cycle_summary(visible)
        data["by_organization"] = selectors.cycle_by_organization(visible)
        return Response(data)

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.cycle_open(
            user=self.request.user,
            year=d["year"],
            reference_date=d.get("reference_date"),
            deadline=d.get("deadline"),
            notes=d.get("notes", ""),
        )

    @extend_schema(request=s.DrawRequestSerializer, responses=s.DrawSerializer)
    @action(detail=True, methods=["get", "post"])
    def draw(self, request, pk=None):
        cycle = self.get_object()
        if request.method == "POST":
            inp = s.DrawRequestSerializer(data=request.data, context=self.get_serializer_context())
            inp.is_valid(raise_exception=True)
            draw = services.sample_draw_create(
                user=request.user, cycle=cycle, seed=inp.validated_data.get("seed")
            )
            return Response(s.DrawSerializer(draw).data, status=status.HTTP_201_CREATED)
        draw = get_object_or_404(SampleDraw, cycle=cycle)
        return Response(s.DrawSerializer(draw).data)


def _content_payload(
    report: PersonalReport, version: ReportVersion | None, against: ReportVersion | None = None
):
    items = selectors.catalogue_items(report.catalogue_id)
    content = selectors.version_content(version)
    out = []
    for item in items:
        none, entries = content.get(item.code, (False, []))
        out.append(
            {
                "code": item.code,
                "number": item.number,
                "category": item.category,
                "title": item.title,
                "fields": item.fields,
                "answered": item.code in content,
                "nothing_to_report": none,
                "entries": entries,
            }
        )
    return out


def _comparison_payload(report, version, against_version):
    items = selectors.catalogue_items(report.catalogue_id)
    views = selectors.report_view(
        items, selectors.version_content(version), selectors.version_content(against_version)
    )
    return [
        {
            "code": v.item.code,
            "added": v.comparison.added,
            "removed": v.comparison.removed,
            "changed": [
                {"before": c.before, "after": c.after, "fields": c.changed, "amount_deltas": c.amount_deltas}
                for c in v.comparison.changed
            ],
            "answer_changed": v.comparison.answer_changed,
        }
        for v in views
    ]


class ReportViewSet(mixins.UpdateModelMixin, ScopedReadOnlyViewSet):
    """Reports: lists give status only; `GET /{id}/` gives the contents (logged).

    `PUT /{id}/` saves the open draft (`{"answers": {code: {"nothing_to_report", "entries"}}}`);
    a submitted report without an open correction is locked and the PUT is refused."""

    queryset = PersonalReport.objects.select_related(
        "cadre", "cadre__organization", "current_version"
    ).order_by("-id")
    serializer_class = s.ReportListSerializer
    filterset_class = ReportFilter
    http_method_names = ["get", "put", "post", "head", "options"]

    def retrieve(self, request, *args, **kwargs):
        report = self.get_object()
        draft = services.open_draft(report)
        shown = report.current_version or draft
        which = request.query_params.get("version")
        if which == "draft":
            shown = draft
        elif which and which.isdigit():
            shown = get_object_or_404(ReportVersion, report=report, number=int(which))
        selectors.log_report_view(
            user=request.user,
            report=report,
            request=request,
            detail={"version": shown.number if shown else None, "api": True},
        )
        data = s.ReportListSerializer(report).data
        data["versions"] = s.VersionSerializer(report.versions.select_related("entered_by"), many=True).data
        data["shown_version"] = shown.number if shown else None
        data["items"] = _content_payload(report, shown)
        previous = selectors.previous_report(report)
        if previous is not None and shown is not None:
            data["previous_report"] = {"id": previous.pk, "year": previous.year}
            data["comparison"] = _comparison_payload(report, shown, previous.current_version)
        return Response(data)

    @extend_schema(request=s.DraftInputSerializer, responses=s.VersionSerializer)
    def update(self, request, *args, **kwargs):
        report = self.get_object()
        inp = s.DraftInputSerializer(data=request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        version = services.report_save_draft(
            user=request.user, report=report, answers=inp.validated_data["answers"]
        )
        return Response(s.VersionSerializer(version).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    @extend_schema(request=None, responses=s.VersionSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        version = services.report_submit(user=request.user, report=self.get_object())
        return Response(s.VersionSerializer(version).data)

    @extend_schema(request=s.CorrectionInputSerializer, responses={201: s.VersionSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        report = self.get_object()
        inp = s.CorrectionInputSerializer(data=request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        version = services.report_start_correction(
            user=request.user, report=report, reason=inp.validated_data["reason"]
        )
        return Response(s.VersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses=inline_serializer(
            "ReportComparison",
            {
                "version": serializers.IntegerField(),
                "against": serializers.IntegerField(),
                "items": serializers.ListField(child=serializers.DictField()),
            },
        ),
        parameters=[
            OpenApiParameter("version", OpenApiTypes.INT, required=False),
            OpenApiParameter("against", OpenApiTypes.INT, required=False),
        ],
        filters=False,
    )
    @action(detail=True, methods=["get"])
    def compare(self, request, pk=None):
        """Compare two versions: `?version=<n>&against=<m>` (default: current vs previous)."""
        report = self.get_object()
        version = report.current_version or services.open_draft(report)
        if request.query_params.get("version", "").isdigit():
            version = get_object_or_404(
                ReportVersion, report=report, number=int(request.query_params["version"])
            )
        against = None
        if request.query_params.get("against", "").isdigit():
            against = get_object_or_404(
                ReportVersion, report=report, number=int(request.query_params["against"])
            )
        elif version is not None:
            against = report.versions.filter(number__lt=version.number).order_by("-number").first()
        if version is None or against is None:
            raise exceptions.ValidationError({"against": ["没有可对比的版本。"]})
        selectors.log_report_view(
            user=request.user,
            report=report,
            request=request,
            detail={"version": version.number, "against": against.number, "api": True},
        )
        return Response(
            {
                "version": version.number,
                "against": against.number,
                "items": _comparison_payload(report, version, against),
            }
        )

    @extend_schema(
        responses=inline_serializer(
            "ReportAccessEntry",
            {
                "at": serializers.DateTimeField(),
                "user": serializers.CharField(help_text="查看人（姓名）"),
                "action": serializers.CharField(),
                "detail": serializers.JSONField(),
            },
            many=True,
        ),
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def access(self, request, pk=None):
        """Who viewed or exported this report (staff only)."""
        report = self.get_object()
        if not has_org_perm(request.user, "view_personal_reports", report.cadre.organization_id):
            raise exceptions.NotFound("记录不存在或无权查看")
        rows = access_entries_for(report).select_related("user").order_by("-at", "-id")[:500]
        return Response(
            [
                {
                    "at": e.at,
                    "user": display_name(e.user) or e.username,
                    "action": e.action,
                    "detail": e.detail,
                }
                for e in rows
            ]
        )


class VerificationViewSet(ScopedReadOnlyViewSet):
    queryset = (
        Verification.objects.select_related("report", "report__cadre")
        .prefetch_related("item_outcomes__item", "assignments__user")
        .order_by("-id")
    )
    serializer_class = s.VerificationSerializer
    filterset_class = VerificationFilter

    @extend_schema(request=s.OutcomeInputSerializer, responses=s.VerificationSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        verification = self.get_object()
        inp = s.OutcomeInputSerializer(data=request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        v = services.verification_record(user=request.user, verification=verification, **inp.validated_data)
        return Response(s.VerificationSerializer(self.get_queryset().get(pk=v.pk)).data)

    @extend_schema(request=s.AssignInputSerializer, responses=s.VerificationSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        v = self.get_object()
        inp = s.AssignInputSerializer(data=request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        verifier = get_user_model().objects.filter(username=inp.validated_data["username"]).first()
        services.verification_assign(user=request.user, verification=v, verifier=verifier)
        return Response(s.VerificationSerializer(self.get_queryset().get(pk=v.pk)).data)

    @extend_schema(request=s.NoticeInputSerializer, responses={201: PublicitySerializer})
    @action(detail=True, methods=["post"])
    def publicity(self, request, pk=None):
        """Post the 报告表公示 of this targeted check (a cadres.Publicity, read and given
        feedback at /api/v1/publicity/)."""
        v = self.get_object()
        inp = s.NoticeInputSerializer(data=request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        notice = services.notice_create(user=request.user, verification=v, **inp.validated_data)
        return Response(PublicitySerializer(notice).data, status=status.HTTP_201_CREATED)


class MajorMatterViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = MajorMatterReport.objects.select_related("cadre").prefetch_related("ties").order_by("-id")
    serializer_class = s.MajorListSerializer
    filterset_class = MajorMatterFilter

    def get_serializer_class(self):
        if self.action == "create":
            return s.MajorInputSerializer
        if self.action == "retrieve":
            return s.MajorDetailSerializer
        return s.MajorListSerializer

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        from cadre_supervision.accesslog import log_access
        from cadre_supervision.models import AccessLog

        log_access(
            user=request.user,
            action=AccessLog.Action.VIEW_REPORT,
            obj=obj,
            request=request,
            detail={"api": True},
        )
        return Response(s.MajorDetailSerializer(obj).data)

    def create(self, request, *args, **kwargs):
        inp = s.MajorInputSerializer(data=request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        d = dict(inp.validated_data)
        cadre = d.pop("cadre")
        m = services.major_matter_create(user=request.user, cadre=cadre, **d)
        return Response(s.MajorDetailSerializer(m).data, status=status.HTTP_201_CREATED)


@StatsView.describe(tag="统计", summary="个人有关事项报告统计")
class ReportStatsView(StatsView):
    """Aggregates only, over the caller's `view_stats` scope: submission rate, lateness,
    sampled and targeted counts, outcome counts by kind. No names, amounts or addresses.
    `?year=` picks the cycle (default: the latest); targeted = verifications created that year."""

    scope_model = PersonalReport
    year_default = None

    def compute(self, request, *, year):
        return selectors.report_stats(request.user, year)
