"""Routes of the national view (included by reports/urls.py under the reports: namespace)."""

from django.urls import path

from reports.views import national

urlpatterns = [
    path("national/", national.dashboard, name="national"),
    path("national/nudge/<str:code>/", national.nudge, name="nudge"),
]
