"""Reading replies (notifications.replies), no database: the corpus of replies as mail clients
write them, each read as its case says, and the reading rules one by one."""

from __future__ import annotations

import email
import email.message
import email.policy
import time

import pytest

from actionplan.models import Status
from notifications import reading, replies
from tests.notifications.replies.cases import CASES, Case

CODES = {1: ["I1"], 3: ["I1", "I2", "I3"]}


def load(case: Case) -> email.message.EmailMessage:
    raw = case.path.read_text()
    raw = raw.replace("{{reply_address}}", "update+abcdefghijklmnopqrstuvwxyz@reply.jointplan.example")
    raw = raw.replace("{{owner_address}}", "dana@idaho.example").replace("{{nonce}}", "parse")
    return reading.parse_message(raw.encode())


def test_the_corpus_has_at_least_40_replies() -> None:
    assert len(CASES) >= 40
    assert all(case.path.exists() for case in CASES)
    assert len({case.file for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [c for c in CASES if not c.unreadable and not c.automatic], ids=lambda c: c.file)
def test_each_reply_of_the_corpus_reads_as_expected(case: Case) -> None:
    message = load(case)
    assert reading.automatic(message) == ""
    text = replies.new_part(replies.body_text(message))
    read = replies.parse(text, CODES[len(case.items)])
    assert [(line.code, line.status, line.percent, line.narrative) for line in read.lines] == list(case.lines)
    assert len(read.problems) == len(case.problems)
    for problem, phrase in zip(read.problems, case.problems, strict=True):
        assert phrase in problem.reason


@pytest.mark.parametrize("case", [c for c in CASES if c.automatic], ids=lambda c: c.file)
def test_auto_replies_and_bulk_mail_of_the_corpus_are_recognized(case: Case) -> None:
    assert reading.automatic(load(case)) != ""


@pytest.mark.parametrize("case", [c for c in CASES if c.unreadable], ids=lambda c: c.file)
def test_malformed_messages_of_the_corpus_are_refused_as_unreadable(case: Case) -> None:
    with pytest.raises(reading.Unreadable, match="malformed"):
        load(case)


# --- The rules, one by one ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("on track", Status.ON_TRACK),
        ("On-Track.", Status.ON_TRACK),
        ("ONTRACK!", Status.ON_TRACK),
        ("on_track", Status.ON_TRACK),
        ("at risk", Status.AT_RISK),
        ("At-risk:", Status.AT_RISK),
        ("atrisk", Status.AT_RISK),
        ("off track", Status.OFF_TRACK),
        ("not on track", Status.OFF_TRACK),
        ("Blocked.", Status.BLOCKED),
        ("done", Status.DONE),
        ("Completed", Status.DONE),
        ("not started", Status.NOT_STARTED),
        ("not yet started", Status.NOT_STARTED),
    ],
)
def test_status_words_in_any_case_with_hyphens_or_punctuation(written: str, status: str) -> None:
    (line,) = replies.parse(written, ["I1"]).lines
    assert line.status == status
    assert line.narrative == replies.DEFAULT_NARRATIVE


@pytest.mark.parametrize(
    ("written", "percent"),
    [
        ("at risk 40%", 40),
        ("at risk 40 %", 40),
        ("at risk, 0%", 0),
        ("done 100%", 100),
        ("on track, call 555-0100", None),
        ("on track, call +1 (207) 555 0100", None),
        ("on track, office 207.555.0100 ext 12", None),
    ],
)
def test_only_a_number_with_a_percent_sign_is_progress(written: str, percent: int | None) -> None:
    (line,) = replies.parse(written, ["I1"]).lines
    assert line.percent == percent


def test_a_percentage_over_100_is_refused_for_its_line() -> None:
    read = replies.parse("I1: on track 140%\nI2: at risk", ["I1", "I2"])
    assert [(p.code, p.reason) for p in read.problems] == [("I1", "140% is not a percentage from 0 to 100")]
    assert [line.code for line in read.lines] == ["I2"]


@pytest.mark.parametrize("prefix", ["I3:", "I3 -", "[I3]", "i3:", "I3.", "[i3] -"])
def test_codes_may_be_written_several_ways(prefix: str) -> None:
    (line,) = replies.parse(f"{prefix} at risk 40% vendor demo slipped", ["I1", "I2", "I3"]).lines
    assert (line.code, line.status, line.percent, line.narrative) == ("I3", Status.AT_RISK, 40, "vendor demo slipped")


def test_lines_after_a_coded_line_belong_to_its_narrative() -> None:
    read = replies.parse("I1: at risk\nthe vendor slipped\nagain\nI2: on track", ["I1", "I2"])
    assert [(line.code, line.narrative) for line in read.lines] == [
        ("I1", "the vendor slipped\nagain"),
        ("I2", replies.DEFAULT_NARRATIVE),
    ]


def test_with_one_item_the_code_may_be_left_out_and_with_several_it_may_not() -> None:
    assert replies.parse("on track", ["I1"]).lines[0].code is None
    read = replies.parse("on track", ["I1", "I2"])
    assert read.lines == []
    assert "code" in read.problems[0].reason


def test_an_unknown_code_is_named_in_its_error() -> None:
    read = replies.parse("I1: on track\nI4: done", ["I1", "I2"])
    assert [p.reason for p in read.problems] == ["I4 is not an item of the email you replied to"]


def test_a_coded_line_without_a_status_word_is_an_error_for_that_line() -> None:
    read = replies.parse("I1: met the vendor\nI2: on track", ["I1", "I2"])
    assert [(p.code, p.text) for p in read.problems] == [("I1", "met the vendor")]
    assert "could not read a status" in read.problems[0].reason


def test_an_item_named_twice_is_read_once() -> None:
    read = replies.parse("I1: on track\nI1: at risk", ["I1", "I2"])
    assert [line.status for line in read.lines] == [Status.ON_TRACK]
    assert "named twice" in read.problems[0].reason


def test_a_reply_in_another_language_gets_the_defined_could_not_read_error() -> None:
    read = replies.parse("Tout va bien, nous avons fini la première phase.", ["I1"])
    assert read.lines == []
    assert read.problems[0].reason.startswith("could not read a status")


def test_a_status_inside_a_sentence_keeps_the_sentence_as_the_narrative() -> None:
    (line,) = replies.parse("We are at risk because the vendor slipped.", ["I1"]).lines
    assert (line.status, line.narrative) == (Status.AT_RISK, "We are at risk because the vendor slipped.")


def test_forty_percent_done_is_progress_not_the_status_done() -> None:
    read = replies.parse("40% done, waiting on the vendor", ["I1"])
    assert read.lines == []


def test_html_is_read_as_text_with_quoting_kept_as_quote_marks() -> None:
    text = replies.html_to_text("<p>on track 50%</p><blockquote>I1: at risk 40% example</blockquote>")
    assert replies.new_part(text) == "on track 50%"


@pytest.mark.parametrize(
    "filler", ["\n" * 20_000, " \n" * 20_000, " " * 200_000, "> quoted line\n" * 100_000], ids=str.__len__
)
def test_a_huge_reply_is_read_in_bounded_time(filler: str) -> None:
    # Unbounded, mail-parser-reply took about three minutes on 20,000 blank lines alone.
    started = time.monotonic()
    read = replies.parse(replies.new_part(f"on track 30%\n{filler}\nthe rest"), ["I1"])
    assert time.monotonic() - started < 5
    assert [(line.status, line.percent) for line in read.lines] == [(Status.ON_TRACK, 30)]


def test_html_quotes_in_quotes_and_deep_nesting_are_read() -> None:
    text = replies.html_to_text("<div>on <b>track</b><br>40%</div><blockquote>a<blockquote>b</blockquote></blockquote>")
    assert text == "on track\n40%\n\n> a\n> > b"
    deep = replies.html_to_text("<p>at risk</p>" + "<div>" * 5_000 + "deep")
    assert deep.split("\n")[0] == "at risk" and deep.endswith("deep")
