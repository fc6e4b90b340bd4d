"""Item pages: an item's detail (updates from both sides, sign-off, evidence, comments, timeline),
adding and editing items, and the actions posted from the detail page.

Each action loads the item through `access` (404 when hidden), checks the permission (403 for
readers who may not act), calls one service, and redirects with a message (POST → redirect → GET).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, StringAgg, Subquery, Value
from django.db.models.functions import Cast
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from actionplan import hooks, services
from actionplan.forms import (
    CommentForm,
    EvidenceForm,
    ItemForm,
    ReopenForm,
    SignOffConfirmForm,
    SignOffForm,
    UpdateForm,
    WithdrawForm,
)
from actionplan.models import Comment, Item, ItemSide, SignOff, Status, Update
from actionplan.views import access
from actionplan.views.naming import attach_users
from config.web import AuthenticatedHttpRequest, add_service_error, is_htmx, local_next
from directory import permissions, sides
from directory.models import Membership, User
from library.models import FrameworkItem

TIMELINE_LIMIT = 25
DETAIL = "actionplan/item_detail.html"
SIDE_NAMES = {"cio": "CIO", "cpo": "CPO"}
TIMELINE_FIELDS = ("verb", "field", "old_value", "new_value", "created_at", "actor")


@dataclass
class SideView:
    """One office's part of an item as the viewer sees it: owner, latest update, signature."""

    side: str
    name: str
    owner: User | None
    owner_needed: bool
    latest: Update | None
    signature: SignOff | None
    can_sign: bool = False
    can_withdraw: bool = False
    withdraw_form: WithdrawForm | None = None


@dataclass
class People:
    """Who holds a role in the item's jurisdiction today, from one query: the page reads from it who
    may own a side, whom to @mention, and (naming.attach_users) nearly every person it shows."""

    memberships: list[Membership]
    users: dict[int, User]  # the members, by id, and whoever else attach_users had to load

    @property
    def holding(self) -> set[tuple[int, str | None]]:
        """(user id, side) for every role held here. Same rule as services.vacancies: an owner
        counts only while they hold a role on that side."""
        return {(m.user_id, sides.ROLE_SIDE.get(m.role)) for m in self.memberships}

    @property
    def mentionable(self) -> list[User]:
        """Whom a comment may @mention, by name: services.plan_members, read from the memberships."""
        return list({m.user_id: m.user for m in self.memberships if m.user.is_active}.values())


@dataclass
class Thread:
    """A root comment and its replies, oldest first; `replying_to` is the comment in it whose reply
    form is open (the form sits at the thread's end, where the reply will appear)."""

    root: Comment
    replies: list[Comment]
    replying_to: Comment | None = None


def _comments(item: Item) -> list[Comment]:
    """The item's comments, oldest first, each with the ids of the people it mentions (read in the
    same query, so marking mentions costs none)."""
    # One row per comment (GROUP BY comment_id): django-stubs cannot see the annotation `values` reads.
    mentioned = (
        Comment.mentions.through.objects.filter(comment_id=OuterRef("pk"))  # type: ignore[misc]
        .order_by()
        .values("comment_id")
        .annotate(ids=StringAgg(Cast("user_id", CharField()), Value(",")))
        .values("ids")
    )
    return list(item.comments.annotate(mention_ids=Subquery(mentioned)))


def _mention_ids(comment: Comment) -> list[int]:
    return [int(i) for i in (getattr(comment, "mention_ids", None) or "").split(",") if i]


def _threads(comments: list[Comment], replying_to: int | None) -> list[Thread]:
    """Comments as threads, in the order their roots were posted."""
    threads = {c.pk: Thread(root=c, replies=[]) for c in comments if c.parent_id is None}
    for c in comments:
        if c.parent_id is not None and c.parent_id in threads:
            threads[c.parent_id].replies.append(c)
    for c in comments:
        if c.pk == replying_to:
            threads[c.parent_id or c.pk].replying_to = c
    return list(threads.values())


def _reply_to(request: HttpRequest) -> int | None:
    """The comment whose reply form the page opens (?reply=<id>, from its Reply link)."""
    chosen = request.GET.get("reply", "")
    return int(chosen) if chosen.isdigit() else None


def _detail_items() -> QuerySet[Item]:
    """How the detail page loads its item. The owners come from the jurisdiction's members (_people)
    and the framework item only for items that have one (_provenance): planning the item's query was
    the dearest database work on the page, and each join it loses makes it cheaper to build and to
    plan. Whether the item cites anything from the library comes with it, so an item citing nothing
    (most of them) costs no query for that."""
    return Item.objects.select_related("plan__jurisdiction", "dimension").annotate(
        cites_recommendations=Exists(Item.recommendations.through.objects.filter(item_id=OuterRef("pk"))),
        cites_case_studies=Exists(Item.case_studies.through.objects.filter(item_id=OuterRef("pk"))),
    )


def _people(item: Item) -> People:
    """The jurisdiction's members today, with their users: who may own a side, whom to @mention, and
    (attach_users) the names of nearly everyone the page shows."""
    memberships = list(
        Membership.objects.active()
        .filter(jurisdiction_id=item.plan.jurisdiction_id)
        .select_related("user")
        .order_by("user__full_name", "user_id")
    )
    return People(memberships=memberships, users={m.user_id: m.user for m in memberships})


def _latest_and_signatures(item: Item) -> tuple[dict[str, Update], dict[str, SignOff]]:
    """The latest update of each side in one query, however many updates the item has; and, for a
    joint item, the standing signatures in one more."""
    updates = Update.objects.filter(item=item, side__in=item.sides)
    if connection.features.can_distinct_on_fields:  # PostgreSQL: DISTINCT ON, the cheapest to build and plan
        updates = updates.order_by("side", "-created_at", "-id").distinct("side")
    else:
        latest_per_side = [
            Q(pk=Subquery(Update.objects.filter(item=item, side=side).order_by("-created_at", "-id").values("pk")[:1]))
            for side in item.sides
        ]
        updates = updates.filter(reduce(or_, latest_per_side))
    latest = {u.side: u for u in updates}
    signatures: dict[str, SignOff] = {}
    if item.side == ItemSide.JOINT:
        signatures = {s.side: s for s in item.sign_offs.standing()}
    return latest, signatures


def _owner_ids(item: Item) -> list[int | None]:
    return [getattr(item, f"{side}_owner_id") for side in item.sides]


def _side_views(
    request: HttpRequest,
    item: Item,
    people: People,
    latest: dict[str, Update],
    signatures: dict[str, SignOff],
) -> list[SideView]:
    """Each owning side with its owner, latest update and standing signature (attach_users has put
    their users on them)."""
    user = request.user
    holding = people.holding
    acting = permissions.acting_sides(user, item) if permissions.can_sign_off(user, item) else []
    views = []
    for side in item.sides:
        owner_id = getattr(item, f"{side}_owner_id")
        owner = people.users[owner_id] if owner_id is not None else None
        other = sides.other(side)
        view = SideView(
            side=side,
            name=SIDE_NAMES[side],
            owner=owner,
            owner_needed=owner is None or (owner.pk, side) not in holding,
            latest=latest.get(side),
            signature=signatures.get(side),
        )
        if side in acting:
            view.can_sign = view.signature is None
            view.can_withdraw = view.signature is not None and other not in signatures
            if view.can_withdraw:
                view.withdraw_form = WithdrawForm(initial={"side": side}, auto_id=f"withdraw_{side}_%s")
        views.append(view)
    return views


def _sides(request: HttpRequest, item: Item) -> list[SideView]:
    """The side views alone (the full-page update form shows them)."""
    people = _people(item)
    latest, signatures = _latest_and_signatures(item)
    attach_users(
        people.users, (list(latest.values()), "author"), (list(signatures.values()), "signed_by"), also=_owner_ids(item)
    )
    return _side_views(request, item, people, latest, signatures)


def _provenance(item: Item) -> dict[str, Any]:
    """Where the item came from: the framework item and its edition, or (from the events app,
    through hooks.item_origin) the roundtable outcome and its event; one query, only for such items
    (a state's own item has none)."""
    framework_item = None
    origin: dict[str, Any] = {"outcome": None}
    if item.framework_item_id is not None:
        framework_item = FrameworkItem.objects.select_related("framework").get(pk=item.framework_item_id)
    elif item.origin == Item.Origin.ROUNDTABLE:
        origin |= hooks.item_origin(hooks.ItemOrigin(item=item)).context
    return {
        "framework_item": framework_item,
        "framework": framework_item.framework if framework_item else None,
    } | origin


def _detail_context(
    request: HttpRequest,
    item: Item,
    *,
    update_form: UpdateForm | None = None,
    comment_form: CommentForm | None = None,
    evidence_form: EvidenceForm | None = None,
    withdraw_form: WithdrawForm | None = None,
    reply_form: CommentForm | None = None,
    reply_to: int | None = None,
    reply_next: str = "",
    notice: str = "",
) -> dict[str, Any]:
    """Everything the detail page shows, as lists: the template runs no queries, so the page costs
    the same number of queries whatever the number of updates, comments, files or events: one more
    for an item's provenance or what it cites, and one while it names someone who is not a member
    of the state today (an owner or author who has left, staff who commented). The public (see
    permissions.can_view_comments_and_evidence) gets neither comments nor files, and they are not
    loaded for it."""
    user = request.user
    plan = item.plan
    can_edit = permissions.can_edit_item(user, item)
    can_comment = permissions.can_comment(user, plan)
    shows_comments_and_evidence = permissions.can_view_comments_and_evidence(user, plan)
    people = _people(item)
    latest, signatures = _latest_and_signatures(item)
    # The latest events by default (the page stays quick on an item with years of history);
    # ?timeline=all shows every one. Only what a timeline entry shows (plan_tags.timeline_entries).
    limit = None if request.GET.get("timeline") == "all" else TIMELINE_LIMIT
    timeline = access.activities_shown(request, plan, item.activities.only(*TIMELINE_FIELDS))
    activities = list(timeline if limit is None else timeline[: limit + 1])
    attachments = list(item.attachments.all()) if shows_comments_and_evidence else []
    comments = _comments(item) if shows_comments_and_evidence else []
    mention_ids = {c.pk: _mention_ids(c) for c in comments}
    attach_users(
        people.users,
        (list(latest.values()), "author"),
        (list(signatures.values()), "signed_by"),
        (activities, "actor"),
        (attachments, "uploaded_by"),
        (comments, "author"),
        also=[*_owner_ids(item), *(i for ids in mention_ids.values() for i in ids)],
    )
    for c in comments:
        c.mentioned = [people.users[i] for i in mention_ids[c.pk]]  # type: ignore[attr-defined]
    if reply_to is None:
        reply_to = _reply_to(request)
    threads = _threads(comments, reply_to if can_comment else None)
    side_views = _side_views(request, item, people, latest, signatures)
    for side_view in side_views:
        # A refused withdrawal comes back in its own side's form (each side's form has its own ids).
        if withdraw_form is not None and side_view.withdraw_form is not None:
            if withdraw_form.auto_id == side_view.withdraw_form.auto_id:
                side_view.withdraw_form = withdraw_form
    is_signed_done = item.side == ItemSide.JOINT and all(s.signature for s in side_views)
    acting = permissions.acting_sides(user, item)
    if can_edit and not is_signed_done and update_form is None:
        update_form = UpdateForm(item=item, sides=acting, auto_id="update_%s")
    if can_comment and comment_form is None:
        comment_form = CommentForm(members=people.mentionable, auto_id="comment_%s")
    if can_edit and evidence_form is None:
        evidence_form = EvidenceForm(auto_id="evidence_%s")
    disagreement = ""
    if item.sides_disagree:
        disagreement = (
            f"The CIO side reports {Status(item.cio_status).label}; "
            f"the CPO side reports {Status(item.cpo_status).label}."
        )
    return {
        "item": item,
        "plan": plan,
        **_provenance(item),
        "sides": side_views,
        "disagreement": disagreement,
        "is_signed_done": is_signed_done,
        "is_overdue": item.is_overdue(timezone.localdate()),
        "shows_comments_and_evidence": shows_comments_and_evidence,
        "attachments": attachments,
        **_citations(item),
        "comments": comments,
        "threads": threads,
        "reply_form": reply_form,
        "reply_next": reply_next,
        "activities": activities if limit is None else activities[:limit],
        "more_activities": limit is not None and len(activities) > limit,
        "timeline_limit": TIMELINE_LIMIT,
        "can_edit": can_edit,
        "update_form": update_form if can_edit and not is_signed_done else None,
        "comment_form": comment_form if can_comment else None,
        "evidence_form": evidence_form if can_edit else None,
        "notice": notice,
    }


def _citations(item: Item) -> dict[str, list]:
    """What the item cites from the library: one query each, whatever their number, and none for
    what the item's own query (_detail_items) found it does not cite."""
    recommendations = []
    if getattr(item, "cites_recommendations", True):
        recommendations = list(
            item.recommendations.select_related("publication").order_by(
                "publication__published_on", "publication_id", "position", "number"
            )
        )
    case_studies = []
    if getattr(item, "cites_case_studies", True):
        case_studies = list(item.case_studies.order_by("title"))
    return {"recommendations": recommendations, "case_studies": case_studies}


def _cannot_change(item: Item) -> str:
    if item.archived_at is not None:
        return "This item is archived: it keeps its history, but it no longer changes."
    return "Only the item's own side (its CIO-side or CPO-side people) can change it."


def _item_url(item: Item, anchor: str = "") -> str:
    return reverse("actionplan:item", args=[item.pk]) + (f"#{anchor}" if anchor else "")


# --- Reading ----------------------------------------------------------------------------------


@require_safe
@access.public_or_sign_in
def detail(request: HttpRequest, item_id: int) -> HttpResponse:
    """An item with both sides' latest updates, sign-off, evidence, comments and timeline.

    Open to anyone who may read the plan, including anonymous readers of a public plan (who see
    neither its comments nor its evidence)."""
    item = access.item_for(request, item_id, items=_detail_items())
    return render(request, DETAIL, _detail_context(request, item))


@require_safe
@login_required
def download(request: AuthenticatedHttpRequest, attachment_id: int) -> FileResponse:
    """A piece of evidence, always as a download: an uploaded file is never shown as a page.

    Never public, even on a public plan: a signed-out visitor is sent to sign in."""
    attachment = access.attachment_for(request, attachment_id)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Adding and editing -----------------------------------------------------------------------


@login_required
def create(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """Add a state's own item to its plan."""
    plan = access.plan_for(request, plan_id)
    access.require(
        permissions.can_write_plan(request.user, plan), "Only the CIO, the CPO and their delegates add items to a plan."
    )
    # "Add one" from a dimension's card or list opens the form on that dimension (an id that names
    # no dimension selects nothing, and the form starts on the first, as from anywhere else).
    chosen = request.GET.get("dimension", "")
    initial = {"dimension": int(chosen)} if chosen.isdigit() else {}
    form = ItemForm(request.POST if request.method == "POST" else None, plan=plan, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.create_item(plan, by=request.user, **form.item_fields())
        except ValidationError as error:
            add_service_error(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"“{item.title}” was added to the plan.")
            return redirect("actionplan:item", item_id=item.pk)
    return render(request, "actionplan/item_form.html", {"form": form, "plan": plan, "item": None})


@login_required
def edit(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    """Change an item. A save from a form opened before someone else's change is stopped and shown
    what changed, with the typed values kept: saving again then knowingly replaces that change."""
    item = access.item_for(request, item_id)
    access.require(permissions.can_edit_item(request.user, item), _cannot_change(item))
    form = ItemForm(request.POST if request.method == "POST" else None, plan=item.plan, user=request.user, item=item)
    stale: services.StaleEdit | None = None
    if request.method == "POST" and form.is_valid():
        try:
            item = services.edit_item(
                item, by=request.user, expected_version=form.cleaned_data["version"], **form.item_fields()
            )
        except services.StaleEdit as error:
            stale = error
            data = request.POST.copy()
            data["version"] = str(error.item.version)
            form = ItemForm(data, plan=error.item.plan, user=request.user, item=error.item)
        except ValidationError as error:
            add_service_error(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your changes were saved.")
            return redirect("actionplan:item", item_id=item.pk)
    has_signatures = item.side == ItemSide.JOINT and item.sign_offs.standing().exists()
    return render(
        request,
        "actionplan/item_form.html",
        {"form": form, "plan": item.plan, "item": item, "stale": stale, "has_signatures": has_signatures},
    )


@login_required
def archive(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    """Take an item out of the plan, after a confirmation. Its history stays."""
    item = access.item_for(request, item_id)
    access.require(permissions.can_edit_item(request.user, item), _cannot_change(item))
    if request.method == "POST":
        try:
            services.archive_item(item, by=request.user)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect("actionplan:item", item_id=item.pk)
        messages.success(request, f"“{item.title}” was archived. Its history is kept.")
        return redirect("actionplan:items", plan_id=item.plan_id)
    return render(request, "actionplan/item_archive.html", {"item": item, "plan": item.plan})


# --- The update loop --------------------------------------------------------------------------


@login_required
def post_update(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    """An owner's check-in. From the detail page with htmx the answer is the refreshed item panel;
    without JavaScript, a redirect back to the item. GET shows the form as a page of its own."""
    item = access.item_for(request, item_id)
    access.require(permissions.can_edit_item(request.user, item), _cannot_change(item))
    acting = permissions.acting_sides(request.user, item)
    form = UpdateForm(request.POST if request.method == "POST" else None, item=item, sides=acting, auto_id="update_%s")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.post_update(
                item,
                author=request.user,
                side=data["side"],
                status=data["status"],
                progress=data["progress"],
                narrative=data["narrative"],
                confidence=data["confidence"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            if is_htmx(request):
                # Reload: the service moved the item's status and progress.
                item = access.item_for(request, item.pk)
                context = _detail_context(request, item, notice="Your update was posted.")
                return render(request, f"{DETAIL}#panel", context)
            messages.success(request, "Your update was posted.")
            return redirect(_item_url(item, "updates"))
    if request.method == "POST" and is_htmx(request):
        # 200, not 422: htmx swaps only successful answers, and the errors must be seen.
        return render(request, f"{DETAIL}#panel", _detail_context(request, item, update_form=form))
    return render(
        request,
        "actionplan/item_update.html",
        {"item": item, "plan": item.plan, "form": form, "sides": _sides(request, item)},
    )


def _side_from(request: HttpRequest, item: Item, form: SignOffForm) -> str:
    """The side a sign-off button is for; when the viewer acts for one side only and the button
    names none, that side. A side that is posted but garbled is passed on for the service to refuse,
    never replaced by the viewer's own."""
    if form.is_valid():
        return form.cleaned_data["side"]
    acting = permissions.acting_sides(request.user, item)
    return acting[0] if len(acting) == 1 and not form.data.get("side") else ""


@login_required
@require_http_methods(["GET", "POST"])
def sign_off(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    """One office signs a joint item off; the second signature makes it done. GET is the
    confirmation: what signing does (and, for the second signature, that it completes the item for
    both offices), with a note; POST signs."""
    item = access.item_for(request, item_id)
    access.require(permissions.can_sign_off(request.user, item), _cannot_change(item))
    if request.method == "GET":
        acting = permissions.acting_sides(request.user, item)
        chosen = request.GET.get("side", "")
        side = chosen if chosen in acting else (acting[0] if acting else "")
        form = SignOffConfirmForm(initial={"side": side})
        return render(request, "actionplan/item_sign_off.html", _sign_off_context(item, side, form))
    form = SignOffConfirmForm(request.POST)
    side = _side_from(request, item, form)
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    if form.errors.get("note"):
        return render(request, "actionplan/item_sign_off.html", _sign_off_context(item, side, form), status=400)
    try:
        services.sign_off(item, by=request.user, side=side, note=note)
    except ValidationError as error:
        if hasattr(error, "error_dict"):  # about the note: shown on the form, the note kept
            add_service_error(form, error)
            return render(request, "actionplan/item_sign_off.html", _sign_off_context(item, side, form), status=400)
        messages.error(request, " ".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        item.refresh_from_db(fields=["status"])
        if item.status == Status.DONE:
            messages.success(request, "You signed off. Both sides have now signed: the item is done.")
        else:
            messages.success(
                request, f"You signed off for the {SIDE_NAMES[side]} side. The other side's signature is next."
            )
    return redirect(_item_url(item, "sign-off"))


def _sign_off_context(item: Item, side: str, form: SignOffConfirmForm) -> dict[str, Any]:
    """What the confirmation says: whether this signature completes the item, and whether this
    office has posted anything on it (if not, the note is what the record will show)."""
    signed = set(item.sign_offs.standing().values_list("side", flat=True))
    other = sides.other(side) if side else ""
    return {
        "item": item,
        "plan": item.plan,
        "form": form,
        "side": side,
        "side_name": SIDE_NAMES.get(side, ""),
        "other_name": SIDE_NAMES.get(other, ""),
        "completes": other in signed,
        "already": side in signed,
        "posted": bool(side) and item.last_update_by(side) is not None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def reopen(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    """Take a done item back into work, with a reason the other office is told (GET asks)."""
    item = access.item_for(request, item_id)
    access.require(permissions.can_edit_item(request.user, item), _cannot_change(item))
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen(item, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_error(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The item is reopened and On track again; the other office is told why.")
            return redirect(_item_url(item))
    status = 400 if form.errors else 200
    return render(
        request, "actionplan/item_reopen.html", {"item": item, "plan": item.plan, "form": form}, status=status
    )


@login_required
@require_POST
def withdraw(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    """Take back a side's signature before the other side has signed."""
    item = access.item_for(request, item_id)
    access.require(permissions.can_sign_off(request.user, item), _cannot_change(item))
    side = _side_from(request, item, SignOffForm(request.POST))
    form = WithdrawForm(request.POST, auto_id=f"withdraw_{side}_%s")
    if not form.is_valid() and "reason" in form.errors:
        # The signature stands and the reason comes back, with what to fix, to be sent again.
        return render(request, DETAIL, _detail_context(request, item, withdraw_form=form))
    try:
        services.withdraw_sign_off(item, by=request.user, side=side, reason=form.cleaned_data.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"The {SIDE_NAMES[side]} side's signature was withdrawn.")
    return redirect(_item_url(item, "sign-off"))


# --- Comments and evidence --------------------------------------------------------------------


def _parent_from(request: HttpRequest, item: Item) -> Comment | None:
    """The comment a reply answers (`parent`): one of this item's comments, or not found (404)."""
    chosen = request.POST.get("parent", "")
    if not chosen:
        return None
    parent = Comment.objects.filter(pk=int(chosen), item=item).first() if chosen.isdigit() else None
    if parent is None:
        raise Http404("There is no such comment on this item to reply to.")
    return parent


@login_required
@require_POST
def comment(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    """Post a comment, or (with `parent`) a reply in a comment's thread; then show it, or go back to
    `next` (the inbox, say) when that is a page of this site. A refused one comes back on the page
    with the text kept: a reply in its form under the comment it answers."""
    item = access.item_for(request, item_id)
    access.require(permissions.can_comment(request.user, item.plan), "Only the plan's people can comment on it.")
    parent = _parent_from(request, item)
    next_url = local_next(request)
    form = CommentForm(request.POST, members=services.plan_members(item.plan), auto_id="comment_%s")
    if form.is_valid():
        try:
            posted = services.add_comment(item, author=request.user, body=form.cleaned_data["body"], parent=parent)
        except ValidationError as error:
            add_service_error(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your reply was posted." if parent else "Your comment was posted.")
            return redirect(next_url or posted.get_absolute_url())
    if parent is not None:
        context = _detail_context(request, item, reply_form=form, reply_to=parent.pk, reply_next=next_url)
    else:
        context = _detail_context(request, item, comment_form=form)
    return render(request, DETAIL, context)


@login_required
@require_POST
def attach(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    """Upload a piece of evidence; a refused file comes back with the reason on the file field."""
    item = access.item_for(request, item_id)
    access.require(permissions.can_edit_item(request.user, item), _cannot_change(item))
    form = EvidenceForm(request.POST, request.FILES, auto_id="evidence_%s")
    if form.is_valid():
        try:
            attachment = services.attach_evidence(item, by=request.user, upload=form.cleaned_data["file"])
        except ValidationError as error:
            add_service_error(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{attachment.original_name} was added as evidence.")
            return redirect(_item_url(item, "evidence"))
    return render(request, DETAIL, _detail_context(request, item, evidence_form=form))
