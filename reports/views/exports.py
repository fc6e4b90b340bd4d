"""CSV and XLSX downloads of the items, updates, adoption and attendance pages (reports/exports.py).

Each download answers exactly as its page does: the same sign-in, the same 404 for a plan, state
or event the viewer may not read (never another state's data), the same 403 where the page is
read-only for them. A query the page would ignore (a name that is no filter, a value a filter does
not know) is a 400 page naming the problem: a download is taken to a meeting, and must hold what
was asked for or nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from actionplan import services as plan_services
from actionplan.views.access import plan_for
from actionplan.views.adoption import MatrixFilterForm
from config.web import AuthenticatedHttpRequest
from directory import permissions
from directory.models import Jurisdiction
from library.models import Dimension, Publication
from reports import exports
from roundtables.models import Roundtable


def _check_format(fmt: str) -> None:
    if fmt not in exports.FORMATS:
        raise Http404("No such download")


def _refused(request: HttpRequest, problems: list[str], page_url: str) -> HttpResponse:
    return render(request, "reports/exports/bad_query.html", {"problems": problems, "page_url": page_url}, status=400)


def _download(
    request: AuthenticatedHttpRequest, fmt: str, page_url: str, build: Callable[[], exports.Export[Any]]
) -> HttpResponseBase:
    """The export `build` makes, for a page with no filters: any name in the query is refused."""
    if problems := exports.unknown_parameters(request.GET):
        return _refused(request, problems, page_url)
    return exports.respond(build(), fmt, user=request.user, source_url=_source(request, page_url))


def _source(request: HttpRequest, page_url: str) -> str:
    """The address of the page the export comes from, with the query it was asked with."""
    query = request.GET.urlencode()
    return request.build_absolute_uri(page_url + (f"?{query}" if query else ""))


@require_safe
@login_required
def items(request: AuthenticatedHttpRequest, plan_id: int, fmt: str, dimension: str | None = None) -> HttpResponseBase:
    """The plan's items (or one dimension's) that the item list shows for the same query, every page."""
    _check_format(fmt)
    plan = plan_for(request, plan_id)
    chosen = None
    if dimension is not None:
        chosen = Dimension.objects.filter(slug=dimension).first()
        if chosen is None:
            raise Http404("No such dimension")
    page_url = (
        reverse("actionplan:dimension", args=[plan.pk, chosen.slug])
        if chosen
        else reverse("actionplan:items", args=[plan.pk])
    )
    try:
        export = exports.plan_items(plan, request.GET, owners=plan_services.plan_members(plan), dimension=chosen)
    except exports.BadQuery as error:
        return _refused(request, error.problems, page_url)
    return exports.respond(export, fmt, user=request.user, source_url=_source(request, page_url))


@require_safe
@login_required
def updates(request: AuthenticatedHttpRequest, plan_id: int, fmt: str) -> HttpResponseBase:
    """Every update on the plan's items, to whoever reads the plan."""
    _check_format(fmt)
    plan = plan_for(request, plan_id)
    return _download(request, fmt, reverse("actionplan:plan", args=[plan.pk]), lambda: exports.plan_updates(plan))


@require_safe
@login_required
def adoption(request: AuthenticatedHttpRequest, code: str, fmt: str) -> HttpResponseBase:
    """A state's adoption record, to its own members and association staff (the page's readers)."""
    _check_format(fmt)
    jurisdiction = Jurisdiction.objects.filter(code=code.upper()).first() if len(code) == 2 else None
    if jurisdiction is None or not permissions.can_view_adoption(request.user, jurisdiction):
        raise Http404("No such adoption record")
    page_url = reverse("actionplan:adoption", args=[jurisdiction.code])
    return _download(request, fmt, page_url, lambda: exports.adoption_records(jurisdiction))


@require_safe
@login_required
def adoption_matrix(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponseBase:
    """Every jurisdiction's adoption records (optionally one publication's), for association staff
    (404 for others, as the national matrix)."""
    _check_format(fmt)
    if not permissions.can_view_adoption_matrix(request.user):
        raise Http404("No such page")
    page_url = reverse("actionplan:adoption_matrix")
    publications = list(Publication.objects.filter(recommendations__isnull=False).distinct())
    form = MatrixFilterForm(request.GET or None, publications=publications)
    problems = exports.unknown_parameters(request.GET, form.fields)
    if form.is_bound and not form.is_valid():
        problems += [
            f"{form.fields[name].label}: {' '.join(str(e) for e in errors)}" for name, errors in form.errors.items()
        ]
    if problems:
        return _refused(request, problems, page_url)
    chosen = None
    if form.is_bound and form.cleaned_data["publication"]:
        chosen = next(p for p in publications if p.slug == form.cleaned_data["publication"])
    export = exports.national_adoption(chosen)
    return exports.respond(export, fmt, user=request.user, source_url=_source(request, page_url))


@require_safe
@login_required
def attendance(request: AuthenticatedHttpRequest, roundtable_id: int, fmt: str) -> HttpResponseBase:
    """An event's attendance sheet, to whoever may open the sheet: association staff (others read
    the event but get the sheet's 403)."""
    _check_format(fmt)
    roundtable = get_object_or_404(Roundtable, pk=roundtable_id)
    if not permissions.can_view_library(request.user):
        raise Http404("No such event")
    if not permissions.can_manage_events(request.user):
        raise PermissionDenied("Only NASPO and NASCIO staff record attendance.")
    page_url = reverse("roundtables:attendance", args=[roundtable.pk])
    return _download(request, fmt, page_url, lambda: exports.event_attendance(roundtable))
