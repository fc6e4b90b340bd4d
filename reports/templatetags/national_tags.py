"""The health of the update loop on the admin's home page (templates/admin/index.html), so staff who
live in the admin see the same picture as the national dashboard."""

from __future__ import annotations

from typing import Any

from django import template

from directory import permissions
from reports.views.national import loop_health_counts

register = template.Library()


@register.inclusion_tag("reports/national/_admin_health.html", takes_context=True)
def loop_health(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    if request is None or not permissions.can_view_national_dashboard(request.user):
        return {"counts": None}
    return {"counts": loop_health_counts()}
