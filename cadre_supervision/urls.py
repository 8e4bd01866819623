from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views, workbench_views
from .api import api_not_found
from .lookup import LookupView

urlpatterns = [
    path("", workbench_views.WorkbenchView.as_view(), name="home"),
    path(
        "workbench/figures/<str:key>/", workbench_views.WorkbenchFigureView.as_view(), name="workbench_figure"
    ),
    path("calendar/", workbench_views.CalendarView.as_view(), name="calendar"),
    path("calendar/token/", workbench_views.CalendarTokenView.as_view(), name="calendar_token"),
    path(
        "calendar/token/revoke/",
        workbench_views.CalendarTokenRevokeView.as_view(),
        name="calendar_token_revoke",
    ),
    re_path(
        r"^calendar/feed/(?P<token>[A-Za-z0-9_-]{20,100})\.ics$",
        workbench_views.CalendarFeedView.as_view(),
        name="calendar_feed",
    ),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("cadre_supervision.site_urls")),
    path("integrity/", include("cadres.integrity_urls")),
    path("warnings/", include("cadres.board_urls")),
    path("cadres/", include("cadres.urls")),
    path("api/v1/lookup/<slug:source>/", LookupView.as_view(), name="lookup"),
    path("api/v1/", include("cadres.api.urls")),
    path("api/v1/", include("cadre_supervision.workbench_api")),
    path("api/v1/", include("cadre_supervision.export_api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script under the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

for app in ("interviews", "audits", "rotations", "reports", "petitions", "evaluations", "selection"):
    urlpatterns += [path(f"{app}/", include(f"{app}.urls")), path("api/v1/", include(f"{app}.api.urls"))]
urlpatterns += [
    re_path(r"^api/", api_not_found, name="api-not-found")
]  # unmatched API paths: JSON 404, never an HTML page
# Uploads are never served directly: every file goes through its app's checked, logged view.
