"""The reports app's pages. Each part (national view, trends, public pages, a plan's report) keeps
its routes in its own module, listed here."""

from django.urls import include, path

from reports import (
    benchmark_urls,
    export_urls,
    job_urls,
    national_urls,
    public_urls,
    quarterly_urls,
    report_urls,
    trends_urls,
)

app_name = "reports"

urlpatterns = [
    path("", include(national_urls)),
    path("", include(trends_urls)),
    path("", include(public_urls)),
    path("", include(benchmark_urls)),
    path("", include(export_urls)),
    path("", include(job_urls)),
    path("", include(report_urls)),
    path("", include(quarterly_urls)),
]
