"""Admin: read-mostly views for support; every write belongs to the services (pages and API)."""

from django.contrib import admin

from .models import (
    Absence,
    Assignment,
    AvoidanceCase,
    Exchange,
    LeaveRequest,
    Opening,
    PlanItem,
    RotationPlan,
    SecondLineRecord,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Exchange)
class ExchangeAdmin(ReadOnlyAdmin):
    list_display = ["cadre", "kind", "reason", "from_organization", "to_organization", "effective_date"]
    list_filter = ["kind", "reason"]
    search_fields = ["cadre__name"]


@admin.register(RotationPlan)
class RotationPlanAdmin(ReadOnlyAdmin):
    list_display = ["organization", "year", "title"]
    list_filter = ["year"]


@admin.register(SecondLineRecord)
class SecondLineRecordAdmin(ReadOnlyAdmin):
    list_display = ["cadre", "moved_on", "status", "work_status", "willing_to_serve"]
    list_filter = ["status", "work_status", "willing_to_serve"]
    search_fields = ["cadre__name"]


for model in (PlanItem, AvoidanceCase, Opening, Assignment, LeaveRequest, Absence):
    admin.site.register(model, ReadOnlyAdmin)
