"""The one email builder: renders templates/emails/<name>/{subject.txt,body.txt,body.html} in the
recipient's time zone, with absolute links, builds the message SMTP will carry, and writes the
outbox row.
"""

from __future__ import annotations

import email.message
import email.policy
import hashlib
import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
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


# RFC 5322 allows header lines of up to 998 characters. With the default 78, Python folds a long
# List-Unsubscribe URL into RFC 2047 encoded words, which mail clients do not decode as a link.
# (It also lets body lines up to 998 characters go as they are instead of quoted-printable.)
LONG_HEADER_POLICY = email.policy.default.clone(max_line_length=998)
# What the stored bytes are: the same, with the CRLF line ends SMTP sends as they are.
SMTP_POLICY = email.policy.SMTP.clone(max_line_length=998)


class OutboxMessage(EmailMultiAlternatives):
    """An outbox row as a Django email, always rendered with 998-character header lines."""

    def message(self, *, policy: email.policy.Policy = LONG_HEADER_POLICY) -> email.message.EmailMessage:
        # Django's SMTP backend asks for email.policy.SMTP (78 characters): keep its line ends,
        # not its folding.
        return super().message(policy=policy.clone(max_line_length=998))


def build_message(row: OutgoingEmail) -> OutboxMessage:
    """The row's email: plain text with an HTML alternative, its attachments (multipart/mixed
    around the two), its headers and its deterministic Message-ID."""
    message = OutboxMessage(
        subject=row.subject,
        body=row.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to_address],
        headers={**row.headers, "Message-ID": row.message_id},
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    for attachment in row.attachments:
        message.attach(_attachment_part(**attachment))
    return message


def _attachment_part(*, filename: str, content: str, mimetype: str) -> email.message.MIMEPart:
    """A text attachment; parameters of its type survive (`text/calendar; method=REQUEST`)."""
    maintype, _, rest = mimetype.partition("/")
    subtype, *params = (part.strip() for part in rest.split(";"))
    if maintype != "text" or not subtype:
        raise ValueError(f"attachments are text files; {filename!r} is {mimetype!r}")
    part = email.message.MIMEPart(policy=LONG_HEADER_POLICY)
    part.set_content(
        content,
        subtype=subtype,
        charset="utf-8",
        disposition="attachment",
        filename=filename,
        params=dict(param.split("=", 1) for param in params if "=" in param),
    )
    return part


def raw_message(row: OutgoingEmail) -> bytes:
    """The row's message as SMTP carries it, without its Date header: delivery stamps the time of
    each send, as it did when the message was built at send time."""
    message = build_message(row).message(policy=SMTP_POLICY)
    del message["Date"]
    return message.as_bytes()


def queue(
    kind: str,
    *,
    user: User,
    dedupe_key: str,
    template: str,
    context: dict[str, Any],
    unsubscribe_topic: str | None = None,
    attachments: Sequence[tuple[str, str, str]] | None = None,
) -> OutgoingEmail | None:
    """Write one email to the outbox, in the caller's transaction. None if that key was queued before.

    `attachments` are `(filename, content, mimetype)` text files, e.g. an event's
    `("event.ics", ics, "text/calendar; method=REQUEST")`. The message is built here, once, and
    stored with the row, so delivery sends bytes and a resend sends the same message.

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
    row.attachments = [
        {"filename": filename, "content": content, "mimetype": mimetype}
        for filename, content, mimetype in attachments or ()
    ]
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
        else:
            try:
                row.raw_message = raw_message(row)
            except (LookupError, ValueError, TypeError) as error:  # e.g. an attachment of a type we do not send
                logger.exception("email %s for user %s could not be built", template, user.pk)
                row.status, row.last_error = OutgoingEmail.Status.FAILED, f"Message error: {error}"
                row.subject, row.body_text, row.body_html = f"({kind} not built)", "", ""
    try:
        with transaction.atomic():  # a concurrent run may have queued the same key a moment ago
            row.save()
    except IntegrityError:
        return None
    return row
