"""Staff's named peer comparison: every state's standing plan in one dimension, by name, beside
the distribution the states see (association staff only: anyone else gets a 404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from config.web import AuthenticatedHttpRequest
from directory import permissions
from directory.models import Jurisdiction
from library.models import Dimension
from reports import benchmarks


@require_safe
@login_required
def named(request: AuthenticatedHttpRequest, dimension: str) -> HttpResponse:
    """One dimension: each jurisdiction's figures by name, which of them the peers' distribution
    counts, and that distribution as states see it and exactly."""
    if not permissions.can_view_named_benchmarks(request.user):
        raise Http404("No such page")
    dimensions = list(Dimension.objects.all())
    current = next((d for d in dimensions if d.slug == dimension), None)
    if current is None:
        raise Http404("No such dimension")
    comparison = benchmarks.named_comparison(
        current,
        dimensions,
        jurisdictions=Jurisdiction.objects.count(),
        now=timezone.now(),
        today=timezone.localdate(),
    )
    return render(
        request,
        "reports/benchmark_named.html",
        {
            "comparison": comparison,
            "dimensions": dimensions,
            "measures": benchmarks.MEASURES,
            "k": benchmarks.K,
            "band": benchmarks.BAND,
        },
    )
