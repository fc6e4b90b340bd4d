"""Pages: outcomes. An event's outcomes (staff record and propose them; everyone signed in reads
them), the proposals made to a state (its members decide; staff follow every state's answers), and
one proposal with its accept and decline forms.

Each action loads its row with the permission rules applied (404 when hidden), checks the right to
act (403 for readers who may not), calls one service and redirects with a message (POST → redirect
→ GET); a refused form comes back with the message on its field and what was typed kept.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from actionplan.models import Plan
from actionplan.views.access import require
from config.web import AuthenticatedHttpRequest, add_service_error
from directory import permissions
from roundtables.forms import AcceptForm, DeclineForm, OutcomeForm
from roundtables.models import Outcome, OutcomeProposal, Roundtable
from roundtables.services import outcomes as services

Status = OutcomeProposal.Status


def _roundtable_for(request: HttpRequest, roundtable_id: int) -> Roundtable:
    roundtable = get_object_or_404(Roundtable, pk=roundtable_id)
    if not permissions.can_view_library(request.user):
        raise Http404("No such event")
    return roundtable


def _outcomes_url(roundtable_id: int, outcome_id: int | None = None) -> str:
    anchor = f"#outcome-{outcome_id}" if outcome_id else ""
    return reverse("roundtables:outcomes", args=[roundtable_id]) + anchor


# --- An event's outcomes ------------------------------------------------------------------------


@dataclass
class OutcomeRow:
    """One outcome as the viewer sees it: staff get each status's count, a state member their own
    state's proposal."""

    outcome: Outcome
    counts: dict[str, int] = field(default_factory=dict)
    mine: list[OutcomeProposal] = field(default_factory=list)

    @property
    def proposed_count(self) -> int:
        return sum(self.counts.values())


def outcome_rows(request: HttpRequest, roundtable: Roundtable) -> list[OutcomeRow]:
    """The event's outcomes in three queries, whatever their number or the number of states."""
    user = request.user
    rows = [
        OutcomeRow(outcome=o)
        for o in roundtable.outcomes.select_related("dimension", "recommendation__publication").order_by(
            "position", "id"
        )
    ]
    by_id = {row.outcome.pk: row for row in rows}
    if not rows:
        return rows
    if permissions.is_association_staff(user):
        counts = (
            OutcomeProposal.objects.filter(outcome__in=by_id)
            .values_list("outcome_id", "status")
            .annotate(n=Count("id"))
            .order_by()
        )
        for outcome_id, status, n in counts:
            by_id[outcome_id].counts[status] = n
    own = {m.jurisdiction_id for m in permissions.current_memberships(user)}
    if own:
        mine = OutcomeProposal.objects.filter(outcome__in=by_id, jurisdiction_id__in=own).select_related("jurisdiction")
        for proposal in mine:
            by_id[proposal.outcome_id].mine.append(proposal)
    return rows


@login_required
def outcomes(request: AuthenticatedHttpRequest, roundtable_id: int) -> HttpResponse:
    """An event's outcomes. Staff record new ones here (once the event has started) and propose
    each to the states that attended."""
    roundtable = _roundtable_for(request, roundtable_id)
    user = request.user
    can_manage = permissions.can_manage_events(user)
    has_started = roundtable.starts_at <= timezone.now()
    form = None
    if request.method == "POST":
        require(can_manage, "Only NASPO and NASCIO staff record an event's outcomes.")
        form = OutcomeForm(request.POST, auto_id="outcome_%s")
        if form.is_valid():
            try:
                outcome = services.record_outcome(roundtable, by=user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, f"“{outcome.title}” was recorded. Propose it to the states that attended when it is ready."
                )
                return redirect(_outcomes_url(roundtable.pk, outcome.pk))
    elif can_manage and has_started:
        form = OutcomeForm(auto_id="outcome_%s")
    attending = services.attending_jurisdictions(roundtable) if can_manage else []
    return render(
        request,
        "roundtables/outcomes/outcomes.html",
        {
            "roundtable": roundtable,
            "rows": outcome_rows(request, roundtable),
            "form": form,
            "can_manage": can_manage,
            "has_started": has_started,
            "attending": attending,
            "statuses": Status,
        },
    )


@login_required
@require_POST
def propose(request: AuthenticatedHttpRequest, outcome_id: int) -> HttpResponse:
    """Propose one outcome to every jurisdiction that attended (again: to those not yet asked)."""
    outcome = get_object_or_404(Outcome.objects.select_related("roundtable"), pk=outcome_id)
    if not permissions.can_view_library(request.user):
        raise Http404("No such outcome")
    require(permissions.can_manage_events(request.user), "Only NASPO and NASCIO staff propose outcomes to states.")
    try:
        created = services.propose_outcome(outcome, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        if created:
            names = ", ".join(p.jurisdiction.name for p in created)
            messages.success(
                request,
                f"“{outcome.title}” was proposed to {names}. In a few minutes their CIOs and CPOs get one "
                "email listing it with any other outcome of this event you propose meanwhile.",
            )
        else:
            messages.info(request, f"“{outcome.title}” was already proposed to every jurisdiction that attended.")
    return redirect(_outcomes_url(outcome.roundtable_id, outcome.pk))


# --- Proposals to a state -------------------------------------------------------------------------


@dataclass
class OutcomeSummary:
    """Staff's line per outcome: how many states were asked, and what they said."""

    outcome: Outcome
    proposals: list[OutcomeProposal] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        return Counter(p.status for p in self.proposals)

    @property
    def awaiting(self) -> int:
        return self.counts[Status.PROPOSED]

    @property
    def accepted(self) -> int:
        return self.counts[Status.ACCEPTED]

    @property
    def declined(self) -> int:
        return self.counts[Status.DECLINED]


@require_safe
@login_required
def proposals(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A state member's proposals: those awaiting a decision first, then those decided. Staff see
    every state's, grouped by outcome with how many are awaiting, accepted and declined."""
    user = request.user
    visible = (
        OutcomeProposal.objects.filter(permissions.proposal_visibility_q(user))
        .select_related("outcome__roundtable", "outcome__dimension", "jurisdiction", "decided_by", "item")
        .order_by("-outcome__roundtable__starts_at", "outcome__position", "outcome_id", "jurisdiction__name")
    )
    rows = list(visible)
    is_staff = permissions.is_association_staff(user)
    summaries: dict[int, OutcomeSummary] = {}
    if is_staff:
        for proposal in rows:
            summaries.setdefault(proposal.outcome_id, OutcomeSummary(outcome=proposal.outcome)).proposals.append(
                proposal
            )
    deciding = {j.pk for j in permissions.acting_jurisdictions(user)}
    return render(
        request,
        "roundtables/outcomes/proposals.html",
        {
            "is_staff": is_staff,
            "summaries": list(summaries.values()),
            "awaiting": [p for p in rows if p.status == Status.PROPOSED] if not is_staff else [],
            "decided": [p for p in rows if p.status != Status.PROPOSED] if not is_staff else [],
            "can_decide_any": bool(deciding),
            "is_member": bool(permissions.current_memberships(user)),
        },
    )


def _proposal_for(request: HttpRequest, proposal_id: int) -> OutcomeProposal:
    proposal = get_object_or_404(
        OutcomeProposal.objects.select_related(
            "outcome__roundtable",
            "outcome__dimension",
            "outcome__recommendation__publication",
            "jurisdiction",
            "decided_by",
            "item__plan",
        ),
        pk=proposal_id,
    )
    if not permissions.can_view_proposals(request.user, proposal.jurisdiction):
        raise Http404("No such proposal")
    return proposal


def _accept_form(request: AuthenticatedHttpRequest, proposal: OutcomeProposal, data: Any = None) -> AcceptForm | None:
    """The accept form with its defaults, or None when the state has no plan to accept into."""
    jurisdiction = proposal.jurisdiction
    today = services.local_today(jurisdiction)
    plan = services.current_plan(jurisdiction, today)
    if plan is None:
        return None
    plans = list(Plan.objects.filter(jurisdiction=jurisdiction).order_by("-starts_on"))
    _, due_on = services.default_dates(proposal.outcome.roundtable, plan, today)
    return AcceptForm(
        data,
        user=request.user,
        plans=plans,
        plan=plan,
        default_due_on=due_on,
        default_owners=services.default_owners(jurisdiction, by=request.user),
        auto_id="accept_%s",
    )


@login_required
def proposal(request: AuthenticatedHttpRequest, proposal_id: int) -> HttpResponse:
    """One outcome proposed to one state: what it says, where it came from, and (for the state's
    CIO, CPO and delegates, while undecided) the forms to accept it into the plan or decline it.
    Both forms post here, told apart by their `decision` field."""
    proposal = _proposal_for(request, proposal_id)
    user = request.user
    may_decide = permissions.can_decide_outcome(user, proposal.jurisdiction)
    accept_form: AcceptForm | None = None
    decline_form: DeclineForm | None = None
    if request.method == "POST":
        require(
            may_decide,
            f"Only {proposal.jurisdiction.name}'s CIO, CPO and their delegates decide on this outcome; you can read it.",
        )
        if proposal.status != Status.PROPOSED:
            messages.error(request, services.already_decided(proposal))
            return redirect("roundtables:proposal", proposal_id=proposal.pk)
        if request.POST.get("decision") == "decline":
            decline_form = DeclineForm(request.POST, auto_id="decline_%s")
            response = _decline(request, proposal, decline_form)
        else:
            accept_form = _accept_form(request, proposal, request.POST)
            response = _accept(request, proposal, accept_form)
        if response is not None:
            return response
    undecided = proposal.status == Status.PROPOSED and may_decide
    if undecided and accept_form is None:
        accept_form = _accept_form(request, proposal)
    if undecided and decline_form is None:
        decline_form = DeclineForm(auto_id="decline_%s")
    roundtable = proposal.outcome.roundtable
    return render(
        request,
        "roundtables/outcomes/proposal.html",
        {
            "proposal": proposal,
            "outcome": proposal.outcome,
            "roundtable": roundtable,
            "undecided": undecided,
            "accept_form": accept_form if undecided else None,
            "decline_form": decline_form if undecided else None,
            "can_start_plan": permissions.can_adopt(user, proposal.jurisdiction),
            "follow_ups": services.follow_up_dates(roundtable.ends_at, roundtable.tz),
            "today": timezone.localdate(),
        },
    )


def _decided_meanwhile(request: HttpRequest, proposal: OutcomeProposal) -> HttpResponse | None:
    """When someone else decided first (a second tab, the counterpart at the same moment), say
    who and when on the proposal's page instead of showing forms that can no longer be used."""
    proposal.refresh_from_db(fields=["status", "decided_at", "decided_by"])
    if proposal.status == Status.PROPOSED:
        return None
    messages.error(request, services.already_decided(proposal))
    return redirect("roundtables:proposal", proposal_id=proposal.pk)


def _accept(
    request: AuthenticatedHttpRequest, proposal: OutcomeProposal, form: AcceptForm | None
) -> HttpResponse | None:
    if form is None:
        messages.error(
            request,
            f"{proposal.jurisdiction.name} has no plan yet: start one (Plans, then Start a plan), "
            "then come back to accept this outcome into it.",
        )
        return redirect("roundtables:proposal", proposal_id=proposal.pk)
    if not form.is_valid():
        return None
    try:
        item = services.accept_proposal(proposal, by=request.user, **form.accept_fields())
    except ValidationError as error:
        refused = _decided_meanwhile(request, proposal)
        if refused is None:
            add_service_error(form, error)
        return refused
    except PermissionDenied as error:
        form.add_error(None, str(error))
        return None
    messages.success(
        request,
        f"“{item.title}” is now an item in {item.plan}. Follow-ups fall due 30, 60 and 90 days after the event.",
    )
    return redirect("actionplan:item", item_id=item.pk)


def _decline(request: AuthenticatedHttpRequest, proposal: OutcomeProposal, form: DeclineForm) -> HttpResponse | None:
    if not form.is_valid():
        return None
    try:
        services.decline_proposal(proposal, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        refused = _decided_meanwhile(request, proposal)
        if refused is None:
            add_service_error(form, error)
        return refused
    except PermissionDenied as error:
        form.add_error(None, str(error))
        return None
    messages.success(
        request, f"{proposal.jurisdiction.name} declined “{proposal.outcome.title}”. Staff see your reason."
    )
    return redirect("roundtables:proposal", proposal_id=proposal.pk)
