from django.urls import path

from . import views

app_name = "evaluations"
urlpatterns = [
    path("", views.CampaignListView.as_view(), name="campaign_list"),
    path("new/", views.CampaignCreateView.as_view(), name="campaign_create"),
    path("<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("<int:pk>/history/", views.CampaignHistoryView.as_view(), name="campaign_history"),
    path("<int:pk>/subjects/new/", views.SubjectAddView.as_view(), name="subject_add"),
    path("steps/<int:pk>/edit/", views.StepEditView.as_view(), name="step_edit"),
    path("steps/<int:pk>/complete/", views.StepCompleteView.as_view(), name="step_complete"),
    path("steps/<int:pk>/attachments/", views.StepAttachmentView.as_view(), name="step_attachment"),
    path("attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment_download"),
    path("results/", views.SubjectListView.as_view(), name="subject_list"),
    path("results/<int:pk>/", views.SubjectDetailView.as_view(), name="subject_detail"),
    path("results/<int:pk>/history/", views.SubjectHistoryView.as_view(), name="subject_history"),
    path("results/<int:pk>/scores/", views.ScoresView.as_view(), name="subject_scores"),
    path("results/<int:pk>/items/", views.ActionItemAddView.as_view(), name="item_add"),
    path("items/", views.ActionItemListView.as_view(), name="item_list"),
    path("items/<int:pk>/done/", views.ActionItemDoneView.as_view(), name="item_done"),
    path("verdicts/", views.VerdictListView.as_view(), name="verdicts"),
    path("democratic/", views.DemocraticListView.as_view(), name="democratic_list"),
    path("democratic/new/", views.DemocraticCreateView.as_view(), name="democratic_create"),
    path("democratic/<int:pk>/", views.DemocraticDetailView.as_view(), name="democratic_detail"),
    path("democratic/<int:pk>/history/", views.DemocraticHistoryView.as_view(), name="democratic_history"),
    path("letters/", views.LetterListView.as_view(), name="letter_list"),
    path("letters/new/", views.LetterProposeView.as_view(), name="letter_propose"),
    path("letters/propose-all/", views.LetterProposeAllView.as_view(), name="letter_propose_all"),
    path("letters/<int:pk>/", views.LetterDetailView.as_view(), name="letter_detail"),
    path("letters/<int:pk>/print/", views.LetterPrintView.as_view(), name="letter_print"),
    path("letters/<int:pk>/docx/", views.LetterDocxView.as_view(), name="letter_docx"),
    path("letters/<int:pk>/send/", views.LetterSendView.as_view(), name="letter_send"),
    path("letters/<int:pk>/acknowledge/", views.LetterAckView.as_view(), name="letter_acknowledge"),
    path("letters/<int:pk>/dismiss/", views.LetterDismissView.as_view(), name="letter_dismiss"),
    path("letters/<int:pk>/history/", views.LetterHistoryView.as_view(), name="letter_history"),
]
