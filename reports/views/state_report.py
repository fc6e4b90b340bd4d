"""A plan's state report and its CIO–CPO meeting one-pager, as pages and as PDF (reports.pdf).

Who reads a plan's pages reads its report (actionplan.views.access.plan_for); anyone else signed
in gets a 404, and a public plan's public gets its 404 too: a report is not a public page. Both
pages take their period from a GET form, so a link or a bookmark keeps it; a period that ends
before it starts is shown back with the error (400), never a report of nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe

from actionplan.models import Plan
from actionplan.views.access import plan_for
from config.web import AuthenticatedHttpRequest
from reports import pdf, state_report
from reports.report_forms import PeriodForm, SinceForm

PAGE_BASE = "base.html"
PDF_BASE = "reports/report/pdf_base.html"


def _bound(query: QueryDict, names: tuple[str, ...], defaults: dict[str, datetime.date]) -> dict[str, Any]:
    """The form's data: what was typed when any of its fields is in the query, else the defaults."""
    if any(name in query for name in names):
        return {name: query.get(name, "") for name in names}
    return {name: value.isoformat() for name, value in defaults.items()}


def _respond(
    request: AuthenticatedHttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    as_pdf: bool,
    filename: str,
    status: int = 200,
) -> HttpResponse:
    """The page, or its PDF; the PDF of a page whose form is invalid is the page with the error."""
    missing = pdf.unavailable()
    context["zone"] = timezone.get_current_timezone_name()
    if as_pdf and status == 200:
        if missing:
            return render(request, "reports/report/pdf_unavailable.html", context | {"missing": missing}, status=503)
        html = render_to_string(template, context | {"base": PDF_BASE, "as_pdf": True}, request=request)
        response = HttpResponse(pdf.render_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    context |= {"base": PAGE_BASE, "pdf_missing": missing, "query": request.GET.urlencode()}
    return render(request, template, context, status=status)


def _state_report(request: AuthenticatedHttpRequest, plan_id: int, *, as_pdf: bool) -> HttpResponse:
    plan = plan_for(request, plan_id)
    today = timezone.localdate()
    first, last = state_report.last_full_quarter(today)
    form = PeriodForm(_bound(request.GET, ("start", "end"), {"start": first, "end": last}))
    context: dict[str, Any] = {"plan": plan, "form": form}
    if not form.is_valid():
        return _respond(request, "reports/report/state.html", context, as_pdf=as_pdf, filename="", status=400)
    first, last = form.cleaned_data["start"], form.cleaned_data["end"]
    context["report"] = state_report.state_report(
        plan, viewer=request.user, first=first, last=last, now=timezone.now(), today=today
    )
    return _respond(
        request, "reports/report/state.html", context, as_pdf=as_pdf, filename=_filename(plan, "report", first, last)
    )


def _meeting(request: AuthenticatedHttpRequest, plan_id: int, *, as_pdf: bool) -> HttpResponse:
    plan = plan_for(request, plan_id)
    today = timezone.localdate()
    default = today - datetime.timedelta(days=state_report.SINCE_DEFAULT_DAYS)
    form = SinceForm(_bound(request.GET, ("since",), {"since": default}), today=today)
    context: dict[str, Any] = {"plan": plan, "form": form}
    if not form.is_valid():
        return _respond(request, "reports/report/meeting.html", context, as_pdf=as_pdf, filename="", status=400)
    since = form.cleaned_data["since"]
    context["brief"] = state_report.meeting_brief(plan, since=since, now=timezone.now(), today=today)
    return _respond(
        request,
        "reports/report/meeting.html",
        context,
        as_pdf=as_pdf,
        filename=_filename(plan, "meeting", since, today),
    )


def _filename(plan: Plan, kind: str, first: datetime.date, last: datetime.date) -> str:
    period = "".join(c for c in plan.period if c.isalnum())
    return f"{plan.jurisdiction.code}-{period}-{kind}-{first.isoformat()}-to-{last.isoformat()}.pdf"


@require_safe
@login_required
def report(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """The state report: cover, progress and trend, items by dimension, the period's changes,
    what needs attention, sign-offs outstanding and the adoption record. Prints as a document."""
    return _state_report(request, plan_id, as_pdf=False)


@require_safe
@login_required
def report_pdf(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """The state report as a tagged PDF."""
    return _state_report(request, plan_id, as_pdf=True)


@require_safe
@login_required
def meeting(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """The CIO–CPO meeting one-pager: since the last meeting, red and amber items, signatures
    waiting, decisions due in the next 30 days. One printed page where the data allows."""
    return _meeting(request, plan_id, as_pdf=False)


@require_safe
@login_required
def meeting_pdf(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """The meeting one-pager as a tagged PDF."""
    return _meeting(request, plan_id, as_pdf=True)
