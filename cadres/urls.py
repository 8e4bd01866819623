from django.urls import path

from . import views

app_name = "cadres"
urlpatterns = [
    path("", views.CadreListView.as_view(), name="cadre_list"),
]
