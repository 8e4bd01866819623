"""API of the background exports (cadre_supervision.exports), the caller's own jobs only:

- `POST /api/v1/exports/` {kind, params}: a job (201), or the same request's pending job (200).
  Through the API every export is a job, whatever the size of the scope.
- `GET /api/v1/exports/`: the caller's jobs, newest first (cursor pagination).
- `GET /api/v1/exports/<token>/`: one job; `GET /api/v1/exports/<token>/download/`: its file.
Another user's job is a 404, like one that does not exist.
"""

from __future__ import annotations

from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from . import exports
from .api import ModelSerializer, Serializer
from .models import ExportJob

TAGS = ["exports"]


class ExportRequestSerializer(Serializer):
    kind = serializers.CharField(
        max_length=60, help_text="导出类型，如 cadres.dossier、cadres.joint_analysis"
    )
    params = serializers.DictField(required=False, default=dict, help_text="导出参数（随导出类型而定）")


class ExportJobSerializer(ModelSerializer):
    status = serializers.ChoiceField(
        choices=ExportJob.Status.choices,
        source="shown_status",
        read_only=True,
        help_text="状态：queued 排队中、running 生成中、done 已完成、failed 失败、expired 已过期",
    )
    status_label = serializers.CharField(
        source="shown_status_label", read_only=True, help_text="状态（中文）"
    )
    url = serializers.SerializerMethodField(help_text="任务页面")
    download_url = serializers.SerializerMethodField(help_text="下载地址（文件可下载时；否则为空）")

    class Meta:
        model = ExportJob
        fields = [
            "token",
            "kind",
            "label",
            "params",
            "status",
            "status_label",
            "filename",
            "content_type",
            "size",
            "error",
            "downloads",
            "created_at",
            "started_at",
            "finished_at",
            "expires_at",
            "url",
            "download_url",
        ]
        read_only_fields = fields

    def get_url(self, job) -> str:
        return job.get_absolute_url()

    def get_download_url(self, job) -> str:
        return reverse("exports-api:export-download", args=[job.token]) if job.downloadable else ""


@extend_schema_view(
    get=extend_schema(tags=TAGS, summary="我的导出：本人的导出任务（新的在前）"),
    post=extend_schema(
        tags=TAGS,
        summary="申请导出：总在后台生成（相同的导出正在生成时返回该任务）",
        request=ExportRequestSerializer,
        responses={201: ExportJobSerializer, 200: ExportJobSerializer},
    ),
)
class ExportJobListAPIView(generics.ListAPIView):
    serializer_class = ExportJobSerializer
    filter_backends: list = []

    def get_queryset(self):
        return exports.export_jobs_of(self.request.user)

    def post(self, request, *args, **kwargs):
        body = ExportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        outcome = exports.export_request(
            user=request.user,
            kind=body.validated_data["kind"],
            params=body.validated_data["params"],
            inline=False,
        )
        data = ExportJobSerializer(outcome.job, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK)


class ExportJobDetailAPIView(APIView):
    @extend_schema(tags=TAGS, summary="导出任务", responses={200: ExportJobSerializer})
    def get(self, request, token):
        job = exports.export_job_for(request.user, token)
        return Response(ExportJobSerializer(job, context={"request": request}).data)


class ExportJobDownloadAPIView(APIView):
    @extend_schema(
        tags=TAGS, summary="下载导出文件（已完成且未过期）", responses={(200, "*/*"): OpenApiTypes.BINARY}
    )
    def get(self, request, token):
        job = exports.export_job_for(request.user, token)
        content = exports.export_job_open(user=request.user, job=job, request=request._request)
        return exports.attachment(job.filename, job.content_type, content)


app_name = "exports-api"
urlpatterns = [
    path("exports/", ExportJobListAPIView.as_view(), name="export-list"),
    path("exports/<str:token>/", ExportJobDetailAPIView.as_view(), name="export-detail"),
    path("exports/<str:token>/download/", ExportJobDownloadAPIView.as_view(), name="export-download"),
]
