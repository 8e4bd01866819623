"""The product's URLs plus the typical implementation's two, for the bench only."""

from django.urls import include, path

from .typical import TypicalCadreListAPI, TypicalCadreListPage

urlpatterns = [
    path("_typical/cadres/", TypicalCadreListPage.as_view()),
    path("_typical/api/cadres/", TypicalCadreListAPI.as_view()),
    path("", include("cadre_supervision.urls")),
]
