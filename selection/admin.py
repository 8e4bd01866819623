from django.contrib import admin

from .models import Agency


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "required", "reply_days", "order", "active")
    filter_horizontal = ("liaisons",)
