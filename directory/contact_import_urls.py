"""Routes of the contact import (included by directory/urls.py under directory:)."""

from django.urls import path

from directory import contact_import_views

urlpatterns = [
    path("people/import/", contact_import_views.upload, name="contact_import"),
    path("people/import/<str:digest>/", contact_import_views.preview, name="contact_import_preview"),
    path("people/import/<str:digest>/apply/", contact_import_views.apply, name="contact_import_apply"),
]
