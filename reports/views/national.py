"""The national dashboard (association staff only: anyone else gets a 404) and its nudge button."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from config.web import AuthenticatedHttpRequest
from directory import permissions
from directory.models import Jurisdiction
from notifications import bounces, nudges
from reports import national


def _staff_only(request: AuthenticatedHttpRequest) -> None:
    if not permissions.can_view_national_dashboard(request.user):
        raise Http404("No such page")


# The national view is the same for every staff member: its rendered table and lists are kept for a
# minute per filter, sort and time zone (and dropped when a nudge changes them), so staff moving
# between it and a state's pages do not recount the country each time. The page says how old it is.
CACHE_SECONDS = 60
VERSION_KEY = "reports:national:version"


def _version() -> object:
    """The current generation of kept renderings (forget_national_view starts a new one)."""
    return cache.get_or_set(VERSION_KEY, 1, None)


def national_fragment(request: HttpRequest) -> dict[str, object]:
    """The context for the national view's part of a page: `national_html` (the filters, table and
    lists, rendered), `national_as_of`, and `view` when it was computed for this request."""
    params = [(key, request.GET[key]) for key in national.PARAMETERS if key in request.GET]
    key = "reports:national:" + urlencode([*params, ("tz", timezone.get_current_timezone_name()), ("v", _version())])
    cached = cache.get(key)
    if cached is not None:
        html, as_of = cached
        return {"national_html": html, "national_as_of": as_of}
    now = timezone.now()
    data = dict(params)
    view = national.build(data, now=now, today=timezone.localdate(now), sort=data.get("sort", "name"))
    html = render_to_string("reports/national/_view.html", {"view": view})
    cache.set(key, (html, now), CACHE_SECONDS)
    return {"national_html": html, "national_as_of": now, "view": view}


def loop_health_counts() -> dict[str, int]:
    """How many entries each of the update loop's health lists has today (the admin's home shows
    them), kept as the view is."""
    key = f"reports:national:health:{_version()}"
    counts = cache.get(key)
    if counts is None:
        now = timezone.now()
        counts = national.build({}, now=now, today=timezone.localdate(now)).health.counts()
        cache.set(key, counts, CACHE_SECONDS)
    return counts


def forget_national_view() -> None:
    """Drop every kept rendering (all keys carry the version)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


@require_safe
@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """56 jurisdictions × the four dimensions, and the health of the update loop beside them."""
    _staff_only(request)
    # Addresses whose mail bounces are a sign of people who left office: counted on every visit,
    # not kept with the national view, so a flag shows (and a resolved one goes) at once.
    context = national_fragment(request) | {"bounced": bounces.open_count()}
    return render(request, "reports/national/dashboard.html", context)


@login_required
@require_POST
def nudge(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Send one jurisdiction's late owners one reminder each (at most once a week)."""
    _staff_only(request)
    jurisdiction = get_object_or_404(Jurisdiction, code=code.upper())
    try:
        sent = nudges.nudge(jurisdiction, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        forget_national_view()
        names = ", ".join(str(user) for user in sent.recipients.all())
        messages.success(request, f"Nudged {jurisdiction.name}: one email each to {names}.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("reports:national")
    return HttpResponseRedirect(f"{back}#place-{jurisdiction.code}")
