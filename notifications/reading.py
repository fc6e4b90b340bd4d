"""Reading one stored inbound message (outbox.InboundEmail) to its end: a bounce, an auto-reply to
ignore, a reply whose updates are posted, or a reply refused with a reason, and an answer to the
person for every human reply.

A message is read once: `outbox.inbound.claim` leases its row, and everything the reading writes
(updates, signatures, the answer, the row's outcome) commits in one transaction, each item inside
it in a savepoint of its own so that one refused item leaves the others posted. A worker that dies
midway writes nothing; the row's lease runs out and the next read_waiting_mail reads it again.
"""

from __future__ import annotations

import datetime
import email
import email.errors
import email.message
import email.policy
import email.utils
import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from actionplan import services as plan_services
from actionplan.models import Item, ItemSide, Status, Via
from directory import permissions, sides
from directory.models import User
from notifications import bounces, mail_tokens, replies
from notifications.models import ReplyAddress
from outbox import emails, inbound
from outbox.models import InboundEmail, OutgoingEmail

logger = logging.getLogger(__name__)
Outcome = InboundEmail.Status

# At most this many answers to one person an hour: a loop with a mail system we did not recognize
# as automatic, or a flood, stops here. Updates are still posted; only the answers stop.
ANSWERS_PER_HOUR = 10
MESSAGE_ID = re.compile(r"<[^<>\s]{1,240}>")
AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
AUTO_SUBJECTS = ("out of office", "automatic reply", "auto:", "autoreply", "auto-reply", "auto reply")


class Unreadable(ValueError):
    """The message's bytes do not make an email we can read."""


def parse_message(raw: bytes) -> email.message.EmailMessage:
    """The message, read with the modern policy; Unreadable when it is not an email at all."""
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        # Touch the headers we need now, so a broken one fails here rather than halfway through.
        for name in ("From", "To", "Cc", "Subject", "Auto-Submitted", "Precedence"):
            message.get_all(name)
            str(message.get(name, ""))
    except (ValueError, TypeError, LookupError, IndexError, AttributeError) as error:
        raise Unreadable(f"malformed message ({error.__class__.__name__}: {error})") from None
    if not message.keys():
        raise Unreadable("malformed message (no headers)")
    if message.defects and any(
        isinstance(d, email.errors.MissingHeaderBodySeparatorDefect | email.errors.NoBoundaryInMultipartDefect)
        for d in message.defects
    ):
        raise Unreadable("malformed message (" + ", ".join(d.__class__.__name__ for d in message.defects) + ")")
    return message


def _header(message: email.message.EmailMessage, name: str) -> str:
    try:
        return " ".join(str(message.get(name, "") or "").split())
    except (ValueError, TypeError, LookupError, IndexError, AttributeError):
        return ""


def automatic(message: email.message.EmailMessage, *, envelope_from: str = "") -> str:
    """Why this message was written by a machine (an auto-reply, a list, bulk), or "" if by a person."""
    auto_submitted = _header(message, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return f"auto-reply (Auto-Submitted: {auto_submitted})"
    precedence = _header(message, "Precedence").lower()
    if precedence in AUTO_PRECEDENCE:
        return f"bulk or auto-reply (Precedence: {precedence})"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        if message.get(name) is not None:
            return f"auto-reply ({name})"
    suppress = _header(message, "X-Auto-Response-Suppress").lower()
    if any(word in suppress.replace(",", " ").split() for word in ("all", "oof")):
        return "auto-reply (X-Auto-Response-Suppress)"
    subject = _header(message, "Subject").lower()
    if subject.startswith(AUTO_SUBJECTS):
        return "auto-reply (out of office)"
    if message.get("List-Id") is not None:
        return "mailing list (List-Id)"
    if envelope_from.strip() == "<>":
        return "auto-reply (no return address)"
    ours = {address.casefold() for _, address in email.utils.getaddresses([settings.DEFAULT_FROM_EMAIL])}
    if from_address(message).casefold() in ours:
        # Our own email, sent back by a forwarding rule: answering it would answer ourselves.
        return "our own email came back"
    return ""


def reply_address_of(row: InboundEmail, message: email.message.EmailMessage) -> ReplyAddress | None:
    """Our reply address the message came to: the envelope's recipients first (the header may not
    name them, for a Bcc or a forward), then its To, Cc and Delivered-To headers."""
    candidates = list(row.envelope_to)
    for name in ("Delivered-To", "X-Original-To", "To", "Cc"):
        try:
            values = [str(v) for v in message.get_all(name) or []]
        except (ValueError, TypeError, LookupError, IndexError, AttributeError):
            continue
        candidates += [address for _, address in email.utils.getaddresses(values) if address]
    for address in candidates:
        found = mail_tokens.find_reply_address(address)
        if found is not None:
            return found
    return None


def from_address(message: email.message.EmailMessage) -> str:
    try:
        values = [str(v) for v in message.get_all("From") or []]
    except (ValueError, TypeError, LookupError, IndexError, AttributeError):
        return ""
    found = [address for _, address in email.utils.getaddresses(values) if address]
    return found[0] if len(found) == 1 else ""


def dmarc_failed(message: email.message.EmailMessage) -> bool:
    try:
        results = [str(v) for v in message.get_all("Authentication-Results") or []]
    except (ValueError, TypeError, LookupError, IndexError, AttributeError):
        return False
    return any("dmarc=fail" in " ".join(value.lower().split()) for value in results)


# --- Posting ------------------------------------------------------------------------------------


@dataclass
class Result:
    """What became of one item named in a reply: `posted` the summary ("At risk, 40%"), or `refused`
    the reason."""

    code: str
    item: Item | None
    posted: str = ""
    refused: str = ""
    written: str = ""  # the line as the person wrote it, for a refusal

    @property
    def url(self) -> str:
        return emails.absolute(reverse("actionplan:item", args=[self.item.pk])) if self.item else ""


@dataclass
class Answer:
    """What the answer to a reply says."""

    kind: str  # "result", "spoofed", "expired"
    results: list[Result] = field(default_factory=list)
    problems: list[replies.Problem] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    items: list[dict[str, str]] = field(default_factory=list)  # every item of the email: code, title, url
    sender: str = ""


def acting_side(user: User, item: Item) -> str:
    """The side a reply posts for: the person's only side on the item; acting for both sides of a
    joint item, the side whose owner they are (the update form's first choice otherwise)."""
    acting = permissions.acting_sides(user, item)
    if len(acting) > 1:
        owned = [side for side in acting if item.owner_for(side) == user]
        if owned:
            return owned[0]
    return acting[0] if acting else ""


def _summary(status: str, percent: int | None) -> str:
    label = Status(status).label
    return f"{label}, {percent}%" if percent is not None else label


def post_line(user: User, item: Item, line: replies.Line) -> Result:
    """Post one read line as the person's update (or, "done" on a joint item, their signature),
    in a savepoint of its own: a refusal leaves nothing of it behind."""
    code = line.code or ""
    if not permissions.can_edit_item(user, item):
        reason = (
            "this item is archived"
            if item.archived_at is not None
            else "you can no longer post on this item (your role in the state has ended or changed)"
        )
        return Result(code, item, refused=reason)
    side = acting_side(user, item)
    narrative = line.narrative
    try:
        with transaction.atomic():
            if line.status == Status.DONE and item.side == ItemSide.JOINT:
                note = "" if narrative == replies.DEFAULT_NARRATIVE else narrative[: plan_services.SIGN_OFF_NOTE_MAX]
                plan_services.sign_off(item, by=user, side=side, note=note, via=Via.EMAIL)
                item.refresh_from_db(fields=["status"])
                done = " (both sides have signed: the item is done)" if item.status == Status.DONE else ""
                return Result(code, item, posted=f"Signed off for the {sides.Side(side).label} side{done}")
            if line.percent is not None:
                progress = line.percent
            else:
                progress = 100 if line.status == Status.DONE else item.progress
            plan_services.post_update(
                item,
                author=user,
                side=side,
                status=line.status,
                progress=progress,
                narrative=narrative,
                via=Via.EMAIL,
            )
    except ValidationError as error:
        return Result(code, item, refused=" ".join(error.messages))
    except PermissionDenied as error:
        return Result(code, item, refused=str(error))
    return Result(code, item, posted=_summary(line.status, line.percent))


def keep_attachments(user: User, message: email.message.EmailMessage, results: list[Result]) -> list[str]:
    """Store the reply's attached files as evidence on the item it posted on, if the person may add
    evidence there and the file passes the upload checks; say for each what became of it."""
    notes: list[str] = []
    posted = [r for r in results if r.posted and r.item is not None]
    for part in message.iter_attachments():
        if part.get_content_disposition() != "attachment":
            continue  # an inline picture (a logo in a signature) is not evidence
        name = part.get_filename() or "attachment"
        if len(posted) != 1:
            why = "it was not clear which item it is for" if posted else "nothing was posted with it"
            notes.append(f"{name} was not kept: {why}. Add it on the item's page.")
            continue
        item = posted[0].item
        assert item is not None  # noqa: S101 - narrowed by `posted`
        if not permissions.can_edit_item(user, item):
            notes.append(f"{name} was not kept: you may not add evidence to {item.title}.")
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            notes.append(f"{name} was not kept: it could not be read.")
            continue
        upload = SimpleUploadedFile(name, data, content_type=part.get_content_type())
        try:
            with transaction.atomic():
                plan_services.attach_evidence(item, by=user, upload=upload, via=Via.EMAIL)
        except ValidationError as error:
            notes.append(f"{name} was not kept: {' '.join(error.messages)}")
        except PermissionDenied as error:
            notes.append(f"{name} was not kept: {error}")
        else:
            notes.append(f"{name} was added as evidence to {item.title}.")
    return notes


# --- Answering ----------------------------------------------------------------------------------


def may_answer(user: User, *, now: datetime.datetime) -> bool:
    """Under ANSWERS_PER_HOUR answers to this person in the last hour."""
    recent = OutgoingEmail.objects.filter(
        kind=OutgoingEmail.Kind.REPLY, recipient=user, created_at__gte=now - datetime.timedelta(hours=1)
    ).count()
    return recent < ANSWERS_PER_HOUR


def send_answer(row: InboundEmail, user: User, answer: Answer, *, now: datetime.datetime) -> bool:
    """Queue the answer (once per message); False when the person's hourly allowance is used up."""
    if not may_answer(user, now=now):
        return False
    emails.queue(
        OutgoingEmail.Kind.REPLY,
        user=user,
        dedupe_key=f"reply-answer:{row.pk}",
        template="reply_answer",
        # Threaded under the reply, and marked as an automatic answer (only a well-formed ID is
        # repeated: the header is the sender's text).
        in_reply_to=row.message_id if MESSAGE_ID.fullmatch(row.message_id) else None,
        context={
            "answer": answer,
            "posted": [r for r in answer.results if r.posted],
            "refused": [r for r in answer.results if r.refused],
            "my_updates_url": emails.absolute("/my-updates/"),
            "example_code": answer.items[0]["code"] if answer.items else "I1",
            "several": len(answer.items) > 1,
        },
    )
    return True


def _items_of(address: ReplyAddress) -> list[tuple[str, Item | None]]:
    found = Item.objects.select_related("plan").in_bulk(address.item_ids)
    return [(mail_tokens.code(n), found.get(pk)) for n, pk in enumerate(address.item_ids)]


def _item_list(items: list[tuple[str, Item | None]]) -> list[dict[str, str]]:
    return [
        {"code": code, "title": item.title, "url": emails.absolute(reverse("actionplan:item", args=[item.pk]))}
        for code, item in items
        if item is not None
    ]


# --- The pipeline -------------------------------------------------------------------------------


def read_inbound(pk: int, *, now: datetime.datetime | None = None) -> str | None:
    """Read one stored message to its end; its outcome line, or None when it was read already or
    another worker holds it. Never raises for what is in the message."""
    row = inbound.claim(pk, now=now)
    if row is None:
        return None
    try:
        with transaction.atomic():
            status, outcome = _read(row, now=now or timezone.now())
            inbound.finish(row, status, outcome[:1000])
    except Exception:
        # A fault of ours (the database went away, a bug), not of the message: the lease runs out
        # and read_waiting_mail tries again, up to outbox.inbound.MAX_ATTEMPTS times.
        logger.exception("reading inbound message %s failed (attempt %s)", row.pk, row.attempts)
        if row.attempts >= inbound.MAX_ATTEMPTS:
            inbound.finish(row, Outcome.FAILED, f"failed: gave up after {row.attempts} attempts")
            return f"failed: gave up after {row.attempts} attempts"
        return None
    return outcome


def _read(row: InboundEmail, *, now: datetime.datetime) -> tuple[str, str]:
    try:
        message = parse_message(bytes(row.raw))
    except Unreadable as error:
        return Outcome.FAILED, f"failed: {error}"
    bounced = bounces.handle_inbound(row, message)
    if bounced is not None:
        return Outcome.BOUNCED, bounced
    machine = automatic(message, envelope_from=row.envelope_from)
    if machine:
        return Outcome.IGNORED, f"ignored: {machine}"
    address = reply_address_of(row, message)
    if address is None:
        return Outcome.REJECTED, "rejected: no reply address of ours"
    user = address.user
    if not user.is_active:
        return Outcome.REJECTED, "rejected: the account is closed"
    items = _items_of(address)
    sender = from_address(message)
    if sender.casefold() != user.email.casefold():
        answer = Answer(kind="spoofed", items=_item_list(items), sender=sender or "an unknown address")
        told = send_answer(row, user, answer, now=now)
        return Outcome.REJECTED, "rejected: From does not match" + (
            "; its owner was warned" if told else "; no warning (rate limit)"
        )
    if dmarc_failed(message):
        return Outcome.REJECTED, "rejected: DMARC failed"
    if address.expires_at <= now:
        told = send_answer(row, user, Answer(kind="expired", items=_item_list(items)), now=now)
        return Outcome.REJECTED, "rejected: the reply address expired" + ("" if told else "; no answer (rate limit)")
    return _post(row, message, user, items, now=now)


def _post(
    row: InboundEmail,
    message: email.message.EmailMessage,
    user: User,
    items: list[tuple[str, Item | None]],
    *,
    now: datetime.datetime,
) -> tuple[str, str]:
    answer = Answer(kind="result", items=_item_list(items))
    try:
        text = replies.new_part(replies.body_text(message))
    except replies.BodyError as error:
        text = ""
        answer.problems.append(replies.Problem(None, "", str(error)))
    by_code = dict(items)
    reading = replies.parse(text, list(by_code)) if text or not answer.problems else replies.Reading()
    answer.problems += reading.problems
    for line in reading.lines:
        code = line.code or items[0][0]
        item = by_code.get(code)
        if item is None:
            answer.results.append(Result(code, None, refused="this item no longer exists"))
            continue
        result = post_line(user, item, line)
        result.code = code
        answer.results.append(result)
    answer.attachments = keep_attachments(user, message, answer.results)
    told = send_answer(row, user, answer, now=now)
    posted = [r for r in answer.results if r.posted]
    parts: list[str] = []
    if posted:
        parts.append(
            f"posted {len(posted)} update{'s' if len(posted) != 1 else ''}: "
            + ", ".join(f"{r.code} {r.posted.replace(',', '')}" for r in posted)
        )
    refusals = [f"{r.code} {r.refused}" for r in answer.results if r.refused]
    refusals += [f"{p.code + ' ' if p.code else ''}{p.reason}" for p in answer.problems]
    if refusals:
        parts.append(("not posted: " if posted else "") + "; ".join(refusals))
    kept = [note for note in answer.attachments if "added as evidence" in note]
    if kept:
        parts.append(f"{len(kept)} attachment{'s' if len(kept) != 1 else ''} kept")
    if not told:
        parts.append(f"no answer sent (over {ANSWERS_PER_HOUR} answers an hour)")
    status = Outcome.POSTED if posted else Outcome.REJECTED
    return status, ("" if posted else "rejected: ") + "; ".join(parts)
