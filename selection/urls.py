from django.urls import path

from . import views

app_name = "selection"
urlpatterns = [
    path("", views.SelectionListView.as_view(), name="selection_list"),
    path("new/", views.SelectionCreateView.as_view(), name="selection_create"),
    path("<int:pk>/", views.SelectionDetailView.as_view(), name="selection_detail"),
    path("<int:pk>/history/", views.SelectionHistoryView.as_view(), name="selection_history"),
    path("<int:pk>/record/", views.SelectionRecordView.as_view(), name="selection_record"),
    path("<int:pk>/advance/", views.SelectionAdvanceView.as_view(), name="selection_advance"),
    path("<int:pk>/cancel/", views.SelectionCancelView.as_view(), name="selection_cancel"),
    path("<int:pk>/ratios/", views.RatioRecordView.as_view(), name="ratio_record"),
    path("<int:pk>/nominate/", views.NominateView.as_view(), name="nominate"),
    path("<int:pk>/publicity/", views.PublicityOpenView.as_view(), name="publicity_open"),
    path("<int:pk>/publicity/notice/", views.PublicityNoticeView.as_view(), name="publicity_notice"),
    path("<int:pk>/inspection-report/", views.InspectionReportView.as_view(), name="inspection_report"),
    path("stages/<int:pk>/document/", views.StageDocumentView.as_view(), name="stage_document"),
    path("candidates/", views.CandidateListView.as_view(), name="candidate_list"),
    path("candidates/<int:pk>/", views.CandidateDetailView.as_view(), name="candidate_detail"),
    path("candidates/<int:pk>/history/", views.CandidateHistoryView.as_view(), name="candidate_history"),
    path("candidates/<int:pk>/update/", views.CandidateUpdateView.as_view(), name="candidate_update"),
    path("candidates/<int:pk>/clear/", views.CandidateClearView.as_view(), name="candidate_clear"),
    path("candidates/<int:pk>/withdraw/", views.CandidateWithdrawView.as_view(), name="candidate_withdraw"),
    path("candidates/<int:pk>/appoint/", views.CandidateAppointView.as_view(), name="candidate_appoint"),
    path("candidates/<int:pk>/letters/", views.LetterSendView.as_view(), name="letter_send"),
    path("candidates/<int:pk>/survey/", views.SurveyAddView.as_view(), name="survey_add"),
    path("letters/", views.LetterListView.as_view(), name="letter_list"),
    path("letters/<int:pk>/", views.LetterDetailView.as_view(), name="letter_detail"),
    path("letters/<int:pk>/history/", views.LetterHistoryView.as_view(), name="letter_history"),
    path("letters/<int:pk>/reply/", views.LetterReplyView.as_view(), name="letter_reply"),
    path("letters/<int:pk>/file/", views.LetterFileView.as_view(), name="letter_file"),
    path("exceptions/", views.ExceptionListView.as_view(), name="exception_list"),
    path("exceptions/new/", views.ExceptionCreateView.as_view(), name="exception_create"),
]
