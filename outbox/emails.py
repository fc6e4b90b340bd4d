"""The one email builder: renders templates/emails/<name>/{subject.txt,body.txt,body.html} in the
recipient's time zone, with absolute links, builds the message SMTP will carry, and writes the
outbox row.
"""

from __future__ import annotations

import email.contentmanager
import email.headerregistry
import email.message
import email.policy
import hashlib
import logging
from collections.abc import Sequence
from typing import Any, Protocol
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.shortcuts import resolve_url
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils import timezone

from outbox.models import OutgoingEmail

logger = logging.getLogger(__name__)


class Recipient(Protocol):
    """A person with an account, as the outbox sees them: the user model (settings.AUTH_USER_MODEL)
    read through the three attributes mail needs. A protocol rather than an import, because the
    outbox sits below the app that defines users."""

    @property
    def pk(self) -> Any: ...

    @property
    def email(self) -> str: ...

    @property
    def tz(self) -> str: ...


def absolute(path: str) -> str:
    """A link in an email: the site's own address in front of a path."""
    return f"{settings.SITE_URL}{path}"


def message_id_for(dedupe_key: str) -> str:
    """Deterministic per outbox row: a retried or re-sent row keeps its Message-ID, so a receiving
    system (and our tests) can tell one message delivered twice from two messages."""
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:32]
    domain = urlsplit(settings.SITE_URL).hostname or "jointplan.localhost"
    return f"<{digest}@{domain}>"


def render(
    name: str, *, context: dict[str, Any], user: Recipient | None = None, tz: str | None = None
) -> tuple[str, str, str]:
    """Subject, plain text and HTML of an email, rendered in the recipient's own time zone: `tz` if
    given, else the user's, else settings.DEFAULT_USER_TZ (a bare address has no zone of its own)."""
    zone = tz or (user.tz if user is not None else settings.DEFAULT_USER_TZ)
    with timezone.override(ZoneInfo(zone)):
        full = {"user": user, "recipient_tz": zone, "site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"emails/{name}/subject.txt", full).split())
        text = render_to_string(f"emails/{name}/body.txt", full)
        html = render_to_string(f"emails/{name}/body.html", full)
    return subject, text, html


class OneLineHeader(email.headerregistry.UnstructuredHeader, email.headerregistry.BaseHeader):
    """Written on one line, up to RFC 5322's 998 characters. Python folds a value too long for a
    78-character line into RFC 2047 encoded words, and a List-Unsubscribe URL folded that way is
    no longer a link mail clients can follow."""

    def fold(self, *, policy: email.policy.Policy) -> str:
        return super().fold(policy=policy.clone(max_line_length=998))


HEADERS = email.headerregistry.HeaderRegistry()
HEADERS.map_to_type("list-unsubscribe", OneLineHeader)


class WholeLinesContent(email.contentmanager.ContentManager):
    """Text whose lines all fit RFC 5322's 998 octets goes as it is (7bit, or 8bit beyond ASCII).

    Python would quote-print any line longer than 76 characters: cut it every 76, escape each `=`
    of the HTML's style attributes, and make the message longer and harder for every server on the
    way to read. Longer lines still get quoted-printable, at 76 characters a line.
    """

    def get_content(self, msg: email.message.Message, *args: Any, **kw: Any) -> Any:
        return email.contentmanager.raw_data_manager.get_content(msg, *args, **kw)

    def set_content(self, msg: email.message.Message, obj: Any, *args: Any, **kw: Any) -> None:
        charset = kw.get("charset", "utf-8")
        if isinstance(obj, str) and kw.get("cte") is None:
            if all(len(line.encode(charset)) <= 998 for line in obj.splitlines()):
                kw["cte"] = "7bit" if obj.isascii() else "8bit"
        email.contentmanager.raw_data_manager.set_content(msg, obj, *args, **kw)


WHOLE_LINES = WholeLinesContent()
ATTACHMENT_POLICY = email.policy.default.clone(  # see OutboxMessage
    max_line_length=76, header_factory=HEADERS, content_manager=WHOLE_LINES
)


class OutboxMessage(EmailMultiAlternatives):
    """An outbox row as a Django email, with the line ends of the policy asked for (CRLF for
    SMTP), List-Unsubscribe on one line, bodies as they are when their lines allow it, and
    otherwise lines of at most 76 characters: RFC 2045's limit for quoted-printable (Python's
    default of 78 makes 78-character lines, which spam filters count against a message), and
    within RFC 2047's 75 for a subject's encoded words."""

    # Narrower than Django's `Policy | None`: header_factory and content_manager are EmailPolicy's
    # (every caller passes one: Django's SMTP backend email.policy.SMTP, the others the default).
    def message(  # type: ignore[override]  # takes only an EmailPolicy, see above
        self, *, policy: email.policy.EmailPolicy[email.message.EmailMessage] = email.policy.default
    ) -> email.message.EmailMessage:
        return super().message(
            policy=policy.clone(max_line_length=76, header_factory=HEADERS, content_manager=WHOLE_LINES)
        )


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
    part = email.message.MIMEPart(policy=ATTACHMENT_POLICY)
    part.set_content(
        content,
        subtype=subtype,
        charset="utf-8",
        disposition="attachment",
        filename=filename,
        params={name.strip(): value.strip().strip('"') for name, eq, value in (p.partition("=") for p in params) if eq},
    )
    return part


def raw_message(row: OutgoingEmail) -> bytes:
    """The row's message as SMTP carries it, without its Date header: delivery stamps the time of
    each send, as it did when the message was built at send time."""
    message = build_message(row).message(policy=email.policy.SMTP)
    del message["Date"]
    return message.as_bytes()


def queue(
    kind: str,
    *,
    dedupe_key: str,
    template: str,
    context: dict[str, Any],
    user: Recipient | None = None,
    to_address: str | None = None,
    tz: str | None = None,
    unsubscribe_url: str | None = None,
    attachments: Sequence[tuple[str, str, str]] | None = None,
    reply_to: str | None = None,
    in_reply_to: str | None = None,
) -> OutgoingEmail | None:
    """Write one email to the outbox, in the caller's transaction. None if that key was queued before.

    The recipient is a `user` (their address and time zone) or a bare `to_address` (someone with
    no account yet, rendered in `tz` or settings.DEFAULT_USER_TZ); `to_address` and `tz` also
    override a user's own. `unsubscribe_url` (recurring mail) becomes RFC 8058's List-Unsubscribe
    headers and the footer's link; the feature that offers unsubscribing builds it.

    `attachments` are `(filename, content, mimetype)` text files, e.g. an event's
    `("event.ics", ics, "text/calendar; method=REQUEST")`. The message is built here, once, and
    stored with the row, so delivery sends bytes and a resend sends the same message.

    `reply_to` becomes the Reply-To header: the address a reply with an update goes to (the
    feature that reads replies makes it). `in_reply_to` (a Message-ID) makes the email an automatic
    answer to that message: threaded under it (In-Reply-To, References) and marked
    `Auto-Submitted: auto-replied` (RFC 3834), so the sender's own autoresponder stays silent and
    no two robots answer each other for ever.

    A bad address or a template error does not raise: the row is stored as failed with the
    reason, so one broken email never stops a batch and staff can see it in the delivery log.
    """
    if user is None and to_address is None:
        raise ValueError("an email needs a user or a to_address")  # a programming error, not input
    if OutgoingEmail.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    address = to_address if to_address is not None else user.email if user is not None else ""
    who = str(user) if user is not None else address
    row = OutgoingEmail(kind=kind, to_address=address, dedupe_key=dedupe_key)
    if user is not None:
        row.recipient_id = user.pk
    row.message_id = message_id_for(dedupe_key)
    headers: dict[str, str] = {}
    if unsubscribe_url:
        headers = {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
        context = {**context, "unsubscribe_url": unsubscribe_url}
    if reply_to:
        headers["Reply-To"] = reply_to
    if in_reply_to:
        headers |= {"In-Reply-To": in_reply_to, "References": in_reply_to, "Auto-Submitted": "auto-replied"}
    context = {**context, "preferences_url": absolute(resolve_url(settings.EMAIL_PREFERENCES_URL))}
    row.headers = headers
    row.attachments = [
        {"filename": filename, "content": content, "mimetype": mimetype}
        for filename, content, mimetype in attachments or ()
    ]
    try:
        validate_email(address)
    except ValidationError:
        row.status, row.last_error = OutgoingEmail.Status.FAILED, f"No valid email address for {who}."
        row.subject, row.body_text = f"({kind} not sent)", ""
    else:
        try:
            row.subject, row.body_text, row.body_html = render(template, user=user, tz=tz, context=context)
        except (TemplateSyntaxError, TemplateDoesNotExist, LookupError, ValueError, TypeError, AttributeError) as error:
            logger.exception("email %s for %s failed to render", template, _log_name(user, dedupe_key))
            row.status, row.last_error = OutgoingEmail.Status.FAILED, f"Template error: {error}"
            row.subject, row.body_text = f"({kind} not rendered)", ""
        else:
            try:
                row.raw_message = raw_message(row)
            except (LookupError, ValueError, TypeError) as error:  # e.g. an attachment of a type we do not send
                logger.exception("email %s for %s could not be built", template, _log_name(user, dedupe_key))
                row.status, row.last_error = OutgoingEmail.Status.FAILED, f"Message error: {error}"
                row.subject, row.body_text, row.body_html = f"({kind} not built)", "", ""
    try:
        with transaction.atomic():  # a concurrent run may have queued the same key a moment ago
            row.save()
    except IntegrityError:
        return None
    return row


def _log_name(user: Recipient | None, dedupe_key: str) -> str:
    """Who an email was for, in a log line, without an address (logs need not hold them): the user
    by id, or for a bare address the row's dedupe key."""
    return f"user {user.pk}" if user is not None else f"the email {dedupe_key}"
