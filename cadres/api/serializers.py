"""Serializers of the registry API. They validate shapes and types; the services decide.

Writes never call `serializer.save()`: the viewsets pass `validated_data` to `cadres.services`.
The full citizen ID is write-only; reads show the masked form (the unmasked one is behind
`POST /api/v1/cadres/{id}/reveal-citizen-id/`, logged).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cadre_supervision.api import ModelSerializer, ScopedRelatedField, Serializer

from ..choices import KeyCategory
from ..models import (
    AnnualAssessment,
    Appointment,
    Cadre,
    DossierVerification,
    EducationRecord,
    FamilyMember,
    Organization,
    Post,
    ResumeLine,
    RewardPunishment,
    Sanction,
    TrainingRecord,
    portfolio_area_labels,
)

KEY_CATEGORY_LABELS = dict(KeyCategory.choices)


class CodeLabelSerializer(Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


def code_labels(codes, labels: dict) -> list[dict[str, str]]:
    return [{"code": str(c), "label": str(labels.get(c, c))} for c in codes]


def violation_labels(codes) -> list[dict[str, str]]:
    return [{"code": c, "label": label} for c, label in zip(codes, portfolio_area_labels(codes), strict=True)]


# --- organizations -----------------------------------------------------------------------------


class OrganizationSerializer(ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    parent = ScopedRelatedField(model=Organization, allow_null=True, required=False, label="上级单位")
    parent_name = serializers.CharField(source="parent.name", read_only=True, default=None)

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "kind_label",
            "parent",
            "parent_name",
            "path",
            "depth",
            "code",
            "sort_order",
            "is_active",
        ]
        read_only_fields = ["path", "depth"]
        validators: list = []  # uniqueness of (parent, name) is checked by the service (full_clean)


# --- posts ---------------------------------------------------------------------------------------


class HolderSerializer(Serializer):
    appointment = serializers.IntegerField(source="pk")
    cadre = serializers.IntegerField(source="cadre_id")
    cadre_name = serializers.CharField(source="cadre.name")
    start_date = serializers.DateField()
    years_in_post = serializers.SerializerMethodField()
    portfolio_violations = serializers.SerializerMethodField()

    def get_years_in_post(self, obj: Appointment) -> float:
        return obj.years()

    @extend_schema_field(CodeLabelSerializer(many=True))
    def get_portfolio_violations(self, obj: Appointment):
        return violation_labels(obj.portfolio_violations)


class PostSerializer(ModelSerializer):
    organization = ScopedRelatedField(model=Organization, label="单位")
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    top_leader_kind_label = serializers.CharField(source="get_top_leader_kind_display", read_only=True)
    line_role_label = serializers.CharField(source="get_line_role_display", read_only=True)
    key_category_labels = serializers.SerializerMethodField()
    is_key = serializers.BooleanField(read_only=True)
    is_top_leader = serializers.BooleanField(read_only=True)
    current_holders = serializers.SerializerMethodField()
    portfolio_warning = serializers.SerializerMethodField(
        help_text="一把手岗位现任者分管了不应直接分管的领域（规则一）"
    )

    class Meta:
        model = Post
        fields = [
            "id",
            "organization",
            "organization_name",
            "title",
            "is_leading",
            "top_leader_kind",
            "top_leader_kind_label",
            "is_top_leader",
            "is_middle_level",
            "line_role",
            "line_role_label",
            "key_categories",
            "key_category_labels",
            "is_key",
            "key_reason",
            "sort_order",
            "is_active",
            "current_holders",
            "portfolio_warning",
        ]

    def _holders(self, obj: Post) -> list[Appointment]:
        if hasattr(obj, "current_holder_list"):
            return obj.current_holder_list
        return list(Appointment.objects.current().filter(post=obj).select_related("cadre", "post"))

    @extend_schema_field(CodeLabelSerializer(many=True))
    def get_key_category_labels(self, obj: Post):
        return code_labels(obj.key_categories, KEY_CATEGORY_LABELS)

    @extend_schema_field(HolderSerializer(many=True))
    def get_current_holders(self, obj: Post):
        return self.nested(HolderSerializer, self._holders(obj))

    @extend_schema_field(CodeLabelSerializer(many=True))
    def get_portfolio_warning(self, obj: Post):
        codes = sorted({c for a in self._holders(obj) for c in a.portfolio_violations})
        return violation_labels(codes)


# --- appointments --------------------------------------------------------------------------------


class AppointmentSerializer(ModelSerializer):
    cadre = ScopedRelatedField(model=Cadre, label="干部")
    recommender_cadre = ScopedRelatedField(
        model=Cadre, label="推荐人（干部）", allow_null=True, required=False
    )
    reviewer_cadre = ScopedRelatedField(model=Cadre, label="考察人（干部）", allow_null=True, required=False)
    recommended_by = serializers.CharField(
        label="推荐单位（外部）",
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="仅用于系统外的推荐单位",
    )
    reviewed_by = serializers.CharField(
        label="考察单位（外部）", max_length=100, required=False, allow_blank=True
    )
    recommender_label = serializers.CharField(read_only=True)
    reviewer_label = serializers.CharField(read_only=True)
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    post = ScopedRelatedField(model=Post, label="岗位")
    post_title = serializers.CharField(source="post.title", read_only=True)
    organization = serializers.IntegerField(source="post.organization_id", read_only=True)
    organization_name = serializers.CharField(source="post.organization.name", read_only=True)
    is_top_leader_post = serializers.BooleanField(source="post.is_top_leader", read_only=True)
    method_label = serializers.CharField(source="get_method_display", read_only=True)
    portfolio_area_labels = serializers.SerializerMethodField()
    is_current = serializers.SerializerMethodField()
    years = serializers.SerializerMethodField()
    portfolio_violations = serializers.SerializerMethodField()

    class Meta:
        model = Appointment
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "post",
            "post_title",
            "organization",
            "organization_name",
            "is_top_leader_post",
            "start_date",
            "end_date",
            "is_current",
            "years",
            "method",
            "method_label",
            "document_no",
            "portfolio_areas",
            "portfolio_area_labels",
            "portfolio_text",
            "portfolio_violations",
            "recommender_cadre",
            "recommender_user",
            "recommended_by",
            "recommender_label",
            "reviewer_cadre",
            "reviewer_user",
            "reviewed_by",
            "reviewer_label",
            "is_secondment",
            "end_reason",
        ]
        validators: list = []  # the end-after-start rule is the service's (Chinese message)

    @extend_schema_field(CodeLabelSerializer(many=True))
    def get_portfolio_area_labels(self, obj: Appointment):
        return violation_labels(obj.portfolio_areas)

    def get_is_current(self, obj: Appointment) -> bool:
        return obj.is_current()

    def get_years(self, obj: Appointment) -> float:
        return obj.years()

    @extend_schema_field(CodeLabelSerializer(many=True))
    def get_portfolio_violations(self, obj: Appointment):
        return violation_labels(obj.portfolio_violations)


class CareerEntrySerializer(ModelSerializer):
    """One line of a cadre's career history (经历)."""

    post_title = serializers.CharField(source="post.title", read_only=True)
    organization = serializers.IntegerField(source="post.organization_id", read_only=True)
    organization_name = serializers.CharField(source="post.organization.name", read_only=True)
    is_top_leader_post = serializers.BooleanField(source="post.is_top_leader", read_only=True)
    method_label = serializers.CharField(source="get_method_display", read_only=True)
    portfolio_area_labels = serializers.SerializerMethodField()
    is_current = serializers.SerializerMethodField()
    years = serializers.SerializerMethodField()

    class Meta:
        model = Appointment
        fields = [
            "id",
            "post",
            "post_title",
            "organization",
            "organization_name",
            "is_top_leader_post",
            "start_date",
            "end_date",
            "is_current",
            "years",
            "method_label",
            "portfolio_area_labels",
            "portfolio_text",
            "recommended_by",
            "is_secondment",
            "end_reason",
        ]
        read_only_fields = fields

    @extend_schema_field(CodeLabelSerializer(many=True))
    def get_portfolio_area_labels(self, obj: Appointment):
        return violation_labels(obj.portfolio_areas)

    def get_is_current(self, obj: Appointment) -> bool:
        return obj.is_current()

    def get_years(self, obj: Appointment) -> float:
        return obj.years()


class EducationRecordSerializer(ModelSerializer):
    # A plain string: the same choice set as Cadre.education would otherwise get two enum names.
    level = serializers.CharField(read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = EducationRecord
        fields = ["level", "level_label", "full_time", "school", "major", "degree", "start_date", "end_date"]
        read_only_fields = fields


# --- cadres --------------------------------------------------------------------------------------


class CadreSerializer(ModelSerializer):
    """List shape: identity (masked ID), 三龄两历一身份, current posts, rule-1 flag."""

    organization = ScopedRelatedField(model=Organization, label="所在单位")
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    citizen_id = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        label="身份证号",
        help_text="18位身份证号（只写；读取时只显示脱敏号码）",
    )
    citizen_id_masked = serializers.CharField(read_only=True)
    gender_label = serializers.CharField(source="get_gender_display", read_only=True)
    education = serializers.CharField(
        source="education_level", read_only=True, help_text="最高学历（由学历学位记录得出）"
    )
    education_label = serializers.CharField(read_only=True, help_text="最高学历及学位")
    degree = serializers.CharField(read_only=True, help_text="最高学位（由学历学位记录得出）")
    identity_category_label = serializers.CharField(source="get_identity_category_display", read_only=True)
    rank_label = serializers.CharField(source="get_rank_display", read_only=True)
    management_level_label = serializers.CharField(source="get_management_level_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    age = serializers.SerializerMethodField()
    party_age = serializers.SerializerMethodField()
    work_age = serializers.SerializerMethodField()
    years_in_current_post = serializers.SerializerMethodField()
    is_top_leader_now = serializers.BooleanField(read_only=True)
    current_appointments = serializers.SerializerMethodField()
    portfolio_violations = serializers.SerializerMethodField(
        help_text="一把手直接分管财务、人事、工程、采购等（规则一）的领域"
    )

    class Meta:
        model = Cadre
        fields = [
            "id",
            "name",
            "gender",
            "gender_label",
            "ethnicity",
            "birth_date",
            "citizen_id",
            "citizen_id_masked",
            "native_place",
            "party_join_date",
            "work_start_date",
            "education",
            "education_label",
            "degree",
            "identity_category",
            "identity_category_label",
            "rank",
            "rank_label",
            "management_level",
            "management_level_label",
            "status",
            "status_label",
            "organization",
            "organization_name",
            "age",
            "party_age",
            "work_age",
            "years_in_current_post",
            "is_top_leader_now",
            "current_appointments",
            "portfolio_violations",
        ]
        # A valid citizen ID gives gender and birth date (the service derives them; a typed
        # value that differs is refused).
        extra_kwargs = {
            "gender": {"required": False, "allow_blank": True, "help_text": "可省略：由身份证号得出"},
            "birth_date": {"required": False, "allow_null": True, "help_text": "可省略：由身份证号得出"},
        }

    def validate(self, attrs):
        if self.instance is None and not attrs.get("citizen_id"):
            raise serializers.ValidationError({"citizen_id": "请填写身份证号。"})
        return attrs

    def get_age(self, obj: Cadre) -> int | None:
        return obj.age()

    def get_party_age(self, obj: Cadre) -> int | None:
        return obj.party_age()

    def get_work_age(self, obj: Cadre) -> int | None:
        return obj.work_age()

    def get_years_in_current_post(self, obj: Cadre) -> float | None:
        return obj.years_in_current_post()

    @extend_schema_field(CareerEntrySerializer(many=True))
    def get_current_appointments(self, obj: Cadre):
        return self.nested(CareerEntrySerializer, obj.current_appointment_list)

    @extend_schema_field(CodeLabelSerializer(many=True))
    def get_portfolio_violations(self, obj: Cadre):
        return violation_labels(obj.portfolio_violations)


class CadreDetailSerializer(CadreSerializer):
    """Detail shape: adds the career history (经历), education records, contact and notes."""

    career = serializers.SerializerMethodField(help_text="任职经历（含历任），按开始时间倒序")
    education_records = EducationRecordSerializer(many=True, read_only=True)

    class Meta(CadreSerializer.Meta):
        fields = [*CadreSerializer.Meta.fields, "degree", "phone", "notes", "career", "education_records"]
        fields = list(dict.fromkeys(fields))

    @extend_schema_field(CareerEntrySerializer(many=True))
    def get_career(self, obj: Cadre):
        if hasattr(obj, "career_list"):
            items = obj.career_list
        else:
            items = list(obj.appointments.select_related("post", "post__organization"))
        items = sorted(items, key=lambda a: (a.start_date, a.pk), reverse=True)
        return self.nested(CareerEntrySerializer, items)


class CitizenIdSerializer(Serializer):
    citizen_id = serializers.CharField(read_only=True)


class PhotoUploadSerializer(Serializer):
    """照片上传（multipart）：JPEG/PNG，类型由文件内容判断，大小按系统设置限制。"""

    photo = serializers.FileField(
        write_only=True,
        allow_empty_file=True,  # an empty file is refused by the service, in its words
        error_messages={
            "required": "请选择照片文件。",
            "null": "请选择照片文件。",
            "invalid": "请以 multipart/form-data 上传照片文件。",
            "no_name": "无法识别上传文件的文件名。",
            "max_length": "文件名过长。",
        },
    )
    content_type = serializers.CharField(read_only=True)
    width = serializers.IntegerField(read_only=True)
    height = serializers.IntegerField(read_only=True)
    size = serializers.IntegerField(read_only=True)


# --- the dossier (干部档案) ------------------------------------------------------------------------


class DossierSerializer(ModelSerializer):
    """A dossier record: `cadre` is set on create (in the caller's scope) and fixed afterwards."""

    cadre = ScopedRelatedField(model=Cadre, label="干部")
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)

    def validate_cadre(self, value):
        if self.instance is not None and value.pk != self.instance.cadre_id:
            raise serializers.ValidationError("记录所属干部不能修改。")
        return value


class ChangeReasonField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            write_only=True,
            required=False,
            allow_blank=True,
            max_length=300,
            label="变更理由",
            help_text="修改已认定的三龄两历一身份事项时必填",
            **kwargs,
        )


class EducationRecordWriteSerializer(DossierSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    track_label = serializers.CharField(read_only=True)
    change_reason = ChangeReasonField()

    class Meta:
        model = EducationRecord
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "full_time",
            "track_label",
            "level",
            "level_label",
            "degree",
            "school",
            "department",
            "major",
            "start_date",
            "end_date",
            "change_reason",
        ]


class ResumeLineSerializer(DossierSerializer):
    text_line = serializers.SerializerMethodField(help_text="任免审批表的写法：“2018.09—2021.06  单位及职务”")
    change_reason = ChangeReasonField()

    class Meta:
        model = ResumeLine
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "start_month",
            "end_month",
            "text",
            "source",
            "text_line",
            "change_reason",
        ]

    def get_text_line(self, obj) -> str:
        from .. import rules

        return rules.resume_line_text(obj.start_month, obj.end_month, obj.text)


class ResumeRowSerializer(Serializer):
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True)
    text = serializers.CharField()
    source = serializers.CharField(help_text="entered 录入 / imported 导入 / tenure 任职记录")
    secondary = serializers.BooleanField(help_text="兼任或挂职（与主线经历并行）")
    formatted = serializers.CharField()


class ResumeIssueSerializer(Serializer):
    kind = serializers.CharField(help_text="gap 空缺 / overlap 重叠")
    start = serializers.DateField()
    end = serializers.DateField()
    message = serializers.CharField()


class ResumeSerializer(Serializer):
    rows = ResumeRowSerializer(many=True)
    issues = ResumeIssueSerializer(many=True)


class DossierVerificationSerializer(DossierSerializer):
    item_label = serializers.CharField(source="get_item_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    verified_by_name = serializers.CharField(source="verified_by.username", read_only=True, default=None)

    class Meta:
        model = DossierVerification
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "item",
            "item_label",
            "status",
            "status_label",
            "document",
            "note",
            "value",
            "verified_by",
            "verified_by_name",
            "verified_at",
            "change_reason",
        ]
        read_only_fields = ["value", "verified_by", "verified_at", "change_reason"]
        validators: list = []  # (cadre, item) is upserted by the service


class DossierCheckItemSerializer(Serializer):
    item = serializers.CharField()
    label = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()


class DossierCheckSerializer(Serializer):
    cadre_id = serializers.IntegerField()
    complete = serializers.BooleanField(help_text="六项均已认定（凡提必审）")
    open_items = serializers.ListField(child=serializers.CharField())
    doubtful_items = serializers.ListField(child=serializers.CharField())
    items = DossierCheckItemSerializer(many=True)


class RewardSerializer(DossierSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = RewardPunishment
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "kind",
            "kind_label",
            "title",
            "date",
            "issuing_body",
            "document_no",
        ]


class TrainingRecordSerializer(DossierSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    days = serializers.IntegerField(read_only=True, label="天数")

    class Meta:
        model = TrainingRecord
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "name",
            "organizer",
            "kind",
            "kind_label",
            "start_date",
            "end_date",
            "days",
            "hours",
            "certificate",
            "notes",
        ]


class AssessmentSerializer(DossierSerializer):
    grade_label = serializers.CharField(source="get_grade_display", read_only=True)
    year = serializers.IntegerField(min_value=1950, max_value=2100, label="年度")

    class Meta:
        model = AnnualAssessment
        fields = ["id", "cadre", "cadre_name", "year", "grade", "grade_label", "notes"]
        validators: list = []  # once a year: the service's Chinese message

    def validate_year(self, value):
        if self.instance is not None and value != self.instance.year:
            raise serializers.ValidationError("考核年度不能修改。")
        return value


class SanctionSerializer(DossierSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    track_label = serializers.CharField(source="get_track_display", read_only=True)
    bars_promotion_today = serializers.SerializerMethodField()

    class Meta:
        model = Sanction
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "track",
            "track_label",
            "kind",
            "kind_label",
            "decision_date",
            "deciding_body",
            "document_no",
            "reason",
            "bar_months",
            "bar_end",
            "bar_indefinite",
            "bars_promotion_today",
        ]
        read_only_fields = ["track", "bar_months", "bar_end", "bar_indefinite"]

    def get_bars_promotion_today(self, obj) -> bool:
        return obj.bars_promotion()


class FamilyMemberSerializer(DossierSerializer):
    political_status_label = serializers.CharField(source="get_political_status_display", read_only=True)

    class Meta:
        model = FamilyMember
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "relation",
            "name",
            "birth_month",
            "political_status",
            "political_status_label",
            "employer_post",
            "sort_order",
        ]
