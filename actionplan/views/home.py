"""The home page everyone lands on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict, cast

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from actionplan import hooks
from config.web import AuthenticatedHttpRequest
from directory import permissions
from directory.models import Jurisdiction, Membership
from library.models import Dimension

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from directory.models import User


class _Leaders(TypedDict):
    """What the national roster puts on each jurisdiction: its prefetched leaders, then its CIO and CPO."""

    leaders: list[Membership]
    cio: User | None
    cpo: User | None


@dataclass
class MyJurisdiction:
    """One jurisdiction the viewer belongs to, with who they work with there."""

    jurisdiction: Jurisdiction
    my_role: Membership
    counterparts: list[Membership] = field(default_factory=list)
    colleagues: list[Membership] = field(default_factory=list)


@require_safe
@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where everyone lands: a state member sees their jurisdiction and counterparts; staff see
    every jurisdiction with its CIO and CPO."""
    user = request.user
    mine = permissions.current_memberships(user)
    my_jurisdictions: list[MyJurisdiction] = []
    if mine:
        roster = list(
            Membership.objects.active()
            .filter(jurisdiction_id__in={m.jurisdiction_id for m in mine})
            .exclude(user=user)
            .select_related("user")
            .order_by("role", "user__full_name")
        )
        for membership in mine:
            entry = MyJurisdiction(jurisdiction=membership.jurisdiction, my_role=membership)
            for other in roster:
                if other.jurisdiction_id != membership.jurisdiction_id:
                    continue
                if other.role in membership.counterpart_roles:
                    entry.counterparts.append(other)
                else:
                    entry.colleagues.append(other)
            my_jurisdictions.append(entry)

    national: list[WithAnnotations[Jurisdiction, _Leaders]] = []
    if permissions.can_view_national_roster(user):
        leaders = Membership.objects.active().filter(role__in=[Membership.Role.CIO, Membership.Role.CPO])
        # The loop below sets cio and cpo, which the prefetched type does not know about yet.
        national = cast(
            "list[WithAnnotations[Jurisdiction, _Leaders]]",
            list(
                Jurisdiction.objects.order_by("name").prefetch_related(
                    Prefetch("memberships", queryset=leaders.select_related("user"), to_attr="leaders")
                )
            ),
        )
        for jurisdiction in national:
            jurisdiction.cio = next((m.user for m in jurisdiction.leaders if m.role == Membership.Role.CIO), None)
            jurisdiction.cpo = next((m.user for m in jurisdiction.leaders if m.role == Membership.Role.CPO), None)

    # What the apps above add (the events app: the outcomes awaiting this person's state's decision).
    parts = hooks.home_page(hooks.HomePage(request=request))
    return render(
        request,
        "actionplan/home.html",
        {
            "awaiting_proposals": 0,
            "my_jurisdictions": my_jurisdictions,
            "national": national,
            "national_gaps": sum(1 for j in national if j.cio is None or j.cpo is None),
            "dimensions": list(Dimension.objects.all()),
        }
        | parts.context,
    )
