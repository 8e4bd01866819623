from __future__ import annotations

from rest_framework import serializers

from cadre_supervision.api import ModelSerializer, ScopedRelatedField, Serializer
from cadres.models import Cadre, Organization

from ..choices import DemocraticItem, EvaluatorGroup
from ..forms import MAX_COUNT
from ..models import (
    ActionItem,
    Campaign,
    CampaignStep,
    CareLetter,
    DemocraticEvaluation,
    DemocraticRating,
    Subject,
)


class CampaignStepSerializer(ModelSerializer):
    step_label = serializers.CharField(source="get_step_display", read_only=True)

    class Meta:
        model = CampaignStep
        fields = [
            "id",
            "campaign",
            "step",
            "step_label",
            "order",
            "planned_start",
            "planned_end",
            "completed_on",
            "summary",
        ]
        read_only_fields = fields


class CampaignSerializer(ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    steps = CampaignStepSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "year", "title", "organization", "organization_name", "note", "completed_on", "steps"]
        read_only_fields = ["completed_on", "steps"]


class CampaignCreateSerializer(Serializer):
    organization = ScopedRelatedField(model=Organization, action="manage_evaluations")
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    note = serializers.CharField(required=False, allow_blank=True)


class StepCompleteSerializer(Serializer):
    on = serializers.DateField()


class SubjectSerializer(ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    cadre_name = serializers.CharField(source="cadre.name", read_only=True, default=None)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    grade_label = serializers.CharField(source="get_grade_display", read_only=True)

    class Meta:
        model = Subject
        fields = [
            "id",
            "campaign",
            "year",
            "kind",
            "kind_label",
            "organization",
            "organization_name",
            "cadre",
            "cadre_name",
            "post_title",
            "score",
            "grade",
            "grade_label",
            "graded_on",
        ]
        read_only_fields = fields


class ScoresSerializer(Serializer):
    scores = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100),
        help_text="评议主体 → 得分（0–100）：" + "、".join(f"{k}={v}" for k, v in EvaluatorGroup.choices),
    )
    respondents = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=MAX_COUNT), required=False
    )

    def validate_scores(self, value):
        unknown = [k for k in value if k not in EvaluatorGroup.values]
        if unknown:
            raise serializers.ValidationError(f"未知的评议主体：{'、'.join(unknown)}")
        if not value:
            raise serializers.ValidationError("请至少填写一个评议主体的得分。")
        return value


class ActionItemSerializer(ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ActionItem
        fields = ["id", "subject", "kind", "kind_label", "content", "due_date", "done_on", "result"]
        read_only_fields = fields


class RatingSerializer(ModelSerializer):
    item_label = serializers.CharField(source="get_item_display", read_only=True)

    class Meta:
        model = DemocraticRating
        fields = ["item", "item_label", "good", "fair", "poor"]


class DemocraticSerializer(ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    ratings = RatingSerializer(many=True, read_only=True)

    class Meta:
        model = DemocraticEvaluation
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "organization",
            "year",
            "held_on",
            "participants",
            "note",
            "ratings",
        ]
        read_only_fields = ["organization", "ratings"]


class DemocraticCreateSerializer(Serializer):
    cadre = ScopedRelatedField(model=Cadre, action="manage_evaluations")
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    held_on = serializers.DateField()
    participants = serializers.IntegerField(min_value=1, max_value=MAX_COUNT)
    note = serializers.CharField(required=False, allow_blank=True)
    ratings = serializers.DictField(
        child=serializers.ListField(
            child=serializers.IntegerField(min_value=0, max_value=MAX_COUNT), min_length=3, max_length=3
        ),
        help_text="测评项目 → [好, 一般, 差] 票数："
        + "、".join(f"{k}={v}" for k, v in DemocraticItem.choices),
    )


class CareLetterSerializer(ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = CareLetter
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "organization",
            "year",
            "status",
            "status_label",
            "reasons",
            "body",
            "proposed_on",
            "sent_on",
            "acknowledged_on",
            "acknowledgement",
        ]
        read_only_fields = fields


class LetterSendSerializer(Serializer):
    sent_on = serializers.DateField()


class LetterAckSerializer(Serializer):
    acknowledged_on = serializers.DateField()
    acknowledgement = serializers.CharField(required=False, allow_blank=True)
