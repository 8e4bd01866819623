"""/api/v1/publicity/: the one publicity mechanism (公示), read with its feedback; feedback is
added and handled here. A publicity is opened by its process (selection, reports)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cadre_supervision.api import ModelSerializer, ScopedReadOnlyViewSet, Serializer

from .. import publicity
from ..choices import FeedbackChannel
from ..filters import PublicityFilter
from ..models import Publicity, PublicityFeedback


class PublicityFeedbackSerializer(ModelSerializer):
    class Meta:
        model = PublicityFeedback
        fields = ["id", "received_on", "channel", "content", "status", "handling", "handled_at"]
        read_only_fields = ["id", "status", "handling", "handled_at"]
        extra_kwargs = {"channel": {"choices": FeedbackChannel.choices}}


class PublicityHandleSerializer(Serializer):
    handling = serializers.CharField(allow_blank=True)


class PublicitySerializer(ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    state = serializers.SerializerMethodField()
    feedback = PublicityFeedbackSerializer(many=True, read_only=True)

    class Meta:
        model = Publicity
        fields = [
            "id",
            "kind",
            "cadre",
            "cadre_name",
            "subject",
            "source_type",
            "source_id",
            "start_date",
            "end_date",
            "working_days",
            "location",
            "notice_text",
            "state",
            "feedback",
        ]
        read_only_fields = fields

    def get_state(self, obj) -> str:
        return obj.state()


class PublicityViewSet(ScopedReadOnlyViewSet):
    queryset = Publicity.objects.select_related("cadre").prefetch_related("feedback")
    serializer_class = PublicitySerializer
    filterset_class = PublicityFilter

    @extend_schema(request=PublicityFeedbackSerializer, responses=PublicityFeedbackSerializer)
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        p = self.get_object()
        inp = PublicityFeedbackSerializer(data=request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        fb = publicity.publicity_feedback_add(user=request.user, publicity=p, **inp.validated_data)
        return Response(PublicityFeedbackSerializer(fb).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PublicityHandleSerializer, responses=PublicityFeedbackSerializer)
    @action(detail=True, methods=["post"], url_path=r"feedback/(?P<feedback_id>\d+)/handle")
    def handle(self, request, pk=None, feedback_id=None):
        p = self.get_object()
        fb = get_object_or_404(PublicityFeedback, pk=feedback_id, publicity=p)
        inp = PublicityHandleSerializer(data=request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        fb = publicity.publicity_feedback_handle(
            user=request.user, feedback=fb, handling=inp.validated_data["handling"]
        )
        return Response(PublicityFeedbackSerializer(fb).data)
