"""Loading a plan or item for a request, with the permission rules applied.

Anything a signed-in viewer may not read is a 404, never a 403, so nothing leaks about its
existence. A signed-out visitor is never shown that 404: every view is either @login_required
or @public_or_sign_in, and both send them to sign in, whether the thing is hidden or missing.
The one exception is a public plan: the public (signed out, or signed in with no role in any
state) reads its public page instead of its pages here, and is sent there.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from actionplan import hooks
from actionplan.models import Activity, Attachment, Item, Plan
from directory import permissions

View = Callable[..., HttpResponse]


class PublicPageInstead(Http404):
    """The reader may not read this plan's pages, but the plan is public: its public page is theirs.

    A 404 wherever it is not caught (the pages behind sign-in: sharing, adding an item); the pages
    under @public_or_sign_in send the reader to the public page instead."""

    def __init__(self, plan: Plan, item: Item | None = None) -> None:
        super().__init__("Read on the plan's public page")
        self.plan = plan
        self.item = item


def public_page_url(plan: Plan, *, item: Item | None = None, dimension: str = "") -> str:
    """The public page of a public plan (at the item's or dimension's place on it), "" if none:
    the reports app serves it and says where (actionplan.hooks.public_page)."""
    return hooks.public_page(hooks.PublicPage(plan=plan, item=item, dimension=dimension)).url


def public_or_sign_in(view: View) -> View:
    """For a plan's pages that a public plan has a public counterpart of (its dashboard, item lists
    and items).

    The public reading a public plan's page is sent to the same place on its public page (the
    item, or the dimension of a dimension's list). A signed-out visitor of anything else (a plan
    that is not public, or no plan at all: the same answer, so it reveals nothing) is sent to
    sign in and brought back, which is what someone following a link from an email expects.
    Whether a signed-in person may read it is decided then, with a 404 if not.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PublicPageInstead as public:
            url = public_page_url(public.plan, item=public.item, dimension=str(kwargs.get("dimension") or ""))
            if url:
                return redirect(url)
            if request.user.is_authenticated:
                raise
            return redirect_to_login(request.get_full_path())
        except Http404:
            if request.user.is_authenticated:
                raise
            return redirect_to_login(request.get_full_path())

    return wrapped


def plan_for(request: HttpRequest, plan_id: int) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("jurisdiction", "framework"), pk=plan_id)
    if not permissions.can_view_plan(request.user, plan):
        if permissions.can_view_public_page(plan):
            raise PublicPageInstead(plan)
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
        if permissions.can_view_public_page(item.plan):
            raise PublicPageInstead(item.plan, item)
        raise Http404("No such item")
    return item


def attachment_for(request: HttpRequest, attachment_id: int) -> Attachment:
    """The evidence file, if the viewer may read the plan's evidence (never the public, whatever
    the plan's sharing: a public page publishes no file)."""
    attachment = get_object_or_404(Attachment.objects.select_related("item__plan"), pk=attachment_id)
    if not permissions.can_view_comments_and_evidence(request.user, attachment.item.plan):
        raise Http404("No such file")
    return attachment


# Timeline events that tell of a comment (with its text) or of a file (with its name).
COMMENT_AND_EVIDENCE_VERBS = (Activity.Verb.COMMENTED, Activity.Verb.ATTACHED)


def activities_shown(request: HttpRequest, plan: Plan, activities: QuerySet[Activity]) -> QuerySet[Activity]:
    """The plan's activity as this viewer may see it: without comment and evidence events for anyone
    who may not read those (today nobody who reads the plan's pages; kept so that the pages stay
    right should reading a plan and reading its evidence ever part again)."""
    if permissions.can_view_comments_and_evidence(request.user, plan):
        return activities
    return activities.exclude(verb__in=COMMENT_AND_EVIDENCE_VERBS)


def require(allowed: bool, message: str = "You can read this page but not change it.") -> None:
    """For readers who may see but not act (viewers, peers, staff): a 403 that explains."""
    if not allowed:
        raise PermissionDenied(message)
