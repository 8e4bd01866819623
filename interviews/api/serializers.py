"""Serializers: shapes only. Writes go to the services (see api/views.py)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from cadre_supervision.api import ModelSerializer, ScopedRelatedField, Serializer
from cadre_supervision.people import display_name
from cadres.models import Cadre, Organization

from ..choices import InterviewKind, SpecialTrigger, TalkStatus
from ..models import FollowUp, InterviewAssignment, InterviewAttachment, InterviewRecord, RequiredTalk

User = get_user_model()


def _name(u) -> str:
    return display_name(u)


class AssignmentSerializer(ModelSerializer):
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    user_name = serializers.SerializerMethodField()
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    organization = ScopedRelatedField(model=Organization, action="manage_interviews")

    class Meta:
        model = InterviewAssignment
        fields = [
            "id",
            "role",
            "role_label",
            "user",
            "user_name",
            "organization",
            "organization_name",
            "line_role",
            "note",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["is_active", "created_at", "updated_at"]
        validators: list = []  # uniqueness and line-role rules are checked by the service

    def get_user_name(self, obj) -> str:
        return _name(obj.user)


class RequiredTalkSerializer(ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    organization = serializers.IntegerField(source="cadre.organization_id", read_only=True)
    organization_name = serializers.CharField(source="cadre.organization.name", read_only=True)
    responsible_name = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True)
    status_label = serializers.SerializerMethodField()
    title = serializers.CharField(read_only=True)
    late = serializers.BooleanField(source="is_late", read_only=True, help_text="逾期补谈")

    class Meta:
        model = RequiredTalk
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "organization",
            "organization_name",
            "year",
            "kind",
            "seq",
            "title",
            "trigger",
            "trigger_date",
            "due_date",
            "category",
            "interviewer_role",
            "responsible",
            "responsible_name",
            "status",
            "status_label",
            "fulfilled_by",
            "done_on",
            "late",
            "cancelled_at",
            "cancel_reason",
            "note",
        ]
        read_only_fields = fields

    def get_responsible_name(self, obj) -> str:
        return _name(obj.responsible)

    def get_status_label(self, obj) -> str:
        return str(TalkStatus(getattr(obj, "status", TalkStatus.PENDING)).label)


class SpecialTalkRaiseSerializer(Serializer):
    cadre = ScopedRelatedField(model=Cadre)
    trigger = serializers.ChoiceField(choices=SpecialTrigger.choices)
    trigger_date = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CancelSerializer(Serializer):
    reason = serializers.CharField(allow_blank=True)


class FollowUpInlineSerializer(Serializer):
    action = serializers.CharField(max_length=300, allow_blank=True)
    owner_name = serializers.CharField(max_length=50, allow_blank=True)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    due_date = serializers.DateField(allow_null=True)


class FollowUpSerializer(ModelSerializer):
    status = serializers.SerializerMethodField()
    record = ScopedRelatedField(model=InterviewRecord, action="change")
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)

    class Meta:
        model = FollowUp
        fields = ["id", "record", "action", "owner_name", "owner", "due_date", "done_on", "result", "status"]
        read_only_fields = ["done_on", "result"]

    def get_status(self, obj) -> str:
        return obj.status()


class FollowUpCompleteSerializer(Serializer):
    done_on = serializers.DateField()
    result = serializers.CharField(required=False, allow_blank=True, default="")


class AttachmentSerializer(ModelSerializer):
    class Meta:
        model = InterviewAttachment
        fields = ["id", "name", "size", "uploaded_at"]


class ParticipantIdsField(serializers.ManyRelatedField):
    """The interviewers: written as user ids, read as the user ids of the participants."""

    def get_attribute(self, instance):
        return [p.user for p in instance.participants.all()]


class InterviewRecordSerializer(ModelSerializer):
    interviewee = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.all())
    interviewee_name = serializers.CharField(source="interviewee.name", read_only=True)
    organization = serializers.IntegerField(source="interviewee.organization_id", read_only=True)
    # Written as a list of user ids; read back from the prefetched participants (no N+1).
    interviewers = ParticipantIdsField(
        child_relation=serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    )
    interviewer_names = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(choices=InterviewKind.choices)
    follow_ups = FollowUpInlineSerializer(many=True, required=False)
    attachments = AttachmentSerializer(many=True, read_only=True)
    fulfils = serializers.SerializerMethodField()
    # The task the talk is logged from: the record fulfils exactly that task (also a past-year
    # one: a late talk). Resolved inside the caller's scope by the service.
    task = serializers.IntegerField(required=False, allow_null=True, source="task_id")

    class Meta:
        model = InterviewRecord
        fields = [
            "id",
            "task",
            "kind",
            "trigger",
            "date",
            "place",
            "interviewee",
            "interviewee_name",
            "organization",
            "interviewers",
            "interviewer_names",
            "topics",
            "summary",
            "stated_issues",
            "reply",
            "reply_date",
            "follow_ups",
            "attachments",
            "fulfils",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"summary": {"allow_blank": True}}

    def get_fulfils(self, obj) -> int | None:
        talk = getattr(obj, "fulfils", None)
        return talk.pk if talk is not None else None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["follow_ups"] = [
            {
                "id": f.pk,
                "action": f.action,
                "owner_name": f.owner_name,
                "owner": f.owner_id,
                "due_date": f.due_date.isoformat(),
                "done_on": f.done_on.isoformat() if f.done_on else None,
                "status": f.status(),
            }
            for f in instance.follow_ups.all()
        ]
        return data


class InterviewRecordListSerializer(InterviewRecordSerializer):
    class Meta(InterviewRecordSerializer.Meta):
        fields = [
            "id",
            "kind",
            "trigger",
            "date",
            "place",
            "interviewee",
            "interviewee_name",
            "organization",
            "interviewers",
            "interviewer_names",
            "topics",
            "fulfils",
        ]

    def to_representation(self, instance):
        return ModelSerializer.to_representation(self, instance)
