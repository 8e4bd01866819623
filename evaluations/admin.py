from django.contrib import admin

from .models import Campaign, CareLetter, DemocraticEvaluation, Subject


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "organization", "completed_on")


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ("campaign", "organization", "kind", "cadre", "score", "grade")


@admin.register(DemocraticEvaluation)
class DemocraticAdmin(admin.ModelAdmin):
    list_display = ("cadre", "year", "held_on", "participants")


@admin.register(CareLetter)
class CareLetterAdmin(admin.ModelAdmin):
    list_display = ("cadre", "year", "status", "sent_on", "acknowledged_on")
