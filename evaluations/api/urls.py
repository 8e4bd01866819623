from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "evaluations-api"
router = SimpleRouter()
router.register("evaluation-campaigns", views.CampaignViewSet, basename="campaign")
router.register("evaluation-steps", views.CampaignStepViewSet, basename="step")
router.register("evaluation-subjects", views.SubjectViewSet, basename="subject")
router.register("evaluation-items", views.ActionItemViewSet, basename="item")
router.register("democratic-evaluations", views.DemocraticViewSet, basename="democratic")
router.register("care-letters", views.CareLetterViewSet, basename="care-letter")

urlpatterns = [
    path("stats/evaluations/", views.EvaluationStatsView.as_view(), name="stats"),
    *router.urls,
]
