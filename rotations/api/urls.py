from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "rotations-api"
router = SimpleRouter()
router.register("exchanges", views.ExchangeViewSet, basename="exchange")
router.register("rotation-plans", views.RotationPlanViewSet, basename="rotation-plan")
router.register("rotation-plan-items", views.PlanItemViewSet, basename="rotation-plan-item")
router.register("secondline-records", views.SecondLineRecordViewSet, basename="secondline-record")
router.register("secondline-assignments", views.AssignmentViewSet, basename="secondline-assignment")
router.register("secondline-leave", views.LeaveRequestViewSet, basename="secondline-leave")

urlpatterns = [
    path("rotation-due/", views.DueListAPIView.as_view(), name="due-list"),
    path("stats/rotations/", views.RotationStatsView.as_view(), name="stats"),
    *router.urls,
]
