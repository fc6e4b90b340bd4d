"""Nudges: one click by association staff sends a jurisdiction's late owners one reminder each.

Who is late is the one freshness rule (actionplan.rules.freshness): an office that is late on, or
has never updated, an open item it owns in the jurisdiction's standing plan. The email goes to the
item's owner for that office while they still act for it, else to that office's principal (the
CIO or CPO), so an item whose owner left still reaches someone.

At most one nudge a week per jurisdiction: the jurisdiction's row is locked while the last nudge
is read and the new one written, so two staff members clicking at once send one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from actionplan import rules
from actionplan.models import Activity, Item, Plan, standing_plans
from actionplan.services import log
from directory import sides
from directory.models import Jurisdiction, Membership, User
from notifications import mail_tokens
from notifications.models import Nudge
from outbox import emails
from outbox.models import OutgoingEmail

NUDGE_INTERVAL = datetime.timedelta(days=7)


@dataclass
class LateOwner:
    """One person a nudge goes to, with the items they are late on (and for which office)."""

    user: User
    items: list[tuple[Item, str, rules.Freshness]] = field(default_factory=list)


def standing_plan(jurisdiction: Jurisdiction, *, on: datetime.date) -> Plan | None:
    return standing_plans(Plan.objects.filter(jurisdiction=jurisdiction), on).get(jurisdiction.pk)


def late_owners(plan: Plan, *, now: datetime.datetime) -> list[LateOwner]:
    """Who a nudge of this plan's jurisdiction reaches today, each with their late items."""
    today = now.date()
    acting: dict[tuple[int, str], bool] = {}
    principals: dict[str, User] = {}
    for membership in (
        Membership.objects.active(today).filter(jurisdiction_id=plan.jurisdiction_id).select_related("user")
    ):
        side = sides.ROLE_SIDE.get(membership.role)
        if side is None or not membership.user.is_active:
            continue
        acting[(membership.user_id, side)] = True
        if membership.role in sides.PRINCIPAL_ROLES:
            principals[side] = membership.user
    found: dict[int, LateOwner] = {}
    items = Item.objects.open().filter(plan=plan).select_related("cio_owner", "cpo_owner").order_by("due_on", "id")
    for item in items:
        item.plan = plan  # its cadence, without a query per item
        for office in item.sides:
            state = item.freshness(office, now=now, today=today)
            if state == rules.Freshness.FRESH:
                continue
            owner = item.owner_for(office)
            if owner is None or (owner.pk, office) not in acting:
                owner = principals.get(office)
            if owner is not None:
                found.setdefault(owner.pk, LateOwner(user=owner)).items.append((item, office, state))
    return sorted(found.values(), key=lambda late: late.user.full_name or late.user.email)


@dataclass
class LastNudge:
    """A jurisdiction's latest nudge: when, by whom, to whom."""

    sent_at: datetime.datetime
    sent_by: User
    recipients: list[User] = field(default_factory=list)

    @property
    def next_at(self) -> datetime.datetime:
        """When the jurisdiction may be nudged again."""
        return self.sent_at + NUDGE_INTERVAL


def last_nudges(jurisdiction_ids: list[int]) -> dict[int, LastNudge]:
    """Each jurisdiction's latest nudge, in one query (a row per recipient: every nudge has one)."""
    latest = Nudge.objects.filter(jurisdiction=OuterRef("nudge__jurisdiction")).order_by("-sent_at", "-id")
    pairs = (
        Nudge.recipients.through.objects.filter(
            nudge__jurisdiction_id__in=jurisdiction_ids, nudge_id=Subquery(latest.values("pk")[:1])
        )
        .select_related("nudge__sent_by", "user")
        .order_by("user__full_name", "user_id")
    )
    found: dict[int, LastNudge] = {}
    for pair in pairs:
        nudge = pair.nudge
        entry = found.setdefault(nudge.jurisdiction_id, LastNudge(sent_at=nudge.sent_at, sent_by=nudge.sent_by))
        entry.recipients.append(pair.user)
    return found


def nudge(jurisdiction: Jurisdiction, *, by: User, now: datetime.datetime | None = None) -> Nudge:
    """Send the jurisdiction's late owners one reminder each, and record it in the plan's activity.

    Raises ValidationError, saying why, when the jurisdiction was nudged in the last seven days,
    has no plan, or has no one late."""
    now = now or timezone.now()
    with transaction.atomic():
        Jurisdiction.objects.select_for_update().filter(pk=jurisdiction.pk).first()
        last = Nudge.objects.filter(jurisdiction=jurisdiction).select_related("sent_by").first()
        if last is not None and last.sent_at + NUDGE_INTERVAL > now:
            again = timezone.localtime(last.sent_at + NUDGE_INTERVAL)
            raise ValidationError(
                f"{jurisdiction.name} was nudged on {timezone.localtime(last.sent_at):%b %-d} by {last.sent_by}; "
                f"the next nudge can go on {again:%b %-d}."
            )
        plan = standing_plan(jurisdiction, on=now.date())
        if plan is None:
            raise ValidationError(f"{jurisdiction.name} has no plan yet: there is no one to nudge.")
        late = late_owners(plan, now=now)
        if not late:
            raise ValidationError(f"No one in {jurisdiction.name} is late on an update: there is no one to nudge.")
        sent = Nudge.objects.create(
            jurisdiction=jurisdiction,
            sent_by=by,
            sent_at=now,
            late_items=len({i.pk for o in late for i, _, _ in o.items}),
        )
        sent.recipients.set([owner.user for owner in late])
        for owner in late:
            # With replies on, a one-line reply to the nudge posts the update, as for a reminder.
            asked = list({item.pk: item for item, _, _ in owner.items}.values())
            reply = mail_tokens.issue_reply_address(owner.user, asked, now=now)
            codes = mail_tokens.item_codes(asked) if reply else {}
            row = emails.queue(
                OutgoingEmail.Kind.NUDGE,
                user=owner.user,
                dedupe_key=f"nudge:{sent.pk}:{owner.user.pk}",
                template="nudge",
                context={
                    "owner": owner,
                    "jurisdiction": jurisdiction,
                    "plan": plan,
                    "sent_by": by,
                    "entries": [
                        {
                            "item": item,
                            "office": sides.Side(office).label,
                            "state": state.label,
                            "url": emails.absolute(f"/items/{item.pk}/"),
                            "code": codes.get(item.pk, ""),
                        }
                        for item, office, state in owner.items
                    ],
                    "reply_codes": list(codes.values()),
                    "my_updates_url": emails.absolute("/my-updates/"),
                },
                reply_to=reply[1] if reply else None,
            )
            if reply:
                mail_tokens.attach_to_email([reply[0]], row)
        log(plan, Activity.Verb.NUDGED, actor=by, new=", ".join(str(owner.user) for owner in late))
    return sent
