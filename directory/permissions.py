"""Every "may this person see or do that" rule lives here, and nowhere else.

Views, querysets (`.visible_to(user)`), digests and exports all ask these functions, so a rule is
changed in one place. Whatever a user may not see answers 404, never 403: nothing leaks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser

if TYPE_CHECKING:
    from directory.models import Jurisdiction, Membership, User


def is_association_staff(user: User | AnonymousUser) -> bool:
    """NASPO or NASCIO staff (or a superuser): read every plan and see the national view."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return _current_staff_memberships(user) != []


def current_memberships(user: User | AnonymousUser) -> list[Membership]:
    """The roles this person holds today, with their jurisdictions; cached on the user object
    for the length of the request so that templates and views can ask freely."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_current_memberships", None)
    if cached is None:
        from directory.models import Membership

        cached = list(Membership.objects.active().filter(user=user).select_related("jurisdiction"))
        user._current_memberships = cached  # type: ignore[union-attr]
    return cached


def _current_staff_memberships(user: User) -> list:
    cached = getattr(user, "_current_staff_memberships", None)
    if cached is None:
        from directory.models import StaffMembership

        cached = list(StaffMembership.objects.active().filter(user=user).select_related("association"))
        user._current_staff_memberships = cached  # type: ignore[attr-defined]
    return cached


def staff_associations(user: User | AnonymousUser) -> list[str]:
    """Codes of the associations this person works for today (e.g. ["NASCIO"])."""
    if not user.is_authenticated:
        return []
    return [m.association.code for m in _current_staff_memberships(user)]


def can_view_jurisdiction_roster(user: User | AnonymousUser, jurisdiction: Jurisdiction) -> bool:
    """Who holds the CIO/CPO roles in a jurisdiction: its own members and association staff."""
    if is_association_staff(user):
        return True
    return any(m.jurisdiction_id == jurisdiction.pk for m in current_memberships(user))


def can_view_national_roster(user: User | AnonymousUser) -> bool:
    """The list of all 56 jurisdictions with their CIO and CPO is for association staff."""
    return is_association_staff(user)
