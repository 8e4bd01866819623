from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from cadre_supervision.api import ModelSerializer, PersonNameField, ScopedRelatedField, Serializer
from cadre_supervision.people import display_name
from cadres.models import Appointment, Cadre

from ..choices import AuditKind, Conclusion, FileKind, LeadAgency, MemberRole, RectState, Severity, Stream
from ..models import Audit, AuditFile, AuditMember, AuditStream, Finding, RectificationStep


class MemberSerializer(ModelSerializer):
    name = serializers.SerializerMethodField()
    stream = serializers.CharField(source="stream.stream", read_only=True, default=None)

    class Meta:
        model = AuditMember
        fields = ["id", "user", "name", "role", "stream", "agency"]

    def get_name(self, m) -> str:
        return display_name(m.user)


class StreamSerializer(ModelSerializer):
    stream_label = serializers.CharField(source="get_stream_display", read_only=True)

    class Meta:
        model = AuditStream
        fields = ["id", "audit", "stream", "stream_label", "lead_agency", "conclusion", "conclusion_text"]
        read_only_fields = ["id", "audit", "stream", "stream_label"]


class StreamWriteSerializer(Serializer):
    lead_agency = serializers.ChoiceField(choices=LeadAgency.choices, required=False)
    conclusion = serializers.ChoiceField(choices=Conclusion.choices, required=False, allow_blank=True)
    conclusion_text = serializers.CharField(required=False, allow_blank=True)


class AuditSerializer(ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    post_title = serializers.CharField(source="appointment.post.title", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    n_findings = serializers.IntegerField(read_only=True)
    n_open = serializers.IntegerField(read_only=True)
    has_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Audit
        fields = [
            "id",
            "title",
            "kind",
            "kind_label",
            "year",
            "cadre",
            "cadre_name",
            "appointment",
            "organization",
            "organization_name",
            "post_title",
            "is_top_leader",
            "period_start",
            "period_end",
            "status",
            "status_label",
            "planned_date",
            "notified_date",
            "fieldwork_date",
            "report_date",
            "rectification_date",
            "closed_date",
            "overall_conclusion",
            "overall_summary",
            "notes",
            "n_findings",
            "n_open",
            "has_overdue",
        ]
        read_only_fields = fields


class AuditDetailSerializer(AuditSerializer):
    streams = StreamSerializer(many=True, read_only=True)
    members = MemberSerializer(many=True, read_only=True)

    class Meta(AuditSerializer.Meta):
        fields = AuditSerializer.Meta.fields + ["streams", "members"]
        read_only_fields = fields


class MemberWriteSerializer(Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.filter(is_active=True))
    role = serializers.ChoiceField(choices=MemberRole.choices, default=MemberRole.MEMBER)
    stream = serializers.ChoiceField(choices=Stream.choices, required=False, allow_null=True)
    agency = serializers.CharField(required=False, allow_blank=True, max_length=60)


class AuditCreateSerializer(Serializer):
    appointment = ScopedRelatedField(model=Appointment)
    kind = serializers.ChoiceField(choices=AuditKind.choices)
    year = serializers.IntegerField()
    period_start = serializers.DateField(required=False, allow_null=True)
    period_end = serializers.DateField(required=False, allow_null=True)
    planned_date = serializers.DateField(required=False, allow_null=True)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    notes = serializers.CharField(required=False, allow_blank=True)
    members = MemberWriteSerializer(many=True, required=False)


class AuditUpdateSerializer(Serializer):
    title = serializers.CharField(required=False, max_length=200)
    year = serializers.IntegerField(required=False)
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)
    overall_conclusion = serializers.ChoiceField(choices=Conclusion.choices, required=False, allow_blank=True)
    overall_summary = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class TransitionSerializer(Serializer):
    status = serializers.CharField()
    date = serializers.DateField(required=False, allow_null=True)


class FindingSerializer(ModelSerializer):
    stream = serializers.CharField(source="stream.stream", read_only=True)
    cadre = serializers.IntegerField(source="audit.cadre_id", read_only=True)
    cadre_name = serializers.CharField(source="audit.cadre.name", read_only=True)
    responsible = serializers.CharField(source="responsible_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = [
            "id",
            "audit",
            "cadre",
            "cadre_name",
            "stream",
            "description",
            "severity",
            "responsible_cadre",
            "responsible_name",
            "responsible",
            "rectification_required",
            "due_date",
            "state",
            "state_label",
            "overdue",
            "submitted_at",
            "verified_by",
            "verified_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_overdue(self, f) -> bool:
        return f.is_overdue()


class FindingWriteSerializer(Serializer):
    audit = ScopedRelatedField(model=Audit, required=False)
    stream = serializers.ChoiceField(choices=Stream.choices)
    description = serializers.CharField()
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.MINOR)
    responsible_cadre = ScopedRelatedField(model=Cadre, required=False, allow_null=True)
    responsible_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    rectification_required = serializers.CharField()
    due_date = serializers.DateField()


class RectifySerializer(Serializer):
    to_state = serializers.ChoiceField(choices=RectState.choices)
    note = serializers.CharField(required=False, allow_blank=True)


class StepSerializer(ModelSerializer):
    by_name = PersonNameField(source="by")

    class Meta:
        model = RectificationStep
        fields = ["id", "finding", "from_state", "to_state", "note", "by", "by_name", "at"]
        read_only_fields = fields


class AuditFileSerializer(ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = AuditFile
        fields = [
            "id",
            "audit",
            "kind",
            "title",
            "original_name",
            "size",
            "content_type",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, f) -> str:
        from django.urls import reverse

        return reverse("audits-api:audit-file-download", args=[f.pk])


class AuditFileUploadSerializer(Serializer):
    audit = ScopedRelatedField(model=Audit)
    kind = serializers.ChoiceField(choices=FileKind.choices)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    file = serializers.FileField()


class ShareSerializer(Serializer):
    officer = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.filter(is_active=True))
    until = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)
