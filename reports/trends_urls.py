"""Routes of the trends pages (included by reports/urls.py under the reports: namespace)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
