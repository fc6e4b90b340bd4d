"""Routes of the downloads made in the background (included by reports/urls.py under reports:)."""

from django.urls import path

from reports.views import jobs

urlpatterns = [
    path("states/<str:code>/takeout/", jobs.takeout, name="takeout"),
    path("national/export/", jobs.national_items, name="national_items_export"),
    path("exports/<uuid:token>/", jobs.job, name="export_job"),
    path("exports/<uuid:token>/download/", jobs.download, name="export_download"),
]
