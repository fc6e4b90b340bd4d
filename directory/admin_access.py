"""How association staff get into the Django admin, and what they may do there.

Staff are let in by their staff membership, not by a flag someone must remember to clear: the
admin site asks `permissions.can_use_admin` on every request, and the authentication backend below
gives the "Association staff" group's permissions to whoever holds a staff membership today. The
day a membership ends, its holder's next request finds the admin closed. The group's permissions
are the list in `permissions.STAFF_ADMIN_PERMISSIONS`, written into the group after every migrate
(a change made to the group by hand lasts until the next deploy). Nobody is added to the group:
membership of it follows the staff membership; a superuser may still add someone by hand.

The admin app loads this site through `config.apps.AdminConfig`.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.models import AnonymousUser, Permission
from django.contrib.auth.views import redirect_to_login
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from directory import permissions
from directory.models import User


class StaffAdminSite(admin.AdminSite):
    """The admin site, open to association staff through their staff membership."""

    site_header = "Joint Plan back office"
    site_title = "Joint Plan back office"
    index_title = "Back office"

    def has_permission(self, request: HttpRequest) -> bool:
        return permissions.can_use_admin(request.user)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """The admin has no sign-in of its own: a visitor is sent to the site's sign-in page, whose
        attempts are throttled (ACCOUNT_RATE_LIMITS), and brought back. Someone signed in whom the
        admin does not let in sees Django's page saying so; a password posted there is not tried."""
        if request.method == "GET" and request.user.is_authenticated:
            return super().login(request, extra_context)
        return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index"))


class StaffMembershipBackend(BaseBackend):
    """Gives the "Association staff" group's permissions to everyone who holds a staff membership
    today, for as long as it lasts. Authenticates nobody: signing in is ModelBackend's."""

    def get_group_permissions(self, user_obj: User | AnonymousUser, obj: Model | None = None) -> set[str]:
        if obj is not None or not isinstance(user_obj, User) or not user_obj.is_active:
            return set()
        if not permissions.staff_associations(user_obj):
            return set()
        cached = getattr(user_obj, "_staff_group_perm_cache", None)
        if cached is None:
            rows = Permission.objects.filter(group__name=permissions.STAFF_GROUP).values_list(
                "content_type__app_label", "codename"
            )
            cached = user_obj._staff_group_perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return cached

    def has_module_perms(self, user_obj: User | AnonymousUser, app_label: str) -> bool:
        return any(name.startswith(f"{app_label}.") for name in self.get_all_permissions(user_obj))


def sync_staff_group(*, apps: Apps = global_apps, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """Make the "Association staff" group hold exactly STAFF_ADMIN_PERMISSIONS (a post_migrate
    receiver: each app's permissions exist once its own post_migrate has run, so every run grants
    what exists by then, and the last grants the whole list).

    Reads the models from the migration state `migrate` gives it, as Django's own create_permissions
    does, so that it does nothing while the auth app's tables are not there yet; `flush` gives none,
    and then the installed models are read."""
    try:
        group_model = apps.get_model("auth", "Group")
        permission_model = apps.get_model("auth", "Permission")
    except LookupError:
        return
    wanted = permissions.staff_admin_permission_names()
    group, _ = group_model._default_manager.using(using).get_or_create(name=permissions.STAFF_GROUP)
    rows = permission_model._default_manager.using(using).values_list("pk", "content_type__app_label", "codename")
    group.permissions.set([pk for pk, app_label, codename in rows if f"{app_label}.{codename}" in wanted])
