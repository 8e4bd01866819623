from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "reports-api"
router = DefaultRouter()
router.include_root_view = False
router.register("report-cycles", views.CycleViewSet, basename="cycle")
router.register("personal-reports", views.ReportViewSet, basename="report")
router.register("report-verifications", views.VerificationViewSet, basename="verification")
router.register("major-matter-reports", views.MajorMatterViewSet, basename="major")
urlpatterns = [
    path("stats/reports/", views.ReportStatsView.as_view(), name="stats-reports"),
    *router.urls,
]
