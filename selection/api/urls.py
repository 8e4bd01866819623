from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "selection-api"
router = DefaultRouter()
router.include_root_view = False
router.register("selections", views.SelectionViewSet, basename="selection")
router.register("selection-candidates", views.CandidateViewSet, basename="candidate")
router.register("selection-letters", views.LetterViewSet, basename="letter")
router.register("selection-exceptions", views.ExceptionViewSet, basename="exception")

urlpatterns = [
    path("stats/selection/", views.SelectionStatsView.as_view(), name="stats-selection"),
    *router.urls,
]
