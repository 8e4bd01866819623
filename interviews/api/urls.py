from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "interviews-api"
router = DefaultRouter()
router.include_root_view = False
router.register("interview-assignments", views.AssignmentViewSet, basename="assignment")
router.register("required-talks", views.RequiredTalkViewSet, basename="required-talk")
router.register("interview-records", views.InterviewRecordViewSet, basename="record")
router.register("interview-follow-ups", views.FollowUpViewSet, basename="follow-up")
urlpatterns = [
    path("stats/interviews/", views.InterviewStatsView.as_view(), name="stats"),
    *router.urls,
]
