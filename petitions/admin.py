"""Admin: the problem categories are data kept here. Petitions are handled on their pages only
(the reporter's identity has no admin page)."""

from django.contrib import admin

from .models import ProblemCategory


@admin.register(ProblemCategory)
class ProblemCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    ordering = ("sort_order", "id")
