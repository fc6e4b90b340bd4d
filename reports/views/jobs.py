"""Downloads made in the background (reports/jobs.py): a state's takeout for its CIO and CPO, the
national spreadsheet for association staff, the page that follows a job, and its download.

A job's page and file are its requester's alone: anyone else gets 404, as for a plan they may not
read. A download past its expiry answers 410 with a way to ask again. Asking twice while a job
runs leads to the running job, never a second one.
"""

from __future__ import annotations

from functools import partial

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from config.web import AuthenticatedHttpRequest
from directory import permissions
from directory.models import Jurisdiction
from reports import jobs, tasks
from reports.models import ExportJob


def _start(request: AuthenticatedHttpRequest, kind: str, jurisdiction: Jurisdiction | None = None) -> HttpResponse:
    job, created = jobs.start(request.user, kind, jurisdiction=jurisdiction)
    if created:
        transaction.on_commit(partial(tasks.run_export.delay, job.pk))
    return redirect("reports:export_job", token=job.token)


def _recent(request: AuthenticatedHttpRequest, kind: str, jurisdiction: Jurisdiction | None = None) -> list[ExportJob]:
    return list(ExportJob.objects.filter(requested_by=request.user, kind=kind, jurisdiction=jurisdiction)[:5])


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def takeout(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """What a takeout holds, and the button that makes one (POST); the state's CIO and CPO only."""
    jurisdiction = get_object_or_404(Jurisdiction, code=code.upper())
    if not permissions.can_take_out(request.user, jurisdiction):
        raise Http404("No such page")
    if request.method == "POST":
        return _start(request, ExportJob.Kind.TAKEOUT, jurisdiction)
    return render(
        request,
        "reports/jobs/takeout.html",
        {
            "jurisdiction": jurisdiction,
            "parts": jobs.PARTS,
            "jobs": _recent(request, ExportJob.Kind.TAKEOUT, jurisdiction),
            "hours": jobs.EXPORT_HOURS,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def national_items(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The national spreadsheet of every state's items and latest updates; association staff only."""
    if not permissions.can_view_national_dashboard(request.user):
        raise Http404("No such page")
    if request.method == "POST":
        return _start(request, ExportJob.Kind.NATIONAL_ITEMS)
    return render(
        request,
        "reports/jobs/national_items.html",
        {"jobs": _recent(request, ExportJob.Kind.NATIONAL_ITEMS), "hours": jobs.EXPORT_HOURS},
    )


def _own_job(request: AuthenticatedHttpRequest, token: str) -> ExportJob:
    job = ExportJob.objects.filter(token=token, requested_by=request.user).select_related("jurisdiction").first()
    if job is None:
        raise Http404("No such download")
    return job


def _again_url(job: ExportJob) -> str:
    if job.kind == ExportJob.Kind.TAKEOUT and job.jurisdiction is not None:
        return reverse("reports:takeout", args=[job.jurisdiction.code])
    return reverse("reports:national_items_export")


@require_safe
@login_required
def job(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """How far a job has got. While it runs, htmx asks for the status part every second; without
    JavaScript the page refreshes itself every three seconds (a <noscript> refresh)."""
    found = _own_job(request, token)
    if found.state == ExportJob.State.DONE and found.expires_at and found.expires_at <= timezone.now():
        found.state = ExportJob.State.EXPIRED  # shown as expired; remove_expired deletes the file
    template = "reports/jobs/job.html#status" if request.headers.get("HX-Request") else "reports/jobs/job.html"
    return render(request, template, {"job": found, "again_url": _again_url(found)})


@require_safe
@login_required
def download(request: AuthenticatedHttpRequest, token: str) -> HttpResponseBase:
    """The job's file, for its requester, until it expires."""
    found = _own_job(request, token)
    expired = found.state == ExportJob.State.EXPIRED or (
        found.state == ExportJob.State.DONE and found.expires_at is not None and found.expires_at <= timezone.now()
    )
    if expired:
        return render(request, "reports/jobs/expired.html", {"job": found, "again_url": _again_url(found)}, status=410)
    if found.state != ExportJob.State.DONE or not found.file:
        return redirect("reports:export_job", token=found.token)
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        return render(request, "reports/jobs/expired.html", {"job": found, "again_url": _again_url(found)}, status=410)
    return FileResponse(handle, as_attachment=True, filename=found.filename)
