"""The national quarterly report (association staff and superusers; anyone else signed in gets a
404, as on the national dashboard), as a printable page and as a tagged PDF (reports.pdf). The
quarter comes from a GET form; one it does not offer is shown back with the error (400)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe

from config.web import AuthenticatedHttpRequest
from directory import permissions
from reports import pdf, quarterly

TEMPLATE = "reports/quarterly/report.html"


def _quarterly(request: AuthenticatedHttpRequest, *, as_pdf: bool) -> HttpResponse:
    if not permissions.can_view_national_dashboard(request.user):
        raise Http404("No such page")
    now = timezone.now()
    today = timezone.localdate(now)
    data = request.GET if "quarter" in request.GET else {"quarter": quarterly.default_quarter(today).value}
    form = quarterly.QuarterForm(data, today=today)
    missing = pdf.unavailable()
    context: dict[str, Any] = {
        "form": form,
        "zone": timezone.get_current_timezone_name(),
        "base": "base.html",
        "pdf_missing": missing,
    }
    if not form.is_valid():
        return render(request, TEMPLATE, context, status=400)
    quarter = form.chosen()
    context |= {
        "report": quarterly.quarterly_report(quarter, now=now, today=today),
        "query": f"quarter={quarter.value}",
    }
    if not as_pdf:
        return render(request, TEMPLATE, context)
    if missing:
        return render(request, "reports/quarterly/pdf_unavailable.html", context, status=503)
    html = render_to_string(TEMPLATE, context | {"base": "reports/report/pdf_base.html", "as_pdf": True}, request)
    response = HttpResponse(pdf.render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="national-quarterly-report-{quarter.value}.pdf"'
    return response


@require_safe
@login_required
def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The national quarterly report: where the states stand, the quarter's trend, adoption of the
    recommendations, roundtable participation and outcomes accepted. Prints as a document."""
    return _quarterly(request, as_pdf=False)


@require_safe
@login_required
def report_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The national quarterly report as a tagged PDF."""
    return _quarterly(request, as_pdf=True)
