"""API under /api/v1/: the same FilterSets, restrict() and services as the pages."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from cadre_supervision.api import ScopedModelViewSet, ScopedReadOnlyViewSet, StatsView
from cadre_supervision.permissions import get_scoped_or_404

from .. import policies, selectors, services
from ..filters import FollowUpFilter, InterviewAssignmentFilter, InterviewRecordFilter, RequiredTalkFilter
from ..models import FollowUp, InterviewAssignment, InterviewParticipant, InterviewRecord, RequiredTalk
from . import serializers as s


class AssignmentViewSet(ScopedModelViewSet):
    """谈话责任分工. Deleting deactivates (history is kept)."""

    queryset = InterviewAssignment.objects.select_related("user", "organization")
    serializer_class = s.AssignmentSerializer
    filterset_class = InterviewAssignmentFilter

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.assignment_create(
            user=self.request.user,
            role=d["role"],
            interviewer=d["user"],
            organization=d["organization"],
            line_role=d.get("line_role", ""),
            note=d.get("note", ""),
        )

    def perform_update(self, serializer):
        d = dict(serializer.validated_data)
        if "user" in d:
            d["interviewer"] = d.pop("user")
        serializer.instance = services.assignment_update(
            user=self.request.user, assignment=serializer.instance, **d
        )

    def get_object(self):
        if self.action in ("update", "partial_update", "destroy"):
            return get_scoped_or_404(self.queryset, self.request.user, "change", pk=self.kwargs["pk"])
        return super().get_object()

    def perform_destroy(self, instance):
        services.assignment_deactivate(user=self.request.user, assignment=instance)


class RequiredTalkViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """应谈话任务 (read); POST raises a special-topic talk by hand; /cancel/ cancels one."""

    queryset = RequiredTalk.objects.select_related("cadre", "cadre__organization", "responsible")
    serializer_class = s.RequiredTalkSerializer
    filterset_class = RequiredTalkFilter

    def get_queryset(self):
        return super().get_queryset().with_status(timezone.localdate(), policies.current().due_soon_days)

    @extend_schema(request=s.SpecialTalkRaiseSerializer, responses=s.RequiredTalkSerializer)
    def create(self, request, *args, **kwargs):
        ser = s.SpecialTalkRaiseSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        talk = services.special_talk_raise(user=request.user, **ser.validated_data)
        if talk is None:
            raise DRFValidationError({"cadre": ["该干部无需专题谈话。"]})
        talk = self.get_queryset().get(pk=talk.pk)
        return Response(s.RequiredTalkSerializer(talk).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CancelSerializer, responses=s.RequiredTalkSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        talk = get_scoped_or_404(RequiredTalk, request.user, "change", pk=pk)
        ser = s.CancelSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        services.required_talk_cancel(user=request.user, talk=talk, reason=ser.validated_data["reason"])
        return Response(s.RequiredTalkSerializer(self.get_queryset().get(pk=talk.pk)).data)

    @extend_schema(responses=s.RequiredTalkSerializer(many=True), filters=True, summary="我的谈话任务")
    @action(detail=False)
    def mine(self, request):
        """The caller's own tasks (我的谈话任务)."""
        qs = self.filter_queryset(self.get_queryset().filter(responsible=request.user))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class InterviewRecordViewSet(ScopedModelViewSet):
    """谈话记录. Which required talk a record fulfils is derived (`fulfils`)."""

    queryset = InterviewRecord.objects.select_related(
        "interviewee", "interviewee__organization", "fulfils"
    ).prefetch_related(
        Prefetch("participants", queryset=InterviewParticipant.objects.select_related("user")),
        "follow_ups",
        "attachments",
    )
    filterset_class = InterviewRecordFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        return s.InterviewRecordListSerializer if self.action == "list" else s.InterviewRecordSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "list":
            qs = qs.prefetch_related(None).prefetch_related(
                Prefetch("participants", queryset=InterviewParticipant.objects.select_related("user"))
            )
        return qs

    def get_object(self):
        if self.action in ("update", "partial_update", "destroy", "attachments"):
            return get_scoped_or_404(self.get_queryset(), self.request.user, "change", pk=self.kwargs["pk"])
        obj = super().get_object()
        from cadre_supervision.accesslog import log_access
        from cadre_supervision.models import AccessLog

        log_access(
            user=self.request.user,
            action=AccessLog.Action.VIEW_INTERVIEW,
            obj=obj,
            detail={"what": "view_interview_record", "kind": obj.kind, "via": "api"},
            request=self.request,
        )
        return obj

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        serializer.instance = services.record_create(
            user=self.request.user,
            task=d.pop("task_id", None),
            interviewee=d.pop("interviewee"),
            interviewers=d.pop("interviewers"),
            follow_ups=d.pop("follow_ups", []),
            **d,
        )

    def perform_update(self, serializer):
        d = dict(serializer.validated_data)
        if d.pop("follow_ups", None):
            raise DRFValidationError({"follow_ups": ["请通过后续措施接口增改后续措施。"]})
        if "task_id" in d and d.pop("task_id") != serializer.instance.task_id:
            raise DRFValidationError({"task": ["不能更改对应的谈话任务；如登记错误，请删除后重新登记。"]})
        if "interviewee" in d and d.pop("interviewee").pk != serializer.instance.interviewee_id:
            raise DRFValidationError({"interviewee": ["不能更改谈话对象；如登记错误，请删除后重新登记。"]})
        serializer.instance = services.record_update(user=self.request.user, record=serializer.instance, **d)

    def perform_destroy(self, instance):
        services.record_delete(user=self.request.user, record=instance)

    def get_serializer(self, *args, **kwargs):
        return super().get_serializer(*args, **kwargs)

    def _fresh(self, pk):
        return s.InterviewRecordSerializer(
            self.get_queryset().get(pk=pk), context=self.get_serializer_context()
        ).data

    def create(self, request, *args, **kwargs):
        ser = self.get_serializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        self.perform_create(ser)
        return Response(self._fresh(ser.instance.pk), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        ser = self.get_serializer(instance, data=request.data, partial=partial)
        ser.is_valid(raise_exception=True)
        self.perform_update(ser)
        return Response(self._fresh(instance.pk))

    @extend_schema(request=None, responses=s.AttachmentSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        record = self.get_object()
        att = services.attachment_add(user=request.user, record=record, file=request.FILES.get("file"))
        return Response(s.AttachmentSerializer(att).data, status=status.HTTP_201_CREATED)


class FollowUpViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """后续措施: list, add to a record, complete."""

    queryset = FollowUp.objects.select_related("record")
    serializer_class = s.FollowUpSerializer
    filterset_class = FollowUpFilter

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.follow_up_add(
            user=self.request.user,
            record=d["record"],
            action=d["action"],
            owner_name=d["owner_name"],
            owner=d.get("owner"),
            due_date=d["due_date"],
        )

    @extend_schema(request=s.FollowUpCompleteSerializer, responses=s.FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        fu = get_scoped_or_404(FollowUp, request.user, "change", pk=pk)
        ser = s.FollowUpCompleteSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        fu = services.follow_up_complete(user=request.user, follow_up=fu, **ser.validated_data)
        return Response(s.FollowUpSerializer(fu, context=self.get_serializer_context()).data)


@StatsView.describe(tag="统计", summary="谈心谈话统计")
class InterviewStatsView(StatsView):
    """Per-year coverage and overdue counts by organization kind and interviewer role, over
    the caller's scope (interviews, statistics, own tasks). Aggregates only: no personal data.
    A caller without any of these gets the empty aggregate."""

    scope_model = RequiredTalk
    require_scope = False

    def compute(self, request, *, year):
        return selectors.interview_stats(user=request.user, year=year, today=timezone.localdate())
