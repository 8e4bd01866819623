"""REST API of the selection process: same FilterSets, same restrict(), writes through services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cadre_supervision.api import ScopedReadOnlyViewSet, StatsView

from .. import selectors, services
from ..filters import CandidateFilter, ExceptionFilter, LetterFilter, SelectionFilter
from ..models import Candidate, GateException, OpinionLetter, Selection
from ..stats import selection_stats
from . import serializers as s


class SelectionViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = Selection.objects.all()
    filterset_class = SelectionFilter

    def get_queryset(self):
        qs = selectors.selections(user=self.request.user).order_by("-motion_date", "-id")
        return qs.prefetch_related("posts", "ratios")

    def get_serializer_class(self):
        if self.action == "create":
            return s.SelectionCreateSerializer
        if self.action == "retrieve":
            return s.SelectionDetailSerializer
        return s.SelectionSerializer

    def _detail(self, obj, code=status.HTTP_200_OK):
        obj = self.get_queryset().get(pk=obj.pk)
        return Response(
            s.SelectionDetailSerializer(obj, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(request=s.SelectionCreateSerializer, responses={201: s.SelectionDetailSerializer})
    def create(self, request, *args, **kwargs):
        ser = s.SelectionCreateSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        obj = services.selection_create(user=request.user, **ser.validated_data)
        return self._detail(obj, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.SelectionDetailSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        obj = self.get_object()
        services.selection_advance(user=request.user, selection=obj)
        return self._detail(obj)

    @extend_schema(request=s.RatioWriteSerializer, responses=s.SelectionDetailSerializer)
    @action(detail=True, methods=["post"])
    def ratios(self, request, pk=None):
        obj = self.get_object()
        ser = s.RatioWriteSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        services.ratio_record(user=request.user, selection=obj, **ser.validated_data)
        return self._detail(obj)

    @extend_schema(request=s.NominateSerializer, responses={201: s.CandidateSerializer})
    @action(detail=True, methods=["post"])
    def nominate(self, request, pk=None):
        obj = self.get_object()
        ser = s.NominateSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        cand = services.candidate_nominate(user=request.user, selection=obj, **ser.validated_data)
        return Response(s.CandidateSerializer(cand).data, status=status.HTTP_201_CREATED)


class CandidateViewSet(ScopedReadOnlyViewSet):
    queryset = Candidate.objects.all()
    serializer_class = s.CandidateSerializer
    filterset_class = CandidateFilter

    def get_queryset(self):
        return selectors.candidates(user=self.request.user).order_by("-nominated_on", "-id")

    @extend_schema(responses=s.CheckItemSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def checklist(self, request, pk=None):
        cand = self.get_object()
        return Response(selectors.checklist(cand).snapshot())

    @extend_schema(request=s.ClearSerializer, responses=s.CandidateSerializer)
    @action(detail=True, methods=["post"])
    def clear(self, request, pk=None):
        cand = self.get_object()
        ser = s.ClearSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        cand = services.candidate_clear(user=request.user, candidate=cand, **ser.validated_data)
        return Response(s.CandidateSerializer(cand).data)

    @extend_schema(request=s.SurveySerializer, responses={201: s.CandidateSerializer})
    @action(detail=True, methods=["post"])
    def survey(self, request, pk=None):
        cand = self.get_object()
        ser = s.SurveySerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.survey_add(user=request.user, candidate=cand, **ser.validated_data)
        return Response(s.CandidateSerializer(cand).data, status=status.HTTP_201_CREATED)


class LetterViewSet(ScopedReadOnlyViewSet):
    """Letters of the caller's units, or, for an agency's liaison, the letters addressed to it."""

    queryset = OpinionLetter.objects.all()
    serializer_class = s.LetterSerializer
    filterset_class = LetterFilter

    def get_queryset(self):
        return selectors.letters(user=self.request.user).order_by("-sent_on", "-id")

    @extend_schema(request=s.ReplySerializer, responses=s.LetterSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        letter = self.get_object()
        ser = s.ReplySerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        letter = services.letter_reply(user=request.user, letter=letter, **ser.validated_data)
        return Response(s.LetterSerializer(letter).data)


class ExceptionViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = GateException.objects.all()
    serializer_class = s.ExceptionSerializer
    filterset_class = ExceptionFilter

    def get_queryset(self):
        return selectors.exceptions(user=self.request.user).order_by("-granted_at", "-id")

    def get_serializer_class(self):
        return s.ExceptionWriteSerializer if self.action == "create" else s.ExceptionSerializer

    @extend_schema(request=s.ExceptionWriteSerializer, responses={201: s.ExceptionSerializer})
    def create(self, request, *args, **kwargs):
        ser = s.ExceptionWriteSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        exc = services.exception_record(user=request.user, **ser.validated_data)
        return Response(s.ExceptionSerializer(exc).data, status=status.HTTP_201_CREATED)


@StatsView.describe(tag="统计", summary="选人用人监督统计")
class SelectionStatsView(StatsView):
    """Aggregates only, over the caller's scope (view_selection or view_stats)."""

    scope_model = Selection
    denied_message = "您无权查看选拔任用统计。"

    def compute(self, request, *, year):
        return selection_stats(request.user, year=year)
