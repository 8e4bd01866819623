from django.urls import path

from . import views

app_name = "interviews"
urlpatterns = [
    path("", views.MyTasksView.as_view(), name="my_tasks"),
    path("tasks/", views.MyTasksView.as_view(), name="tasks"),
    path("records/", views.RecordListView.as_view(), name="record_list"),
    path("records/new/", views.RecordCreateView.as_view(), name="record_create"),
    path("records/<int:pk>/", views.RecordDetailView.as_view(), name="record_detail"),
    path("records/<int:pk>/edit/", views.RecordUpdateView.as_view(), name="record_update"),
    path("records/<int:pk>/delete/", views.RecordDeleteView.as_view(), name="record_delete"),
    path("records/<int:pk>/history/", views.RecordHistoryView.as_view(), name="record_history"),
    path("records/<int:pk>/follow-ups/", views.FollowUpAddView.as_view(), name="follow_up_add"),
    path("records/<int:pk>/attachments/", views.AttachmentUploadView.as_view(), name="attachment_upload"),
    path("follow-ups/<int:pk>/done/", views.FollowUpCompleteView.as_view(), name="follow_up_complete"),
    path("attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment_download"),
    path("required/", views.RequiredTalkListView.as_view(), name="required_list"),
    path("required/<int:pk>/", views.RequiredTalkDetailView.as_view(), name="required_detail"),
    path("required/<int:pk>/cancel/", views.RequiredTalkCancelView.as_view(), name="required_cancel"),
    path("special/new/", views.SpecialTalkCreateView.as_view(), name="special_create"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("gaps/", views.GapListView.as_view(), name="gaps"),
    path("assignments/", views.AssignmentListView.as_view(), name="assignment_list"),
    path("assignments/new/", views.AssignmentCreateView.as_view(), name="assignment_create"),
    path("assignments/<int:pk>/edit/", views.AssignmentUpdateView.as_view(), name="assignment_update"),
    path(
        "assignments/<int:pk>/deactivate/",
        views.AssignmentDeactivateView.as_view(),
        name="assignment_deactivate",
    ),
    path("assignments/<int:pk>/history/", views.AssignmentHistoryView.as_view(), name="assignment_history"),
]
