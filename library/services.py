"""The write paths of the library that are more than an admin form: publishing a framework edition.

Plain, typed functions, as in every app; the reference data has its own loader (library/reference.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from library.models import Framework

if TYPE_CHECKING:
    from directory.models import User


@transaction.atomic
def publish_framework(framework: Framework, *, by: User) -> Framework:
    """Publish a draft edition; the edition it supersedes (if any) becomes read-only history."""
    if framework.state != Framework.State.DRAFT:
        raise ValidationError("Only a draft edition can be published.")
    if not framework.items.exists():
        raise ValidationError("An edition needs at least one item before it is published.")
    if framework.supersedes_id:
        Framework.objects.filter(pk=framework.supersedes_id).update(state=Framework.State.SUPERSEDED)
    framework.state = Framework.State.PUBLISHED
    framework.published_at = timezone.now()
    framework.save(update_fields=["state", "published_at"])
    return framework


def current_framework() -> Framework | None:
    """The published edition states adopt today."""
    return Framework.objects.filter(state=Framework.State.PUBLISHED).order_by("-published_at").first()
