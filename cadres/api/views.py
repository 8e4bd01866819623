"""Registry API: thin viewsets over `restrict()` that write through `cadres.services`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from cadre_supervision.api import ScopedModelViewSet, StatsView

from .. import selectors, services
from ..filters import (
    AnnualAssessmentFilter,
    AppointmentFilter,
    CadreFilter,
    DossierVerificationFilter,
    EducationRecordFilter,
    FamilyMemberFilter,
    OrganizationFilter,
    PostFilter,
    ResumeLineFilter,
    RewardPunishmentFilter,
    SanctionFilter,
    TrainingRecordFilter,
)
from ..models import (
    AnnualAssessment,
    Appointment,
    Cadre,
    CadrePhoto,
    DossierVerification,
    EducationRecord,
    FamilyMember,
    Organization,
    Post,
    ResumeLine,
    RewardPunishment,
    Sanction,
    TrainingRecord,
)
from ..stats import cadre_stats
from .serializers import (
    AppointmentSerializer,
    AssessmentSerializer,
    CadreDetailSerializer,
    CadreSerializer,
    CitizenIdSerializer,
    DossierCheckSerializer,
    DossierVerificationSerializer,
    EducationRecordWriteSerializer,
    FamilyMemberSerializer,
    OrganizationSerializer,
    PhotoUploadSerializer,
    PostSerializer,
    ResumeLineSerializer,
    ResumeSerializer,
    RewardSerializer,
    SanctionSerializer,
    TrainingRecordSerializer,
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
        # 学历/学位 are derived from the education records: one prefetch for the whole page.
        qs = (
            super()
            .get_queryset()
            .select_related("organization")
            .with_current()
            .prefetch_related("education_records")
        )
        if self.action != "list":
            qs = qs.prefetch_related(
                Prefetch(
                    "appointments",
                    queryset=Appointment.objects.select_related("post", "post__organization"),
                    to_attr="career_list",
                ),
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

    @extend_schema(
        methods=["GET"],
        request=None,
        responses={
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
        },
        summary="干部照片（记入访问日志）",
        description="需要查看照片权限；无此干部、不在范围内或未上传照片均为 404。",
    )
    @extend_schema(
        methods=["PUT"],
        request={"multipart/form-data": PhotoUploadSerializer},
        responses={200: PhotoUploadSerializer},
        summary="上传或替换照片（JPEG/PNG）",
        description="multipart/form-data 字段 photo；类型由文件内容判断，大小按系统设置限制，错误为 400。",
    )
    @extend_schema(methods=["DELETE"], request=None, responses={204: None}, summary="删除照片")
    @action(
        detail=True,
        methods=["get", "put", "delete"],
        url_path="photo",
        serializer_class=PhotoUploadSerializer,
        parser_classes=[MultiPartParser],
        filter_backends=[],
        pagination_class=None,
        http_method_names=["get", "put", "delete", "head", "options"],
    )
    def photo(self, request, pk=None):
        from ..dossier_views import photo_cadre_or_404, photo_response

        cadre = photo_cadre_or_404(request.user, pk)
        if request.method == "DELETE":
            if not CadrePhoto.objects.restrict(request.user, "view").filter(cadre=cadre).exists():
                raise NotFound("未上传照片。")
            services.photo_delete(user=request.user, cadre=cadre)
            return Response(status=204)
        if request.method == "PUT":
            serializer = PhotoUploadSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            photo = services.photo_upload(
                user=request.user, cadre=cadre, fileobj=serializer.validated_data["photo"]
            )
            return Response(PhotoUploadSerializer(photo).data)
        return photo_response(request._request, cadre)

    @extend_schema(responses={200: ResumeSerializer}, summary="简历（经历）")
    @action(
        detail=True, methods=["get"], url_path="resume", serializer_class=ResumeSerializer, filter_backends=[]
    )
    def resume(self, request, pk=None):
        cadre = self.get_object()
        resume = selectors.cadre_resume(cadre=cadre)
        data = {
            "rows": [{**r.__dict__, "formatted": r.formatted} for r in resume.rows],
            "issues": [i.__dict__ for i in resume.issues],
        }
        return Response(ResumeSerializer(data).data)

    @extend_schema(responses={200: DossierCheckSerializer}, summary="三龄两历一身份是否均已认定（凡提必审）")
    @action(
        detail=True,
        methods=["get"],
        url_path="dossier-check",
        serializer_class=DossierCheckSerializer,
        filter_backends=[],
    )
    def dossier_check(self, request, pk=None):
        cadre = self.get_object()
        check = selectors.dossier_verification(user=request.user, cadre=cadre)
        data = {
            "cadre_id": check.cadre_id,
            "complete": check.complete,
            "open_items": check.open_items,
            "doubtful_items": check.doubtful_items,
            "items": [
                {"item": i.item, "label": i.label, "status": i.status, "status_label": i.status_label}
                for i in check.items
            ],
        }
        return Response(DossierCheckSerializer(data).data)


@extend_schema(tags=["任职"])
class AppointmentViewSet(ScopedModelViewSet):
    """任职（任期）：一把手唯一、任期不重叠、结束晚于开始等约束由服务层保证。"""

    queryset = Appointment.objects.all()
    serializer_class = AppointmentSerializer
    filterset_class = AppointmentFilter
    http_method_names = WRITE_METHODS

    def get_queryset(self):
        # the recommender and reviewer labels read the linked cadre or user of each row
        return (
            super()
            .get_queryset()
            .select_related(
                "cadre",
                "post",
                "post__organization",
                "recommender_cadre",
                "recommender_user",
                "reviewer_cadre",
                "reviewer_user",
            )
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        appt = services.appointment_create(
            user=_user(self), cadre=data.pop("cadre"), post=data.pop("post"), via="api", **data
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


# --- the dossier (干部档案) ------------------------------------------------------------------------


class _DossierViewSet(ScopedModelViewSet):
    """A dossier record type: scoped by the cadre's unit; writes through its services.

    `create_service(user, cadre, **data)`, `update_service(user, obj, **data)` and optionally
    `delete_service(user, obj)`; `logged_read` names a sensitive read written to the access log."""

    http_method_names = WRITE_METHODS
    create_service = None
    update_service = None
    delete_service = None
    logged_read = ""

    def get_queryset(self):
        return super().get_queryset().select_related("cadre")

    def _log(self, request, obj=None, count=None):
        if self.logged_read:
            from cadre_supervision.accesslog import log_access
            from cadre_supervision.models import AccessLog

            log_access(
                user=request.user,
                action=AccessLog.Action.OTHER,
                obj=obj,
                object_type="" if obj else self.queryset.model._meta.label_lower,
                detail={
                    "read": self.logged_read,
                    "api": True,
                    **({"count": count} if count is not None else {}),
                },
                request=request._request,
            )

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        results = (
            response.data.get("results", response.data) if isinstance(response.data, dict) else response.data
        )
        self._log(request, count=len(results))
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        self._log(request, obj=self.get_object())
        return response

    def _fresh(self, obj):
        return self.queryset.model.objects.select_related("cadre").get(pk=obj.pk)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        cadre = data.pop("cadre")
        serializer.instance = self._fresh(type(self).create_service(user=_user(self), cadre=cadre, **data))

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("cadre", None)
        obj = type(self).update_service(_user(self), serializer.instance, **data)
        serializer.instance = self._fresh(obj)

    def perform_destroy(self, instance):
        if type(self).delete_service is None:
            return super().perform_destroy(instance)
        type(self).delete_service(
            _user(self), instance, self.request.data if hasattr(self.request, "data") else {}
        )


def _reason(data) -> str:
    return (data.get("change_reason") if hasattr(data, "get") else "") or ""


@extend_schema(tags=["干部档案"])
class EducationRecordViewSet(_DossierViewSet):
    """学历学位（全日制 / 在职）：学历、学位由此得出，不单独填写。删除或修改已认定的学历须填写变更理由。"""

    queryset = EducationRecord.objects.all()
    serializer_class = EducationRecordWriteSerializer
    filterset_class = EducationRecordFilter
    http_method_names = [*WRITE_METHODS, "delete"]
    create_service = staticmethod(services.education_create)

    @staticmethod
    def update_service(user, obj, **data):
        return services.education_update(user=user, record=obj, **data)

    @staticmethod
    def delete_service(user, obj, data):
        services.education_delete(user=user, record=obj, change_reason=_reason(data))


@extend_schema(tags=["干部档案"])
class ResumeLineViewSet(_DossierViewSet):
    """简历（进入本系统前的经历；此后的经历由任职记录生成）。"""

    queryset = ResumeLine.objects.all()
    serializer_class = ResumeLineSerializer
    filterset_class = ResumeLineFilter
    http_method_names = [*WRITE_METHODS, "delete"]
    create_service = staticmethod(services.resume_line_create)

    @staticmethod
    def update_service(user, obj, **data):
        return services.resume_line_update(user=user, line=obj, **data)

    @staticmethod
    def delete_service(user, obj, data):
        services.resume_line_delete(user=user, line=obj, change_reason=_reason(data))


@extend_schema(tags=["干部档案"])
class VerificationViewSet(_DossierViewSet):
    """三龄两历一身份认定：POST 按（干部, 事项）记录认定结果（已有则更新）。"""

    queryset = DossierVerification.objects.all()
    serializer_class = DossierVerificationSerializer
    filterset_class = DossierVerificationFilter
    http_method_names = ["get", "post", "head", "options"]

    @staticmethod
    def create_service(user, cadre, **data):
        return services.verification_record(user=user, cadre=cadre, **data)

    def get_queryset(self):
        return super().get_queryset().select_related("verified_by")


@extend_schema(tags=["干部档案"])
class RewardViewSet(_DossierViewSet):
    """奖惩情况。"""

    queryset = RewardPunishment.objects.all()
    serializer_class = RewardSerializer
    filterset_class = RewardPunishmentFilter
    create_service = staticmethod(services.reward_create)

    @staticmethod
    def update_service(user, obj, **data):
        return services.reward_update(user=user, record=obj, **data)


@extend_schema(tags=["干部档案"])
class TrainingRecordViewSet(_DossierViewSet):
    """教育培训（《干部教育培训工作条例》）：每条为一次培训，含学时。"""

    queryset = TrainingRecord.objects.all()
    serializer_class = TrainingRecordSerializer
    filterset_class = TrainingRecordFilter
    http_method_names = [*WRITE_METHODS, "delete"]
    create_service = staticmethod(services.training_create)

    @staticmethod
    def update_service(user, obj, **data):
        return services.training_update(user=user, record=obj, **data)

    @staticmethod
    def delete_service(user, obj, data):
        services.training_delete(user=user, record=obj)


@extend_schema(tags=["干部档案"])
class AnnualAssessmentViewSet(_DossierViewSet):
    """年度考核（每人每年一条）；登记即触发考核后的专题谈心谈话。"""

    queryset = AnnualAssessment.objects.all()
    serializer_class = AssessmentSerializer
    filterset_class = AnnualAssessmentFilter
    create_service = staticmethod(services.assessment_record)

    @staticmethod
    def update_service(user, obj, **data):
        data.pop("year", None)
        return services.assessment_update(
            user=user, assessment=obj, grade=data.get("grade", obj.grade), notes=data.get("notes", obj.notes)
        )


@extend_schema(tags=["干部档案"])
class SanctionViewSet(_DossierViewSet):
    """党纪处分与政务处分（需“查看处分记录”权限，读取记入敏感访问日志）；影响期按处分种类由政策参数计算。
    `?on=YYYY-MM-DD` 列出该日仍影响提拔的处分。"""

    queryset = Sanction.objects.all()
    serializer_class = SanctionSerializer
    filterset_class = SanctionFilter
    logged_read = "sanctions"
    create_service = staticmethod(services.sanction_create)

    @staticmethod
    def update_service(user, obj, **data):
        return services.sanction_update(user=user, sanction=obj, **data)


@extend_schema(tags=["干部档案"])
class FamilyMemberViewSet(_DossierViewSet):
    """家庭主要成员及重要社会关系（需“查看家庭成员及社会关系”权限，读取记入敏感访问日志）。"""

    queryset = FamilyMember.objects.all()
    serializer_class = FamilyMemberSerializer
    filterset_class = FamilyMemberFilter
    http_method_names = [*WRITE_METHODS, "delete"]
    logged_read = "family"
    create_service = staticmethod(services.family_member_create)

    @staticmethod
    def update_service(user, obj, **data):
        return services.family_member_update(user=user, member=obj, **data)

    @staticmethod
    def delete_service(user, obj, data):
        services.family_member_delete(user=user, member=obj)
