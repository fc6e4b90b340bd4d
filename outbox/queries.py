"""What the outbox can tell the rest of the product about delivery."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Max, Q

from outbox.models import OutgoingEmail


def undeliverable(user_ids: Iterable[int]) -> set[int]:
    """Of these people, those whose latest email that reached an end failed for good (a hard
    bounce, a refused address): mail to them is not getting through. One query."""
    Status = OutgoingEmail.Status
    latest = (
        OutgoingEmail.objects.filter(recipient_id__in=list(user_ids), status__in=[Status.SENT, Status.FAILED])
        .values("recipient_id")
        .annotate(
            failed=Max("created_at", filter=Q(status=Status.FAILED)),
            sent=Max("created_at", filter=Q(status=Status.SENT)),
        )
    )
    return {
        row["recipient_id"]
        for row in latest
        if row["failed"] is not None and (row["sent"] is None or row["failed"] > row["sent"])
    }
