"""Adoption pages: a state's record of where it stands on each recommendation, the form to record
it, staff verification of evidence, the evidence download, and the national matrix.

Who sees what (rules in directory/permissions.py): a state's record, evidence included, is read by
its own members and by association staff; anyone else gets a 404. Members who act for a side
record it; viewers and staff read the form's page but get a 403 if they post. Staff verify.
The national matrix names every jurisdiction, so it is for staff only: members get a 404 there
too (their "Adoption" link in the header goes to their own state's record instead, and a
redirect could not be told apart from the page by the access matrix's rules).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from actionplan import adoption as services
from actionplan.forms import AdoptionForm
from actionplan.models import Adoption, Item
from config.web import AuthenticatedHttpRequest, add_service_error, local_next
from directory import permissions
from directory.models import Jurisdiction
from library.models import Publication, Recommendation

CANNOT_EDIT = "You can read {place}'s adoption record, but only its CIO, CPO and their delegates change it."


def _jurisdiction_for(request: HttpRequest, code: str) -> Jurisdiction:
    """The jurisdiction by USPS code, whatever its case; 404 when it does not exist or is not the
    viewer's to read (so a stranger cannot tell which states keep a record)."""
    jurisdiction = Jurisdiction.objects.filter(code=code.upper()).first() if len(code) == 2 else None
    if jurisdiction is None or not permissions.can_view_adoption(request.user, jurisdiction):
        raise Http404("No such adoption record")
    return jurisdiction


def _record_url(jurisdiction: Jurisdiction, recommendation_id: int | None = None) -> str:
    url = reverse("actionplan:adoption", args=[jurisdiction.code])
    return f"{url}#rec-{recommendation_id}" if recommendation_id else url


def _named(recommendation: Recommendation) -> str:
    """The recommendation as a message names it: its words quoted, then where it is from."""
    return f"“{recommendation.short_text}” ({recommendation.citation})"


# --- A state's record ---------------------------------------------------------------------------


@login_required
@require_safe
def state(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """A state's adoption at a glance: every recommendation, by publication and area, with its
    status, evidence, linked items and verification, and the counts by status on top."""
    jurisdiction = _jurisdiction_for(request, code)
    groups, counts, verified = services.state_record(jurisdiction)
    return render(
        request,
        "actionplan/adoption/state.html",
        {
            "jurisdiction": jurisdiction,
            "groups": groups,
            "counts": counts,
            "verified": verified,
            "total": sum(c.count for c in counts),
            "can_edit": permissions.can_edit_adoption(request.user, jurisdiction),
            "can_view_matrix": permissions.can_view_adoption_matrix(request.user),
        },
    )


def _pickable_items(jurisdiction: Jurisdiction, adoption: Adoption | None) -> list[Item]:
    """The state's current items, plus any archived item already linked (so saving keeps it)."""
    wanted = Q(archived_at__isnull=True)
    if adoption is not None:
        wanted |= Q(adoptions=adoption)
    return list(
        Item.objects.filter(wanted, plan__jurisdiction=jurisdiction)
        .select_related("plan")
        .distinct()
        .order_by("-plan__starts_on", "dimension__position", "title", "pk")
    )


@login_required
def edit(request: AuthenticatedHttpRequest, code: str, recommendation_id: int) -> HttpResponse:
    """One recommendation in a state's record: its evidence and history, and for the state's
    members who act for a side, the form to record where the state stands."""
    jurisdiction = _jurisdiction_for(request, code)
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("publication", "area"), pk=recommendation_id
    )
    adoption = (
        Adoption.objects.filter(jurisdiction=jurisdiction, recommendation=recommendation)
        .select_related("updated_by", "verified_by")
        .first()
    )
    can_edit = permissions.can_edit_adoption(request.user, jurisdiction)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied(CANNOT_EDIT.format(place=jurisdiction.name))
    form = None
    stale: services.StaleAdoption | None = None
    back = local_next(request)
    if can_edit:
        is_post = request.method == "POST"
        form = AdoptionForm(
            request.POST if is_post else None,
            request.FILES if is_post else None,
            items=_pickable_items(jurisdiction, adoption),
            adoption=adoption,
            seen_change=services.seen_change_for(adoption) if not is_post else 0,
        )
        if is_post and form.is_valid():
            before = adoption.updated_at if adoption else None
            try:
                saved = services.record_adoption(
                    jurisdiction, recommendation, by=request.user, **form.adoption_fields()
                )
            except services.StaleAdoption as error:
                # Show what changed, keep what was typed; saving again knowingly replaces it.
                stale, adoption = error, error.adoption
                data = request.POST.copy()
                data["seen_change"] = str(error.seen_change)
                form = AdoptionForm(
                    data, request.FILES, items=_pickable_items(jurisdiction, adoption), adoption=adoption
                )
            except ValidationError as error:
                add_service_error(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                if before is not None and saved.updated_at == before:
                    messages.info(
                        request, f"Nothing changed in {jurisdiction.name}'s status on {_named(recommendation)}."
                    )
                else:
                    messages.success(
                        request,
                        f"{jurisdiction.name}'s status on {_named(recommendation)} was saved: "
                        f"{saved.get_status_display()}.",
                    )
                return redirect(back or _record_url(jurisdiction, recommendation.pk))
    return render(
        request,
        "actionplan/adoption/edit.html",
        {
            "jurisdiction": jurisdiction,
            "recommendation": recommendation,
            "adoption": adoption,
            "linked_items": list(adoption.items.select_related("plan").order_by("title")) if adoption else [],
            "history": list(adoption.changes.select_related("actor")) if adoption else [],
            "form": form,
            "stale": stale,
            "cannot_edit": "" if can_edit else CANNOT_EDIT.format(place=jurisdiction.name),
            "next": back,
            "leave_url": back or _record_url(jurisdiction),
            "can_verify": permissions.can_verify_adoption(request.user),
        },
    )


class VerifyForm(forms.Form):
    """Which way a staff member's button goes: verify the evidence, or take a verification back."""

    verified = forms.ChoiceField(choices=[("yes", "Verify"), ("no", "Withdraw")], widget=forms.HiddenInput())


@login_required
@require_POST
def verify(request: AuthenticatedHttpRequest, code: str, recommendation_id: int) -> HttpResponse:
    """Staff mark a record's evidence verified (or take that back); the state's members see it."""
    jurisdiction = _jurisdiction_for(request, code)
    adoption = get_object_or_404(
        Adoption.objects.select_related("recommendation__publication"),
        jurisdiction=jurisdiction,
        recommendation_id=recommendation_id,
    )
    if not permissions.can_verify_adoption(request.user):
        raise PermissionDenied("Only NASPO and NASCIO staff verify adoption evidence.")
    form = VerifyForm(request.POST)
    name = _named(adoption.recommendation)
    try:
        if form.is_valid() and form.cleaned_data["verified"] == "no":
            services.unverify_adoption(adoption, by=request.user)
            messages.success(request, f"The verification of {jurisdiction.name}'s evidence for {name} was withdrawn.")
        else:
            services.verify_adoption(adoption, by=request.user)
            messages.success(request, f"{jurisdiction.name}'s evidence for {name} is marked verified.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("actionplan:adoption_edit", args=[jurisdiction.code, recommendation_id]) + "#evidence")


@login_required
@require_safe
def evidence_download(request: AuthenticatedHttpRequest, adoption_id: int) -> FileResponse:
    """A record's evidence document, always as a download (never shown as a page), to whoever may
    read that state's record."""
    adoption = get_object_or_404(Adoption.objects.select_related("jurisdiction"), pk=adoption_id)
    if not permissions.can_view_adoption(request.user, adoption.jurisdiction) or not adoption.evidence_file:
        raise Http404("No such file")
    try:
        handle = adoption.evidence_file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=adoption.evidence_name or "evidence",
        content_type=services.evidence_content_type(adoption),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The national matrix ------------------------------------------------------------------------


class MatrixFilterForm(forms.Form):
    publication = forms.ChoiceField(required=False, label="Publication")

    def __init__(self, *args: Any, publications: list[Publication], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["publication"])
        field.choices = [("", "All publications")] + [(p.slug, p.title) for p in publications]
        self.fields["publication"].error_messages["invalid_choice"] = "Choose one of the publications listed."


@login_required
@require_safe
def matrix(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Recommendations × the 56 jurisdictions, what nobody has adopted yet, and each jurisdiction's
    counts; optionally one publication's recommendations. For association staff (404 for others).

    Its query count does not grow with the number of states or recommendations (see
    services.national_matrix); htmx asks for the results only when the filter changes."""
    if not permissions.can_view_adoption_matrix(request.user):
        raise Http404("No such page")
    publications = list(Publication.objects.filter(recommendations__isnull=False).distinct())
    form = MatrixFilterForm(request.GET or None, publications=publications)
    chosen = None
    if form.is_bound and form.is_valid() and form.cleaned_data["publication"]:
        chosen = next(p for p in publications if p.slug == form.cleaned_data["publication"])
    data = services.national_matrix(chosen)
    template = "actionplan/adoption/matrix.html"
    if request.headers.get("HX-Request"):
        template += "#results"
    return render(
        request,
        template,
        {
            "form": form,
            "publication": chosen,
            "matrix": data,
            "columns": len(data.jurisdictions) + 2,
            "recommendation_count": sum(len(g.rows) for g in data.groups),
        },
    )
