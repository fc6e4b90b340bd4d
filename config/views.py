"""Site-wide views: the health check and the error pages."""

from __future__ import annotations

import logging
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.middleware.security import SecurityMiddleware
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

HEALTH_TIMEOUT_SECONDS = 2


def _database_status() -> str:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("health check: database unavailable: %s", error)
        return "unavailable"
    return "ok"


def _redis_status() -> str:
    if settings.REDIS_URL is None:
        return "not configured"
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_timeout=HEALTH_TIMEOUT_SECONDS,
        socket_connect_timeout=HEALTH_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except redis.RedisError as error:
        logger.warning("health check: redis unavailable: %s", error)
        return "unavailable"
    finally:
        client.close()
    return "ok"


class HealthCheckMiddleware:
    """Answers GET /healthz before anything else runs.

    First in the chain on purpose: load balancers and container health checks call it by IP
    address over plain HTTP, which the host check and the HTTPS redirect would otherwise refuse.
    Its answer still gets the headers every other answer gets on the way out (nosniff, referrer
    and opener policies, frame refusal, CSP, HSTS over HTTPS), from the same middleware and
    settings, so the two cannot drift apart.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # Only their response halves are used: SecurityMiddleware's request half is the HTTPS redirect.
        self.header_middleware: list[ContentSecurityPolicyMiddleware | XFrameOptionsMiddleware | SecurityMiddleware] = [
            ContentSecurityPolicyMiddleware(get_response),
            XFrameOptionsMiddleware(get_response),
            SecurityMiddleware(get_response),
        ]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            response: HttpResponse = healthz(request)
            for middleware in self.header_middleware:
                response = middleware.process_response(request, response)
            return response
        return self.get_response(request)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Is this web process able to serve? 503 only when the database is down: without Redis the
    site still works (mail and reminders wait in the outbox), so it reports "degraded" instead."""
    checks = {"database": _database_status(), "redis": _redis_status()}
    if checks["database"] != "ok":
        status = "unavailable"
    elif checks["redis"] == "unavailable":
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse({"status": status, "checks": checks}, status=503 if status == "unavailable" else 200)


# Crawlers may read the public pages (reports/public_urls.py: the public plans and the adoption of
# the recommendations) and nothing else: everything else is a private workspace behind sign-in.
ROBOTS_TXT = "User-agent: *\nAllow: /public/\nDisallow: /\n"


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers read the public pages only. (Also the benchmarks' trivial view: a plain view through
    the whole middleware stack, with no template and no query of its own.)"""
    return HttpResponse(ROBOTS_TXT, content_type="text/plain")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", {"exception": str(exception) if str(exception) else ""}, status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request context: whatever broke may be in a context processor.
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
