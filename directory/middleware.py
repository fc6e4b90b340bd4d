"""Request-wide behaviour tied to who is signed in: session limits, the viewer's time zone,
keeping what a signed-in person was shown out of the browser's cache, and the second factor
that staff must have."""

from __future__ import annotations

import time
import zoneinfo
from collections.abc import Callable
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import patch_cache_control

from directory.permissions import mfa_required

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


class NoStoreMiddleware:
    """`Cache-Control: no-store, private` on every answer to a signed-in person and on every download.

    A page, fragment, redirect, error page or file kept in the browser's cache on a shared
    workstation outlives the session that was allowed to see it. Downloads (evidence, .ics files)
    are never public data here, so they are not kept whoever asked. Anonymous pages (a public
    plan, the sign-in page, robots.txt) keep whatever their view said; static files are answered
    before this runs. Placed right after AuthenticationMiddleware, so that it wraps everything
    that may answer a signed-in person; it asks who is signed in as the answer leaves, so the
    request that signs someone in is covered too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        is_download = response.get("Content-Disposition", "").lower().startswith("attachment")
        if is_download or (user is not None and user.is_authenticated):
            # `private` also takes out a view's `public`; `no-store` outranks any max-age.
            patch_cache_control(response, no_store=True, private=True)
        return response


class MFARequiredMiddleware:
    """Send association staff and superusers who have no second factor to set one up before
    anything else: every page, the admin and the national dashboard included (MFA_REQUIRED_FOR_STAFF,
    directory.permissions.mfa_required). Their two-factor pages, confirming their password for
    them, and signing out stay open."""

    ALLOWED = frozenset({"account_reauthenticate", "logout", "robots_txt"})
    REDIRECT_TO = "mfa_index"
    MESSAGE = (
        "Association staff must protect their account with a second factor. Set up an authenticator "
        "app or a passkey to go on."
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not request.user.is_authenticated or not mfa_required(request.user):
            return None
        match = request.resolver_match
        name = match.url_name if match is not None else None
        if name is not None and (name.startswith("mfa_") or name in self.ALLOWED):
            return None
        if is_mfa_enabled(request.user):
            return None
        messages.warning(request, self.MESSAGE)
        return redirect(self.REDIRECT_TO)
