"""The one email builder: renders templates/emails/<name>/{subject.txt,body.txt,body.html} in the
recipient's time zone, with absolute links, and writes the outbox row.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from directory.models import User
from notifications import tokens
from notifications.models import OutgoingEmail

logger = logging.getLogger(__name__)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def message_id_for(dedupe_key: str) -> str:
    """Deterministic per outbox row: a retried or re-sent row keeps its Message-ID, so a receiving
    system (and our tests) can tell one message delivered twice from two messages."""
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:32]
    domain = urlsplit(settings.SITE_URL).hostname or "jointplan.localhost"
    return f"<{digest}@{domain}>"


def render(name: str, *, user: User, context: dict[str, Any]) -> tuple[str, str, str]:
    """Subject, plain text and HTML of an email, rendered in the recipient's own time zone."""
    with timezone.override(ZoneInfo(user.tz)):
        full = {"user": user, "site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"emails/{name}/subject.txt", full).split())
        text = render_to_string(f"emails/{name}/body.txt", full)
        html = render_to_string(f"emails/{name}/body.html", full)
    return subject, text, html


def queue(
    kind: str,
    *,
    user: User,
    dedupe_key: str,
    template: str,
    context: dict[str, Any],
    unsubscribe_topic: str | None = None,
) -> OutgoingEmail | None:
    """Write one email to the outbox, in the caller's transaction. None if that key was queued before.

    A bad address or a template error does not raise: the row is stored as failed with the
    reason, so one broken email never stops a batch and staff can see it in the delivery log.
    """
    if OutgoingEmail.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    row = OutgoingEmail(kind=kind, recipient=user, to_address=user.email, dedupe_key=dedupe_key)
    row.message_id = message_id_for(dedupe_key)
    headers: dict[str, str] = {}
    if unsubscribe_topic:
        link = absolute(reverse("notifications:unsubscribe", args=[tokens.make(user, unsubscribe_topic)]))
        headers = {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
        context = {**context, "unsubscribe_url": link}
    context = {**context, "preferences_url": absolute(reverse("notifications:preferences"))}
    row.headers = headers
    try:
        validate_email(user.email)
    except ValidationError:
        row.status, row.last_error = OutgoingEmail.Status.FAILED, f"No valid email address for {user}."
        row.subject, row.body_text = f"({kind} not sent)", ""
    else:
        try:
            row.subject, row.body_text, row.body_html = render(template, user=user, context=context)
        except (TemplateSyntaxError, TemplateDoesNotExist, LookupError, ValueError, TypeError, AttributeError) as error:
            logger.exception("email %s for user %s failed to render", template, user.pk)
            row.status, row.last_error = OutgoingEmail.Status.FAILED, f"Template error: {error}"
            row.subject, row.body_text = f"({kind} not rendered)", ""
    try:
        with transaction.atomic():  # a concurrent run may have queued the same key a moment ago
            row.save()
    except IntegrityError:
        return None
    return row
