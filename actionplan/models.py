"""What states commit to and do: each state's plan, its items and updates, and where it stands on
each of the library's recommendations (its adoption records).

Rows here change only through the services: `actionplan.services`, which also writes the Activity
log in the same transaction, and `actionplan.adoption`, which keeps each adoption record's history.
Reads that several pages share are QuerySet methods (`.visible_to(user)`).
"""

from __future__ import annotations

import datetime
import functools
import operator
import re
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from actionplan import rules
from directory import permissions, sides
from directory.models import Jurisdiction
from directory.sides import Side

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from directory.models import User


class Via(models.TextChoices):
    """Where an update or a signature came from: the item's page, a reply to an email, or a
    one-click status link in one (issue 16). Shown beside it ("by email")."""

    WEB = "web", "on the page"
    EMAIL = "email", "by email"
    LINK = "link", "by a link in an email"


class Status(models.TextChoices):
    """Where an item stands, as its owners report it."""

    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    BLOCKED = "blocked", "Blocked"
    DONE = "done", "Done"


# Statuses that say the same thing for the purpose of spotting a disagreement between the sides.
_STATUS_READING: dict[str, str] = {
    Status.NOT_STARTED: "not started",
    Status.ON_TRACK: "fine",
    Status.AT_RISK: "in trouble",
    Status.OFF_TRACK: "in trouble",
    Status.BLOCKED: "in trouble",
    Status.DONE: "done",
}


def statuses_disagree(cio_status: str | None, cpo_status: str | None) -> bool:
    """True when the two offices report materially different states for one item.

    "At risk" against "off track" is a difference of degree; "on track" against "at risk", or
    "done" against anything else, is a disagreement worth a conversation.
    """
    if not cio_status or not cpo_status:
        return False
    # Status members hash as their values: the stored strings look the reading up directly.
    return _STATUS_READING[cio_status] != _STATUS_READING[cpo_status]


# Who owns an item: the one vocabulary of sides, under the name the plan's code reads it by.
ItemSide = Side


class Sharing(models.TextChoices):
    """Who may read a plan besides its own members and association staff. Ordered narrow to wide."""

    PRIVATE = "private", "Private: our members and association staff"
    PEERS = "peers", "Peers: signed-in members of every state"
    PUBLIC = "public", "Public: anyone with the link"


SHARING_ORDER = [Sharing.PRIVATE, Sharing.PEERS, Sharing.PUBLIC]


class PlanQuerySet(models.QuerySet["Plan"]):
    def visible_to(self, user: User | AnonymousUser) -> PlanQuerySet:
        """Plans this person may read (the rule itself lives in directory.permissions)."""
        return self.filter(permissions.plan_visibility_q(user))


class Plan(models.Model):
    """A jurisdiction's action plan for one period (e.g. FY2027), owned by its CIO and CPO."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="plans")
    period = models.CharField(max_length=20, help_text="e.g. FY2027")
    starts_on = models.DateField()
    ends_on = models.DateField()
    framework = models.ForeignKey(
        "library.Framework", on_delete=models.PROTECT, null=True, blank=True, related_name="plans"
    )
    sharing = models.CharField(max_length=10, choices=Sharing.choices, default=Sharing.PRIVATE)
    # A wider sharing level waits here until the other office agrees.
    sharing_requested = models.CharField(max_length=10, choices=Sharing.choices, blank=True)
    sharing_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sharing_requested_side = models.CharField(max_length=3, blank=True)
    stale_after_days = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
        help_text="An item with no update for this many days counts as stale and its owner is reminded.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["jurisdiction__name", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "period"], name="one_plan_per_jurisdiction_period"),
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="plan_ends_after_it_starts"),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction.name} {self.period}"


def standing_plans(plans: Iterable[Plan], on: datetime.date) -> dict[int, Plan]:
    """The plan that stands for each jurisdiction on a day (by jurisdiction id): the one whose period
    holds the day; else the latest that has begun; else the first to come."""
    standing: dict[int, Plan] = {}

    def rank(plan: Plan) -> tuple[int, int]:
        start = plan.starts_on.toordinal()
        if plan.starts_on <= on <= plan.ends_on:
            return (2, start)
        return (1, start) if plan.starts_on <= on else (0, -start)

    for plan in plans:
        held = standing.get(plan.jurisdiction_id)
        if held is None or rank(plan) > rank(held):
            standing[plan.jurisdiction_id] = plan
    return standing


def fiscal_year_dates(jurisdiction: Jurisdiction, fiscal_year: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of a jurisdiction's fiscal year, named (as states do) by the year it ends."""
    month = jurisdiction.fiscal_year_start_month
    start = datetime.date(fiscal_year if month == 1 else fiscal_year - 1, month, 1)
    end = datetime.date(start.year + 1, start.month, 1) - datetime.timedelta(days=1)
    return start, end


def overdue_q(on: datetime.date) -> Q:
    """Overdue, as a filter: not archived, not done, due before `on` (a date in the reader's zone)."""
    return Q(archived_at__isnull=True, due_on__lt=on) & ~Q(status=Status.DONE)


def stale_q(side: str, *, stale_after_days: int, now: datetime.datetime, today: datetime.date) -> Q:
    """One office quiet on an item, as a filter (actionplan.rules.is_stale on its own clock): the
    item has started, and the office's last post, or before any, when the item began (the later of
    its creation and midnight UTC of its start), is `stale_after_days` or more before `now`; and it
    is not waiting (never posted on, still Not started, and due more than `stale_after_days` after
    `today`)."""
    cutoff = now - datetime.timedelta(days=stale_after_days)
    last = f"{side}_last_update_at"
    began_by_cutoff = Q(created_at__lte=cutoff, starts_on__lte=cutoff.astimezone(datetime.UTC).date())
    waiting = Q(
        last_update_at__isnull=True,
        status=Status.NOT_STARTED,
        due_on__gt=today + datetime.timedelta(days=stale_after_days),
    )
    return (
        Q(starts_on__lte=today)
        & ~waiting
        & (Q(**{f"{last}__lte": cutoff}) | Q(**{f"{last}__isnull": True}) & began_by_cutoff)
    )


def freshness_q(
    side: str, state: rules.Freshness, *, stale_after_days: int, now: datetime.datetime, today: datetime.date
) -> Q:
    """Late or never updated, as a filter over one office's open items (Fresh is what is neither:
    see ItemQuerySet.freshness)."""
    if state == rules.Freshness.FRESH:
        raise ValueError("fresh is the open items that are neither late nor never updated")
    quiet = stale_q(side, stale_after_days=stale_after_days, now=now, today=today)
    return quiet & Q(**{f"{side}_last_update_at__isnull": state == rules.Freshness.NEVER})


def disagreement_q() -> Q:
    """Joint items whose offices report materially different states (statuses_disagree, as a filter)."""
    readings: dict[str, list[str]] = {}
    for status, reading in _STATUS_READING.items():
        readings.setdefault(reading, []).append(status)
    agree = functools.reduce(operator.or_, (Q(cio_status__in=same, cpo_status__in=same) for same in readings.values()))
    return Q(side=ItemSide.JOINT) & ~Q(cio_status="") & ~Q(cpo_status="") & ~agree


class ItemQuerySet(models.QuerySet["Item"]):
    def visible_to(self, user: User | AnonymousUser) -> ItemQuerySet:
        return self.filter(plan__in=Plan.objects.visible_to(user))

    def current(self) -> ItemQuerySet:
        """Items not archived."""
        return self.filter(archived_at__isnull=True)

    def open(self) -> ItemQuerySet:
        return self.current().exclude(status=Status.DONE)

    def overdue(self, on: datetime.date) -> ItemQuerySet:
        """Open items due before `on`: the one definition of overdue for many rows (Item.is_overdue
        is the same for one row, overdue_q the same inside an aggregate)."""
        return self.filter(overdue_q(on))

    def for_office(self, side: str) -> ItemQuerySet:
        """Items one office owns: its own and the joint ones."""
        return self.filter(side__in=[side, ItemSide.JOINT])

    def freshness(
        self,
        side: str,
        state: rules.Freshness,
        *,
        stale_after_days: int,
        now: datetime.datetime,
        today: datetime.date,
    ) -> ItemQuerySet:
        """Open items of one office in one freshness state, for plans of one cadence (a plan's
        `stale_after_days`): the rule of actionplan.rules.freshness, as a filter."""
        mine = self.open().for_office(side)
        if state == rules.Freshness.FRESH:
            stale = stale_q(side, stale_after_days=stale_after_days, now=now, today=today)
            return mine.exclude(stale)
        return mine.filter(freshness_q(side, state, stale_after_days=stale_after_days, now=now, today=today))

    def due_between(self, first: datetime.date, last: datetime.date) -> ItemQuerySet:
        return self.open().filter(due_on__gte=first, due_on__lte=last)

    def owned_by(self, user: User) -> ItemQuerySet:
        return self.filter(Q(cio_owner=user) | Q(cpo_owner=user))


class Item(models.Model):
    """One commitment in a state plan, in one dimension, owned by the CIO side, CPO side or both."""

    class Origin(models.TextChoices):
        FRAMEWORK = "framework", "From the national framework"
        STATE = "state", "Added by the state"
        ROUNDTABLE = "roundtable", "From a roundtable outcome"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="items")
    dimension = models.ForeignKey("library.Dimension", on_delete=models.PROTECT, related_name="items")
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.STATE)
    framework_item = models.ForeignKey(
        "library.FrameworkItem", on_delete=models.PROTECT, null=True, blank=True, related_name="adopted_as"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown: **bold**, *italic*, lists and links.")
    side = models.CharField(max_length=5, choices=ItemSide.choices, default=ItemSide.JOINT)
    cio_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="cio_items"
    )
    cpo_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="cpo_items"
    )
    starts_on = models.DateField()
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    recommendations = models.ManyToManyField("library.Recommendation", blank=True, related_name="items")
    case_studies = models.ManyToManyField(
        "library.CaseStudy", blank=True, related_name="items", help_text="Case studies this item learns from."
    )
    # The latest status each office reported: kept by post_update so lists can show disagreement
    # without reading every item's update history.
    cio_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    cpo_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    last_update_at = models.DateTimeField(null=True, blank=True)
    # When each office last posted on it (kept by post_update): each side's freshness reads its own.
    cio_last_update_at = models.DateTimeField(null=True, blank=True)
    cpo_last_update_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    # Bumped on every edit, so a save from a stale form is caught instead of silently winning.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["dimension__position", "due_on", "id"]
        indexes = [
            models.Index(fields=["plan", "dimension", "due_on"], name="item_plan_dimension_due"),
            models.Index(fields=["due_on"], name="item_due_on"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("starts_on")), name="item_due_not_before_start"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="item_progress_0_100"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actionplan:item", args=[self.pk])

    @property
    def sides(self) -> list[str]:
        """The offices that own this item: one, or both for a joint item."""
        return sides.offices_of(self.side)

    def owner_for(self, side: str) -> User | None:
        return self.cio_owner if side == "cio" else self.cpo_owner

    def last_update_by(self, side: str) -> datetime.datetime | None:
        """When this office last posted on the item (None: never)."""
        return self.cio_last_update_at if side == "cio" else self.cpo_last_update_at

    def freshness(self, side: str, *, now: datetime.datetime, today: datetime.date) -> rules.Freshness:
        """This office's freshness on this open item (rules.freshness, from the item's own fields
        and its plan's cadence): what My updates and the nudges read for one item at a time."""
        return rules.freshness(
            side_last_update_at=self.last_update_by(side),
            created_at=self.created_at,
            starts_on=self.starts_on,
            stale_after_days=self.plan.stale_after_days,
            now=now,
            today=today,
            status=self.status,
            due_on=self.due_on,
            item_last_update_at=self.last_update_at,
        )

    def is_overdue(self, on: datetime.date) -> bool:
        return self.status != Status.DONE and self.archived_at is None and self.due_on < on

    @property
    def sides_disagree(self) -> bool:
        return self.side == ItemSide.JOINT and statuses_disagree(self.cio_status, self.cpo_status)


def latest_update(side: str, field: str) -> models.Subquery:
    """For an Item queryset's `.annotate()`: `field` of the newest update the `side` office posted on
    each item (None where it posted none). What the state report and the national spreadsheet show
    as each office's latest word."""
    newest = Update.objects.filter(item=models.OuterRef("pk"), side=side).order_by("-created_at", "-id")
    return models.Subquery(newest.values(field)[:1])


class Update(models.Model):
    """A check-in from one office on one item: never edited, never deleted."""

    class Confidence(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="updates")
    side = models.CharField(max_length=3, choices=sides.OFFICE_CHOICES)
    status = models.CharField(max_length=12, choices=Status.choices)
    progress = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    narrative = models.TextField()
    confidence = models.CharField(max_length=6, choices=Confidence.choices, blank=True)
    via = models.CharField(max_length=5, choices=Via.choices, default=Via.WEB)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["item", "-created_at"], name="update_item_recent")]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="update_progress_0_100")]

    def __str__(self) -> str:
        return f"{self.get_side_display()} update on {self.item}"


class SignOffQuerySet(models.QuerySet["SignOff"]):
    def standing(self) -> SignOffQuerySet:
        """Signatures not withdrawn or voided."""
        return self.filter(withdrawn_at__isnull=True)


class SignOff(models.Model):
    """One office's signature that a joint item is done. Both are needed; either may withdraw first."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="sign_offs")
    side = models.CharField(max_length=3, choices=sides.OFFICE_CHOICES)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=200, blank=True)
    # What the signer says was done; required when their office never posted an update on the item
    # (services.sign_off), so a signature is never the only trace of that office's work.
    note = models.CharField(max_length=500, blank=True)

    objects = SignOffQuerySet.as_manager()

    class Meta:
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "side"], condition=Q(withdrawn_at__isnull=True), name="one_standing_sign_off_per_side"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()} sign-off on {self.item}"


def awaiting_sign_off(items: models.QuerySet[Item], *, related: tuple[str, ...] = ()) -> dict[int, SignOff]:
    """What "awaiting sign-off" means, for the dashboard, My updates, the reminder scan and the state
    report alike: among `items`, each open joint item that one office has signed off and the other
    has not, with that one standing signature (by item id). The office awaited is the other one,
    `sides.other(signature.side)`. One query; `related` is loaded with each signature."""
    signatures = (
        SignOff.objects.standing()
        .filter(item__in=items.filter(side=ItemSide.JOINT).exclude(status=Status.DONE).values("pk"))
        .order_by()
    )
    if related:
        signatures = signatures.select_related(*related)
    found: dict[int, list[SignOff]] = {}
    for signature in signatures:
        found.setdefault(signature.item_id, []).append(signature)
    return {item_id: signed[0] for item_id, signed in found.items() if len(signed) == 1}


# An @mention in a comment: "@cio", or a full address "@cio@id.example" where a handle is shared.
# Not after a word character, dot or @, so an email address in the text is no mention.
MENTION = re.compile(r"(?<![\w.@])@([A-Za-z0-9._%+-]+(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)")


def mention_targets(users: Iterable[User]) -> dict[str, User]:
    """Each handle (lowercased) that names exactly one of `users`: their full email address, and the
    part before the @ unless two of them share it. How a comment's recorded mentions are found in
    its text again (services.resolve_mentions refuses any handle that is not one of these)."""
    by_handle: dict[str, list[User]] = {}
    for user in users:
        for handle in dict.fromkeys([user.email.lower(), user.email.split("@", 1)[0].lower()]):
            by_handle.setdefault(handle, []).append(user)
    return {handle: found[0] for handle, found in by_handle.items() if len(found) == 1}


class CommentQuerySet(models.QuerySet["Comment"]):
    """Who a comment speaks to. A thread is a root comment and its replies; a comment's thread is
    named by its root's id (the root's own id, or a reply's parent), since replies are one level deep.

    These are reads for an inbox ("Needs your reply"), each a fixed number of queries whatever the
    numbers; the caller narrows them (`.filter(item__plan__in=...)`) and loads what it shows
    (`.select_related("author", "item")`).
    """

    def addressed_to(self, user: User) -> CommentQuerySet:
        """Comments by others that speak to `user`: those that @mention them, and replies in a thread
        `user` started or replied in (whether written before or after `user` joined in: see
        unanswered_for for what still waits for them)."""
        mentioning = Comment.mentions.through.objects.filter(user_id=user.pk).values("comment_id")
        joined = Comment.objects.filter(author_id=user.pk).values(thread=Coalesce("parent_id", "pk"))
        return self.exclude(author_id=user.pk).filter(
            Q(pk__in=mentioning) | Q(parent_id__isnull=False, parent_id__in=joined)
        )

    def unanswered_for(self, user: User) -> list[Comment]:
        """The comments of this queryset addressed_to `user` after which `user` has written nothing
        in the same thread: a reply (or a root comment they started) posted later answers everything
        before it there. In this queryset's order; each carries `mentioned`, the users it @mentions
        (what plan_tags.comment_body marks).

        Three queries whatever the numbers: `user`'s own comments (the threads they joined, and when),
        the candidates (comments by others that mention them or reply in a thread they joined), and
        whom those mention. Which candidates are still unanswered is decided here from those rows:
        the same rule as one correlated query, which cost more to build than all three to run."""
        own = list(Comment.objects.filter(author_id=user.pk).values_list("pk", "parent_id", "created_at"))
        joined = {parent_id or pk for pk, parent_id, _ in own}
        mentioning = Comment.mentions.through.objects.filter(user_id=user.pk).values("comment_id")
        candidates: list[Comment] = list(
            self.exclude(author_id=user.pk).filter(Q(pk__in=mentioning) | Q(parent_id__in=sorted(joined)))
        )
        if not candidates:
            return []
        mentioned: dict[int, list[User]] = {}
        links = Comment.mentions.through.objects.filter(comment_id__in=[c.pk for c in candidates])
        for link in links.select_related("user").order_by("id"):
            mentioned.setdefault(link.comment_id, []).append(link.user)
        latest: dict[int, tuple[datetime.datetime, int]] = {}  # thread -> user's last word there
        for pk, parent_id, created_at in own:
            thread = parent_id or pk
            latest[thread] = max(latest.get(thread, (created_at, pk)), (created_at, pk))
        waiting: list[Comment] = []
        for comment in candidates:
            comment.mentioned = mentioned.get(comment.pk, [])  # type: ignore[attr-defined]
            last_word = latest.get(comment.thread_id)
            if last_word is None or last_word < (comment.created_at, comment.pk):
                waiting.append(comment)
        return waiting


class Comment(models.Model):
    """A remark on an item, in Markdown; may @mention members of the plan. A reply names the comment
    it answers (`parent`); threads are one level deep, so a reply's parent is never itself a reply."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments")
    body = models.TextField()
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.item}"

    def get_absolute_url(self) -> str:
        """The comment in its item's page (what emails link to)."""
        return reverse("actionplan:item", args=[self.item_id]) + f"#comment-{self.pk}"

    @property
    def thread_id(self) -> int:
        """The id of the root of this comment's thread."""
        return self.parent_id or self.pk


def evidence_path(instance: Attachment, filename: str) -> str:
    """Stored under a random name: the original name is kept in the row, never trusted as a path."""
    return f"evidence/{instance.item.plan_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """Evidence for an item (a policy, a charter, minutes). Always served as a download."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="attachments")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Activity(models.Model):
    """Append-only log of who did what: feeds timelines, dashboards and digests.

    Written by the services in the same transaction as the change. Nobody edits or deletes a row,
    not even in the admin; the database refuses it too (see migration 0003).
    """

    class Verb(models.TextChoices):
        ADOPTED = "adopted", "adopted the framework"
        CREATED = "created", "created the item"
        UPDATED = "updated", "posted an update"
        STATUS_CHANGED = "status_changed", "changed the status"
        FIELD_CHANGED = "field_changed", "changed a field"
        COMMENTED = "commented", "commented"
        SIGNED_OFF = "signed_off", "signed off"
        SIGN_OFF_WITHDRAWN = "sign_off_withdrawn", "withdrew a sign-off"
        SIGN_OFFS_RESET = "sign_offs_reset", "asked both sides to sign again"
        ATTACHED = "attached", "attached evidence"
        TRANSFERRED = "transferred", "transferred ownership"
        ARCHIVED = "archived", "archived the item"
        SHARING_REQUESTED = "sharing_requested", "asked to widen sharing"
        SHARING_CHANGED = "sharing_changed", "changed who can see the plan"
        SHARING_DECLINED = "sharing_declined", "declined to widen sharing"
        REOPENED = "reopened", "reopened the item"
        NUDGED = "nudged", "reminded the owners who are late"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="activities")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, null=True, blank=True, related_name="activities")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verb = models.CharField(max_length=20, choices=Verb.choices)
    field = models.CharField(max_length=50, blank=True)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    # For edits that bump Item.version: the version this change produced, so a stale editor can be
    # shown exactly the changes made since the version they opened.
    item_version = models.PositiveIntegerField(null=True, blank=True)
    via = models.CharField(max_length=5, choices=Via.choices, default=Via.WEB)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["plan", "-created_at"], name="activity_plan_recent"),
            models.Index(fields=["item", "-created_at"], name="activity_item_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.actor} {self.get_verb_display()}"


class Adoption(models.Model):
    """Where one jurisdiction stands on one recommendation, with evidence (a link or a document:
    a statute, executive order, policy or contract clause) and the plan items that carry it out.
    "Adopted" needs evidence; association staff may mark the evidence verified."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        EXPLORING = "exploring", "Exploring"
        IN_PROGRESS = "in_progress", "In progress"
        ADOPTED = "adopted", "Adopted"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    class EvidenceKind(models.TextChoices):
        STATUTE = "statute", "Statute"
        EXECUTIVE_ORDER = "executive_order", "Executive order"
        POLICY = "policy", "Policy"
        CONTRACT_CLAUSE = "contract_clause", "Contract clause"
        OTHER = "other", "Other"

    jurisdiction = models.ForeignKey("directory.Jurisdiction", on_delete=models.PROTECT, related_name="adoptions")
    recommendation = models.ForeignKey("library.Recommendation", on_delete=models.PROTECT, related_name="adoptions")
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.NOT_STARTED)
    note = models.TextField(blank=True)
    evidence_kind = models.CharField(max_length=16, choices=EvidenceKind.choices, blank=True)
    evidence_url = models.URLField("Evidence link", max_length=500, blank=True)
    evidence_file = models.FileField(upload_to="adoption/%Y/%m/", blank=True)
    evidence_name = models.CharField(max_length=200, blank=True, help_text="The uploaded file's original name.")
    is_public = models.BooleanField(
        "Show on the public adoption page",
        default=False,
        help_text="Anyone may then read this status and, if it is a link, the evidence link. Files stay private.",
    )
    items = models.ManyToManyField(Item, blank=True, related_name="adoptions")
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["jurisdiction__name", "recommendation"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "recommendation"], name="adoption_once_per_recommendation"),
            models.CheckConstraint(
                condition=~Q(status="adopted") | ~Q(evidence_url="") | ~Q(evidence_file=""),
                name="adopted_needs_evidence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction.name}: {self.recommendation.label} · {self.get_status_display()}"

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_url or self.evidence_file)


class AdoptionChange(models.Model):
    """One change to an adoption record, kept for good: who set which status and evidence, and
    who verified it or withdrew that. The Adoption row holds only the latest state; this is how a
    reader tells whether the evidence staff verified is still the evidence on file."""

    class Kind(models.TextChoices):
        RECORDED = "recorded", "recorded"
        CHANGED = "changed", "changed"
        VERIFIED = "verified", "verified the evidence"
        UNVERIFIED = "unverified", "withdrew the verification"

    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=15, choices=Adoption.Status.choices, help_text="The status after the change.")
    summary = models.TextField(blank=True, help_text='What changed, in words: "Status: Exploring → Adopted; …".')
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["adoption", "-created_at"], name="adoption_change_recent")]

    def __str__(self) -> str:
        return f"{self.adoption}: {self.get_kind_display()}"
