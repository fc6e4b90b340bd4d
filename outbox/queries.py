"""What the outbox can tell the rest of the product about delivery."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from outbox.models import OutgoingEmail


def last_delivery_status(user: OuterRef) -> Subquery:
    """For annotating rows that name a person (`user` points at their id): the status of the last
    email to them that reached an end, sent or failed (None: none yet). "failed" means mail to
    them is not getting through: a hard bounce, a refused address, or retries given up."""
    ended = OutgoingEmail.objects.filter(
        recipient=user, status__in=[OutgoingEmail.Status.SENT, OutgoingEmail.Status.FAILED]
    ).order_by("-created_at", "-id")
    return Subquery(ended.values("status")[:1])
