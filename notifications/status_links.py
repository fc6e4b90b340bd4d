"""Using a one-click status link from a reminder: the person it was sent to confirms a status on
its page, and the update is posted as theirs, by the same service as the item page's form.

A link is checked twice: when its page is shown (so a used, expired or no longer valid link says so
before anyone types) and again when it is used, in the transaction that posts, because two tabs or a
mail scanner and a person may press it at the same moment. The use itself is a conditional UPDATE
(used_at still empty and not expired): of two POSTs at once, PostgreSQL lets one through and makes
the other wait, then find the link used. If the update cannot be posted, the transaction rolls back
and the link stays usable.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from actionplan import services as plan_services
from actionplan.models import Item, Status, Update, Via
from directory import permissions
from notifications.models import StatusLink

# What the update says when the person adds nothing: where it came from is also in its `via`.
DEFAULT_NARRATIVE = "Status confirmed from a reminder email."


@dataclass(frozen=True)
class Refusal:
    """Why a link cannot be used, as its page says: `reason` picks the page's words and `status` is
    the HTTP answer (410 for a link that is spent, 403 for a person who may no longer post)."""

    reason: str  # "used" | "expired" | "cannot_edit"
    status: int


class LinkRefused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.reason)
        self.refusal = refusal


def refusal(link: StatusLink, *, now: datetime.datetime | None = None) -> Refusal | None:
    """Why `link` cannot be used now, or None if it can: used first (the page then says when and
    what it posted), then expired, then whether its person may still post on the item (their role
    ended, their account was closed, or the item was archived)."""
    if link.used_at is not None:
        return Refusal("used", 410)
    if link.expires_at <= (now or timezone.now()):
        return Refusal("expired", 410)
    if not may_post(link):
        return Refusal("cannot_edit", 403)
    return None


def may_post(link: StatusLink) -> bool:
    """Whether the link's person may still post on its item, by the item page's own rule."""
    return link.user.is_active and permissions.can_edit_item(link.user, link.item)


@transaction.atomic
def use_status_link(
    link: StatusLink, *, status: str, side: str, sentence: str = "", now: datetime.datetime | None = None
) -> Update:
    """Post `status` on the link's item as the link's person, for `side`, keeping the item's
    progress, and spend the link. Raises LinkRefused when it is used, expired or its person may no
    longer post (checked again here: the page was shown earlier), and post_update's ValidationError
    or PermissionDenied as they come, with nothing written."""
    now = now or timezone.now()
    taken = StatusLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=now).update(used_at=now)
    if not taken:
        link.refresh_from_db(fields=["used_at", "expires_at", "update"])
        raise LinkRefused(refusal(link, now=now) or Refusal("used", 410))
    # Locked before its progress is read, so the update keeps the progress as it stands.
    item = Item.objects.select_for_update().select_related("plan").get(pk=link.item_id)
    link.item = item
    if not may_post(link):
        raise LinkRefused(Refusal("cannot_edit", 403))
    link.used_at = now
    update = plan_services.post_update(
        item,
        author=link.user,
        side=side,
        status=Status(status),
        progress=item.progress,
        narrative=sentence.strip() or DEFAULT_NARRATIVE,
        via=Via.LINK,
    )
    link.update = update
    StatusLink.objects.filter(pk=link.pk).update(update=update)
    return update
