"""The Django admin for association staff: frameworks, plans and their history.

Published frameworks are read-only (states have adopted them); the activity log and updates are
read-only for everyone, superusers included (the database refuses changes to them as well).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from actionplan import services
from actionplan.models import Activity, Dimension, Framework, FrameworkItem, Item, Plan, Update


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ["position", "name", "slug"]
    ordering = ["position"]


class FrameworkItemInline(admin.TabularInline):
    model = FrameworkItem
    extra = 0
    fields = ["code", "dimension", "side", "title", "description", "is_proposed_starter", "position"]

    def _editable(self, obj: Framework | None) -> bool:
        return obj is None or obj.is_editable

    def has_add_permission(self, request: HttpRequest, obj: Framework | None = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Framework | None = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Framework | None = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["title", "edition", "state", "published_at"]
    readonly_fields = ["state", "published_at"]
    inlines = [FrameworkItemInline]
    actions = ["publish"]

    def has_change_permission(self, request: HttpRequest, obj: Framework | None = None) -> bool:
        return (obj is None or obj.is_editable) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Framework | None = None) -> bool:
        return (obj is None or obj.is_editable) and super().has_delete_permission(request, obj)

    @admin.action(description="Publish the selected draft editions")
    def publish(self, request: HttpRequest, queryset: QuerySet[Framework]) -> None:
        for framework in queryset:
            try:
                services.publish_framework(framework, by=request.user)
            except Exception as error:  # noqa: BLE001 - shown to the admin user, one per edition
                self.message_user(request, f"{framework}: {error}", messages.ERROR)
            else:
                self.message_user(request, f"{framework} is published.", messages.SUCCESS)


class ReadOnlyAdmin(admin.ModelAdmin):
    """History: visible to staff, changeable by nobody."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["jurisdiction", "period", "starts_on", "ends_on", "sharing"]
    list_filter = ["period", "sharing"]
    search_fields = ["jurisdiction__name", "jurisdiction__code"]
    list_select_related = ["jurisdiction"]
    readonly_fields = ["sharing", "sharing_requested", "sharing_requested_by", "sharing_requested_side", "framework"]

    def has_delete_permission(self, request: HttpRequest, obj: Plan | None = None) -> bool:
        return False


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    """Items change through the app, where every change is logged; the admin shows them."""

    list_display = ["title", "plan", "dimension", "side", "status", "progress", "due_on"]
    list_filter = ["status", "side", "dimension", "plan__jurisdiction"]
    search_fields = ["title"]
    list_select_related = ["plan__jurisdiction", "dimension"]


@admin.register(Update)
class UpdateAdmin(ReadOnlyAdmin):
    list_display = ["item", "side", "status", "progress", "author", "created_at"]
    list_filter = ["side", "status"]
    list_select_related = ["item", "author"]


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "plan", "actor", "verb", "item", "field", "old_value", "new_value"]
    list_filter = ["verb"]
    list_select_related = ["plan__jurisdiction", "actor", "item"]
