"""The integrity file (廉政档案) pages, composed from registry.integrity_sections.

Included by the root URLconf at /integrity/ (names without a namespace)."""

from django.urls import path

from . import integrity

urlpatterns = [
    path("", integrity.IntegrityIndexView.as_view(), name="integrity_index"),
    path("<int:cadre_id>/", integrity.IntegrityFileView.as_view(), name="integrity_file"),
    path("<int:cadre_id>/export/", integrity.IntegrityExportView.as_view(), name="integrity_file_export"),
]
