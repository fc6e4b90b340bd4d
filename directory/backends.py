"""Signing in and, on every request, loading who is signed in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from directory.models import StaffMembership, User


class DirectoryBackend(ModelBackend):
    """Django's model backend, except that the user each request loads comes with whether they are
    on an association's staff today.

    Most people are not, and for them permissions.is_association_staff then needs no query of its
    own: every signed-in page asked it (the header's links, the plan rules), at one query each.
    Staff still load their staff roles when a rule needs them.
    """

    def get_user(self, user_id: Any) -> User | None:
        on_staff = StaffMembership.objects.active().filter(user=OuterRef("pk"))
        user = User._default_manager.annotate(on_staff_today=Exists(on_staff)).filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        if not user.on_staff_today:
            user._current_staff_memberships = []  # what permissions would have loaded: none
        return user
