"""What the state report adds to a plan's dashboard (actionplan/hooks.py): links to the plan's
report and to its CIO–CPO meeting one-pager, for whoever reads the dashboard signed in (who reads
a plan reads its report). No query. Registered by ReportsConfig.ready()."""

from __future__ import annotations

from actionplan import hooks

TEMPLATE = "reports/report/_dashboard_links.html"


def add_report_links(parts: hooks.PlanDashboard) -> None:
    if parts.request.user.is_authenticated:
        parts.sections.append(TEMPLATE)


def register() -> None:
    """Answer the action plan's dashboard hook; called by ReportsConfig.ready()."""
    hooks.plan_dashboard.register(add_report_links)
