"""Registry API: thin viewsets over `restrict()` that write through `cadres.services`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.response import Response

from cadre_supervision.api import ScopedModelViewSet, StatsView

from .. import services
from ..filters import AppointmentFilter, CadreFilter, OrganizationFilter, PostFilter
from ..models import Appointment, Cadre, Organization, Post
from ..stats import cadre_stats
from .serializers import (
    AppointmentSerializer,
    CadreDetailSerializer,
    CadreSerializer,
    CitizenIdSerializer,
    OrganizationSerializer,
    PostSerializer,
)

WRITE_METHODS = ["get", "post", "put", "patch", "head", "options"]  # no DELETE: records are ended, not erased


def _user(view):
    return view.request.user


@extend_schema(tags=["单位"])
class OrganizationViewSet(ScopedModelViewSet):
    """单位（组织树）。A grant on an organization covers its subtree."""

    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    http_method_names = WRITE_METHODS

    def get_queryset(self):
        return super().get_queryset().select_related("parent")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.organization_create(
            user=_user(self),
            name=data.pop("name"),
            kind=data.pop("kind"),
            parent=data.pop("parent", None),
            **data,
        )

    def perform_update(self, serializer):
        serializer.instance = services.organization_update(
            user=_user(self), organization=serializer.instance, **serializer.validated_data
        )


def _post_queryset(qs):
    return qs.select_related("organization").prefetch_related(
        Prefetch(
            "appointments",
            queryset=Appointment.objects.current().select_related("cadre"),
            to_attr="current_holder_list",
        )
    )


@extend_schema(tags=["岗位"])
class PostViewSet(ScopedModelViewSet):
    """岗位：一把手、关键岗位类别（附理由）及现任者的分管领域预警。"""

    queryset = Post.objects.all()
    serializer_class = PostSerializer
    filterset_class = PostFilter
    http_method_names = WRITE_METHODS

    def get_queryset(self):
        return _post_queryset(super().get_queryset())

    def perform_create(self, serializer):
        post = services.post_create(user=_user(self), **serializer.validated_data)
        serializer.instance = _post_queryset(Post.objects.all()).get(pk=post.pk)

    def perform_update(self, serializer):
        post = services.post_update(user=_user(self), post=serializer.instance, **serializer.validated_data)
        serializer.instance = _post_queryset(Post.objects.all()).get(pk=post.pk)


@extend_schema(tags=["干部"])
class CadreViewSet(ScopedModelViewSet):
    """干部：身份证号只显示脱敏号码；三龄两历一身份由记录计算。"""

    queryset = Cadre.objects.all()
    filterset_class = CadreFilter
    http_method_names = WRITE_METHODS

    def get_serializer_class(self):
        return CadreSerializer if self.action == "list" else CadreDetailSerializer

    def get_queryset(self):
        qs = super().get_queryset().select_related("organization").with_current()
        if self.action != "list":
            qs = qs.prefetch_related(
                Prefetch(
                    "appointments",
                    queryset=Appointment.objects.select_related("post", "post__organization"),
                    to_attr="career_list",
                ),
                "education_records",
            )
        return qs

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        cadre = services.cadre_create(user=_user(self), citizen_id=data.pop("citizen_id"), **data)
        serializer.instance = self._fresh(cadre.pk)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        cadre = services.cadre_update(
            user=_user(self), cadre=serializer.instance, citizen_id=data.pop("citizen_id", None), **data
        )
        serializer.instance = self._fresh(cadre.pk)

    def _fresh(self, pk):
        return Cadre.objects.select_related("organization").with_current().get(pk=pk)

    @extend_schema(
        request=None, responses={200: CitizenIdSerializer}, summary="查看完整身份证号（记入访问日志）"
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="reveal-citizen-id",
        serializer_class=CitizenIdSerializer,
        filter_backends=[],
    )
    def reveal_citizen_id(self, request, pk=None):
        cadre = self.get_object()
        value = services.cadre_citizen_id(user=request.user, cadre=cadre, request=request._request)
        response = Response({"citizen_id": value})
        response["Cache-Control"] = "no-store"
        return response


@extend_schema(tags=["任职"])
class AppointmentViewSet(ScopedModelViewSet):
    """任职（任期）：一把手唯一、任期不重叠、结束晚于开始等约束由服务层保证。"""

    queryset = Appointment.objects.all()
    serializer_class = AppointmentSerializer
    filterset_class = AppointmentFilter
    http_method_names = WRITE_METHODS

    def get_queryset(self):
        return super().get_queryset().select_related("cadre", "post", "post__organization")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        appt = services.appointment_create(
            user=_user(self), cadre=data.pop("cadre"), post=data.pop("post"), **data
        )
        serializer.instance = Appointment.objects.select_related("cadre", "post", "post__organization").get(
            pk=appt.pk
        )

    def perform_update(self, serializer):
        appt = serializer.instance
        data = dict(serializer.validated_data)
        cadre = data.pop("cadre", None)
        post = data.pop("post", None)
        errors = {}
        if cadre is not None and cadre.pk != appt.cadre_id:
            errors["cadre"] = "任职记录的干部不能修改；请结束本任职并新建任职。"
        if post is not None and post.pk != appt.post_id:
            errors["post"] = "任职记录的岗位不能修改；请结束本任职并新建任职。"
        if errors:
            raise ValidationError(errors)
        user = _user(self)
        with transaction.atomic():
            if data.get("end_date") and appt.end_date is None:
                # Ending a tenure goes through appointment_end so that listeners hear of it.
                end_date = data.pop("end_date")
                reason = data.pop("end_reason", appt.end_reason)
                if data:
                    appt = services.appointment_update(user=user, appointment=appt, **data)
                appt = services.appointment_end(user=user, appointment=appt, end_date=end_date, reason=reason)
            else:
                appt = services.appointment_update(user=user, appointment=appt, **data)
        serializer.instance = Appointment.objects.select_related("cadre", "post", "post__organization").get(
            pk=appt.pk
        )


@StatsView.describe(tag="统计", summary="干部队伍统计")
class CadreStatsView(StatsView):
    """干部队伍统计（仅汇总数据，不含个人信息），范围为调用者持有“查看统计数据”权限的单位。"""

    scope_model = Cadre
    year_param = False

    def compute(self, request, *, year):
        return cadre_stats(request.user)


@extend_schema(tags=["认证"], summary="用户名和密码换取 API 令牌（登录失败次数受限）")
class TokenView(ObtainAuthToken):
    """`POST /api/v1/auth/token/` (DRF's obtain_auth_token): then send `Authorization: Token <key>`."""
