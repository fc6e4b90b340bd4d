"""Every change to a plan goes through one of these functions.

Each runs in a transaction, checks the rules that belong to the domain (who may act for which
side, when a joint item is done), and writes Activity in the same transaction, so the log never
disagrees with the data. Views call one service and show its result; rule violations come back as
ValidationError (keyed by form field where there is one) or PermissionDenied.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from actionplan import evidence
from actionplan.models import (
    MENTION,
    SHARING_ORDER,
    Activity,
    Attachment,
    Comment,
    Item,
    ItemSide,
    Plan,
    Sharing,
    SignOff,
    Status,
    Update,
    Via,
    fiscal_year_dates,
)
from config.text import is_blank
from directory import permissions, sides
from directory.models import Jurisdiction, Membership, User
from library.models import Dimension, Framework

Verb = Activity.Verb

# Edits to these fields change what was signed: both sides are asked to sign again.
SIGNED_SCOPE_FIELDS = ("title", "description", "due_on")
EDITABLE_FIELDS = ("dimension", "title", "description", "side", "cio_owner", "cpo_owner", "starts_on", "due_on")
# An item's links to the recommendation library, set as a whole and logged as one field change each.
LINKED_FIELDS = ("recommendations", "case_studies")
# SignOff.withdrawn_reason's length: a longer reason is refused, never cut.
WITHDRAW_REASON_MAX = 200
SIGN_OFF_NOTE_MAX = 500
REOPEN_REASON_MAX = 200


def log(
    plan: Plan,
    verb: str,
    *,
    actor: User | None,
    item: Item | None = None,
    field: str = "",
    old: object = "",
    new: object = "",
    item_version: int | None = None,
    via: str = Via.WEB,
) -> Activity:
    """Append one row to the activity log (call inside the transaction that made the change)."""
    return Activity.objects.create(
        plan=plan,
        via=via,
        item=item,
        actor=actor,
        verb=verb,
        field=field,
        old_value=_text(old),
        new_value=_text(new),
        item_version=item_version,
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, User):
        return value.full_name or value.email
    return str(value)


# --- Plans ------------------------------------------------------------------------------------


def principal(jurisdiction: Jurisdiction, role: str, on: datetime.date | None = None) -> User | None:
    membership = (
        Membership.objects.active(on).filter(jurisdiction=jurisdiction, role=role).select_related("user").first()
    )
    return membership.user if membership else None


@transaction.atomic
def adopt_framework(
    framework: Framework,
    *,
    jurisdiction: Jurisdiction,
    fiscal_year: int,
    by: User,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
) -> Plan:
    """Create a jurisdiction's plan for a fiscal year with one item per framework item.

    Each item remembers the framework item it came from; the CIO and CPO in office own their
    side's items from the start.
    """
    if framework.state != Framework.State.PUBLISHED:
        raise ValidationError({"framework": "Only a published edition can be adopted."})
    if not permissions.can_adopt(by, jurisdiction):
        raise PermissionDenied("Only the CIO or the CPO can start their state's plan.")
    default_start, default_end = fiscal_year_dates(jurisdiction, fiscal_year)
    starts_on, ends_on = starts_on or default_start, ends_on or default_end
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": "The plan must end after it starts."})
    period = f"FY{fiscal_year}"
    if Plan.objects.filter(jurisdiction=jurisdiction, period=period).exists():
        raise ValidationError({"fiscal_year": f"{jurisdiction.name} already has a plan for {period}."})
    plan = Plan.objects.create(
        jurisdiction=jurisdiction, period=period, starts_on=starts_on, ends_on=ends_on, framework=framework
    )
    cio, cpo = principal(jurisdiction, "cio"), principal(jurisdiction, "cpo")
    items = [
        Item(
            plan=plan,
            dimension_id=source.dimension_id,
            origin=Item.Origin.FRAMEWORK,
            framework_item=source,
            title=source.title,
            description=source.description,
            side=source.side,
            cio_owner=cio if source.side in (ItemSide.CIO, ItemSide.JOINT) else None,
            cpo_owner=cpo if source.side in (ItemSide.CPO, ItemSide.JOINT) else None,
            starts_on=starts_on,
            due_on=ends_on,
            created_by=by,
        )
        for source in framework.items.all()
    ]
    Item.objects.bulk_create(items)
    log(plan, Verb.ADOPTED, actor=by, new=f"{framework.title}: {len(items)} items")
    return plan


# --- Items ------------------------------------------------------------------------------------


def _check_owners(plan: Plan, side: str, cio_owner: User | None, cpo_owner: User | None) -> None:
    """Each side's owner must hold that side's role in the plan's jurisdiction today."""
    errors: dict[str, str] = {}
    for field, owner, roles, label in [
        ("cio_owner", cio_owner, sides.SIDE_ROLES["cio"], "CIO"),
        ("cpo_owner", cpo_owner, sides.SIDE_ROLES["cpo"], "CPO"),
    ]:
        if owner is None:
            continue
        if field[:3] not in sides.offices_of(side):
            errors[field] = f"A {dict(ItemSide.choices)[side]}-side item has no {label} owner."
            continue
        if (
            not Membership.objects.active()
            .filter(user=owner, jurisdiction_id=plan.jurisdiction_id, role__in=roles)
            .exists()
        ):
            errors[field] = f"{owner} is not the {label} or a delegate of the {label} of {plan.jurisdiction.name}."
    if errors:
        raise ValidationError(errors)


def _check_title(title: str) -> None:
    if is_blank(title):
        raise ValidationError({"title": "Give the item a title that says what it commits to."})


def _check_dates(starts_on: datetime.date, due_on: datetime.date) -> None:
    if due_on < starts_on:
        raise ValidationError({"due_on": "The due date cannot be before the start date."})


def _require_sides(by: User, plan: Plan, side: str) -> None:
    allowed = permissions.sides_for(by, plan)
    needed = set(sides.offices_of(side))
    if not allowed:
        raise PermissionDenied("Only the CIO, the CPO and their delegates change this plan.")
    if not (allowed & needed):
        raise ValidationError({"side": "You act for the other office: choose your own side or Joint."})


@transaction.atomic
def create_item(
    plan: Plan,
    *,
    by: User,
    dimension: Dimension,
    title: str,
    side: str,
    starts_on: datetime.date,
    due_on: datetime.date,
    description: str = "",
    cio_owner: User | None = None,
    cpo_owner: User | None = None,
    recommendations: Iterable[Any] = (),
    case_studies: Iterable[Any] = (),
    origin: str = Item.Origin.STATE,
) -> Item:
    """An item added to a plan: the state's own, or (with `origin`) one it took from elsewhere,
    such as a roundtable outcome it accepted."""
    _require_sides(by, plan, side)
    _check_title(title)
    _check_dates(starts_on, due_on)
    _check_owners(plan, side, cio_owner, cpo_owner)
    item = Item.objects.create(
        plan=plan,
        dimension=dimension,
        origin=origin,
        title=title,
        description=description,
        side=side,
        cio_owner=cio_owner,
        cpo_owner=cpo_owner,
        starts_on=starts_on,
        due_on=due_on,
        created_by=by,
    )
    item.recommendations.set(recommendations)
    item.case_studies.set(case_studies)
    log(plan, Verb.CREATED, actor=by, item=item, new=title)
    return item


class StaleEdit(Exception):
    """The item changed after the editor opened the form; nothing was saved."""

    def __init__(self, item: Item, changes: list[Activity]) -> None:
        super().__init__("This item was changed since you opened it.")
        self.item = item
        self.changes = changes


@transaction.atomic
def edit_item(item: Item, *, by: User, expected_version: int, **changes: Any) -> Item:
    """Change an item's fields. Refuses a save made from an out-of-date form (StaleEdit).

    Changing the scope or due date of an item either side has signed voids the signatures: both
    sides must sign again what is now asked of them. The recommendations and case studies an item
    cites are not its scope: changing them is logged but asks for no new signatures.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS) - set(LINKED_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if not permissions.can_edit_item(by, item):
        raise PermissionDenied("You cannot change this item.")
    # Lock the row, then compare versions: two saves cannot both pass the check.
    current = Item.objects.select_for_update().select_related("plan__jurisdiction").get(pk=item.pk)
    if current.version != expected_version:
        since = list(
            current.activities.filter(item_version__gt=expected_version)
            .select_related("actor")
            .order_by("-created_at", "-id")
        )
        raise StaleEdit(current, since)
    relinked = _relinked(current, {name: list(changes.pop(name)) for name in LINKED_FIELDS if name in changes})
    new_side = changes.get("side", current.side)
    if new_side != current.side:
        _check_side_change(by, current, new_side)
    _check_title(changes.get("title", current.title))
    _check_dates(changes.get("starts_on", current.starts_on), changes.get("due_on", current.due_on))
    cio_owner = changes.get("cio_owner", current.cio_owner) if new_side != ItemSide.CPO else None
    cpo_owner = changes.get("cpo_owner", current.cpo_owner) if new_side != ItemSide.CIO else None
    changes["cio_owner"], changes["cpo_owner"] = cio_owner, cpo_owner
    _check_owners(current.plan, new_side, cio_owner, cpo_owner)

    changed = [name for name, value in changes.items() if getattr(current, name) != value]
    if not changed and not relinked:
        return current
    logged = [(name, getattr(current, name), changes[name]) for name in changed] + [
        (name, "; ".join(map(str, before)), "; ".join(map(str, after))) for name, (before, after) in relinked.items()
    ]
    for name, old, new in logged:
        log(
            current.plan,
            Verb.FIELD_CHANGED,
            actor=by,
            item=current,
            field=name,
            old=old,
            new=new,
            item_version=current.version + 1,
        )
    old_side = current.side
    for name in changed:
        setattr(current, name, changes[name])
    for name, (_, after) in relinked.items():
        getattr(current, name).set(after)
    if "side" in changed:
        changed += _settle_new_side(current, old_side=old_side, by=by)
    current.version = F("version") + 1
    current.save(update_fields=[*dict.fromkeys(changed), "version", "updated_at"])
    if "side" in changed:
        _reset_sign_offs(current, by=by, reason="Owned by changed after signing")
    elif set(changed) & set(SIGNED_SCOPE_FIELDS):
        _reset_sign_offs(current, by=by, reason="Scope or due date changed after signing")
    current.refresh_from_db()
    return current


def _check_side_change(by: User, item: Item, new_side: str) -> None:
    """Who may move an item between the offices.

    An office may share its own item with the other office (CIO side → Joint, CPO side → Joint):
    the other office is told, and is asked to sign it off like any joint item. Nobody takes an
    office off an item, or hands an item to an office, for which they do not act: turning a joint
    item into one office's item, or one office's item into the other's, needs someone who acts
    for both offices; everyone else is refused with a message saying whom to ask.
    """
    mine = permissions.sides_for(by, item.plan)
    if not mine:
        raise PermissionDenied("Only the CIO, the CPO and their delegates change this plan.")
    labels = {"cio": "CIO", "cpo": "CPO"}
    if not set(sides.offices_of(new_side)) & mine:
        other = labels[new_side]
        raise ValidationError(
            {
                "side": f"You act for the other office, so you cannot hand this item to the {other} office alone. "
                f"Choose Joint to share it with them, or ask the {other} or a delegate of the {other} to take it on."
            }
        )
    dropped = sorted(set(sides.offices_of(item.side)) - set(sides.offices_of(new_side)) - mine)
    if dropped:
        other = labels[dropped[0]]
        raise ValidationError(
            {
                "side": f"This item is joint: it belongs to both offices, so it becomes one office's item only "
                f"if the {other} office agrees. Ask the {other} or a delegate of the {other} to change it; "
                f"until then it stays joint."
            }
        )


def _settle_new_side(item: Item, *, old_side: str, by: User) -> list[str]:
    """After a change of side: an office that leaves the item keeps no status on it, an office that
    joins it has not reported yet, and a joint item is done only once both sign, so an item that was
    done goes back to On track. Returns the fields it changed."""
    changed = []
    for side in sorted(set(sides.offices_of(old_side)) ^ set(sides.offices_of(item.side))):
        if getattr(item, f"{side}_status"):
            setattr(item, f"{side}_status", "")
            changed.append(f"{side}_status")
    if item.side == ItemSide.JOINT and item.status == Status.DONE:
        _set_status(item, Status.ON_TRACK, by=by)
        changed.append("status")
    return changed


def _relinked(item: Item, wanted: dict[str, list[Any]]) -> dict[str, tuple[list[Any], list[Any]]]:
    """The linked fields whose set of rows changes: {name: (rows before, rows after)}, each sorted."""
    relinked = {}
    for name, after in wanted.items():
        before = list(getattr(item, name).all())
        if {o.pk for o in before} != {o.pk for o in after}:
            relinked[name] = (sorted(before, key=str), sorted(after, key=str))
    return relinked


def _reset_sign_offs(item: Item, *, by: User, reason: str) -> None:
    standing = item.sign_offs.standing()
    if not standing.exists():
        return
    standing.update(withdrawn_at=timezone.now(), withdrawn_reason=reason)
    log(item.plan, Verb.SIGN_OFFS_RESET, actor=by, item=item, new=reason)
    if item.status == Status.DONE:
        _set_status(item, Status.ON_TRACK, by=by)
        item.save(update_fields=["status", "updated_at"])


def _require_current(item: Item) -> None:
    """Archived items keep their history but take no more changes."""
    if item.archived_at is not None:
        raise ValidationError("This item is archived: it keeps its history but takes no more changes.")


def _set_status(item: Item, status: str, *, by: User) -> None:
    if item.status != status:
        log(
            item.plan,
            Verb.STATUS_CHANGED,
            actor=by,
            item=item,
            field="status",
            old=Status(item.status).label,
            new=Status(status).label,
        )
        item.status = status


@transaction.atomic
def archive_item(item: Item, *, by: User) -> Item:
    """Drop an item from the plan. It keeps its history; nothing with history is ever deleted."""
    if not permissions.can_edit_item(by, item):
        raise PermissionDenied("You cannot archive this item.")
    item.archived_at = timezone.now()
    item.save(update_fields=["archived_at", "updated_at"])
    log(item.plan, Verb.ARCHIVED, actor=by, item=item)
    return item


# --- The update loop --------------------------------------------------------------------------


@transaction.atomic
def post_update(
    item: Item,
    *,
    author: User,
    side: str,
    status: str,
    progress: int,
    narrative: str,
    confidence: str = "",
    via: str = Via.WEB,
) -> Update:
    """An owner's check-in: records what one office reports and moves the item with it.

    A joint item is done only when both sides sign off, so its updates cannot say "done".
    """
    item = Item.objects.select_for_update().select_related("plan").get(pk=item.pk)
    if side not in permissions.acting_sides(author, item):
        raise PermissionDenied("You cannot post an update for that side of this item.")
    _require_current(item)
    if item.side == ItemSide.JOINT and item.sign_offs.standing().count() == 2:
        raise ValidationError(
            "Both sides signed this item off as done. To post on it again, reopen it first (Reopen, on "
            "the item's page), saying why."
        )
    errors: dict[str, str] = {}
    if not 0 <= progress <= 100:
        errors["progress"] = "Progress is a percentage from 0 to 100."
    if item.side == ItemSide.JOINT and status == Status.DONE:
        errors["status"] = "A joint item is done when both sides sign off. Post your status, then use Sign off."
    if is_blank(narrative):
        errors["narrative"] = "Say in a sentence or two what happened since the last update."
    if errors:
        raise ValidationError(errors)
    update = Update.objects.create(
        item=item,
        author=author,
        side=side,
        status=status,
        progress=progress,
        narrative=narrative,
        confidence=confidence,
        via=via,
    )
    log(item.plan, Verb.UPDATED, actor=author, item=item, field=side, new=Status(status).label, via=via)
    setattr(item, f"{side}_status", status)
    _set_status(item, status, by=author)
    item.progress = progress
    item.last_update_at = update.created_at
    setattr(item, f"{side}_last_update_at", update.created_at)
    item.save(
        update_fields=[f"{side}_status", "status", "progress", "last_update_at", f"{side}_last_update_at", "updated_at"]
    )
    return update


@transaction.atomic
def sign_off(item: Item, *, by: User, side: str, note: str = "", via: str = Via.WEB) -> SignOff:
    """One office signs that a joint item is done; the second signature makes it done.

    An office that never posted an update on the item may still sign: its signature is its
    statement that the work is done (some joint items are carried by one office and confirmed by
    the other). The page says so before it signs and asks for a note on what was done, which is
    kept with the signature and shown in the item's history."""
    item = Item.objects.select_for_update().select_related("plan").get(pk=item.pk)
    if item.side != ItemSide.JOINT:
        raise ValidationError("Only joint items are signed off; post an update with status Done instead.")
    if side not in permissions.acting_sides(by, item):
        raise PermissionDenied("You cannot sign for that side of this item.")
    _require_current(item)
    note = note.strip()
    if len(note) > SIGN_OFF_NOTE_MAX:
        raise ValidationError({"note": f"Keep the note to {SIGN_OFF_NOTE_MAX} characters ({len(note)} now)."})
    if item.sign_offs.standing().filter(side=side).exists():
        raise ValidationError(f"The {side.upper()} side has already signed off this item.")
    signature = SignOff.objects.create(item=item, side=side, signed_by=by, note=note)
    log(item.plan, Verb.SIGNED_OFF, actor=by, item=item, field=side, new=note, via=via)
    if item.sign_offs.standing().count() == 2:
        _set_status(item, Status.DONE, by=by)
        item.progress = 100
        item.save(update_fields=["status", "progress", "updated_at"])
    return signature


@transaction.atomic
def reopen(item: Item, *, by: User, reason: str) -> Item:
    """Either office takes a done item back into work, saying why: the signatures of a joint item
    are withdrawn with that reason, the item is On track again, and the other office is told (the
    reminder scan reads the REOPENED activity)."""
    item = Item.objects.select_for_update().select_related("plan").get(pk=item.pk)
    acting = permissions.acting_sides(by, item)
    if not acting:
        raise PermissionDenied("Only the item's own offices can reopen it.")
    _require_current(item)
    if item.status != Status.DONE:
        raise ValidationError("This item is not done, so there is nothing to reopen.")
    reason = reason.strip()
    if is_blank(reason):
        raise ValidationError({"reason": "Say why the item is reopened: the other office is told."})
    if len(reason) > REOPEN_REASON_MAX:
        raise ValidationError({"reason": f"Keep the reason to {REOPEN_REASON_MAX} characters ({len(reason)} now)."})
    item.sign_offs.standing().update(withdrawn_at=timezone.now(), withdrawn_reason=f"Reopened: {reason}"[:200])
    log(item.plan, Verb.REOPENED, actor=by, item=item, field=acting[0], new=reason)
    _set_status(item, Status.ON_TRACK, by=by)
    item.save(update_fields=["status", "updated_at"])
    return item


@transaction.atomic
def withdraw_sign_off(item: Item, *, by: User, side: str, reason: str = "") -> None:
    """Take back a signature before the other office has signed."""
    item = Item.objects.select_for_update().select_related("plan").get(pk=item.pk)
    if side not in permissions.acting_sides(by, item):
        raise PermissionDenied("You cannot withdraw that side's signature.")
    _require_current(item)
    if len(reason) > WITHDRAW_REASON_MAX:
        raise ValidationError({"reason": f"Keep the reason to {WITHDRAW_REASON_MAX} characters ({len(reason)} now)."})
    standing = item.sign_offs.standing()
    if standing.count() == 2:
        raise ValidationError(
            "Both sides have signed, so the item is done. To take it back into work, reopen it, saying why."
        )
    if not standing.filter(side=side).update(withdrawn_at=timezone.now(), withdrawn_reason=reason):
        raise ValidationError(f"The {side.upper()} side has not signed off this item.")
    log(item.plan, Verb.SIGN_OFF_WITHDRAWN, actor=by, item=item, field=side, new=reason)


# --- Comments and evidence --------------------------------------------------------------------


def plan_members(plan: Plan) -> list[User]:
    """The people who may be @mentioned on a plan: its jurisdiction's current members."""
    ids = Membership.objects.active().filter(jurisdiction_id=plan.jurisdiction_id).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("full_name"))


def mention_handle(user: User, members: list[User]) -> str:
    """How to @mention someone: the part of the email before the @, or the whole email if shared."""
    local = user.email.split("@", 1)[0]
    clash = sum(1 for m in members if m.email.split("@", 1)[0].lower() == local.lower()) > 1
    return user.email if clash else local


def resolve_mentions(body: str, members: list[User]) -> list[User]:
    """The members @mentioned in a text; a mention of anyone else is an error on the text."""
    by_handle: dict[str, list[User]] = {}
    for member in members:
        by_handle.setdefault(member.email.lower(), []).append(member)
        by_handle.setdefault(member.email.split("@", 1)[0].lower(), []).append(member)
    found: dict[int, User] = {}
    problems: list[str] = []
    for handle in MENTION.findall(body):
        handle = handle.rstrip(".")
        matches = by_handle.get(handle.lower(), [])
        if len(matches) == 1:
            found[matches[0].pk] = matches[0]
        elif matches:
            problems.append(f"@{handle} matches more than one member: use their full email address")
        else:
            problems.append(f"@{handle} is not a member of this plan")
    if problems:
        raise ValidationError({"body": "; ".join(dict.fromkeys(problems)) + "."})
    return list(found.values())


@transaction.atomic
def add_comment(item: Item, *, author: User, body: str, parent: Comment | None = None) -> Comment:
    """A comment on an item, or (with `parent`) a reply in a comment's thread; people it @mentions
    are recorded (and told, by the reminders), as is, for a reply, the thread it answers
    (Comment.objects.addressed_to). Threads are one level deep: a reply to a reply joins the root."""
    if not permissions.can_comment(author, item.plan):
        raise PermissionDenied("You cannot comment on this plan.")
    _require_current(item)
    if parent is not None:
        if parent.item_id != item.pk:
            raise ValidationError({"parent": "You can only reply to a comment on the same item."})
        if parent.parent_id is not None:
            parent = Comment.objects.get(pk=parent.parent_id)
    if is_blank(body):
        raise ValidationError({"body": "Write something before posting."})
    mentioned = resolve_mentions(body, plan_members(item.plan))
    comment = Comment.objects.create(item=item, author=author, body=body, parent=parent)
    comment.mentions.set(mentioned)
    # The timeline says "replied to a comment" for a reply (plan_tags.activity_summary).
    log(item.plan, Verb.COMMENTED, actor=author, item=item, field="reply" if parent else "", new=body[:200])
    return comment


@transaction.atomic
def attach_evidence(item: Item, *, by: User, upload: UploadedFile, via: str = Via.WEB) -> Attachment:
    """Store a piece of evidence after checking its size and, from its content, its type (a CSV
    is stored neutralized against formula injection)."""
    if not permissions.can_edit_item(by, item):
        raise PermissionDenied("You cannot add evidence to this item.")
    content_type, upload = evidence.clean_upload(upload)  # raises ValidationError({"file": ...})
    name = evidence.safe_name(upload.name or "evidence")
    attachment = Attachment(
        item=item, uploaded_by=by, original_name=name, content_type=content_type, size=upload.size or 0
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    log(item.plan, Verb.ATTACHED, actor=by, item=item, new=name, via=via)
    return attachment


# --- Turnover ---------------------------------------------------------------------------------


@dataclass
class Vacancy:
    """Someone who owns items in a plan but no longer holds a role on that side."""

    side: str
    former_owner: User
    item_count: int

    @property
    def key(self) -> str:
        return f"{self.side}-{self.former_owner.pk}"


def vacancies(plan: Plan) -> list[Vacancy]:
    """Owners of open items who have left (their membership ended): their items need a successor.

    Every dashboard view asks, so this is two plain reads (who holds a role here today, who owns
    each item) compared here, instead of two queries with subqueries that cost the ORM more to
    build than PostgreSQL to run; the people are loaded only when someone has left.
    """
    roles_by_side = sides.SIDE_ROLES
    members = list(
        Membership.objects.active().filter(jurisdiction_id=plan.jurisdiction_id).values_list("user_id", "role")
    )
    still_here = {
        side: {user_id for user_id, role in members if role in roles} for side, roles in roles_by_side.items()
    }
    counts: dict[str, dict[int, int]] = {"cio": {}, "cpo": {}}
    owners = Item.objects.current().filter(plan=plan).order_by().values_list("cio_owner_id", "cpo_owner_id")
    for cio_owner_id, cpo_owner_id in owners:
        for side, owner_id in (("cio", cio_owner_id), ("cpo", cpo_owner_id)):
            if owner_id is not None and owner_id not in still_here[side]:
                counts[side][owner_id] = counts[side].get(owner_id, 0) + 1
    if not counts["cio"] and not counts["cpo"]:
        return []
    people = list(User.objects.filter(pk__in=counts["cio"].keys() | counts["cpo"].keys()).order_by("full_name"))
    return [
        Vacancy(side=side, former_owner=owner, item_count=counts[side][owner.pk])
        for side in sides.OFFICES
        for owner in people
        if owner.pk in counts[side]
    ]


@transaction.atomic
def transfer_items(plan: Plan, *, side: str, from_user: User, to_user: User, by: User) -> int:
    """Hand every item `from_user` owns on one side of a plan to `to_user`, in one logged action."""
    if not permissions.can_transfer_items(by, plan):
        raise PermissionDenied("You cannot reassign items in this plan.")
    if side not in sides.OFFICES:
        raise ValidationError({"side": "Choose the CIO or the CPO side."})
    roles = sides.SIDE_ROLES[side]
    if (
        not Membership.objects.active()
        .filter(user=to_user, jurisdiction_id=plan.jurisdiction_id, role__in=roles)
        .exists()
    ):
        raise ValidationError(
            {"to_user": f"{to_user} does not hold a {side.upper()}-side role in {plan.jurisdiction.name}."}
        )
    items = list(Item.objects.select_for_update().filter(plan=plan, **{f"{side}_owner": from_user}).current())
    for item in items:
        log(
            plan,
            Verb.TRANSFERRED,
            actor=by,
            item=item,
            field=f"{side}_owner",
            old=from_user,
            new=to_user,
            item_version=item.version + 1,
        )
    Item.objects.filter(pk__in=[i.pk for i in items]).update(**{f"{side}_owner": to_user}, version=F("version") + 1)
    return len(items)


# --- Sharing ----------------------------------------------------------------------------------


@transaction.atomic
def change_sharing(plan: Plan, *, by: User, level: str) -> Plan:
    """Narrowing takes effect at once (either office may); widening waits for the other office.

    Returns the plan; `plan.sharing_requested` is set while a widening awaits agreement.
    """
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not permissions.can_change_sharing(by, plan):
        raise PermissionDenied("Only the CIO and the CPO decide who can see the plan.")
    level = Sharing(level)
    my_side = next(iter(permissions.sides_for(by, plan)))
    if SHARING_ORDER.index(level) <= SHARING_ORDER.index(Sharing(plan.sharing)):
        if level != plan.sharing:
            log(plan, Verb.SHARING_CHANGED, actor=by, field="sharing", old=Sharing(plan.sharing).label, new=level.label)
        plan.sharing = level
        plan.sharing_requested, plan.sharing_requested_by, plan.sharing_requested_side = "", None, ""
    elif plan.sharing_requested == level and plan.sharing_requested_side and plan.sharing_requested_side != my_side:
        log(plan, Verb.SHARING_CHANGED, actor=by, field="sharing", old=Sharing(plan.sharing).label, new=level.label)
        plan.sharing = level
        plan.sharing_requested, plan.sharing_requested_by, plan.sharing_requested_side = "", None, ""
    else:
        plan.sharing_requested, plan.sharing_requested_by, plan.sharing_requested_side = level, by, my_side
        log(plan, Verb.SHARING_REQUESTED, actor=by, field="sharing", new=level.label)
    plan.save(update_fields=["sharing", "sharing_requested", "sharing_requested_by", "sharing_requested_side"])
    return plan


SHARING_DECLINE_REASON_MAX = 300


@transaction.atomic
def decide_sharing(plan: Plan, *, by: User, approve: bool, reason: str = "") -> Plan:
    """The other office answers a request to widen sharing: Approve makes it so, Decline drops it
    (with an optional reason, kept in the plan's activity). Only a principal of the office that did
    not ask may answer; a request that was withdrawn or answered meanwhile is said to be gone."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not permissions.can_change_sharing(by, plan):
        raise PermissionDenied("Only the CIO and the CPO decide who can see the plan.")
    if not plan.sharing_requested:
        raise ValidationError("There is no request to widen sharing any more: it was answered or withdrawn.")
    if plan.sharing_requested_side in permissions.sides_for(by, plan):
        raise ValidationError("Your office made this request; the other office answers it.")
    if len(reason) > SHARING_DECLINE_REASON_MAX:
        raise ValidationError(
            {"reason": f"Keep the reason to {SHARING_DECLINE_REASON_MAX} characters ({len(reason)} now)."}
        )
    if approve:
        return change_sharing(plan, by=by, level=plan.sharing_requested)
    requested = Sharing(plan.sharing_requested).label
    log(plan, Verb.SHARING_DECLINED, actor=by, field="sharing", old=requested, new=reason)
    plan.sharing_requested, plan.sharing_requested_by, plan.sharing_requested_side = "", None, ""
    plan.save(update_fields=["sharing_requested", "sharing_requested_by", "sharing_requested_side"])
    return plan
