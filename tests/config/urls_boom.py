"""The site's URLs plus one view that always fails, to see the 500 page a visitor gets."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom: a deliberate failure for the 500 page test")


urlpatterns = [*site_urlpatterns, path("boom/", boom)]

handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
