from django.contrib import admin

from .models import AccessLog, Notification, PolicySetting


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the table is append-only (a database trigger refuses updates and deletes)."""

    list_display = ("at", "username", "action", "object_type", "object_repr", "ip")
    list_filter = ("action", "object_type")
    search_fields = ("username", "object_repr", "object_id", "request_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PolicySetting)
class PolicySettingAdmin(admin.ModelAdmin):
    list_display = ("key", "value", "updated_at", "updated_by")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "period", "title", "read_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("title", "recipient__username")
