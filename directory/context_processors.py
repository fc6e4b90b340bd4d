"""Template context every page needs about the viewer (name, jurisdiction, role)."""

from __future__ import annotations

from django.http import HttpRequest

from directory import permissions


def viewer(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: pages that never show the header pay nothing.
    return {
        "viewer_memberships": lambda: permissions.current_memberships(user),
        "viewer_staff_of": lambda: permissions.staff_associations(user),
        "viewer_uses_admin": lambda: permissions.can_use_admin(user),
    }
