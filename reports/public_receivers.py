"""What the public pages add to the action plan's pages (actionplan/hooks.py): where a public
plan's public page is, so that the plan's pages send the public there and link to it."""

from __future__ import annotations

from django.urls import reverse

from actionplan import hooks
from directory import permissions


def public_page_url(parts: hooks.PublicPage) -> None:
    """The plan's public page, at the item's place on it (an item still in the plan) or the
    dimension's; nothing for a plan that is not public."""
    if not permissions.can_view_public_page(parts.plan):
        return
    url = reverse("reports:public_plan", args=[parts.plan.pk])
    if parts.item is not None and parts.item.archived_at is None:
        url += f"#item-{parts.item.pk}"
    elif parts.dimension:
        url += f"#dimension-{parts.dimension}"
    parts.url = url


def register() -> None:
    """Answer the action plan's hooks; called by ReportsConfig.ready()."""
    hooks.public_page.register(public_page_url)
