"""What the peer benchmark adds to the action plan's pages (actionplan/hooks.py): on a plan's
dashboard, for its own members and for staff, the plan beside the anonymized distribution of its
peers (reports/benchmarks.py), or why that is hidden. Registered by ReportsConfig.ready()."""

from __future__ import annotations

from django.utils import timezone

from actionplan import hooks
from directory import permissions
from reports import benchmarks

TEMPLATE = "reports/benchmark.html"


def add_benchmark_to_dashboard(parts: hooks.PlanDashboard) -> None:
    """The plan beside its peers: one query when this hour's peer group is cached, two when not;
    none for anyone who is not shown it."""
    user = parts.request.user
    if not permissions.can_view_peer_benchmark(user, parts.plan):
        return
    comparison = benchmarks.plan_beside_peers(
        parts.plan,
        parts.dimensions,
        now=timezone.now(),
        today=timezone.localdate(),
        changed=parts.latest_activity_id,
    )
    parts.context["benchmark"] = comparison
    parts.context["benchmark_k"] = benchmarks.K
    parts.context["benchmark_band"] = benchmarks.BAND
    parts.context["benchmark_is_member"] = permissions.is_plan_member(user, parts.plan)
    parts.context["benchmark_named"] = permissions.can_view_named_benchmarks(user)
    parts.sections.append(TEMPLATE)


def register() -> None:
    """Answer the action plan's dashboard hook; called by ReportsConfig.ready()."""
    hooks.plan_dashboard.register(add_benchmark_to_dashboard)
