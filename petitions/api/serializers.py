"""Serializers: no field carries the reporter's identity or a reporter search."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from cadre_supervision.api import ModelSerializer, PersonNameField, ScopedRelatedField, Serializer
from cadres.models import Cadre, Organization

from ..choices import Channel, Disposal, Result, TalkForm
from ..models import Petition, ProblemCategory


class PetitionSerializer(ModelSerializer):
    number = serializers.CharField(read_only=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    disposal_label = serializers.CharField(source="get_disposal_display", read_only=True)
    result_label = serializers.CharField(source="get_result_display", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    handler_name = PersonNameField(source="handler")
    cadre_names = serializers.SerializerMethodField()
    category_names = serializers.SerializerMethodField()

    class Meta:
        model = Petition
        fields = [
            "id",
            "number",
            "title",
            "channel",
            "channel_label",
            "received_on",
            "anonymous",
            "organization",
            "organization_name",
            "cadres",
            "cadre_names",
            "categories",
            "category_names",
            "content",
            "handler",
            "handler_name",
            "deadline",
            "status",
            "status_label",
            "disposal",
            "disposal_label",
            "disposal_on",
            "disposal_note",
            "talk_form",
            "escalated_on",
            "result",
            "result_label",
            "result_on",
            "result_note",
            "feedback_on",
            "created_at",
        ]
        read_only_fields = fields

    def get_cadre_names(self, obj) -> list[str]:
        return [c.name for c in obj.cadres.all()]

    def get_category_names(self, obj) -> list[str]:
        return [c.name for c in obj.categories.all()]


class PetitionReporterInputSerializer(Serializer):
    name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    work_unit = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class PetitionCreateSerializer(Serializer):
    """Input of POST /petitions/. The reporter is write-only: it is never answered back."""

    title = serializers.CharField(max_length=200)
    channel = serializers.ChoiceField(choices=Channel.choices)
    received_on = serializers.DateField()
    organization = ScopedRelatedField(model=Organization, action="view_cadres")
    cadres = ScopedRelatedField(model=Cadre, action="view_cadres", many=True, required=False)
    categories = serializers.PrimaryKeyRelatedField(
        queryset=ProblemCategory.objects.filter(is_active=True), many=True, required=False
    )
    content = serializers.CharField()
    handler = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.filter(is_active=True))
    anonymous = serializers.BooleanField(default=True)
    reporter = PetitionReporterInputSerializer(required=False, write_only=True)


class PetitionDisposeSerializer(Serializer):
    disposal = serializers.ChoiceField(choices=Disposal.choices)
    talk_form = serializers.ChoiceField(
        choices=TalkForm.choices, required=False, allow_blank=True, default=""
    )
    decided_on = serializers.DateField()
    note = serializers.CharField()


class PetitionConcludeSerializer(Serializer):
    result = serializers.ChoiceField(choices=Result.choices)
    concluded_on = serializers.DateField()
    note = serializers.CharField()


class PetitionFeedbackSerializer(Serializer):
    given_on = serializers.DateField()
    note = serializers.CharField()


class PetitionEscalateSerializer(Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
