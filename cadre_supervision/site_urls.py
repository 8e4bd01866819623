"""Shared pages: notifications, the user's exports and the administrator's pages (role grants,
policies, access log)."""

from django.urls import path

from . import site_views

urlpatterns = [
    path("notifications/", site_views.NotificationListView.as_view(), name="notifications"),
    path("notifications/read/", site_views.NotificationReadView.as_view(), name="notifications_read_all"),
    path(
        "notifications/group/read/",
        site_views.NotificationGroupReadView.as_view(),
        name="notifications_read_group",
    ),
    path("notifications/<int:pk>/read/", site_views.NotificationReadView.as_view(), name="notification_read"),
    path("exports/", site_views.ExportJobListView.as_view(), name="export_list"),
    path("exports/<str:token>/", site_views.ExportJobDetailView.as_view(), name="export_job"),
    path(
        "exports/<str:token>/download/",
        site_views.ExportJobDownloadView.as_view(),
        name="export_job_download",
    ),
    path("system/roles/", site_views.RoleListView.as_view(), name="admin_roles"),
    path("system/roles/<int:pk>/", site_views.RoleDetailView.as_view(), name="admin_role_detail"),
    path("system/policies/", site_views.PolicyListView.as_view(), name="admin_policies"),
    path("system/access-log/", site_views.AccessLogListView.as_view(), name="admin_access_log"),
]
