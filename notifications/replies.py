"""Reading a reply to a reminder: what is new in it, and the status lines it holds. Pure text in,
plain values out, no database: notifications.reading does the posting.

What is new: the reply's plain-text part (or its HTML part made text with BeautifulSoup, quoted
blocks as "> " lines) with quoted history and signatures cut by mail-parser-reply, then cuts of
our own that neither library makes (">" lines a bottom-posted reply leaves in, forwarded messages,
a closing such as "Thanks," and what follows, a name-title-phone block, greetings). The two
parsers were run on the 46 human replies of tests/notifications/replies/ (every mail
client's quoting, signatures with phone numbers, HTML only, forwards, several items, other
languages), each followed by this module's reading; replies read exactly as expected:

                                 as used here (with our cuts)   the library alone
    mail-parser-reply 1.36                 46 of 46                  38 of 46
    email-reply-parser 0.5.12              44 of 46                  38 of 46
    no library, our cuts only              22 of 46

email-reply-parser (GitHub's port, last released in 2020) knows English only: an Outlook in
Spanish or German writes "De: ... Enviado: ..." / "Von: ... Gesendet: ..." above the history, and
it keeps the whole reminder as if written now. mail-parser-reply (maintained) has the quote headers
of 13 languages, Outlook's header blocks and closings as signatures; with keep_hyphen_lists a line
starting "- " stays. So mail-parser-reply (tests/notifications/test_reply_parsers.py holds both to
these figures).

The reading (`parse`): a status word or phrase ("on track", "at risk", "off track", "blocked",
"done", "not started"; any case, "on-track" or "ontrack"), an optional percentage (only N%: a
phone number is never progress), and the rest of the line as the narrative. A reply about several
items starts each line with the item's code ("I3: ...", "I3 - ...", "[I3] ..."); lines without a
code that follow belong to the line before. With one item the code may be left out.
"""

from __future__ import annotations

import email.message
import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from mailparser_reply.parser import EmailMessage as ReplyText  # type: ignore[import-untyped]  # no type hints

from actionplan.models import Status

DEFAULT_NARRATIVE = "Status sent by email."
READ_CHARS = 20_000
HTML_READ_CHARS = 300_000
HTML_BLOCKS = (
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
    "section", "table", "tr", "ul",
)  # fmt: skip
HTML_SKIPPED = ("head", "style", "script", "title", "template")
# The languages whose quote headers ("El ... escribió:", "Von: ... Gesendet: ...") are cut: a
# mail client writes them in its own language, whatever language the reply is in.
LANGUAGES = ("en", "es", "fr", "de", "it", "nl", "pl", "da", "sv", "cs", "ja", "ko", "zh")
NARRATIVE_MAX = 5000

# A status word or phrase, anywhere in a line; "not on track" is off track.
_SEP = r"[\s\-_]*"
STATUS_PATTERNS: tuple[tuple[str, str], ...] = (
    (rf"not{_SEP}on{_SEP}track", Status.OFF_TRACK),
    (rf"on{_SEP}track", Status.ON_TRACK),
    (rf"at{_SEP}risk", Status.AT_RISK),
    (rf"off{_SEP}track", Status.OFF_TRACK),
    (r"blocked", Status.BLOCKED),
    (rf"not{_SEP}(?:yet{_SEP})?started", Status.NOT_STARTED),
    (r"done|completed?|finished", Status.DONE),
)
STATUS = re.compile(
    r"(?<![\w-])(?:" + "|".join(f"(?P<s{n}>{p})" for n, (p, _) in enumerate(STATUS_PATTERNS)) + r")(?![\w-])",
    re.IGNORECASE,
)
# Only a number followed by % is a percentage: "555-0100" or "(208) 555 0100" is not.
PERCENT = re.compile(r"(?<![\d.,])(\d{1,4})\s?%")
# "40% done" is progress, not the status Done.
PERCENT_DONE = re.compile(r"\d\s?%\s*(?:done|complete|completed|finished)\b", re.IGNORECASE)
PHONE = re.compile(r"(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b")
# A line that gives only the progress: "Progress: 30%", "30% complete".
PROGRESS_LINE = re.compile(
    r"^(?:progress|percent(?:age)?(?: done| complete)?|complete|done)?\s*[:=\-]?\s*(\d{1,4})\s?%\s*"
    r"(?:done|complete|completed|finished)?\.?$",
    re.IGNORECASE,
)
# Words that carry a status into a sentence ("Blocked by the freeze"): the line is kept whole.
CONTINUES = re.compile(r"^\s+(?:by|because|due|as|since|until|pending|for|with|from|on|after|while)\b", re.I)
# An item's code at the start of a line: "I3:", "I3 -", "[I3]", "I3." or "I3 at risk".
CODE = re.compile(r"^\s*[-*•]?\s*\[?\s*(i\d{1,3})\s*\]?(?![\w%])\s*[:.\-–—)]?\s*", re.IGNORECASE)
# A code named anywhere else, for a line that names none at its start ("About I2: ...").
GREETING = re.compile(r"^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b[^.!?]{0,40}[,.!:]?$", re.I)
CLOSING = re.compile(
    r"^(?:thanks|thank you|many thanks|thx|cheers|best|best regards|kind regards|warm regards|regards|sincerely|"
    r"respectfully|v/r|vr)\b[\s,.!]*(?:\w+[,.!]?)?$",
    re.IGNORECASE,
)
# Where a forwarded message or an Outlook history starts, when the parser left it in.
CUT_MARKERS = re.compile(
    r"^(?:-{3,}\s*Forwarded message\s*-{3,}|Begin forwarded message:|-{3,}\s*Original Message\s*-{3,}|"
    r"_{10,}|From:\s.+|Sent from my \w+.*|Get Outlook for \w+.*|-- ?)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Line:
    """One update read from a reply: for item `code` (None: the email's only item)."""

    code: str | None
    status: str
    percent: int | None
    narrative: str


@dataclass(frozen=True)
class Problem:
    """A line (or the whole reply) that could not be read, and why, in words for its writer."""

    code: str | None
    text: str
    reason: str


@dataclass
class Reading:
    lines: list[Line] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# --- What is new in a reply -------------------------------------------------------------------


class BodyError(ValueError):
    """The message has no text we can read (no text part, or one that cannot be decoded)."""


def body_text(message: email.message.EmailMessage) -> str:
    """The reply's text as its writer sent it: the plain part, else the HTML part as text."""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
        if part is None:
            raise BodyError("the message has no text or HTML part")
        content = part.get_content()
    except (LookupError, ValueError, TypeError, AttributeError, UnicodeError) as error:
        raise BodyError(f"the message's text cannot be read ({error})") from None
    if not isinstance(content, str):
        raise BodyError("the message's text part is not text")
    if part.get_content_subtype() == "html":
        return html_to_text(content)
    return content


def html_to_text(html: str) -> str:
    """HTML as plain text, as a plain-text client would write it: a line per paragraph, block or
    <br>, and a quoted block as "> " lines (so quoted history is cut like a plain reply's)."""
    # The new part is at the top: 300,000 characters of HTML are far more than it takes (reading
    # them takes about a second), and a 10 MB message must not hold a worker.
    soup = BeautifulSoup(html[:HTML_READ_CHARS], "html.parser")
    try:
        text = "".join(_text_of(soup))
    except RecursionError:  # nested deeper than any mail client writes: its words, a line each
        text = soup.get_text("\n")
    return "\n".join(_squeezed([line.strip() for line in text.split("\n")]))


def _text_of(node: Tag) -> list[str]:
    """The pieces of text of a node, in one pass (BeautifulSoup's own edits cost a scan of the
    siblings each, which made a long message quadratic)."""
    out: list[str] = []
    for child in node.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            out.append(str(child) if child.find_parent("pre") else re.sub(r"\s+", " ", str(child)))
        elif isinstance(child, Tag):
            if child.name in HTML_SKIPPED:
                continue
            if child.name == "br":
                out.append("\n")
            elif child.name == "blockquote":
                inner = _squeezed([line.strip() for line in "".join(_text_of(child)).split("\n")])
                out.append("\n" + "\n".join(f"> {line}".rstrip() for line in inner) + "\n")
            elif child.name in HTML_BLOCKS:
                out += ["\n", *_text_of(child), "\n"]
            else:
                out += _text_of(child)
    return out


def _squeezed(lines: list[str]) -> list[str]:
    """Lines without leading or trailing blanks, and at most one blank line in a row."""
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return kept


def new_part(text: str) -> str:
    """The part of a reply its writer wrote now: no quoted history, signature or forwarded text."""
    reply = ReplyText(text=_bounded(text), languages=list(LANGUAGES), keep_hyphen_lists=True).read()
    latest = reply.replies[0].body if reply.replies else ""
    return trim(latest)


def _bounded(text: str) -> str:
    """The text the parser is given: without ">" lines (quoted, never new), runs of spaces and of
    blank lines made one, and at most READ_CHARS characters. The parser's time grows much faster
    than its input on long runs of blank lines (20,000 newlines took minutes), and a message may
    be 10 MB; what a person writes now is at the top, or below a quote that is dropped here."""
    lines = (re.sub(r"[ \t\u00a0\u200b]+", " ", line).strip() for line in text.replace("\r\n", "\n").split("\n"))
    kept = "\n".join(line for line in lines if not line.startswith(">"))
    return re.sub(r"\n{3,}", "\n\n", kept)[:READ_CHARS]


def trim(text: str) -> str:
    """Our own cuts after the parser's: quoted lines, a forward or history it left in, a closing
    and what follows it (a name, a title, a phone number), greetings."""
    kept: list[str] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip().replace("\u00a0", " ").replace("\u200b", "")
        if CUT_MARKERS.match(line) or CLOSING.match(line):
            break
        if line.startswith(">"):
            continue
        if not kept and (not line or GREETING.match(line)):
            continue
        kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    blocks = "\n".join(kept).split("\n\n")
    while len(blocks) > 1 and _is_signature(blocks[-1]):
        blocks.pop()
    return "\n\n".join(blocks).strip()


def _is_signature(block: str) -> bool:
    """A closing block of name, title and phone number, written with no "-- " before it."""
    lines = [line for line in block.split("\n") if line.strip()]
    return (
        0 < len(lines) <= 6
        and all(len(line) <= 80 for line in lines)
        and any(PHONE.search(line) for line in lines)
        and not any(_status_in(line) for line in lines)
    )


# --- Reading status lines ---------------------------------------------------------------------


def _status_in(line: str) -> re.Match[str] | None:
    """The first status phrase of a line, not counting "done" in "40% done"."""
    for match in STATUS.finditer(line):
        before = line[: match.end()]
        if match.lastgroup == f"s{len(STATUS_PATTERNS) - 1}" and PERCENT_DONE.search(before[-20:]):
            continue
        return match
    return None


def _status_value(match: re.Match[str]) -> str:
    return STATUS_PATTERNS[int(str(match.lastgroup)[1:])][1]


def _narrative(text: str) -> str:
    text = re.sub(r"^[\s\-–—:;,.!?]+", "", text)
    text = re.sub(r"^status\b[\s:\-–—]*", "", text, flags=re.IGNORECASE)
    text = re.sub(r"^[\s\-–—:;,.]+", "", text).strip()
    return text[:NARRATIVE_MAX]


def _short(text: str) -> str:
    one = " ".join(text.split())
    return one if len(one) <= 80 else one[:77] + "..."


def read_entry(code: str | None, text: str) -> Line | Problem:
    """One item's text (its first line holds the status): a Line, or why it cannot be read."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        match = _status_in(line)
        if match is None:
            continue
        status = _status_value(match)
        percent_match = PERCENT.search(line)
        percent: int | None = None
        if percent_match is not None:
            percent = int(percent_match.group(1))
            if percent > 100:
                return Problem(code, _short(text), f"{percent}% is not a percentage from 0 to 100")
        others = lines[:index] + lines[index + 1 :]
        if percent is None:
            for n, other in enumerate(others):
                progress = PROGRESS_LINE.match(other.strip())
                if progress is not None:
                    percent = int(progress.group(1))
                    del others[n]
                    break
            else:
                anywhere = PERCENT.search("\n".join(others))
                percent = int(anywhere.group(1)) if anywhere is not None else None
            if percent is not None and percent > 100:
                return Problem(code, _short(text), f"{percent}% is not a percentage from 0 to 100")
        head = line[: match.start()].strip(" \t-–—:;,.")
        if (head and not re.fullmatch(r"status", head, re.IGNORECASE)) or CONTINUES.match(line[match.end() :]):
            rest = line  # the status word is inside a sentence: the sentence is the narrative
        else:
            rest = line[match.end() :]
            # A percentage right after the status ("at risk 40%", "at risk, 40 % -") is taken out.
            after = re.match(r"^[\s,;:.\-–—(]*(\d{1,4})\s?%\s*\)?(?:\s*(?:done|complete|completed)\b)?", rest, re.I)
            if after is not None:
                rest = rest[after.end() :]
        kept = [*others[:index], _narrative(rest), *others[index:]]
        narrative = "\n".join(part for part in kept if part.strip())
        narrative = _narrative(narrative.strip()) or DEFAULT_NARRATIVE
        return Line(code, status, percent, narrative)
    return Problem(
        code,
        _short(text),
        "could not read a status: say on track, at risk, off track, blocked or done",
    )


def parse(text: str, codes: list[str]) -> Reading:
    """The updates in the new part of a reply to an email about the items `codes` (["I1", ...])."""
    reading = Reading()
    known = {c.upper() for c in codes}
    entries: list[tuple[str | None, list[str]]] = []
    loose: list[str] = []  # lines before the first code
    for raw in text.split("\n"):
        line = raw.strip()
        match = CODE.match(line)
        if match is not None and (match.end() < len(line) or line.rstrip().endswith((":", "]"))):
            entries.append((match.group(1).upper(), [line[match.end() :]]))
        elif entries:
            if line:
                entries[-1][1].append(line)
        elif line:
            loose.append(line)
    if not entries:
        if not loose:
            reading.problems.append(Problem(None, "", "the reply is empty: write a status above the quoted email"))
            return reading
        if len(known) != 1:
            # Several items and no code: one status for all of them would be a guess.
            found = _status_in("\n".join(loose)) is not None
            reason = (
                "start each line with the item's code (for example I1: on track) so we know which item it is about"
                if found
                else "could not read a status or an item's code"
            )
            reading.problems.append(Problem(None, _short(" ".join(loose)), reason))
            return reading
        entry = read_entry(None, "\n".join(loose))
        (reading.lines if isinstance(entry, Line) else reading.problems).append(entry)  # type: ignore[arg-type]
        return reading
    for line in loose:
        if _status_in(line) is not None:
            reading.problems.append(
                Problem(None, _short(line), "which item? Start the line with the item's code, for example I1:")
            )
    seen: set[str] = set()
    for code, lines in entries:
        text_of_entry = "\n".join(lines)
        if code not in known:
            reading.problems.append(
                Problem(code, _short(text_of_entry), f"{code} is not an item of the email you replied to")
            )
            continue
        if code in seen:
            reading.problems.append(Problem(code, _short(text_of_entry), f"{code} is named twice: the first was read"))
            continue
        seen.add(code)
        entry = read_entry(code, text_of_entry)
        if isinstance(entry, Line):
            reading.lines.append(entry)
        else:
            reading.problems.append(entry)
    return reading
