from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from .models import Appointment, Cadre, EducationRecord, Organization, PortfolioArea, Post


@admin.register(PortfolioArea)
class PortfolioAreaAdmin(admin.ModelAdmin):
    """The portfolio-area catalogue (policy data): which areas exist and which a 一把手 must not
    directly oversee (rule 1). Areas are deactivated, not deleted: tenures keep their codes."""

    list_display = ("name", "code", "top_leader_forbidden", "order", "active")
    list_editable = ("top_leader_forbidden", "order", "active")
    list_filter = ("top_leader_forbidden", "active")
    search_fields = ("name", "code")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(GuardedModelAdmin):
    """GuardedModelAdmin adds the per-organization permission (jurisdiction) editor."""

    list_display = ("name", "kind", "parent", "path", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name", "code")
    readonly_fields = ("path", "depth")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("title", "organization", "is_leading", "top_leader_kind", "is_middle_level")
    list_filter = ("is_leading", "top_leader_kind", "organization__kind")
    search_fields = ("title", "organization__name")
    autocomplete_fields = ("organization",)


class EducationInline(admin.TabularInline):
    model = EducationRecord
    extra = 0


@admin.register(Cadre)
class CadreAdmin(admin.ModelAdmin):
    list_display = ("name", "gender", "birth_date", "organization", "rank", "status", "citizen_id_masked")
    list_filter = ("status", "rank", "management_level", "organization__kind")
    search_fields = ("name", "name_initials", "citizen_id_tail")
    readonly_fields = ("citizen_id_masked", "citizen_id_tail", "name_initials")
    exclude = ("citizen_id_encrypted", "citizen_id_digest")
    autocomplete_fields = ("organization", "user")
    inlines = [EducationInline]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ("cadre", "post", "start_date", "end_date", "is_secondment")
    list_filter = ("is_secondment", "post__top_leader_kind")
    search_fields = ("cadre__name", "post__title", "post__organization__name")
    autocomplete_fields = ("cadre", "post")
