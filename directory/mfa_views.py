"""Staff resetting the second factor of someone who lost every one of theirs (their phone and their
recovery codes). A person's own two-factor pages are django-allauth's (directory/urls.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from directory import mfa, permissions
from directory.models import User


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reset_mfa(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks staff to confirm, naming the person and their factors; POST removes them all
    (audited as mfa_reset_by_staff). Anyone who may not answers 404."""
    person = get_object_or_404(User, pk=pk)
    if not isinstance(request.user, User) or not permissions.can_reset_mfa(request.user, person):
        raise Http404
    if request.method == "POST":
        mfa.reset_mfa(person, actor=request.user, request=request)
        messages.success(
            request,
            f"Two-factor authentication was reset for {person.email}. They can sign in with their "
            "password and set up a new second factor.",
        )
        return redirect("directory:reset_mfa", pk=person.pk)
    return render(request, "directory/reset_mfa.html", {"person": person, "factors": mfa.factors_of(person)})
