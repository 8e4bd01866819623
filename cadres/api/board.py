"""`GET /api/v1/warnings/`: the early-warning board (预警) over the caller's scope: every open
signal and the per-cadre groups with their risk scores, filtered like the page (unit, source,
level, name)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cadre_supervision.api import HistoryContextMixin

from .. import board
from ..board_views import BoardFilterForm, filtered_signals

LEVEL_VALUES = list(board.LEVELS)


class SignalSerializer(serializers.Serializer):
    uid = serializers.CharField(allow_blank=True, help_text="稳定标识（<app>.<model>.<pk>[.<what>]）")
    source = serializers.CharField(source="source_key", help_text="预警来源")
    source_title = serializers.CharField()
    kind = serializers.CharField()
    level = serializers.ChoiceField(choices=LEVEL_VALUES, help_text="red 红 / orange 橙 / yellow 黄")
    weight = serializers.IntegerField()
    cadre_id = serializers.IntegerField()
    cadre_name = serializers.CharField(allow_blank=True)
    organization = serializers.CharField(source="organization_name", allow_blank=True)
    title = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)
    since = serializers.SerializerMethodField()
    url = serializers.CharField(allow_blank=True, help_text="依据（证据）页面")

    def get_since(self, obj) -> str | None:
        return obj.since.isoformat() if hasattr(obj.since, "isoformat") else None


class CadreRiskSerializer(serializers.Serializer):
    cadre_id = serializers.SerializerMethodField()
    cadre_name = serializers.CharField(allow_blank=True)
    organization = serializers.CharField(source="organization_name", allow_blank=True)
    score = serializers.IntegerField(help_text="风险分值：各条预警权重之和")
    level = serializers.ChoiceField(choices=LEVEL_VALUES)
    signals = SignalSerializer(many=True)

    def get_cadre_id(self, obj) -> int | None:
        return obj.cadre.pk if obj.cadre is not None else None


class SourceCountSerializer(serializers.Serializer):
    source = serializers.CharField()
    title = serializers.CharField()
    level = serializers.ChoiceField(choices=LEVEL_VALUES, help_text="该来源当前政策设定的颜色")
    weight = serializers.IntegerField()
    red = serializers.IntegerField()
    orange = serializers.IntegerField()
    yellow = serializers.IntegerField()
    total = serializers.IntegerField()


class LevelCountSerializer(serializers.Serializer):
    red = serializers.IntegerField()
    orange = serializers.IntegerField()
    yellow = serializers.IntegerField()


class BoardSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    counts = LevelCountSerializer()
    sources = SourceCountSerializer(many=True)
    cadres = CadreRiskSerializer(many=True)
    signals = SignalSerializer(many=True)


@extend_schema(
    tags=["预警"],
    summary="预警看板：范围内全部未消除的预警及按干部的风险分值",
    parameters=[
        OpenApiParameter("organization", OpenApiTypes.INT, description="单位（含下级）", required=False),
        OpenApiParameter(
            "source", OpenApiTypes.STR, description="预警来源（如 audits.cycle_overdue）", required=False
        ),
        OpenApiParameter("level", OpenApiTypes.STR, enum=LEVEL_VALUES, description="等级", required=False),
        OpenApiParameter("q", OpenApiTypes.STR, description="干部姓名", required=False),
    ],
    responses={200: BoardSerializer, 400: OpenApiTypes.OBJECT},
)
class BoardApiView(HistoryContextMixin, APIView):
    def get(self, request, *args, **kwargs):
        params = {k: request.query_params.get(k) for k in ("organization", "source", "level", "q")}
        form = BoardFilterForm({k: v for k, v in params.items() if v is not None}, user=request.user)
        if not form.is_valid():
            raise exceptions.ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
        signals = filtered_signals(request.user, form.cleaned_data)
        data = {
            "as_of": timezone.localdate(),
            "counts": board.level_counts(signals),
            "sources": board.counts_by_source(signals),
            "cadres": board.group_by_cadre(signals),
            "signals": signals,
        }
        return Response(BoardSerializer(data).data)
