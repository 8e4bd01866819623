"""Shared pages: notifications (and, later, access log, policy settings, role grants)."""

from django.urls import path

from . import site_views

urlpatterns = [
    path("notifications/", site_views.NotificationListView.as_view(), name="notifications"),
    path("notifications/read/", site_views.NotificationReadView.as_view(), name="notifications_read_all"),
    path("notifications/<int:pk>/read/", site_views.NotificationReadView.as_view(), name="notification_read"),
]
