from django.urls import path

from . import views

app_name = "petitions"
urlpatterns = [
    path("", views.PetitionListView.as_view(), name="petition_list"),
    path("new/", views.PetitionCreateView.as_view(), name="petition_create"),
    path("<int:pk>/", views.PetitionDetailView.as_view(), name="petition_detail"),
    path("<int:pk>/history/", views.PetitionHistoryView.as_view(), name="petition_history"),
    path("<int:pk>/dispose/", views.PetitionDisposeView.as_view(), name="petition_dispose"),
    path("<int:pk>/conclude/", views.PetitionConcludeView.as_view(), name="petition_conclude"),
    path("<int:pk>/feedback/", views.PetitionFeedbackView.as_view(), name="petition_feedback"),
    path("<int:pk>/assign/", views.PetitionAssignView.as_view(), name="petition_assign"),
    path("<int:pk>/escalate/", views.PetitionEscalateView.as_view(), name="petition_escalate"),
    path("<int:pk>/attachments/", views.AttachmentUploadView.as_view(), name="attachment_upload"),
    path("attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment_download"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
    path("heavy-units/", views.HeavyUnitsView.as_view(), name="heavy_units"),
]
