from __future__ import annotations

from rest_framework import serializers

from cadre_supervision.api import ModelSerializer, ScopedRelatedField, Serializer
from cadres.models import Cadre, Organization, Post

from ..choices import ExchangeKind, ExchangeReason, LeaveKind, PlanItemStatus, SecondLineRole
from ..models import Assignment, Exchange, LeaveRequest, Opening, PlanItem, RotationPlan, SecondLineRecord


class ExchangeSerializer(ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    reason_label = serializers.CharField(source="get_reason_display", read_only=True)
    from_organization_name = serializers.CharField(source="from_organization.name", read_only=True)
    to_organization_name = serializers.CharField(source="to_organization.name", read_only=True)
    from_post_title = serializers.CharField(source="from_post.title", read_only=True)
    to_post_title = serializers.CharField(source="to_post.title", read_only=True)

    class Meta:
        model = Exchange
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "kind",
            "kind_label",
            "reason",
            "reason_label",
            "from_post",
            "from_post_title",
            "from_organization",
            "from_organization_name",
            "to_post",
            "to_post_title",
            "to_organization",
            "to_organization_name",
            "from_appointment",
            "new_appointment",
            "approval_date",
            "effective_date",
            "secondment_end",
            "document_no",
            "notes",
            "created_at",
        ]
        read_only_fields = fields


class ExchangeCreateSerializer(Serializer):
    """Input of POST /exchanges/: the service decides everything else (from post, appointments)."""

    cadre = ScopedRelatedField(model=Cadre)
    to_post = ScopedRelatedField(model=Post)
    kind = serializers.ChoiceField(choices=ExchangeKind.choices)
    reason = serializers.ChoiceField(choices=ExchangeReason.choices)
    approval_date = serializers.DateField()
    effective_date = serializers.DateField()
    secondment_end = serializers.DateField(required=False, allow_null=True)
    document_no = serializers.CharField(required=False, allow_blank=True, max_length=60)
    notes = serializers.CharField(required=False, allow_blank=True)
    plan_item = ScopedRelatedField(model=PlanItem, action="change", required=False, allow_null=True)


class RotationPlanSerializer(ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    planned = serializers.IntegerField(read_only=True, source="n_planned", default=None)
    done = serializers.IntegerField(read_only=True, source="n_done", default=None)

    class Meta:
        model = RotationPlan
        fields = [
            "id",
            "organization",
            "organization_name",
            "year",
            "title",
            "notes",
            "planned",
            "done",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        fields["organization"].queryset = Organization.objects.all()
        return fields


class PlanItemSerializer(ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    status = serializers.ChoiceField(choices=PlanItemStatus.choices, required=False)

    class Meta:
        model = PlanItem
        fields = [
            "id",
            "plan",
            "cadre",
            "cadre_name",
            "post",
            "rule",
            "due_date",
            "planned_kind",
            "target_note",
            "status",
            "exchange",
            "notes",
        ]
        read_only_fields = ["id", "exchange"]
        validators = []


class SecondLineRecordSerializer(ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    organization = serializers.IntegerField(source="cadre.organization_id", read_only=True)
    organization_name = serializers.CharField(source="cadre.organization.name", read_only=True)
    utilisation = serializers.SerializerMethodField()
    confirmed_roles = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = SecondLineRecord
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "organization",
            "organization_name",
            "former_post",
            "moved_on",
            "non_leading_title",
            "status",
            "work_status",
            "willing_to_serve",
            "preferred_roles",
            "utilisation",
            "confirmed_roles",
            "early_retirement_date",
        ]
        read_only_fields = fields

    def get_utilisation(self, obj) -> str:
        from ..selectors import utilisation_of

        return utilisation_of(obj)


class SecondLineAssignmentSerializer(ModelSerializer):
    cadre = ScopedRelatedField(model=Cadre, write_only=True)
    cadre_id = serializers.IntegerField(source="record.cadre_id", read_only=True)
    cadre_name = serializers.CharField(source="record.cadre.name", read_only=True)
    role = serializers.ChoiceField(choices=SecondLineRole.choices, required=False)
    organization = ScopedRelatedField(model=Organization, required=False, allow_null=True)
    opening = serializers.PrimaryKeyRelatedField(
        queryset=Opening.objects.all(), required=False, allow_null=True
    )
    mentees = ScopedRelatedField(model=Cadre, many=True, required=False)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "cadre",
            "cadre_id",
            "cadre_name",
            "record",
            "opening",
            "role",
            "organization",
            "description",
            "status",
            "cadre_agreed",
            "unit_agreed",
            "start_date",
            "end_date",
            "mentees",
            "confirmed_at",
        ]
        read_only_fields = ["id", "record", "status", "start_date", "end_date", "confirmed_at"]


class LeaveRequestSerializer(ModelSerializer):
    cadre_name = serializers.CharField(source="record.cadre.name", read_only=True)
    organization_name = serializers.CharField(source="record.cadre.organization.name", read_only=True)
    kind = serializers.ChoiceField(choices=LeaveKind.choices, required=False)
    record = ScopedRelatedField(model=SecondLineRecord)

    class Meta:
        model = LeaveRequest
        fields = [
            "id",
            "record",
            "cadre_name",
            "organization_name",
            "kind",
            "start_date",
            "end_date",
            "reason",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "returned_on",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "returned_on",
            "created_at",
        ]


class DecisionSerializer(Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ReturnSerializer(Serializer):
    returned_on = serializers.DateField()
