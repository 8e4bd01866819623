from django.contrib import admin

from .models import (
    CatalogueVersion,
    MajorMatterReport,
    PersonalReport,
    ReportCycle,
    ReportItem,
    SampleDraw,
    Verification,
)


class ReportItemInline(admin.TabularInline):
    model = ReportItem
    extra = 0
    fields = ["code", "number", "category", "title", "sort_order"]


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "effective_from"]
    inlines = [ReportItemInline]


@admin.register(ReportCycle)
class ReportCycleAdmin(admin.ModelAdmin):
    list_display = ["year", "reference_date", "deadline", "catalogue"]


# Contents are confidential: the admin shows metadata only, read-only.
class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PersonalReport)
class PersonalReportAdmin(ReadOnlyAdmin):
    list_display = ["cadre", "year", "kind", "status", "first_submitted_at"]
    list_filter = ["year", "kind", "status"]
    fields = ["cadre", "year", "kind", "cycle", "status", "deadline", "first_submitted_at"]


@admin.register(SampleDraw)
class SampleDrawAdmin(ReadOnlyAdmin):
    list_display = ["cycle", "seed", "share_percent", "drawn_at"]


@admin.register(Verification)
class VerificationAdmin(ReadOnlyAdmin):
    list_display = ["report", "kind", "status", "outcome", "handling"]
    list_filter = ["kind", "status", "outcome"]
    fields = [
        "report",
        "kind",
        "source_type",
        "source_id",
        "proposed_post",
        "status",
        "outcome",
        "handling",
        "completed_at",
    ]


@admin.register(MajorMatterReport)
class MajorMatterReportAdmin(ReadOnlyAdmin):
    list_display = ["cadre", "kind", "reported_on"]
    fields = ["cadre", "kind", "reported_on"]
