from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "audits-api"
router = DefaultRouter()
router.include_root_view = False
router.register("audits", views.AuditViewSet, basename="audit")
router.register("audit-streams", views.AuditStreamViewSet, basename="audit-stream")
router.register("audit-findings", views.FindingViewSet, basename="audit-finding")
router.register(
    "audit-rectification-steps", views.RectificationStepViewSet, basename="audit-rectification-step"
)
router.register("audit-files", views.AuditFileViewSet, basename="audit-file")

urlpatterns = [
    path("stats/audits/", views.AuditStatsView.as_view(), name="stats-audits"),
    *router.urls,
]
