from __future__ import annotations

from rest_framework import serializers

from cadre_supervision.api import ModelSerializer, PersonNameField, ScopedRelatedField, Serializer
from cadre_supervision.people import display_name
from cadres.models import Cadre

from ..choices import Circle, EvidenceSource, Handling, MajorMatterKind
from ..models import (
    MajorMatterReport,
    PersonalReport,
    ReportCycle,
    ReportVersion,
    SampleDraw,
    Verification,
)


class CycleSerializer(ModelSerializer):
    catalogue = serializers.CharField(source="catalogue.code", read_only=True)

    class Meta:
        model = ReportCycle
        fields = ["id", "year", "reference_date", "deadline", "catalogue", "notes", "opened_at"]
        read_only_fields = ["id", "catalogue", "opened_at"]
        extra_kwargs = {"reference_date": {"required": False}, "deadline": {"required": False}}
        # The year's uniqueness is the service's check (with a Chinese message).
        validators: list = []

    def get_fields(self):
        fields = super().get_fields()
        fields["year"].validators = []
        return fields


class DrawSerializer(ModelSerializer):
    year = serializers.IntegerField(source="cycle.year", read_only=True)
    drawn_by = PersonNameField()
    reproduced = serializers.SerializerMethodField()

    class Meta:
        model = SampleDraw
        fields = [
            "id",
            "year",
            "seed",
            "share_percent",
            "pool",
            "excluded",
            "selected",
            "repeat_allowed",
            "drawn_by",
            "drawn_at",
            "reproduced",
        ]

    def get_reproduced(self, obj) -> bool:
        from ..services import sample_reproduce

        return sample_reproduce(obj) == list(obj.selected)


class DrawRequestSerializer(Serializer):
    seed = serializers.CharField(required=False, allow_blank=True, max_length=64)


class ReportListSerializer(ModelSerializer):
    """Metadata only: no contents in lists."""

    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    organization = serializers.CharField(source="cadre.organization.name", read_only=True)
    display_status = serializers.SerializerMethodField()
    current_version = serializers.IntegerField(source="current_version.number", default=None, read_only=True)

    class Meta:
        model = PersonalReport
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "organization",
            "kind",
            "year",
            "cycle",
            "status",
            "display_status",
            "deadline",
            "first_submitted_at",
            "current_version",
        ]

    def get_display_status(self, obj) -> str:
        return obj.display_status()


class VersionSerializer(ModelSerializer):
    entered_by = PersonNameField()

    class Meta:
        model = ReportVersion
        fields = ["number", "status", "correction_reason", "entered_by", "on_behalf", "submitted_at"]


class AnswerInputSerializer(Serializer):
    nothing_to_report = serializers.BooleanField(default=False)
    entries = serializers.ListField(child=serializers.DictField(), default=list)


class DraftInputSerializer(Serializer):
    answers = serializers.DictField(child=AnswerInputSerializer())


class CorrectionInputSerializer(Serializer):
    reason = serializers.CharField(allow_blank=True)


class VerificationSerializer(ModelSerializer):
    cadre = serializers.IntegerField(source="report.cadre_id", read_only=True)
    cadre_name = serializers.CharField(source="report.cadre.name", read_only=True)
    year = serializers.IntegerField(source="report.year", read_only=True)
    item_outcomes = serializers.SerializerMethodField()
    verifiers = serializers.SerializerMethodField()

    class Meta:
        model = Verification
        fields = [
            "id",
            "report",
            "cadre",
            "cadre_name",
            "year",
            "kind",
            "status",
            "draw",
            "source_type",
            "source_id",
            "proposed_post",
            "outcome",
            "evidence_sources",
            "handling",
            "handling_note",
            "item_outcomes",
            "verifiers",
            "completed_at",
        ]

    def get_item_outcomes(self, obj) -> list[dict]:
        return [
            {
                "item": io.item.code,
                "outcome": io.outcome,
                "evidence_source": io.evidence_source,
                "note": io.note,
            }
            for io in obj.item_outcomes.all()
        ]

    def get_verifiers(self, obj) -> list[str]:
        return [display_name(a.user) for a in obj.assignments.all()]


class ItemOutcomeInputSerializer(Serializer):
    outcome = serializers.CharField()
    evidence_source = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class OutcomeInputSerializer(Serializer):
    item_outcomes = serializers.DictField(child=ItemOutcomeInputSerializer(), default=dict)
    evidence_sources = serializers.ListField(
        child=serializers.ChoiceField(choices=EvidenceSource.choices), default=list
    )
    handling = serializers.ChoiceField(choices=Handling.choices, required=False, allow_blank=True, default="")
    handling_note = serializers.CharField(required=False, allow_blank=True, default="")
    outcome = serializers.CharField(required=False, allow_blank=True, default=None, allow_null=True)


class AssignInputSerializer(Serializer):
    username = serializers.CharField()


class NoticeInputSerializer(Serializer):
    start_date = serializers.DateField()
    location = serializers.CharField(allow_blank=True, max_length=200)


class TieSerializer(Serializer):
    circle = serializers.ChoiceField(choices=Circle.choices)
    person = serializers.CharField(allow_blank=True)
    relation = serializers.CharField(allow_blank=True)
    occupation = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class MajorListSerializer(ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)

    class Meta:
        model = MajorMatterReport
        fields = ["id", "cadre", "cadre_name", "kind", "title", "occurred_on", "reported_on"]


class MajorDetailSerializer(MajorListSerializer):
    ties = serializers.SerializerMethodField()

    class Meta(MajorListSerializer.Meta):
        fields = MajorListSerializer.Meta.fields + ["description", "ties", "created_at"]

    def get_ties(self, obj) -> list[dict]:
        return [
            {
                "circle": t.circle,
                "person": t.person,
                "relation": t.relation,
                "occupation": t.occupation,
                "note": t.note,
            }
            for t in obj.ties.all()
        ]


class MajorInputSerializer(Serializer):
    cadre = ScopedRelatedField(model=Cadre)
    kind = serializers.ChoiceField(choices=MajorMatterKind.choices)
    title = serializers.CharField(allow_blank=True)
    occurred_on = serializers.DateField()
    reported_on = serializers.DateField()
    description = serializers.CharField(allow_blank=True)
    ties = TieSerializer(many=True, required=False, default=list)
