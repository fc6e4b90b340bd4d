"""The contact import's three pages: upload a file, preview what it would do, apply it. Association
staff only (directory/permissions.py); anyone else gets a 404.

The file's bytes are kept in the cache under the SHA-256 of its contents (and the uploader's id):
the preview and the apply read those same bytes by that digest, so what is applied is the file that
was previewed, and the apply also refuses a plan that changed since (contact_import.apply)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.web import AuthenticatedHttpRequest
from directory import contact_import, permissions
from directory.contact_import import Action, ImportFileError, Plan
from directory.contact_import_forms import ImportForm

KEEP_SECONDS = 2 * 60 * 60  # long enough to read a preview and apply it, short enough not to linger
DIGEST = re.compile(r"[0-9a-f]{64}")
EXPIRED = "That preview is no longer kept (they last two hours). Upload the file again."

ACTION_WORDS = {
    Action.CREATE: "Invite a new person",
    Action.CHANGE: "Invite an existing account to the role",
    Action.END: "End the role",
    Action.UNCHANGED: "Nothing to do",
}


def _staff_only(request: AuthenticatedHttpRequest) -> None:
    if not permissions.can_import_contacts(request.user):
        raise Http404("No such page")


def _key(request: AuthenticatedHttpRequest, digest: str) -> str:
    return f"contact_import:{request.user.pk}:{digest}"


def _stored(request: AuthenticatedHttpRequest, digest: str) -> dict[str, Any] | None:
    if not DIGEST.fullmatch(digest):
        return None
    entry = cache.get(_key(request, digest))
    return entry if isinstance(entry, dict) else None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The file input; a file that can be read is kept and its preview shown, one that cannot is
    refused here with what is wrong with it."""
    _staff_only(request)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            contact_import.read_file(content)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            digest = contact_import.file_digest(content)
            entry = {"name": upload.name, "content": content, "done": None}
            cache.set(_key(request, digest), entry, KEEP_SECONDS)
            return redirect("directory:contact_import_preview", digest=digest)
    status = 400 if form.is_bound else 200
    return render(request, "directory/contact_import.html", _page(form), status=status)


def _page(form: ImportForm) -> dict[str, Any]:
    return {
        "form": form,
        "required": contact_import.REQUIRED_HEADERS,
        "optional": contact_import.OPTIONAL_HEADERS,
        "max_rows": contact_import.MAX_ROWS,
    }


def _anchor(number: int, column: str) -> str:
    return f"row-{number}-{column.replace(' ', '-')}"


def _rows(result: Plan) -> list[dict[str, Any]]:
    """Each row as the page shows it, its errors in the cells they are about: plain values, no
    queries in the template."""
    shown = []
    for row in result.rows:
        jurisdiction = result.jurisdictions.get(row.code)
        values = {
            "name": row.name or row.raw.get("name", ""),
            "email": row.email or row.raw.get("email", ""),
            "jurisdiction": f"{jurisdiction.name} ({jurisdiction.code})"
            if jurisdiction
            else row.raw.get("jurisdiction", ""),
            "role": row.role_label,
            "start date": row.starts_on.isoformat() if row.starts_on else row.raw.get("start date", ""),
            "end date": row.ends_on.isoformat() if row.ends_on else row.raw.get("end date", ""),
        }
        cells = [
            {"value": value, "error": row.errors.get(column, ""), "anchor": _anchor(row.number, column)}
            for column, value in values.items()
        ]
        shown.append(
            {
                "number": row.number,
                "cells": cells,
                "action": row.action,
                "action_words": ACTION_WORDS.get(row.action, "Cannot be imported"),
                "note": row.note,
            }
        )
    return shown


def _counts(result: Plan) -> list[tuple[str, int]]:
    return [(ACTION_WORDS[action], result.count(action)) for action in ACTION_WORDS]


@login_required
@require_safe
def preview(request: AuthenticatedHttpRequest, digest: str) -> HttpResponse:
    """What the kept file would do now, row by row, with every row's errors; or, once applied,
    what was done."""
    _staff_only(request)
    entry = _stored(request, digest)
    if entry is None:
        messages.error(request, EXPIRED)
        return redirect("directory:contact_import")
    context: dict[str, Any] = {"name": entry["name"], "digest": digest, "max_rows": contact_import.MAX_ROWS}
    if entry["done"] is not None:
        return render(request, "directory/contact_import_preview.html", context | entry["done"] | {"applied": True})
    try:
        result = contact_import.plan(contact_import.read_file(entry["content"]))
    except ImportFileError as error:  # read when uploaded; only a changed limit could bring this
        messages.error(request, str(error))
        return redirect("directory:contact_import")
    errors = [{"anchor": _anchor(row.number, column), "message": message} for row, column, message in result.errors]
    context |= {
        "rows": _rows(result),
        "counts": _counts(result),
        "errors": errors,
        "plan": result.digest(),
        "has_work": any(row.action not in ("", Action.UNCHANGED) for row in result.rows),
    }
    return render(request, "directory/contact_import_preview.html", context)


@login_required
@require_POST
def apply(request: AuthenticatedHttpRequest, digest: str) -> HttpResponse:
    """Write what the preview showed, all or nothing, then show what was done."""
    _staff_only(request)
    entry = _stored(request, digest)
    if entry is None:
        messages.error(request, EXPIRED)
        return redirect("directory:contact_import")
    try:
        result = contact_import.apply(
            entry["content"], by=request.user, expected=request.POST.get("plan", ""), request=request
        )
    except ImportFileError as error:
        messages.error(request, str(error))
        return redirect("directory:contact_import_preview", digest=digest)
    except IntegrityError:  # another import or invitation wrote the same row a moment ago
        messages.error(
            request,
            "Someone changed these people while the file was applied: nothing was imported. "
            "Look at the new preview and apply it again.",
        )
        return redirect("directory:contact_import_preview", digest=digest)
    entry["done"] = {"rows": _rows(result), "counts": _counts(result), "applied_at": timezone.now()}
    cache.set(_key(request, digest), entry, KEEP_SECONDS)
    messages.success(request, "The file is imported: the invitations are on their way.")
    return redirect("directory:contact_import_preview", digest=digest)
