"""The integrity file (廉政档案) pages, composed from registry.integrity_sections.

Included by the root URLconf at /integrity/ (names without a namespace)."""

from django.urls import path

from . import integrity, joint_analysis

urlpatterns = [
    path("", integrity.IntegrityIndexView.as_view(), name="integrity_index"),
    path("<int:cadre_id>/", integrity.IntegrityFileView.as_view(), name="integrity_file"),
    path("analysis/", joint_analysis.AnalysisIndexView.as_view(), name="integrity_analysis"),
    path("analysis/docx/", joint_analysis.AnalysisDocxView.as_view(), name="integrity_analysis_docx"),
    path(
        "analysis/<int:cadre_id>/",
        joint_analysis.AnalysisCadreView.as_view(),
        name="integrity_analysis_cadre",
    ),
    path("<int:cadre_id>/export/", integrity.IntegrityExportView.as_view(), name="integrity_file_export"),
]
