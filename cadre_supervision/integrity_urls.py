"""The integrity file (廉政档案) pages, composed from registry.integrity_sections."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
