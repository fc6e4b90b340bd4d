"""Routes of a plan's state report and meeting one-pager, as pages and PDF (included by
reports/urls.py under the reports: namespace)."""

from django.urls import path

from reports.views import state_report

urlpatterns = [
    path("plans/<int:plan_id>/report/", state_report.report, name="state_report"),
    path("plans/<int:plan_id>/report.pdf", state_report.report_pdf, name="state_report_pdf"),
    path("plans/<int:plan_id>/meeting/", state_report.meeting, name="meeting_brief"),
    path("plans/<int:plan_id>/meeting.pdf", state_report.meeting_pdf, name="meeting_brief_pdf"),
]
