"""The early-warning board (预警), mounted by the root URLconf at /warnings/."""

from django.urls import path

from . import board_views

app_name = "warnings"

urlpatterns = [
    path("", board_views.BoardView.as_view(), name="board"),
    path("signals/", board_views.SignalListView.as_view(), name="signals"),
]
