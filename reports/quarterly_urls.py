"""Routes of the national quarterly report, as a page and a PDF (included by reports/urls.py under
the reports: namespace)."""

from django.urls import path

from reports.views import quarterly

urlpatterns = [
    path("national/quarterly/", quarterly.report, name="quarterly_report"),
    path("national/quarterly.pdf", quarterly.report_pdf, name="quarterly_report_pdf"),
]
