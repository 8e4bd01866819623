"""API of the workbench: `GET /api/v1/workbench/` (the caller's to-do groups and figures) and
`GET /api/v1/calendar/?month=YYYY-MM` (the caller's dated items of one month)."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import workbench


class TodoItemSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="来源，如 interviews.talk")
    label = serializers.CharField(help_text="事项类型（中文）")
    title = serializers.CharField()
    url = serializers.CharField(help_text="办理该事项的页面")
    due = serializers.DateField(allow_null=True, help_text="到期日；为空表示即办")
    detail = serializers.CharField(allow_blank=True)
    uid = serializers.CharField(allow_blank=True)


class TodoGroupSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=[k for k, _l in workbench.GROUPS])
    label = serializers.CharField()
    count = serializers.IntegerField()
    items = TodoItemSerializer(many=True)


class SeriesSerializer(serializers.Serializer):
    name = serializers.CharField()
    data = serializers.ListField(child=serializers.FloatField())


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    value = serializers.CharField(help_text="主要数字")
    caption = serializers.CharField()
    url = serializers.CharField(help_text="数字背后的列表页")
    chart = serializers.ChoiceField(choices=["bar", "pie"])
    unit = serializers.CharField(allow_blank=True)
    categories = serializers.ListField(child=serializers.CharField())
    series = SeriesSerializer(many=True)
    table_head = serializers.ListField(child=serializers.CharField())
    table_rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()))


class WorkbenchSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    total = serializers.IntegerField()
    groups = TodoGroupSerializer(many=True)
    figures = FigureSerializer(many=True)


class CalendarSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    start = serializers.DateField()
    end = serializers.DateField()
    previous = serializers.CharField()
    next = serializers.CharField()
    count = serializers.IntegerField()
    items = TodoItemSerializer(many=True)


class WorkbenchAPIView(APIView):
    @extend_schema(
        tags=["workbench"],
        summary="我的工作台：待办（按紧急程度分组）与主要数据",
        responses={200: WorkbenchSerializer},
    )
    def get(self, request):
        today = timezone.localdate()
        groups = workbench.todo_groups(request.user, today)
        data = {
            "as_of": today,
            "total": sum(g.count for g in groups),
            "groups": [{"key": g.key, "label": g.label, "count": g.count, "items": g.items} for g in groups],
            "figures": workbench.cached_figures(request.user, today),
        }
        return Response(WorkbenchSerializer(data).data)


class CalendarAPIView(APIView):
    @extend_schema(
        tags=["workbench"],
        summary="到期日历：某月到期事项（本人范围内）",
        parameters=[
            OpenApiParameter(
                "month",
                OpenApiTypes.STR,
                description="月份 YYYY-MM（2000-01 至 2100-12；留空为本月）",
                required=False,
                pattern=r"^\d{4}-\d{2}$",
            )
        ],
        responses={200: CalendarSerializer, 400: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        today = timezone.localdate()
        first = workbench.parse_month(request.query_params.get("month"), today)
        last = workbench.month_end(first)
        items = workbench.dated_items(request.user, first, last)
        data = {
            "month": f"{first:%Y-%m}",
            "start": first,
            "end": last,
            "previous": f"{workbench.shift_month(first, -1):%Y-%m}",
            "next": f"{workbench.shift_month(first, 1):%Y-%m}",
            "count": len(items),
            "items": items,
        }
        return Response(CalendarSerializer(data).data)


app_name = "workbench-api"
urlpatterns = [
    path("workbench/", WorkbenchAPIView.as_view(), name="workbench"),
    path("calendar/", CalendarAPIView.as_view(), name="calendar"),
]
