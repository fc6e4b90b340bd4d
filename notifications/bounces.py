"""What a bounce means for a person: mail to their address fails for good, which in state
government most often means they have left office. The outbox says which email bounced and why
(outbox.bounces); here the address is flagged once (AddressBounce) and the people who can act are
asked "has X left office?": association staff, and the person's counterpart in their state, who
ends the role and invites a successor on the state's people page, then hands over the items.

Who is told, and why these people:
- staff of the association that serves the person's office: NASCIO's for the CIO's side, NASPO's
  for the CPO's (both for a viewer, or someone with no role). Half the staff rather than all, and
  the half that knows the office's people; a staff member's own address goes to their association.
- in each state where the person holds a role, the principal who works with them: the CPO for the
  CIO and the CIO for the CPO; a delegate's own principal (who appointed them); both for a viewer.
Each is told once per flag: a second bounce to an address already flagged tells nobody again.
"""

from __future__ import annotations

import datetime
import email.message
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from actionplan.models import Item, Plan, standing_plans
from directory import sides
from directory.models import Jurisdiction, Membership, StaffMembership, User, role_label
from notifications.models import AddressBounce
from outbox import bounces, emails
from outbox.models import InboundEmail, OutgoingEmail

# The association whose staff know each office's people (the reference data's codes).
ASSOCIATION_OF_OFFICE = {sides.Side.CIO.value: "NASCIO", sides.Side.CPO.value: "NASPO"}


def handle_inbound(row: InboundEmail, message: email.message.EmailMessage) -> str | None:
    """Read an inbound message as a bounce: None if it is none (the reader goes on to read it as a
    reply); else record it, flag the address on a hard bounce, and return the outcome line."""
    found = bounces.classify(message, envelope_to=row.envelope_to)
    if found is None:
        return None
    return record_bounce(found)


@transaction.atomic
def record_bounce(found: bounces.Bounce, *, now: datetime.datetime | None = None) -> str:
    """Record one bounce (see handle_inbound); the outcome line for the inbound message's row."""
    email_row = found.row
    what = f"email {email_row.pk} to {email_row.to_address}" if email_row is not None else "an email not in the outbox"
    if not found.hard:
        return f"bounced (soft, nothing changed): {what}: {found.reason}"
    if email_row is None:
        return f"bounced: {what} ({found.recipient or 'no address given'}): {found.reason}"
    bounces.record(found)
    outcome = f"bounced: {what} marked failed: {found.reason}"
    if email_row.recipient_id is None:
        return outcome  # a bare address (an invitation): nobody's address to flag
    user = User.objects.get(pk=email_row.recipient_id)
    if user.email.strip().lower() != email_row.to_address.strip().lower():
        return outcome + "; the person's address has changed since"
    flag = flag_address(user, email=email_row, reason=found.reason, now=now)
    if flag is None:
        return outcome + f"; {email_row.to_address} was already flagged"
    told = tell_about(flag)
    return outcome + f"; {email_row.to_address} flagged, {told} told"


def flag_address(
    user: User, *, email: OutgoingEmail, reason: str, now: datetime.datetime | None = None
) -> AddressBounce | None:
    """The open flag on the user's address, new; None if one was open already (the database's
    one-open-flag constraint decides between two bounces read at once)."""
    address = email.to_address.strip().lower()
    if AddressBounce.objects.filter(user=user, address=address, cleared_at__isnull=True).exists():
        return None
    try:
        with transaction.atomic():
            return AddressBounce.objects.create(
                user=user, address=address, email=email, reason=reason, bounced_at=now or timezone.now()
            )
    except IntegrityError:
        return None


@dataclass
class Place:
    """One jurisdiction where the person holds a role, with where to act on it."""

    jurisdiction: Jurisdiction
    role: str
    people_url: str
    owners_url: str = ""  # the standing plan's page that hands a departed owner's items on
    open_items: int = 0
    plan: Plan | None = None


@dataclass
class Notice:
    """One person to tell, and the places they are told about."""

    user: User
    as_staff: bool = False
    places: list[Place] = field(default_factory=list)


def _counterpart_roles(role: str) -> list[str]:
    """Who works with a role-holder and acts when they leave (see the module's docstring)."""
    if role in sides.PRINCIPAL_ROLES:
        return [sides.other(role)]
    office = sides.ROLE_SIDE.get(role)
    return [office] if office is not None else list(sides.PRINCIPAL_ROLES)


def _places(user: User, memberships: list[Membership], *, today: datetime.date) -> dict[int, Place]:
    """Each jurisdiction where the person holds a role (the first role by name), with its links."""
    places: dict[int, Place] = {}
    for membership in memberships:
        if membership.jurisdiction_id in places:
            continue
        places[membership.jurisdiction_id] = Place(
            jurisdiction=membership.jurisdiction,
            role=role_label(membership.role),
            people_url=emails.absolute(reverse("directory:people", args=[membership.jurisdiction.code])),
        )
    plans = standing_plans(Plan.objects.filter(jurisdiction_id__in=places).select_related("jurisdiction"), today)
    for jurisdiction_id, plan in plans.items():
        place = places[jurisdiction_id]
        place.plan = plan
        place.open_items = Item.objects.open().filter(plan=plan).owned_by(user).count()
        if place.open_items:
            place.owners_url = emails.absolute(reverse("actionplan:turnover", args=[plan.pk]))
    return places


def recipients(user: User, *, today: datetime.date) -> list[Notice]:
    """Who is told that this person's address bounces, each with the places they are told about."""
    memberships = list(
        Membership.objects.active(today).filter(user=user).select_related("jurisdiction").order_by("role")
    )
    places = _places(user, memberships, today=today)
    notices: dict[int, Notice] = {}
    for membership in memberships:
        counterparts = (
            Membership.objects.active(today)
            .filter(jurisdiction_id=membership.jurisdiction_id, role__in=_counterpart_roles(membership.role))
            .filter(user__is_active=True)
            .exclude(user=user)
            .select_related("user")
        )
        for counterpart in counterparts:
            notice = notices.setdefault(counterpart.user_id, Notice(counterpart.user))
            if places[membership.jurisdiction_id] not in notice.places:
                notice.places.append(places[membership.jurisdiction_id])
    offices = {sides.ROLE_SIDE.get(m.role) for m in memberships}
    associations = {ASSOCIATION_OF_OFFICE[o] for o in offices if o is not None}
    if None in offices or not memberships:
        associations |= set(ASSOCIATION_OF_OFFICE.values())
    own = StaffMembership.objects.active(today).filter(user=user).values_list("association__code", flat=True)
    if memberships == [] and own:
        associations = set(own)
    staff = (
        User.objects.filter(is_active=True)
        .filter(staff_memberships__in=StaffMembership.objects.active(today).filter(association__code__in=associations))
        .exclude(pk=user.pk)
        .distinct()
    )
    for member in staff:
        notice = notices.setdefault(member.pk, Notice(member))
        notice.as_staff, notice.places = True, list(places.values())
    return sorted(notices.values(), key=lambda n: (n.user.full_name, n.user.email))


def tell_about(flag: AddressBounce, *, today: datetime.date | None = None) -> int:
    """Queue one notice per person to tell (at most once per flag and person); how many were queued."""
    person = flag.user
    told = 0
    for notice in recipients(person, today=today or timezone.localdate()):
        queued = emails.queue(
            OutgoingEmail.Kind.BOUNCE,
            user=notice.user,
            dedupe_key=f"bounce:{flag.pk}:{notice.user.pk}",
            template="bounce_notice",
            context={
                "person": person,
                "address": flag.address,
                "reason": flag.reason,
                "bounced_at": flag.bounced_at,
                "places": notice.places,
                "as_staff": notice.as_staff,
                "bounces_url": emails.absolute(reverse("notifications:bounces")) if notice.as_staff else "",
            },
        )
        told += queued is not None
    return told


def clear_changed_address(user: User, *, now: datetime.datetime | None = None) -> int:
    """Close the flags on addresses that are no longer the user's own (their address was changed):
    mail now goes elsewhere, and a bounce of the new address flags it anew. How many were closed."""
    return (
        AddressBounce.objects.filter(user=user, cleared_at__isnull=True)
        .exclude(Q(address=user.email.strip().lower()))
        .update(cleared_at=now or timezone.now())
    )


def resolve(flag: AddressBounce, *, now: datetime.datetime | None = None) -> bool:
    """Staff say the flag is dealt with (the person left and was replaced, or the address works
    again): it leaves the list, and a later bounce of the same address flags it anew."""
    return bool(
        AddressBounce.objects.filter(pk=flag.pk, cleared_at__isnull=True).update(cleared_at=now or timezone.now())
    )


def open_flags() -> list[AddressBounce]:
    """Every open flag, newest first, with each person's current roles (for the staff list)."""
    flags = list(AddressBounce.objects.filter(cleared_at__isnull=True).select_related("user"))
    roles: dict[int, list[Membership]] = {}
    for membership in (
        Membership.objects.active()
        .filter(user_id__in={f.user_id for f in flags})
        .select_related("jurisdiction")
        .order_by("jurisdiction__name", "role")
    ):
        roles.setdefault(membership.user_id, []).append(membership)
    for flag in flags:
        flag.roles = roles.get(flag.user_id, [])  # type: ignore[attr-defined]
    return flags


def open_count() -> int:
    """How many addresses are flagged and not yet dealt with (the national dashboard's line)."""
    return AddressBounce.objects.filter(cleared_at__isnull=True).count()
