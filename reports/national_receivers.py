"""Staff's home page is the national dashboard: the action plan's home asks (actionplan.hooks.home_page)
and this answers with the national view for association staff, nothing for anyone else."""

from __future__ import annotations

from actionplan import hooks
from directory import permissions
from reports.views.national import national_fragment


def national_view_on_home(parts: hooks.HomePage) -> None:
    if permissions.can_view_national_dashboard(parts.request.user):
        parts.context |= national_fragment(parts.request)


def register() -> None:
    hooks.home_page.register(national_view_on_home)
