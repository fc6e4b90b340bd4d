"""What every app's admin shares: read-only views of rows that change only through the app's own
pages and services (history, logs, records whose changes are checked and recorded there)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class ReadOnly:
    """Visible to staff; changed only through the app's pages and services. A mixin, so that
    inlines can be read-only too."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    """A model's admin pages, read-only for everyone, superusers included."""
