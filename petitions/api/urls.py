from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "petitions-api"
router = SimpleRouter()
router.register("petitions", views.PetitionViewSet, basename="petition")

urlpatterns = [
    path("stats/petitions/", views.PetitionStatsView.as_view(), name="stats"),
    *router.urls,
]
