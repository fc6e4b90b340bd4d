"""The staff list of addresses whose mail bounces, and marking one resolved.

Here, in notifications, rather than on a state's people page: the flags are notifications' and
directory sits below it, so the people page could show them only through a hook added to a lower
app for this one purpose. Staff follow turnover across every state, so one list for the country is
what they need, announced where they look every day (the national dashboard, in reports, above
us, says how many addresses bounce and links here); each row links to the person's people pages,
where roles are ended and successors invited.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from config.web import AuthenticatedHttpRequest
from directory import permissions
from notifications import bounces
from notifications.models import AddressBounce


def _staff_only(request: AuthenticatedHttpRequest) -> None:
    if not permissions.can_view_bounces(request.user):
        raise Http404("No such page")


@require_safe
@login_required
def bounce_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every open flag, newest first: who, where, which address, why, when."""
    _staff_only(request)
    return render(request, "notifications/bounces.html", {"flags": bounces.open_flags()})


@login_required
@require_POST
def resolve(request: AuthenticatedHttpRequest, bounce_id: int) -> HttpResponse:
    _staff_only(request)
    flag = get_object_or_404(AddressBounce, pk=bounce_id)
    if bounces.resolve(flag):
        messages.success(request, f"Mail to {flag.address} is marked resolved.")
    else:
        messages.error(request, f"Mail to {flag.address} was already marked resolved.")
    return redirect("notifications:bounces")
