from django.urls import path

from . import views

app_name = "audits"
urlpatterns = [
    path("", views.AuditListView.as_view(), name="audit_list"),
    path("new/", views.AuditCreateView.as_view(), name="audit_create"),
    path("plan/", views.PlanView.as_view(), name="plan"),
    path("compliance/departures/", views.DeparturesView.as_view(), name="compliance_departures"),
    path("compliance/cycle/", views.CycleView.as_view(), name="compliance_cycle"),
    path("<int:pk>/", views.AuditDetailView.as_view(), name="audit_detail"),
    path("<int:pk>/edit/", views.AuditEditView.as_view(), name="audit_edit"),
    path("<int:pk>/transition/", views.AuditTransitionView.as_view(), name="audit_transition"),
    path("<int:pk>/delete/", views.AuditDeleteView.as_view(), name="audit_delete"),
    path("<int:pk>/history/", views.AuditHistoryView.as_view(), name="audit_history"),
    path("<int:pk>/members/add/", views.MemberAddView.as_view(), name="member_add"),
    path("members/<int:pk>/remove/", views.MemberRemoveView.as_view(), name="member_remove"),
    path("streams/<int:pk>/edit/", views.StreamEditView.as_view(), name="stream_edit"),
    path("<int:pk>/findings/new/", views.FindingCreateView.as_view(), name="finding_create"),
    path("<int:pk>/files/upload/", views.FileUploadView.as_view(), name="file_upload"),
    path("findings/", views.FindingListView.as_view(), name="finding_list"),
    path("findings/<int:pk>/", views.FindingDetailView.as_view(), name="finding_detail"),
    path("findings/<int:pk>/edit/", views.FindingEditView.as_view(), name="finding_edit"),
    path("findings/<int:pk>/rectify/", views.FindingRectifyView.as_view(), name="finding_rectify"),
    path("findings/<int:pk>/history/", views.FindingHistoryView.as_view(), name="finding_history"),
    path("files/", views.FileListView.as_view(), name="file_list"),
    path("files/<int:pk>/download/", views.FileDownloadView.as_view(), name="file_download"),
    path("files/<int:pk>/share/", views.FileShareView.as_view(), name="file_share"),
    path("shares/<int:pk>/revoke/", views.ShareRevokeView.as_view(), name="share_revoke"),
]
