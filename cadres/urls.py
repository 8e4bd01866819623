from django.urls import path

from . import import_views, views

app_name = "cadres"
urlpatterns = [
    # cadres
    path("", views.CadreListView.as_view(), name="cadre_list"),
    path("new/", views.CadreCreateView.as_view(), name="cadre_create"),
    path("<int:pk>/", views.CadreDetailView.as_view(), name="cadre_detail"),
    path("<int:pk>/edit/", views.CadreUpdateView.as_view(), name="cadre_update"),
    path("<int:pk>/citizen-id/", views.CadreCitizenIdView.as_view(), name="cadre_citizen_id"),
    path("<int:pk>/history/", views.CadreHistoryView.as_view(), name="cadre_history"),
    path("<int:pk>/appointments/new/", views.AppointmentCreateView.as_view(), name="appointment_create"),
    # appointments
    path("appointments/<int:pk>/edit/", views.AppointmentUpdateView.as_view(), name="appointment_update"),
    path("appointments/<int:pk>/end/", views.AppointmentEndView.as_view(), name="appointment_end"),
    # organizations
    path("organizations/", views.OrganizationTreeView.as_view(), name="organization_tree"),
    path("organizations/new/", views.OrganizationCreateView.as_view(), name="organization_create"),
    path("organizations/<int:pk>/", views.OrganizationDetailView.as_view(), name="organization_detail"),
    path("organizations/<int:pk>/edit/", views.OrganizationUpdateView.as_view(), name="organization_update"),
    path(
        "organizations/<int:pk>/history/",
        views.OrganizationHistoryView.as_view(),
        name="organization_history",
    ),
    # posts
    path("posts/", views.PostListView.as_view(), name="post_list"),
    path("posts/new/", views.PostCreateView.as_view(), name="post_create"),
    path("posts/<int:pk>/", views.PostDetailView.as_view(), name="post_detail"),
    path("posts/<int:pk>/edit/", views.PostUpdateView.as_view(), name="post_update"),
    path("posts/<int:pk>/history/", views.PostHistoryView.as_view(), name="post_history"),
    # Excel import
    path("import/", import_views.CadreImportView.as_view(), name="cadre_import"),
    path("import/report/", import_views.CadreImportReportView.as_view(), name="cadre_import_report"),
    path("import/confirm/", import_views.CadreImportConfirmView.as_view(), name="cadre_import_confirm"),
    path(
        "import/template.xlsx", import_views.CadreImportTemplateView.as_view(), name="cadre_import_template"
    ),
    path("import/export.xlsx", import_views.CadreImportExportView.as_view(), name="cadre_import_export"),
    path("import/errors.xlsx", import_views.CadreImportErrorsView.as_view(), name="cadre_import_errors"),
]
