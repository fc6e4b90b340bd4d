"""The small web helpers every app's views share: putting a service's refusal on a form, telling
an htmx request from a page load, a safe `next`, and the request type of a view that requires sign-in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

if TYPE_CHECKING:
    from directory.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind @login_required: its user is a User, never AnonymousUser.
    (django-stubs' recommended way to say so; used in annotations only.)"""

    user: User


def add_service_error(form: Form, error: ValidationError, renames: dict[str, str] | None = None) -> None:
    """A service's ValidationError on the form: on the field it names (after `renames`, for a
    service whose argument is named differently from the form's field), otherwise at the top."""
    renames = renames or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            name = renames.get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request, which is answered with the fragment that changed rather than a page."""
    return request.headers.get("HX-Request") == "true"


def local_next(request: HttpRequest) -> str:
    """Where a form asks to go back to (`next`, posted or in the query), when that is a page of this
    site; "" for anything else, never another site's address."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return ""
