"""Signed unsubscribe links that work without signing in (RFC 8058 one-click included)."""

from __future__ import annotations

from django.core import signing

from directory.models import User

SALT = "notifications.unsubscribe"
MAX_AGE_SECONDS = 180 * 24 * 3600  # a link in an email half a year old still works

TOPICS = {
    "digest": "the weekly digest",
    "reminders_due": "reminders about items falling due",
    "reminders_overdue": "reminders about overdue items",
    "reminders_stale": "reminders about items with no recent update",
    "reminders_sign_off": "reminders about joint items awaiting your sign-off",
    "reminders_mention": "emails when someone @mentions you",
    "reminders": "all reminders",
}


def make(user: User, topic: str) -> str:
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}")
    return signing.dumps({"u": user.pk, "t": topic}, salt=SALT, compress=True)


def read(token: str) -> tuple[int, str]:
    """(user id, topic) from a token; raises signing.BadSignature (or SignatureExpired)."""
    data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    if not isinstance(data, dict) or data.get("t") not in TOPICS or not isinstance(data.get("u"), int):
        raise signing.BadSignature("malformed unsubscribe token")
    return data["u"], data["t"]
