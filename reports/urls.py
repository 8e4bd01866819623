from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("cycles/", views.CycleListView.as_view(), name="cycle_list"),
    path("cycles/new/", views.CycleCreateView.as_view(), name="cycle_create"),
    path("cycles/<int:pk>/", views.CycleDetailView.as_view(), name="cycle_detail"),
    path("cycles/<int:pk>/sample/", views.SampleDrawView.as_view(), name="sample_draw"),
    path("mine/", views.MyReportsView.as_view(), name="my_reports"),
    path("r/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("r/<int:pk>/edit/", views.ReportEditView.as_view(), name="report_edit"),
    path("r/<int:pk>/correct/", views.ReportCorrectView.as_view(), name="report_correct"),
    path("r/<int:pk>/export/", views.ReportExportView.as_view(), name="report_export"),
    path("r/<int:pk>/access/", views.ReportAccessView.as_view(), name="report_access"),
    path("r/<int:pk>/history/", views.ReportHistoryView.as_view(), name="report_history"),
    path("r/<int:pk>/v/<int:number>/", views.VersionDetailView.as_view(), name="version_detail"),
    path("verifications/", views.VerificationListView.as_view(), name="verification_list"),
    path("verifications/<int:pk>/", views.VerificationDetailView.as_view(), name="verification_detail"),
    path("notices/", views.NoticeListRedirectView.as_view(), name="notice_list"),
    path("notices/<int:pk>/", views.NoticeDetailRedirectView.as_view(), name="notice_detail"),
    path("major/", views.MajorMatterListView.as_view(), name="major_list"),
    path("major/new/", views.MajorMatterCreateView.as_view(), name="major_create"),
    path("major/<int:pk>/", views.MajorMatterDetailView.as_view(), name="major_detail"),
]
