"""Plan pages: the list of plans, a plan's dashboard and item lists, My updates, and the plan-level
actions (start a plan, sharing, handing on a departed owner's items)."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from actionplan import hooks, services
from actionplan.filters import plan_item_filter
from actionplan.forms import AdoptForm, SharingForm, TransferForm
from actionplan.models import Activity, Item, Plan, Sharing, Status, awaiting_sign_off, overdue_q
from actionplan.views.access import activities_shown, plan_for, public_or_sign_in, public_page_url, require
from actionplan.views.naming import attach_users
from config.web import AuthenticatedHttpRequest, local_next
from directory import permissions, sides
from directory.models import Membership, User
from directory.sides import OFFICES
from library.models import Dimension
from library.services import current_framework

ITEMS_PER_PAGE = 50
TROUBLED = [Status.AT_RISK, Status.OFF_TRACK, Status.BLOCKED]


@require_safe
@login_required
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The plans this person belongs to, then the ones others share with them."""
    user = request.user
    plans = list(
        Plan.objects.visible_to(user)
        .select_related("jurisdiction")
        .annotate(item_count=Count("items", filter=Q(items__archived_at__isnull=True)))
    )
    mine_ids = {m.jurisdiction_id for m in permissions.current_memberships(user)}
    can_start = [m.jurisdiction for m in permissions.current_memberships(user) if m.role in sides.PRINCIPAL_ROLES]
    return render(
        request,
        "actionplan/plan_list.html",
        {
            "my_plans": [p for p in plans if p.jurisdiction_id in mine_ids],
            "other_plans": [p for p in plans if p.jurisdiction_id not in mine_ids],
            "can_start": bool(can_start),
        },
    )


@dataclass
class DimensionCard:
    """What the dashboard shows for one dimension of one plan."""

    dimension: Dimension
    total: int = 0
    by_status: list[tuple[str, str, int]] = field(default_factory=list)  # (value, label, count)
    done: int = 0
    overdue: int = 0
    troubled: int = 0
    awaiting_me: int = 0

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def dimension_cards(plan: Plan, *, user: User | AnonymousUser, today: datetime.date) -> list[DimensionCard]:
    """Counts per dimension in two queries, whatever the size of the plan.

    The first groups the plan's items by dimension and status (at most 4 × 6 rows) and counts
    those past their due date; the cards are summed from those rows here. Asking PostgreSQL for
    one filtered COUNT per status and measure instead gave the same numbers, but building that
    query cost the ORM more than running it, on the page everyone opens first.
    """
    rows = (
        Item.objects.current()
        .filter(plan=plan)
        .order_by()  # no ORDER BY: the default one would join the dimension table for nothing
        .values_list("dimension_id", "status")
        .annotate(n=Count("id"), past_due=Count("id", filter=overdue_q(today)))
    )
    mine = permissions.sides_for(user, plan)
    awaiting = Counter(
        signature.item.dimension_id
        for signature in awaiting_sign_off(Item.objects.current().filter(plan=plan), related=("item",)).values()
        if sides.other(signature.side) in mine
    )
    cards = [DimensionCard(dimension=d, awaiting_me=awaiting.get(d.pk, 0)) for d in Dimension.objects.all()]
    by_dimension = {card.dimension.pk: card for card in cards}
    per_status: dict[int, dict[str, int]] = {}
    for dimension_id, status, n, past_due in rows:
        card = by_dimension.get(dimension_id)
        if card is None:
            continue
        per_status.setdefault(dimension_id, {})[status] = n
        card.total += n
        if status == Status.DONE:
            card.done = n
        else:
            card.overdue += past_due
        if status in TROUBLED:
            card.troubled += n
    for card in cards:
        counts = per_status.get(card.dimension.pk, {})
        card.by_status = [(value, label, counts[value]) for value, label in Status.choices if counts.get(value)]
    return cards


@require_safe
@public_or_sign_in
def dashboard(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A plan at a glance: the four dimensions as cards, what needs attention, recent activity."""
    plan = plan_for(request, plan_id)
    user = request.user
    today = timezone.localdate()
    cards = dimension_cards(plan, user=user, today=today)
    activity = activities_shown(request, plan, Activity.objects.filter(plan=plan))
    recent = list(activity.select_related("actor", "item")[:15])
    my_side = sorted(permissions.sides_for(user, plan))
    sharing_request_for_me = bool(
        plan.sharing_requested
        and my_side
        and plan.sharing_requested_side not in my_side
        and permissions.can_change_sharing(user, plan)
    )
    # What the apps above add after the cards (the peer benchmark), from the cards' dimensions.
    extra = hooks.plan_dashboard(
        hooks.PlanDashboard(
            request, plan, [card.dimension for card in cards], latest_activity_id=recent[0].pk if recent else None
        )
    )
    return render(
        request,
        "actionplan/plan_dashboard.html",
        {
            **extra.context,
            "dashboard_sections": extra.sections,
            "plan": plan,
            "cards": cards,
            "totals": {
                "items": sum(c.total for c in cards),
                "done": sum(c.done for c in cards),
                "overdue": sum(c.overdue for c in cards),
                "troubled": sum(c.troubled for c in cards),
                "awaiting_me": sum(c.awaiting_me for c in cards),
            },
            "recent": recent,
            "vacancies": services.vacancies(plan)
            if permissions.is_plan_member(user, plan) or permissions.is_association_staff(user)
            else [],
            "can_write": permissions.can_write_plan(user, plan),
            "can_share": permissions.can_change_sharing(user, plan),
            "sharing_request_for_me": sharing_request_for_me,
            "sharing_requested_label": Sharing(plan.sharing_requested).label if plan.sharing_requested else "",
            "public_url": public_page_url(plan),
        },
    )


@require_safe
@public_or_sign_in
def item_list(request: HttpRequest, plan_id: int, dimension: str | None = None) -> HttpResponse:
    """Items of a plan, or of one dimension of it, filtered, sorted and paginated at 50."""
    plan = plan_for(request, plan_id)
    dimensions = list(Dimension.objects.all())
    current_dimension = None
    if dimension is not None:
        current_dimension = next((d for d in dimensions if d.slug == dimension), None)
        if current_dimension is None:
            raise Http404("No such dimension")
    # Dimensions and owners come from what the page loads anyway (naming), not from joins.
    owners = services.plan_members(plan)
    item_filter = plan_item_filter(plan, request.GET, owners=owners, dimension=current_dimension)
    page = Paginator(item_filter.qs, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    page_items = list(page.object_list)
    by_id = {d.pk: d for d in dimensions}
    for item in page_items:
        item.dimension = by_id[item.dimension_id]
    attach_users({u.pk: u for u in owners}, (page_items, "cio_owner"), (page_items, "cpo_owner"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "plan": plan,
        "dimensions": dimensions,
        "current_dimension": current_dimension,
        "filter": item_filter,
        "page": page,
        "items": page_items,
        "today": timezone.localdate(),
        "query": query.urlencode(),
        "can_write": permissions.can_write_plan(request.user, plan),
    }
    # htmx asks for the results only when a filter changes; the full page is the no-JavaScript path.
    template = (
        "actionplan/plan_items.html#results" if request.headers.get("HX-Request") else "actionplan/plan_items.html"
    )
    return render(request, template, context)


@login_required
def adopt(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start a state's plan for a fiscal year from the national framework (the CIO or the CPO)."""
    jurisdictions = [
        m.jurisdiction for m in permissions.current_memberships(request.user) if m.role in sides.PRINCIPAL_ROLES
    ]
    require(bool(jurisdictions), "Only a state's CIO or CPO can start its plan.")
    form = AdoptForm(request.POST or None, jurisdictions=jurisdictions)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.adopt_framework(
                form.cleaned_data["framework"],
                jurisdiction=form.cleaned_data["jurisdiction"],
                fiscal_year=form.cleaned_data["fiscal_year"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{plan} is ready, with {plan.items.count()} items from the national framework.")
            return redirect("actionplan:plan", plan_id=plan.pk)
    return render(
        request, "actionplan/plan_adopt.html", {"form": form, "has_framework": current_framework() is not None}
    )


@dataclass(frozen=True)
class SharingLevel:
    """What one sharing level lets whom read, as the sharing page states it before anyone chooses.
    It spells out directory.permissions (can_view_plan, can_view_public_page) and what the public
    page shows (reports/public.py)."""

    level: str
    name: str
    readers: str
    shows: list[str]
    withheld: str = ""  # what the readers this level adds never see


SHARING_LEVELS = [
    SharingLevel(
        Sharing.PRIVATE,
        "Private",
        "Only the state's own people (the CIO, the CPO, their delegates and viewers) and NASPO and NASCIO staff.",
        ["everything: items, updates, sign-offs, comments, evidence files and the timeline"],
    ),
    SharingLevel(
        Sharing.PEERS,
        "Peers",
        "Also the signed-in members of every other state. Still nobody who is not signed in.",
        ["everything, comments and evidence files included"],
    ),
    SharingLevel(
        Sharing.PUBLIC,
        "Public",
        "Also anyone, without signing in, on the plan's public page (listed among the public plans). They read:",
        [
            "the plan's items, by dimension, and which office owns each: the Office of the CIO, the Office "
            "of the CPO, or both",
            "each item's status, progress and due date, and the plan's progress overall and by dimension",
            "each office's latest update on each item: its status, progress and narrative",
        ],
        withheld="comments, evidence files, item descriptions, the history of changes, or anyone's name "
        "(owners, authors, signers)",
    ),
]


@login_required
def sharing(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """Who may read the plan. Widening needs the CIO and the CPO to agree; either may narrow."""
    plan = plan_for(request, plan_id)
    require(permissions.can_change_sharing(request.user, plan), "Only the CIO and the CPO decide who can see the plan.")
    form = SharingForm(request.POST or None, initial={"level": plan.sharing_requested or plan.sharing})
    if request.method == "POST" and form.is_valid():
        before = plan.sharing
        plan = services.change_sharing(plan, by=request.user, level=form.cleaned_data["level"])
        if plan.sharing_requested:
            messages.info(
                request,
                f"Your counterpart has been asked to agree to: {Sharing(plan.sharing_requested).label}. Until then the plan stays as it is.",
            )
        elif plan.sharing != before:
            messages.success(request, f"Sharing is now: {Sharing(plan.sharing).label}.")
        else:
            messages.info(request, "Sharing is unchanged.")
        return redirect("actionplan:plan", plan_id=plan.pk)
    return render(
        request,
        "actionplan/plan_sharing.html",
        {
            "plan": plan,
            "form": form,
            "current_label": Sharing(plan.sharing).label,
            "requested_label": Sharing(plan.sharing_requested).label if plan.sharing_requested else "",
            "levels": SHARING_LEVELS,
        },
    )


@login_required
@require_POST
def decide_sharing(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """Approve or Decline the other office's request to widen sharing (from My updates or the
    sharing page); back to where the button was, when that is a page of this site."""
    plan = plan_for(request, plan_id)
    require(permissions.can_change_sharing(request.user, plan), "Only the CIO and the CPO decide who can see the plan.")
    approve = request.POST.get("decision") == "approve"
    requested = Sharing(plan.sharing_requested).label if plan.sharing_requested else ""
    try:
        plan = services.decide_sharing(plan, by=request.user, approve=approve, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if approve:
            messages.success(request, f"Approved. Sharing is now: {Sharing(plan.sharing).label}.")
        else:
            messages.success(request, f"Declined. The plan stays as it was, and the request for {requested} is closed.")
    return redirect(local_next(request) or reverse("actionplan:sharing", args=[plan.pk]))


@login_required
def turnover(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """Items whose owner has left their role, and the one action that hands them all to a successor."""
    plan = plan_for(request, plan_id)
    require(
        permissions.can_transfer_items(request.user, plan),
        "Only the plan's members and association staff reassign items.",
    )
    found = services.vacancies(plan)
    members = Membership.objects.active().filter(jurisdiction_id=plan.jurisdiction_id).select_related("user")
    candidates = {
        side: sorted({m.user for m in members if sides.ROLE_SIDE.get(m.role) == side}, key=lambda u: u.full_name)
        for side in OFFICES
    }
    forms_by_key = {v.key: TransferForm(candidates=candidates[v.side], prefix=v.key) for v in found}
    if request.method == "POST":
        vacancy = next((v for v in found if v.key == request.POST.get("vacancy")), None)
        if vacancy is None:
            messages.error(request, "Those items have already been reassigned.")
            return redirect("actionplan:turnover", plan_id=plan.pk)
        form = TransferForm(request.POST, candidates=candidates[vacancy.side], prefix=vacancy.key)
        if form.is_valid():
            successor = form.cleaned_data["to_user"]
            try:
                moved = services.transfer_items(
                    plan, side=vacancy.side, from_user=vacancy.former_owner, to_user=successor, by=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"{moved} items moved from {vacancy.former_owner} to {successor}.")
                return redirect("actionplan:turnover", plan_id=plan.pk)
        forms_by_key[vacancy.key] = form
    rows = [(v, forms_by_key[v.key]) for v in found]
    return render(request, "actionplan/plan_owners.html", {"plan": plan, "rows": rows})
