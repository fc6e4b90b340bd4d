"""Routes of the trends pages (included by reports/urls.py under the reports: namespace)."""

from django.urls import path

from reports.views import trends

urlpatterns = [
    path("trends/", trends.national, name="trends"),
    path("trends/<str:code>/", trends.state, name="state_trends"),
]
