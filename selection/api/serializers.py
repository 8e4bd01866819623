from __future__ import annotations

from rest_framework import serializers

from cadre_supervision.api import ModelSerializer, ScopedRelatedField, Serializer
from cadres.models import Cadre, Organization, Post

from ..choices import Method, Rating, RatioPoint, Reply, RespondentKind
from ..models import Agency, Candidate, GateException, OpinionLetter, RatioRecord, Selection


class RatioSerializer(ModelSerializer):
    class Meta:
        model = RatioRecord
        fields = ["point", "nominees", "posts", "recorded_on"]


class SelectionSerializer(ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    n_candidates = serializers.IntegerField(read_only=True)
    n_cleared = serializers.IntegerField(read_only=True)
    # From the selection's 任前公示 (cadres.Publicity), annotated by selectors.selections.
    publicity_start = serializers.DateField(source="publicity_start_at", read_only=True, allow_null=True)
    publicity_end = serializers.DateField(source="publicity_end_at", read_only=True, allow_null=True)

    class Meta:
        model = Selection
        fields = [
            "id",
            "title",
            "organization",
            "organization_name",
            "posts",
            "reason",
            "method",
            "proposed_by",
            "motion_date",
            "stage",
            "stage_label",
            "stage_since",
            "publicity_start",
            "publicity_end",
            "n_candidates",
            "n_cleared",
        ]
        read_only_fields = fields


class SelectionDetailSerializer(SelectionSerializer):
    ratios = RatioSerializer(many=True, read_only=True)

    class Meta(SelectionSerializer.Meta):
        fields = [
            *SelectionSerializer.Meta.fields,
            "ratios",
            "meeting_date",
            "decision_date",
            "inspection_conclusion",
        ]
        read_only_fields = fields


class SelectionCreateSerializer(Serializer):
    organization = ScopedRelatedField(model=Organization, action="manage_selection")
    title = serializers.CharField(max_length=200)
    posts = ScopedRelatedField(model=Post, action="manage_selection", many=True)
    reason = serializers.CharField()
    method = serializers.ChoiceField(choices=Method.choices)
    proposed_by = serializers.CharField(max_length=100)
    motion_date = serializers.DateField()


class NominateSerializer(Serializer):
    cadre = ScopedRelatedField(model=Cadre, action="view_cadres")
    post = ScopedRelatedField(model=Post, action="view_selection")
    recommendation_votes = serializers.IntegerField(required=False, allow_null=True, min_value=0)


class RatioWriteSerializer(Serializer):
    point = serializers.ChoiceField(choices=RatioPoint.choices)
    nominees = serializers.IntegerField(min_value=0)
    posts = serializers.IntegerField(min_value=1)


class CheckItemSerializer(Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    state = serializers.CharField()
    detail = serializers.CharField()


class CandidateSerializer(ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    post_title = serializers.CharField(source="post.title", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Candidate
        fields = [
            "id",
            "selection",
            "cadre",
            "cadre_name",
            "post",
            "post_title",
            "status",
            "status_label",
            "recommendation_votes",
            "decision_for",
            "decision_against",
            "decision_abstain",
            "nominated_on",
            "cleared_at",
            "appointment",
        ]
        read_only_fields = fields


class ClearSerializer(Serializer):
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")


class LetterSerializer(ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    cadre_name = serializers.CharField(source="candidate.cadre.name", read_only=True)
    post_title = serializers.CharField(source="candidate.post.title", read_only=True)
    reply_label = serializers.CharField(source="get_reply_display", read_only=True)

    class Meta:
        model = OpinionLetter
        fields = [
            "id",
            "candidate",
            "agency",
            "agency_name",
            "cadre_name",
            "post_title",
            "sent_on",
            "due_on",
            "reply",
            "reply_label",
            "reply_text",
            "replied_on",
        ]
        read_only_fields = fields


class ReplySerializer(Serializer):
    reply = serializers.ChoiceField(choices=[c for c in Reply.choices if c[0]])
    reply_text = serializers.CharField(required=False, allow_blank=True, default="")
    replied_on = serializers.DateField(required=False, allow_null=True, default=None)


class SurveySerializer(Serializer):
    respondent_kind = serializers.ChoiceField(choices=RespondentKind.choices)
    respondent_name = serializers.CharField(required=False, allow_blank=True, default="")
    family_virtue = serializers.ChoiceField(choices=Rating.choices)
    social_morality = serializers.ChoiceField(choices=Rating.choices)
    neighbourliness = serializers.ChoiceField(choices=Rating.choices)
    law_abiding = serializers.ChoiceField(choices=Rating.choices)
    comments = serializers.CharField(required=False, allow_blank=True, default="")
    surveyed_on = serializers.DateField(required=False, allow_null=True, default=None)


class ExceptionSerializer(ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)

    class Meta:
        model = GateException
        fields = [
            "id",
            "kind",
            "kind_label",
            "cadre",
            "cadre_name",
            "post",
            "candidate",
            "reason",
            "granted_at",
            "appointment",
        ]
        read_only_fields = fields


class ExceptionWriteSerializer(Serializer):
    cadre = ScopedRelatedField(model=Cadre, action="view_cadres")
    post = ScopedRelatedField(model=Post, action="override_selection")
    reason = serializers.CharField()


class AgencySerializer(ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "kind", "required", "reply_days"]
        read_only_fields = fields
