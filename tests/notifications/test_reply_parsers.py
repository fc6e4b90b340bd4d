"""Why notifications.replies cuts quoted history with mail-parser-reply and not email-reply-parser:
the figures in its docstring, measured on the corpus (tests/notifications/replies)."""

from __future__ import annotations

from collections.abc import Callable

from email_reply_parser import EmailReplyParser
from mailparser_reply.parser import EmailMessage as ReplyText

from notifications import replies
from tests.notifications.replies.cases import CASES, Case
from tests.notifications.test_replies import CODES, load

HUMAN = [case for case in CASES if not case.automatic and not case.unreadable]


def right(case: Case, new_part: Callable[[str], str]) -> bool:
    read = replies.parse(new_part(replies.body_text(load(case))), CODES[len(case.items)])
    lines = [(line.code, line.status, line.percent, line.narrative) for line in read.lines]
    return (
        lines == list(case.lines)
        and len(read.problems) == len(case.problems)
        and all(phrase in problem.reason for phrase, problem in zip(case.problems, read.problems, strict=True))
    )


def mail_parser_reply(text: str) -> str:
    parsed = ReplyText(text=text, languages=list(replies.LANGUAGES), keep_hyphen_lists=True).read()
    return parsed.replies[0].body if parsed.replies else ""


def email_reply_parser(text: str) -> str:
    return str(EmailReplyParser.parse_reply(text))


def count(new_part: Callable[[str], str]) -> int:
    return sum(right(case, new_part) for case in HUMAN)


def test_the_comparison_covers_46_human_replies() -> None:
    assert len(HUMAN) == 46


def test_mail_parser_reply_with_our_cuts_reads_every_reply_and_is_what_new_part_uses() -> None:
    assert count(lambda text: replies.trim(mail_parser_reply(text))) == 46
    assert count(replies.new_part) == 46


def test_email_reply_parser_with_our_cuts_misses_the_outlook_headers_of_other_languages() -> None:
    missed = [case.file for case in HUMAN if not right(case, lambda text: replies.trim(email_reply_parser(text)))]
    assert missed == ["28_outlook_spanish_headers", "29_outlook_german_headers"]


def test_each_library_alone_and_our_cuts_alone() -> None:
    assert count(lambda text: mail_parser_reply(text).strip()) == 38
    assert count(lambda text: email_reply_parser(text).strip()) == 38
    assert count(replies.trim) == 22
