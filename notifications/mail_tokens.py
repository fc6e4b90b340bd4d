"""The tokens an email carries so its reader can answer without signing in: a reply address
(update+<token>@REPLY_DOMAIN) bound to one person and the items the email asks about, and one-click
status links bound to one person and one item.

Each token is random (100 bits for a reply address, short enough for an address's local part and
lower-case because mail systems may fold its case; 256 bits for a link) and only its SHA-256 is
stored, as for invitations (directory.invitations): unguessable, useless to a reader of the
database, and ended by the row's own state (expiry, use) rather than by a signature that would
outlive it. Whether the person may still post on the item is checked when the token is used, by
the same permission rules as the item's page: a token never outlives its person's role.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import re
import secrets
from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone

from actionplan.models import Item
from directory.models import User
from notifications.models import ReplyAddress, StatusLink
from outbox.models import OutgoingEmail

REPLY_LOCAL_PART = "update"
# update+<26 lower-case base32 characters>@domain; a plus address is kept by every mail system
# we know of, and the token alone is enough if a system drops the "update+" prefix.
REPLY_TOKEN = re.compile(r"^(?:update\+)?([a-z2-7]{26})@", re.IGNORECASE)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def replies_enabled() -> bool:
    return bool(settings.REPLY_DOMAIN)


def _expiry(now: datetime.datetime | None) -> datetime.datetime:
    return (now or timezone.now()) + datetime.timedelta(days=settings.REPLY_TOKEN_DAYS)


def issue_reply_address(
    user: User, items: Sequence[Item], *, now: datetime.datetime | None = None
) -> tuple[ReplyAddress, str] | None:
    """A new reply address for `user` about `items` (their order gives the codes I1, I2, …), and the
    address itself; None when replies are off (no REPLY_DOMAIN) or there is nothing to ask about."""
    if not replies_enabled() or not items:
        return None
    token = base64.b32encode(secrets.token_bytes(16)).decode().rstrip("=").lower()[:26]
    row = ReplyAddress.objects.create(
        token_hash=hash_token(token), user=user, item_ids=[item.pk for item in items], expires_at=_expiry(now)
    )
    return row, f"{REPLY_LOCAL_PART}+{token}@{settings.REPLY_DOMAIN}"


def attach_to_email(rows: Sequence[ReplyAddress | StatusLink], email: OutgoingEmail | None) -> None:
    """Record which email carried these tokens; if the email was not queued (its key was sent
    before), the tokens were never sent and are removed. One query per kind of token, however many
    rows: a reminder scan attaches a link row per item it asks about."""
    for model in {type(row) for row in rows}:
        mine = [row for row in rows if isinstance(row, model)]
        found = model.objects.filter(pk__in=[row.pk for row in mine])
        if email is None:
            found.delete()
        else:
            found.update(email=email)
            for row in mine:
                row.email = email


def code(position: int) -> str:
    """The short code an email shows for its n-th item (from 0): I1, I2, …"""
    return f"I{position + 1}"


def item_codes(items: Sequence[Item]) -> dict[int, str]:
    """Each item's code in an email that lists `items` in this order: {item id: "I1", …}."""
    return {item.pk: code(n) for n, item in enumerate(items)}


def find_reply_address(address: str) -> ReplyAddress | None:
    """The reply address row for an address the mail was sent to, expired or not (the caller says
    why it is refused); None when the address holds no token of ours."""
    match = REPLY_TOKEN.match(address.strip().strip("<>"))
    if match is None:
        return None
    return ReplyAddress.objects.select_related("user").filter(token_hash=hash_token(match.group(1).lower())).first()


def issue_status_link(user: User, item: Item, *, now: datetime.datetime | None = None) -> tuple[StatusLink, str]:
    """A new set of one-click status links for `user` on `item`: the row and its token."""
    token = secrets.token_urlsafe(32)
    row = StatusLink.objects.create(token_hash=hash_token(token), user=user, item=item, expires_at=_expiry(now))
    return row, token


def issue_status_links(
    user: User, items: Sequence[Item], *, now: datetime.datetime | None = None
) -> tuple[list[StatusLink], dict[int, str]]:
    """One set of status links per item for `user`, written in one query: the rows, and each item's
    token by its id (a reminder shows three links under each item it asks about)."""
    tokens = {item.pk: secrets.token_urlsafe(32) for item in items}
    expires_at = _expiry(now)
    rows = StatusLink.objects.bulk_create(
        StatusLink(token_hash=hash_token(token), user=user, item_id=item_id, expires_at=expires_at)
        for item_id, token in tokens.items()
    )
    return rows, tokens


def find_status_link(token: str) -> StatusLink | None:
    return (
        StatusLink.objects.select_related("user", "item", "item__plan", "item__plan__jurisdiction")
        .filter(token_hash=hash_token(token))
        .first()
    )
