"""REST API: /api/v1/evaluation-campaigns/, evaluation-steps/, evaluation-subjects/,
evaluation-items/, democratic-evaluations/, care-letters/, stats/evaluations/.
Lists are restricted like the pages; writes go through the same services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cadre_supervision.api import ScopedReadOnlyViewSet, StatsView
from cadre_supervision.permissions import get_scoped_or_404

from .. import selectors, services
from ..filters import ActionItemFilter, CampaignFilter, CareLetterFilter, DemocraticFilter, SubjectFilter
from ..models import ActionItem, Campaign, CampaignStep, CareLetter, DemocraticEvaluation, Subject
from . import serializers as s


class CampaignViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = Campaign.objects.select_related("organization").prefetch_related("steps")
    serializer_class = s.CampaignSerializer
    filterset_class = CampaignFilter

    @extend_schema(request=s.CampaignCreateSerializer, responses={201: s.CampaignSerializer})
    def create(self, request, *args, **kwargs):
        ser = s.CampaignCreateSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        c = services.campaign_create(user=request.user, **ser.validated_data)
        return Response(s.CampaignSerializer(c).data, status=status.HTTP_201_CREATED)


class CampaignStepViewSet(ScopedReadOnlyViewSet):
    queryset = CampaignStep.objects.all()
    serializer_class = s.CampaignStepSerializer

    @extend_schema(request=s.StepCompleteSerializer, responses=s.CampaignStepSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        step = get_scoped_or_404(CampaignStep, request.user, "change", pk=pk)
        ser = s.StepCompleteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        step = services.step_complete(user=request.user, step=step, on=ser.validated_data["on"])
        return Response(s.CampaignStepSerializer(step).data)


class SubjectViewSet(ScopedReadOnlyViewSet):
    queryset = Subject.objects.select_related("organization", "cadre")
    serializer_class = s.SubjectSerializer
    filterset_class = SubjectFilter

    @extend_schema(request=s.ScoresSerializer, responses=s.SubjectSerializer)
    @action(detail=True, methods=["post"])
    def scores(self, request, pk=None):
        subject = get_scoped_or_404(Subject, request.user, "change", pk=pk)
        ser = s.ScoresSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        subject = services.scores_record(
            user=request.user,
            subject=subject,
            scores=ser.validated_data["scores"],
            respondents=ser.validated_data.get("respondents") or {},
        )
        return Response(s.SubjectSerializer(subject).data)


class ActionItemViewSet(ScopedReadOnlyViewSet):
    queryset = ActionItem.objects.all()
    serializer_class = s.ActionItemSerializer
    filterset_class = ActionItemFilter


class DemocraticViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = DemocraticEvaluation.objects.select_related("cadre").prefetch_related("ratings")
    serializer_class = s.DemocraticSerializer
    filterset_class = DemocraticFilter

    @extend_schema(request=s.DemocraticCreateSerializer, responses={201: s.DemocraticSerializer})
    def create(self, request, *args, **kwargs):
        ser = s.DemocraticCreateSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        ev = services.democratic_record(user=request.user, **ser.validated_data)
        return Response(s.DemocraticSerializer(ev).data, status=status.HTTP_201_CREATED)


class CareLetterViewSet(ScopedReadOnlyViewSet):
    queryset = CareLetter.objects.select_related("cadre")
    serializer_class = s.CareLetterSerializer
    filterset_class = CareLetterFilter

    @extend_schema(request=s.LetterSendSerializer, responses=s.CareLetterSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        letter = get_scoped_or_404(CareLetter, request.user, "change", pk=pk)
        ser = s.LetterSendSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        letter = services.care_letter_send(user=request.user, letter=letter, **ser.validated_data)
        return Response(s.CareLetterSerializer(letter).data)

    @extend_schema(request=s.LetterAckSerializer, responses=s.CareLetterSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        letter = get_scoped_or_404(CareLetter, request.user, "change", pk=pk)
        ser = s.LetterAckSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        letter = services.care_letter_acknowledge(user=request.user, letter=letter, **ser.validated_data)
        return Response(s.CareLetterSerializer(letter).data)


@StatsView.describe(tag="统计", summary="阳光评议、民主测评与关爱提醒函统计")
class EvaluationStatsView(StatsView):
    """GET /api/v1/stats/evaluations/: grades, care letters (the yearly count), pledges and
    rectification over the caller's scope (view_evaluations or view_stats)."""

    scope_model = Subject
    require_scope = False

    def compute(self, request, *, year):
        return selectors.figures(user=request.user, year=year)
