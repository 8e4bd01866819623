from django.urls import path

from . import dossier_views as dv
from . import import_views, views
from . import publicity_views as pv

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
    # the dossier (干部档案)
    path("<int:pk>/education/new/", dv.EducationCreateView.as_view(), name="education_create"),
    path("education/<int:pk>/edit/", dv.EducationUpdateView.as_view(), name="education_update"),
    path("education/<int:pk>/delete/", dv.EducationDeleteView.as_view(), name="education_delete"),
    path("<int:pk>/resume/new/", dv.ResumeLineCreateView.as_view(), name="resume_line_create"),
    path("resume/<int:pk>/edit/", dv.ResumeLineUpdateView.as_view(), name="resume_line_update"),
    path("resume/<int:pk>/delete/", dv.ResumeLineDeleteView.as_view(), name="resume_line_delete"),
    path("<int:pk>/verification/<str:item>/", dv.VerificationView.as_view(), name="verification_record"),
    path("<int:pk>/rewards/new/", dv.RewardCreateView.as_view(), name="reward_create"),
    path("rewards/<int:pk>/edit/", dv.RewardUpdateView.as_view(), name="reward_update"),
    path("<int:pk>/training/new/", dv.TrainingCreateView.as_view(), name="training_create"),
    path("training/<int:pk>/edit/", dv.TrainingUpdateView.as_view(), name="training_update"),
    path("training/<int:pk>/delete/", dv.TrainingDeleteView.as_view(), name="training_delete"),
    path("<int:pk>/assessments/new/", dv.AssessmentCreateView.as_view(), name="assessment_create"),
    path("assessments/<int:pk>/edit/", dv.AssessmentUpdateView.as_view(), name="assessment_update"),
    path("<int:pk>/sanctions/", dv.SanctionListView.as_view(), name="sanction_list"),
    path("<int:pk>/sanctions/new/", dv.SanctionCreateView.as_view(), name="sanction_create"),
    path("sanctions/<int:pk>/edit/", dv.SanctionUpdateView.as_view(), name="sanction_update"),
    path("sanctions/", dv.SanctionBarringListView.as_view(), name="sanctions_barring"),
    path("<int:pk>/family/", dv.FamilyListView.as_view(), name="family_list"),
    path("<int:pk>/family/new/", dv.FamilyMemberCreateView.as_view(), name="family_create"),
    path("family/<int:pk>/edit/", dv.FamilyMemberUpdateView.as_view(), name="family_update"),
    path("family/<int:pk>/delete/", dv.FamilyMemberDeleteView.as_view(), name="family_delete"),
    path("<int:pk>/photo/", dv.PhotoView.as_view(), name="cadre_photo"),
    path("<int:pk>/photo/upload/", dv.PhotoUploadView.as_view(), name="photo_upload"),
    path("dossier/<str:kind>/<int:pk>/history/", dv.DossierHistoryView.as_view(), name="dossier_history"),
    path("<int:pk>/recommended/", dv.RecommenderView.as_view(), name="recommender"),
    path("recommenders/users/<int:pk>/", dv.RecommenderUserView.as_view(), name="recommender_user"),
    path("<int:pk>/renmian/", dv.RenmianView.as_view(), name="renmian"),
    # publicity (公示)
    path("publicity/", pv.PublicityListView.as_view(), name="publicity_list"),
    path("publicity/<int:pk>/", pv.PublicityDetailView.as_view(), name="publicity_detail"),
    path("publicity/<int:pk>/print/", pv.PublicityPrintView.as_view(), name="publicity_print"),
    path("publicity/<int:pk>/notice.docx", pv.PublicityDocxView.as_view(), name="publicity_docx"),
    path("publicity/<int:pk>/feedback/", pv.PublicityFeedbackAddView.as_view(), name="publicity_feedback"),
    path("publicity/<int:pk>/handle/", pv.PublicityFeedbackHandleView.as_view(), name="publicity_handle"),
    # appointments
    path("appointments/<int:pk>/edit/", views.AppointmentUpdateView.as_view(), name="appointment_update"),
    path("appointments/<int:pk>/end/", views.AppointmentEndView.as_view(), name="appointment_end"),
    # organizations
    path("organizations/", views.OrganizationTreeView.as_view(), name="organization_tree"),
    path(
        "organizations/<int:pk>/children/",
        views.OrganizationChildrenView.as_view(),
        name="organization_children",
    ),
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
