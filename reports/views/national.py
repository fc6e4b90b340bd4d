"""The national dashboard (association staff only: anyone else gets a 404) and its nudge button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from config.web import AuthenticatedHttpRequest
from directory import permissions
from directory.models import Jurisdiction
from notifications import nudges
from reports import national


def _staff_only(request: AuthenticatedHttpRequest) -> None:
    if not permissions.can_view_national_dashboard(request.user):
        raise Http404("No such page")


@require_safe
@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """56 jurisdictions × the four dimensions, and the health of the update loop beside them."""
    _staff_only(request)
    view = national.build(
        request.GET.dict(), now=timezone.now(), today=timezone.localdate(), sort=request.GET.get("sort", "name")
    )
    return render(request, "reports/national/dashboard.html", {"view": view})


@require_POST
@login_required
def nudge(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Send one jurisdiction's late owners one reminder each (at most once a week)."""
    _staff_only(request)
    jurisdiction = get_object_or_404(Jurisdiction, code=code.upper())
    try:
        sent = nudges.nudge(jurisdiction, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        names = ", ".join(str(user) for user in sent.recipients.all())
        messages.success(request, f"Nudged {jurisdiction.name}: one email each to {names}.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("reports:national")
    return HttpResponseRedirect(f"{back}#place-{jurisdiction.code}")
