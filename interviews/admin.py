from django.contrib import admin

from .models import (
    FollowUp,
    InterviewAssignment,
    InterviewAttachment,
    InterviewParticipant,
    InterviewRecord,
    RequiredTalk,
)


@admin.register(InterviewAssignment)
class InterviewAssignmentAdmin(admin.ModelAdmin):
    list_display = ("role", "user", "organization", "line_role", "is_active")
    list_filter = ("role", "is_active")
    raw_id_fields = ("user", "organization")


@admin.register(RequiredTalk)
class RequiredTalkAdmin(admin.ModelAdmin):
    list_display = (
        "cadre",
        "year",
        "kind",
        "seq",
        "trigger",
        "due_date",
        "responsible",
        "done_on",
        "cancelled_at",
    )
    list_filter = ("year", "kind", "category", "interviewer_role")
    raw_id_fields = ("cadre", "responsible", "fulfilled_by", "created_by")
    readonly_fields = ("fulfilled_by", "done_on")


class ParticipantInline(admin.TabularInline):
    model = InterviewParticipant
    raw_id_fields = ("user",)
    extra = 0


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    raw_id_fields = ("owner",)
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = InterviewAttachment
    extra = 0
    readonly_fields = ("name", "size", "uploaded_by", "uploaded_at")


@admin.register(InterviewRecord)
class InterviewRecordAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "interviewee")
    list_filter = ("kind",)
    raw_id_fields = ("interviewee", "created_by")
    inlines = [ParticipantInline, FollowUpInline, AttachmentInline]
