"""Signed links in mail that work without signing in: a token names one person and one topic.

Used for one-click unsubscribe links (RFC 8058); which topics exist, and what following a link
does, is the business of the feature that made it (notifications for email preferences).
"""

from __future__ import annotations

from typing import Any, Protocol

from django.core import signing

# Kept from when this module lived in notifications: links already in people's inboxes were
# signed with it, and a new salt would make every one of them invalid.
SALT = "notifications.unsubscribe"
MAX_AGE_SECONDS = 180 * 24 * 3600  # a link in an email half a year old still works


class HasPk(Protocol):
    """A saved row (a user): all a token needs of it is its primary key."""

    @property
    def pk(self) -> Any: ...


def make(user: HasPk, topic: str) -> str:
    """A token for `topic` (e.g. "digest") on behalf of `user`, compressed for a short URL."""
    return signing.dumps({"u": user.pk, "t": topic}, salt=SALT, compress=True)


def read(token: str) -> tuple[int, str]:
    """(user id, topic) from a token; raises signing.BadSignature (or SignatureExpired)."""
    data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    if not isinstance(data, dict) or not isinstance(data.get("t"), str) or not isinstance(data.get("u"), int):
        raise signing.BadSignature("malformed token")
    return data["u"], data["t"]
