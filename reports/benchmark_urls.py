"""Routes of the peer benchmarks (included by reports/urls.py under the reports: namespace): staff's
named comparison. A state's own comparison is part of its plan's dashboard
(reports/benchmark_receivers.py)."""

from django.urls import path

from reports.views import benchmarks

urlpatterns = [
    path("national/benchmarks/<slug:dimension>/", benchmarks.named, name="benchmark"),
]
