"""REST API: /api/v1/petitions/ (list, detail, create, dispose, conclude, history) and
/api/v1/stats/petitions/. Restricted like the pages; writes go through the same services.
The reporter's identity is not part of any answer."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cadre_supervision.api import ScopedReadOnlyViewSet, StatsView

from .. import selectors, services
from ..filters import PetitionFilter
from ..models import Petition
from . import serializers as s


class PetitionViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = Petition.objects.select_related("organization", "handler").prefetch_related(
        "cadres", "categories"
    )
    serializer_class = s.PetitionSerializer
    filterset_class = PetitionFilter

    def get_serializer_class(self):
        return s.PetitionCreateSerializer if self.action == "create" else s.PetitionSerializer

    @extend_schema(request=s.PetitionCreateSerializer, responses={201: s.PetitionSerializer})
    def create(self, request, *args, **kwargs):
        ser = s.PetitionCreateSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        p = services.petition_create(user=request.user, **d)
        return Response(s.PetitionSerializer(p).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.PetitionDisposeSerializer, responses=s.PetitionSerializer)
    @action(detail=True, methods=["post"])
    def dispose(self, request, pk=None):
        petition = self.get_object()
        ser = s.PetitionDisposeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        p = services.petition_dispose(user=request.user, petition=petition, **ser.validated_data)
        return Response(s.PetitionSerializer(p).data)

    @extend_schema(request=s.PetitionConcludeSerializer, responses=s.PetitionSerializer)
    @action(detail=True, methods=["post"])
    def conclude(self, request, pk=None):
        petition = self.get_object()
        ser = s.PetitionConcludeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        p = services.petition_conclude(user=request.user, petition=petition, **ser.validated_data)
        return Response(s.PetitionSerializer(p).data)

    @extend_schema(request=s.PetitionFeedbackSerializer, responses=s.PetitionSerializer)
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        petition = self.get_object()
        ser = s.PetitionFeedbackSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        p = services.petition_feedback(user=request.user, petition=petition, **ser.validated_data)
        return Response(s.PetitionSerializer(p).data)

    @extend_schema(request=s.PetitionEscalateSerializer, responses=s.PetitionSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        petition = self.get_object()
        ser = s.PetitionEscalateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        p = services.petition_escalate(user=request.user, petition=petition, **ser.validated_data)
        return Response(s.PetitionSerializer(p).data)


@StatsView.describe(tag="petitions", summary="信访举报统计")
class PetitionStatsView(StatsView):
    """GET /api/v1/stats/petitions/: counts by channel, disposal, result, category and unit,
    and the 属实 rate, over the caller's scope (petitions they may view, plus the units where
    they hold view_stats). No petition, cadre or reporter appears."""

    scope_model = Petition
    require_scope = True

    def compute(self, request, *, year):
        return selectors.stats(user=request.user, year=year)
