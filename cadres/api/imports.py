"""POST /api/v1/cadres/import/: the workbook import for clients that push records (the same
validation, per-sheet all-or-nothing and report as the import page)."""

from __future__ import annotations

from io import BytesIO

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import imports


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(label="导入文件", help_text="按导入模板填写的 .xlsx 工作簿（不超过 10 MB）")
    dry_run = serializers.BooleanField(
        label="仅预检",
        default=True,
        help_text="默认 true：只检查并报告将新建和修改的记录，不写入；false：没有错误的工作表写入",
    )


class ImportErrorSerializer(serializers.Serializer):
    sheet = serializers.CharField(label="工作表")
    row = serializers.IntegerField(label="Excel 行号", allow_null=True)
    column = serializers.CharField(label="列")
    value = serializers.CharField(label="原值")
    message = serializers.CharField(label="错误原因")


class ImportChangeSerializer(serializers.Serializer):
    column = serializers.CharField(label="列")
    before = serializers.CharField(label="修改前")
    after = serializers.CharField(label="修改后")


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(label="Excel 行号")
    label = serializers.CharField(label="记录")
    action = serializers.ChoiceField(label="操作", choices=["created", "updated", "unchanged"])
    changes = ImportChangeSerializer(many=True)


class ImportSheetSerializer(serializers.Serializer):
    sheet = serializers.CharField(label="工作表")
    ok = serializers.BooleanField(label="无错误")
    written = serializers.BooleanField(label="已写入")
    total_rows = serializers.IntegerField(label="数据行")
    created = serializers.IntegerField(label="新建")
    updated = serializers.IntegerField(label="修改")
    unchanged = serializers.IntegerField(label="未变")
    errors = ImportErrorSerializer(many=True)
    rows = ImportRowSerializer(many=True)


class ImportReportSerializer(serializers.Serializer):
    ok = serializers.BooleanField(label="全部无错误")
    dry_run = serializers.BooleanField(label="仅预检")
    errors = ImportErrorSerializer(many=True, help_text="整个文件的错误")
    sheets = ImportSheetSerializer(many=True)


@extend_schema(tags=["干部"])
class CadreImportApiView(APIView):
    """导入档案工作簿（单位、岗位、干部、任职及其余档案工作表）：每个工作表全部成功或全部不导入。"""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="cadres_import",
        summary="导入档案工作簿（默认仅预检）",
        request={"multipart/form-data": ImportRequestSerializer},
        responses={
            200: ImportReportSerializer,
            400: OpenApiResponse(
                description="文件为空、不是 .xlsx 或无法读取（{file: [消息]}）；或某个工作表有错误："
                "答复为完整的导入报告（ok 为 false；written 为 true 的工作表已写入，有错误的工作表未写入）",
            ),
        },
    )
    def post(self, request):
        if not imports.has_import_scope(request.user):
            raise PermissionDenied("您无权导入数据。")
        ser = ImportRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        upload = ser.validated_data["file"]
        content = upload.read()
        fileobj = BytesIO(content)
        fileobj.name, fileobj.size = upload.name, len(content)
        report = imports.run_import(
            user=request.user, fileobj=fileobj, dry_run=ser.validated_data["dry_run"], request=request
        )
        if report.errors:
            raise serializers.ValidationError({"file": [e.message for e in report.errors]})
        body = ImportReportSerializer(report.as_dict()).data
        return Response(body, status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST)
