"""Loading a plan or item for a request, with the permission rules applied.

Anything the viewer may not read is a 404, never a 403, so nothing leaks about its existence.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from actionplan.models import Attachment, Item, Plan
from directory import permissions


def plan_for(request: HttpRequest, plan_id: int) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("jurisdiction", "framework"), pk=plan_id)
    if not permissions.can_view_plan(request.user, plan):
        raise Http404("No such plan")
    return plan


# What the item pages show with an item, joined into the query that loads it.
ITEM_RELATED = (
    "plan__jurisdiction",
    "dimension",
    "cio_owner",
    "cpo_owner",
    "framework_item__framework",
)


def item_for(request: HttpRequest, item_id: int, *, items: QuerySet[Item] | None = None) -> Item:
    """The item, from `items` (by default the item with ITEM_RELATED joined), if the viewer may read it."""
    if items is None:
        items = Item.objects.select_related(*ITEM_RELATED)
    item = get_object_or_404(items, pk=item_id)
    if not permissions.can_view_plan(request.user, item.plan):
        raise Http404("No such item")
    return item


def attachment_for(request: HttpRequest, attachment_id: int) -> Attachment:
    attachment = get_object_or_404(Attachment.objects.select_related("item__plan"), pk=attachment_id)
    if not permissions.can_view_plan(request.user, attachment.item.plan):
        raise Http404("No such file")
    return attachment


def require(allowed: bool, message: str = "You can read this page but not change it.") -> None:
    """For readers who may see but not act (viewers, peers, staff): a 403 that explains."""
    if not allowed:
        raise PermissionDenied(message)
