"""/api/v1/: the registry resources, token login and the cadre statistics."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import board, imports, publicity, views

app_name = "cadres-api"
router = DefaultRouter()
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("posts", views.PostViewSet, basename="post")
router.register("cadres", views.CadreViewSet, basename="cadre")
router.register("appointments", views.AppointmentViewSet, basename="appointment")
router.register("education-records", views.EducationRecordViewSet, basename="education-record")
router.register("resume-lines", views.ResumeLineViewSet, basename="resume-line")
router.register("verifications", views.VerificationViewSet, basename="verification")
router.register("rewards", views.RewardViewSet, basename="reward")
router.register("training-records", views.TrainingRecordViewSet, basename="training-record")
router.register("annual-assessments", views.AnnualAssessmentViewSet, basename="annual-assessment")
router.register("sanctions", views.SanctionViewSet, basename="sanction")
router.register("family-members", views.FamilyMemberViewSet, basename="family-member")
router.register("publicity", publicity.PublicityViewSet, basename="publicity")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("stats/cadres/", views.CadreStatsView.as_view(), name="stats-cadres"),
    path("warnings/", board.BoardApiView.as_view(), name="warnings"),
    # before the router: "import" is not a cadre id
    path("cadres/import/", imports.CadreImportApiView.as_view(), name="cadre-import"),
    *router.urls,
]
