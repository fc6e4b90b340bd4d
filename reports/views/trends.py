"""The trends pages: the country's (association staff) and one state's (its members, staff, and
whoever else may read its plans), week by week from the weekly snapshots. Each chart comes with
its table and a one-sentence summary (reports.trends, reports.charts)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from actionplan.models import Plan, standing_plans
from config.web import AuthenticatedHttpRequest
from directory import permissions
from directory.models import Jurisdiction
from library.models import Dimension
from reports import snapshots, trends
from reports.models import Snapshot


def _window_context(request: AuthenticatedHttpRequest) -> tuple[str, dict[str, object]]:
    window, note = trends.parse_window(request.GET.get("weeks"))
    choices = [(key, label, key == window) for key, label in trends.WINDOW_LABELS.items()]
    return window, {"window": window, "window_note": note, "window_choices": choices}


@require_safe
@login_required
def national(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every state's plan added up, week by week; the spread across states in the latest week; and
    each state's latest figures beside its first in the window, linking to its own trends."""
    if not permissions.can_view_national_trends(request.user):
        raise Http404("No such page")
    now = timezone.now()
    window, context = _window_context(request)
    weeks = trends.read_weeks(Plan.objects.all(), first=trends.since(now, window))
    dimensions = list(Dimension.objects.order_by("position"))
    if weeks:
        latest = weeks[-1]
        context |= {
            "latest": latest,
            "progress": trends.progress_chart(weeks, subject="The national"),
            "freshness": trends.freshness_chart(weeks, subject="The national"),
            "dimensions": trends.dimensions_chart(weeks, dimensions, subject="The national"),
            "spread": trends.spread_chart(latest, dimensions),
            "states": trends.state_rows(weeks),
        }
    else:
        context["recorded_earlier"] = Snapshot.objects.exists()
    context |= {"weeks": weeks, "next_at": snapshots.next_week_at(now)}
    return render(request, "reports/trends/national.html", context)


@require_safe
@login_required
def state(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """One state's standing plan, week by week: the plans of the state the viewer may read. A
    state none of whose plans they may read is a 404 (unless it is theirs, or they are staff: then
    the page says what comes next)."""
    user = request.user
    jurisdiction = get_object_or_404(Jurisdiction, code=code.upper())
    readable = Plan.objects.visible_to(user).filter(jurisdiction=jurisdiction)
    plans = list(readable.select_related("jurisdiction").order_by("starts_on"))
    if not plans and not permissions.can_view_state_trends(user, jurisdiction):
        raise Http404("No such page")
    now = timezone.now()
    window, context = _window_context(request)
    weeks = trends.read_weeks(readable, first=trends.since(now, window))
    dimensions = list(Dimension.objects.order_by("position"))
    subject = f"{jurisdiction.name}’s"
    if weeks:
        context |= {
            "latest": weeks[-1],
            "progress": trends.progress_chart(weeks, subject=subject, jurisdiction_id=jurisdiction.pk),
            "freshness": trends.freshness_chart(weeks, subject=subject, jurisdiction_id=jurisdiction.pk),
            "dimensions": trends.dimensions_chart(weeks, dimensions, subject=subject, jurisdiction_id=jurisdiction.pk),
            "charted_plans": sorted(
                {week.plans[jurisdiction.pk] for week in weeks if jurisdiction.pk in week.plans},
                key=lambda plan: plan.starts_on,
            ),
        }
    else:
        context["recorded_earlier"] = Snapshot.objects.filter(plan__in=readable).exists()
    standing = standing_plans(plans, timezone.localdate()).get(jurisdiction.pk)
    context |= {
        "jurisdiction": jurisdiction,
        "plan": standing,
        "begins_later": standing is not None and standing.starts_on > now.date(),
        "weeks": weeks,
        "next_at": snapshots.next_week_at(now),
        "can_adopt": permissions.can_adopt(user, jurisdiction),
    }
    return render(request, "reports/trends/state.html", context)
