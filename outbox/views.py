"""The HTTP door for inbound mail: a mail provider's inbound webhook posts each message here, for a
deployment that receives mail through a provider instead of running the listener.

It stores the message through the same `outbox.inbound.store` as the listener and answers 202 only
once the row is committed; anything else is a short plain answer the provider can act on (401 wrong
secret, 413 too large, 503 try again later), never a page and never a 500.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.http import parse_header_parameters
from django.views.decorators.csrf import csrf_exempt

from config.middleware import not_allowed
from outbox import inbound
from outbox.models import InboundEmail

logger = logging.getLogger(__name__)

# The raw message comes as the whole body in one of these types...
RAW_TYPES = {"message/rfc822", "text/plain", "application/octet-stream", ""}
# ...or as a field of a multipart form: "email" is SendGrid's ("post the raw, full MIME message"),
# "body-mime" Mailgun's (a route that forwards to a URL ending in "mime").
MESSAGE_FIELDS = ("email", "body-mime")
# A form carries a few small fields beside the message (SendGrid's envelope, charsets, spam report).
FORM_ALLOWANCE = 256 * 1024


def _text(status: int, message: str, **headers: str) -> HttpResponse:
    response = HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _has_secret(request: HttpRequest, secret: str) -> bool:
    """The shared secret in X-Inbound-Secret, or as HTTP basic auth's password (a provider that
    only takes a URL gets https://inbound:SECRET@host/inbound/email/), compared in constant time."""
    expected = secret.encode()
    given = request.headers.get("X-Inbound-Secret")
    if given is not None and hmac.compare_digest(given.encode(errors="replace"), expected):
        return True
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        _, _, password = base64.b64decode(credentials.strip(), validate=True).partition(b":")
    except (binascii.Error, ValueError):
        return False
    return hmac.compare_digest(password, expected)


def _form_fields(body: bytes, boundary: str) -> dict[str, bytes]:
    """The fields of a multipart/form-data body, as the bytes that came.

    Not request.POST: Django decodes a form field to text (a message in Latin-1 would come out
    changed) and refuses fields over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), far below a message
    with an attachment."""
    fields: dict[str, bytes] = {}
    # Each part follows CRLF--boundary; the first part has no CRLF before it, hence the one added.
    for part in (b"\r\n" + body).split(b"\r\n--" + boundary.encode("latin-1"))[1:]:
        if part.startswith(b"--"):  # the closing delimiter
            break
        _, _, part = part.partition(b"\r\n")  # the rest of the delimiter's line
        head, _, content = part.partition(b"\r\n\r\n")
        headers = {}
        for line in head.decode("latin-1").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        _, params = parse_header_parameters(headers.get("content-disposition", ""))
        name = params.get("name", "")
        if headers.get("content-transfer-encoding", "").lower() == "base64":
            try:
                content = base64.b64decode(content)
            except (binascii.Error, ValueError):
                continue
        if name and name not in fields:
            fields[name] = content
    return fields


def _envelope(request: HttpRequest, fields: dict[str, bytes], raw: bytes) -> tuple[str, list[str]]:
    """The envelope the provider gives (X-Envelope-From/-To as headers or fields, or SendGrid's
    `envelope` JSON), else what the message's own headers say."""

    def given(name: str) -> str:
        value = fields.get(name)
        return value.decode("utf-8", errors="replace") if value is not None else request.headers.get(name, "")

    sender, recipients = given("X-Envelope-From").strip(), given("X-Envelope-To")
    to = [address.strip() for address in recipients.split(",") if address.strip()]
    if "envelope" in fields and not (sender or to):
        try:
            envelope = json.loads(fields["envelope"])
            sender = str(envelope.get("from") or "")
            to = [str(address) for address in envelope.get("to") or [] if address]
        except (ValueError, AttributeError, TypeError):
            pass
    if sender and to:
        return sender, to
    from_headers, to_headers = inbound.header_envelope(raw)
    return sender or from_headers, to or to_headers


@csrf_exempt
def inbound_email(request: HttpRequest) -> HttpResponse:
    """POST /inbound/email/: one raw message from a mail provider; 202 with its id once stored."""
    secret = settings.INBOUND_WEBHOOK_SECRET
    if not secret:
        raise Http404("no inbound webhook here")  # the door exists only where a secret is set
    if request.method != "POST":
        return not_allowed(["POST"])
    if not _has_secret(request, secret):
        return _text(401, "The shared secret is missing or wrong.", WWW_Authenticate='Basic realm="inbound mail"')
    limit = settings.INBOUND_MAX_BYTES
    is_form = request.content_type == "multipart/form-data"
    if is_form:
        limit += FORM_ALLOWANCE
    elif request.content_type not in RAW_TYPES:
        return _text(415, "Send the raw message (message/rfc822) or a multipart form with it in a field named email.")
    too_large = f"The message is over the limit of {settings.INBOUND_MAX_BYTES} bytes."
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _text(400, "Content-Length is not a number.")
    if declared > limit:
        return _text(413, too_large)
    body = request.read(limit + 1)
    if len(body) > limit:
        return _text(413, too_large)

    fields: dict[str, bytes] = {}
    if is_form:
        boundary = (request.content_params or {}).get("boundary", "")
        if not boundary:
            return _text(400, "The multipart form has no boundary.")
        fields = _form_fields(body, boundary)
        raw = next((fields[name] for name in MESSAGE_FIELDS if name in fields), b"")
    else:
        raw = body
    if not raw.strip():
        return _text(400, "There is no message: the body (or the form's email field) is empty.")

    sender, recipients = _envelope(request, fields, raw)
    try:
        stored = inbound.store(raw, source=InboundEmail.Source.WEBHOOK, envelope_from=sender, envelope_to=recipients)
    except inbound.TooLarge:
        return _text(413, too_large)
    except DatabaseError as error:
        logger.warning("could not store a message of %d bytes from the webhook: %s", len(raw), error)
        return _text(503, "The message could not be stored now; try again later.", Retry_After="60")
    if stored.created:
        logger.info("stored inbound #%s (%d bytes, webhook)", stored.row.pk, len(raw))
    else:
        logger.info("inbound #%s received again (%d bytes, webhook): already stored", stored.row.pk, len(raw))
    return JsonResponse({"id": stored.row.pk, "duplicate": not stored.created}, status=202)
