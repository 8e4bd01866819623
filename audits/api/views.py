"""REST API of the joint audits: same FilterSets, same restrict(), writes through services."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from cadre_supervision.api import ScopedReadOnlyViewSet, StatsView
from cadre_supervision.permissions import get_scoped_or_404

from .. import selectors, services
from ..choices import RectState
from ..filters import AuditFileFilter, AuditFilter, FindingFilter, RectificationStepFilter
from ..models import Audit, AuditFile, AuditStream, Finding, RectificationStep
from . import serializers as s


class AuditViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedReadOnlyViewSet):
    queryset = Audit.objects.all()
    filterset_class = AuditFilter

    def get_queryset(self):
        today = timezone.localdate()
        qs = (
            super()
            .get_queryset()
            .for_list()
            .annotate(
                n_findings=Count("findings", distinct=True),
                n_open=Count("findings", filter=~Q(findings__state=RectState.VERIFIED), distinct=True),
                has_overdue=Exists(Finding.objects.overdue(today).filter(audit=OuterRef("pk"))),
            )
        )
        if self.action == "retrieve":
            qs = qs.prefetch_related("streams", "members__user", "members__stream")
        return qs

    def get_serializer_class(self):
        if self.action == "create":
            return s.AuditCreateSerializer
        if self.action in ("update", "partial_update"):
            return s.AuditUpdateSerializer
        if self.action == "retrieve":
            return s.AuditDetailSerializer
        return s.AuditSerializer

    def _detail(self, audit, code=status.HTTP_200_OK):
        obj = self.get_queryset().get(pk=audit.pk)
        return Response(s.AuditDetailSerializer(obj, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        ser = s.AuditCreateSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        members = [
            {
                "member_user": m["user"],
                "role": m["role"],
                "stream": m.get("stream"),
                "agency": m.get("agency", ""),
            }
            for m in data.pop("members", [])
        ]
        audit = services.audit_create(user=request.user, members=members, **data)
        return self._detail(audit, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        audit = get_scoped_or_404(Audit, request.user, "view", pk=kwargs["pk"])
        ser = s.AuditUpdateSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        services.audit_update(user=request.user, audit=audit, **ser.validated_data)
        return self._detail(audit)

    @extend_schema(request=s.TransitionSerializer, responses=s.AuditDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        audit = self.get_object()
        ser = s.TransitionSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        services.audit_transition(
            user=request.user,
            audit=audit,
            status=ser.validated_data["status"],
            on=ser.validated_data.get("date"),
        )
        return self._detail(audit)

    @extend_schema(request=s.MemberWriteSerializer, responses=s.AuditDetailSerializer)
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        audit = self.get_object()
        ser = s.MemberWriteSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        services.audit_member_add(
            user=request.user,
            audit=audit,
            member_user=d["user"],
            role=d["role"],
            stream=d.get("stream"),
            agency=d.get("agency", ""),
        )
        return self._detail(audit, status.HTTP_201_CREATED)


class AuditStreamViewSet(mixins.UpdateModelMixin, ScopedReadOnlyViewSet):
    queryset = AuditStream.objects.select_related("audit")
    serializer_class = s.StreamSerializer
    filterset_fields = ["audit", "stream"]

    def update(self, request, *args, **kwargs):
        stream = self.get_object()
        ser = s.StreamWriteSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        stream = services.audit_stream_update(
            user=request.user,
            stream=stream,
            conclusion=d.get("conclusion", stream.conclusion),
            conclusion_text=d.get("conclusion_text", stream.conclusion_text),
            lead_agency=d.get("lead_agency"),
        )
        return Response(s.StreamSerializer(stream).data)


class FindingViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedReadOnlyViewSet):
    queryset = Finding.objects.all()
    serializer_class = s.FindingSerializer
    filterset_class = FindingFilter

    def get_queryset(self):
        return super().get_queryset().for_list()

    def create(self, request, *args, **kwargs):
        ser = s.FindingWriteSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        audit = d.pop("audit", None)
        if audit is None:
            return Response({"audit": ["请指定联审项目。"]}, status=status.HTTP_400_BAD_REQUEST)
        if not Audit.objects.restrict(request.user, "view").filter(pk=audit.pk).exists():
            return Response({"detail": "记录不存在或无权查看"}, status=status.HTTP_404_NOT_FOUND)
        finding = services.finding_create(user=request.user, audit=audit, **d)
        return Response(
            s.FindingSerializer(self.get_queryset().get(pk=finding.pk)).data, status=status.HTTP_201_CREATED
        )

    def update(self, request, *args, **kwargs):
        finding = self.get_object()
        ser = s.FindingWriteSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        d.pop("audit", None)
        if "stream" in d:
            d["stream"] = finding.audit.streams.get(stream=d["stream"])
        services.finding_update(user=request.user, finding=finding, **d)
        return Response(s.FindingSerializer(self.get_queryset().get(pk=finding.pk)).data)

    @extend_schema(request=s.RectifySerializer, responses=s.FindingSerializer)
    @action(detail=True, methods=["post"])
    def rectify(self, request, pk=None):
        finding = self.get_object()
        ser = s.RectifySerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        services.finding_transition(
            user=request.user,
            finding=finding,
            to_state=ser.validated_data["to_state"],
            note=ser.validated_data.get("note", ""),
        )
        return Response(s.FindingSerializer(self.get_queryset().get(pk=finding.pk)).data)


class RectificationStepViewSet(ScopedReadOnlyViewSet):
    queryset = RectificationStep.objects.select_related("by")
    serializer_class = s.StepSerializer
    filterset_class = RectificationStepFilter


class AuditFileViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = AuditFile.objects.all()
    serializer_class = s.AuditFileSerializer
    filterset_class = AuditFileFilter
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return super().get_queryset().for_list()

    @extend_schema(request=s.AuditFileUploadSerializer, responses=s.AuditFileSerializer)
    def create(self, request, *args, **kwargs):
        ser = s.AuditFileUploadSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        if not Audit.objects.restrict(request.user, "view").filter(pk=d["audit"].pk).exists():
            return Response({"detail": "记录不存在或无权查看"}, status=status.HTTP_404_NOT_FOUND)
        f = services.audit_file_upload(
            user=request.user,
            audit=d["audit"],
            kind=d["kind"],
            title=d.get("title", ""),
            uploaded_file=d["file"],
        )
        return Response(s.AuditFileSerializer(f).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY}, filters=False)
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        f = self.get_object()
        handle = services.audit_file_open(user=request.user, file=f, request=request._request)
        response = FileResponse(handle, as_attachment=True, filename=f.original_name)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(request=s.ShareSerializer, responses=None)
    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        f = self.get_object()
        ser = s.ShareSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        share = services.audit_file_share(user=request.user, file=f, **ser.validated_data)
        return Response(
            {"id": share.pk, "officer": share.officer_id, "expires_at": share.expires_at},
            status=status.HTTP_201_CREATED,
        )


@StatsView.describe(tag="统计", summary="三责联审统计")
class AuditStatsView(StatsView):
    """Aggregates only (no personal data), over the caller's scope (view_audits or view_stats)."""

    scope_model = Audit
    denied_message = "您无权查看联审统计。"
    year_param = False

    def compute(self, request, *, year):
        return selectors.audit_stats(request.user)
