"""Request-wide behaviour tied to who is signed in: session limits and the viewer's time zone."""

from __future__ import annotations

import time
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

# Session keys. Times are seconds since the epoch (JSON-serialisable, zone-free).
SIGNED_IN_AT = "jp_signed_in_at"
LAST_SEEN_AT = "jp_last_seen_at"
# Write the last-seen time at most this often, so a busy page does not write the session each time.
LAST_SEEN_RESOLUTION_SECONDS = 60


class SessionLimitsMiddleware:
    """Sign people out after 30 minutes without a request and after 12 hours in any case.

    Shared workstations in state offices are common; a plan left open must not stay open.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        now = time.time()
        if request.user.is_authenticated:
            session = request.session
            signed_in_at = session.setdefault(SIGNED_IN_AT, now)
            last_seen_at = session.get(LAST_SEEN_AT, now)
            idle = now - last_seen_at > settings.SESSION_IDLE_SECONDS
            too_old = now - signed_in_at > settings.SESSION_MAX_SECONDS
            if idle or too_old:
                logout(request)
                messages.info(
                    request,
                    "You were signed out after 30 minutes without activity. Please sign in again."
                    if idle
                    else "Sessions last at most 12 hours. Please sign in again.",
                )
            elif now - last_seen_at >= LAST_SEEN_RESOLUTION_SECONDS or LAST_SEEN_AT not in session:
                session[LAST_SEEN_AT] = now
        response = self.get_response(request)
        # The request that signs someone in starts both clocks.
        if request.user.is_authenticated and SIGNED_IN_AT not in request.session:
            request.session[SIGNED_IN_AT] = now
            request.session[LAST_SEEN_AT] = now
        return response


class UserTimezoneMiddleware:
    """Show every time in the signed-in person's own zone (stored times stay UTC)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tz_name = getattr(request.user, "tz", None) or settings.DEFAULT_USER_TZ
        try:
            timezone.activate(zoneinfo.ZoneInfo(tz_name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.activate(zoneinfo.ZoneInfo(settings.DEFAULT_USER_TZ))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
