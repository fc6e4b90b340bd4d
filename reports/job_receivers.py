"""What the downloads made in the background add to a plan's dashboard (actionplan/hooks.py): for
the state's CIO and CPO, the way to take out everything about the state. No query (the viewer's
roles are already loaded). Registered by ReportsConfig.ready()."""

from __future__ import annotations

from actionplan import hooks
from directory import permissions

TEMPLATE = "reports/jobs/_dashboard_takeout.html"


def add_takeout_link(parts: hooks.PlanDashboard) -> None:
    if permissions.can_take_out(parts.request.user, parts.plan.jurisdiction):
        parts.sections.append(TEMPLATE)


def register() -> None:
    """Answer the action plan's dashboard hook; called by ReportsConfig.ready()."""
    hooks.plan_dashboard.register(add_takeout_link)
