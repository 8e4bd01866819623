from django.contrib import admin

from .models import Audit, AuditFile, AuditFileShare, AuditMember, AuditStream, Finding, RectificationStep


class StreamInline(admin.TabularInline):
    model = AuditStream
    extra = 0


class MemberInline(admin.TabularInline):
    model = AuditMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Audit)
class AuditAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "year", "status", "organization"]
    list_filter = ["kind", "status", "year"]
    search_fields = ["title", "cadre__name"]
    raw_id_fields = ["cadre", "appointment", "organization", "created_by"]
    inlines = [StreamInline, MemberInline]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["id", "audit", "severity", "state", "due_date"]
    list_filter = ["state", "severity"]
    raw_id_fields = ["audit", "stream", "responsible_cadre", "verified_by", "created_by"]


@admin.register(RectificationStep)
class RectificationStepAdmin(admin.ModelAdmin):
    list_display = ["finding", "from_state", "to_state", "by", "at"]
    raw_id_fields = ["finding", "by"]


@admin.register(AuditFile)
class AuditFileAdmin(admin.ModelAdmin):
    list_display = ["title", "audit", "kind", "size", "uploaded_at"]
    raw_id_fields = ["audit", "uploaded_by"]
    exclude = ["file"]  # downloads only through the logged view


@admin.register(AuditFileShare)
class AuditFileShareAdmin(admin.ModelAdmin):
    list_display = ["file", "officer", "expires_at", "revoked_at"]
    raw_id_fields = ["file", "officer", "granted_by"]
