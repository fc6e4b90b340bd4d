"""The reply corpus: each .eml file beside this one, the email it answers and what reading it must
come to. The files are replies as the major mail clients write them (Outlook desktop and web,
Gmail on the web and on Android, Apple Mail on the iPhone, Thunderbird), with
`{{reply_address}}`, `{{owner_address}}` and `{{nonce}}` filled in by the tests.

`items`: the email's items in code order (I1, I2, ...): "cio" a CIO-side item the sender owns,
"joint" a joint item whose CIO side is theirs. `lines`: what replies.parse reads, (code, status,
percent, narrative); `problems`: a phrase of each reason a line could not be read. `outcome`: the
InboundEmail's status once read; `answered`: whether an answer is queued; `posted`: how many items
got an update or a signature.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from actionplan.models import Status

HERE = Path(__file__).parent
DEFAULT = "Status sent by email."
ONE = ("cio",)
THREE = ("cio", "joint", "cio")


@dataclass(frozen=True)
class Case:
    file: str
    items: tuple[str, ...] = ONE
    lines: tuple[tuple[str | None, str, int | None, str], ...] = ()
    problems: tuple[str, ...] = ()
    outcome: str = "posted"
    answered: bool = True
    posted: int = -1  # -1: as many as `lines`
    automatic: bool = False  # written by a machine: ignored before its text is read
    unreadable: bool = False  # not an email we can read
    expired: bool = False  # the reply address has expired when the reply is read
    kept: int = 0  # attachments kept as evidence
    outcome_says: str = ""
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return HERE / f"{self.file}.eml"

    @property
    def expected_posts(self) -> int:
        return len(self.lines) if self.posted < 0 else self.posted


S = Status
CASES = [
    Case("01_plain_one_line", lines=((None, S.AT_RISK, 40, "vendor demo slipped a week"),)),
    Case("02_gmail_top_posted", lines=((None, S.ON_TRACK, 60, "Wave 1 of the migration is finished."),)),
    Case("03_gmail_wrapped_header", lines=((None, S.OFF_TRACK, 25, "the grant was not renewed"),)),
    Case("04_outlook_desktop_signature", lines=((None, S.BLOCKED, None, "waiting on legal review of the contract."),)),
    Case("05_outlook_web", lines=((None, S.AT_RISK, None, "Budget approval moved to January."),)),
    Case("06_apple_mail_iphone", lines=((None, S.DONE, None, "Final report filed with the legislature."),)),
    Case(
        "07_thunderbird_bottom_posted",
        lines=((None, S.OFF_TRACK, 20, "procurement was cancelled and will be rebid."),),
    ),
    Case("08_thunderbird_top_posted", lines=((None, S.ON_TRACK, 75, "testing starts next week"),)),
    Case("09_android_gmail", lines=((None, S.ON_TRACK, None, DEFAULT),)),
    Case("10_signature_dash_dash", lines=((None, S.AT_RISK, 35, "staffing gap in the security office"),)),
    Case("11_closing_with_phone", lines=((None, S.ON_TRACK, None, "We are on track with the rollout."),)),
    Case(
        "12_phone_number_not_percent",
        lines=((None, S.ON_TRACK, None, "Call me at 555-0100 if there are questions."),),
    ),
    Case("13_html_only_gmail", lines=((None, S.AT_RISK, 50, "waiting on the vendor's security review"),)),
    Case("14_html_only_outlook", lines=((None, S.NOT_STARTED, 0, "kickoff is set for January 12."),)),
    Case("15_multipart_alternative", lines=((None, S.BLOCKED, None, "Blocked by the budget freeze."),)),
    Case("16_forwarded_gmail", lines=((None, S.BLOCKED, 10, "waiting for the funding decision"),)),
    Case("17_forwarded_apple", lines=((None, S.ON_TRACK, 90, "only the training remains."),)),
    Case("18_spanish_no_status", problems=("could not read a status",), outcome="rejected"),
    Case("19_no_status_word", problems=("could not read a status",), outcome="rejected"),
    Case("20_zero_percent", lines=((None, S.NOT_STARTED, 0, "kickoff moved to the spring"),)),
    Case("21_hundred_percent", lines=((None, S.DONE, 100, "all agencies are migrated"),)),
    Case("22_over_hundred_percent", problems=("140% is not a percentage from 0 to 100",), outcome="rejected"),
    Case("23_status_only", lines=((None, S.AT_RISK, None, DEFAULT),)),
    Case("24_percent_done_before_status", lines=((None, S.ON_TRACK, 60, "60% done, on track"),)),
    Case(
        "25_status_and_progress_lines",
        lines=((None, S.OFF_TRACK, 30, "The data center move slipped to March."),),
    ),
    Case("26_greeting_first", lines=((None, S.AT_RISK, 45, "the pilot agency pulled out."),)),
    Case("27_empty_reply", problems=("the reply is empty",), outcome="rejected"),
    Case("28_outlook_spanish_headers", lines=((None, S.ON_TRACK, 50, "fase uno terminada"),)),
    Case("29_outlook_german_headers", lines=((None, S.AT_RISK, 30, "the vendor is late"),)),
    Case(
        "30_multi_codes_colon",
        items=THREE,
        lines=(
            ("I1", S.AT_RISK, 40, "vendor demo slipped"),
            ("I2", S.ON_TRACK, 50, "contract signed"),
            ("I3", S.BLOCKED, None, "waiting on legal"),
        ),
    ),
    Case(
        "31_multi_dash_and_brackets",
        items=THREE,
        lines=(("I1", S.ON_TRACK, None, DEFAULT), ("I2", S.OFF_TRACK, 10, "budget cut"), ("I3", S.DONE, None, DEFAULT)),
    ),
    Case(
        "32_multi_continuation_lines",
        items=THREE,
        lines=(
            ("I1", S.AT_RISK, 40, "The vendor demo slipped a week.\nWe meet them on Friday."),
            ("I3", S.ON_TRACK, None, DEFAULT),
        ),
    ),
    Case(
        "33_multi_unknown_code",
        items=THREE,
        lines=(("I1", S.ON_TRACK, None, DEFAULT),),
        problems=("I9 is not an item of the email you replied to",),
        outcome_says="I9",
    ),
    Case(
        "34_multi_line_without_status",
        items=THREE,
        lines=(("I1", S.ON_TRACK, 20, DEFAULT),),
        problems=("could not read a status",),
    ),
    Case("35_multi_without_codes", items=THREE, problems=("start each line with the item's code",), outcome="rejected"),
    Case(
        "36_multi_outlook_html",
        items=THREE,
        lines=(("I1", S.ON_TRACK, 70, "field work done"), ("I3", S.AT_RISK, 15, "trainer left")),
    ),
    Case(
        "37_multi_greeting_and_signature",
        items=THREE,
        lines=(("I1", S.ON_TRACK, None, DEFAULT), ("I3", S.AT_RISK, 30, "waiting on the CPO's office")),
    ),
    Case(
        "38_multi_done_on_joint",
        items=THREE,
        lines=(("I2", S.DONE, None, "contract awarded to the winning vendor"),),
        outcome_says="Signed off for the CIO side",
    ),
    Case(
        "39_multi_phone_in_line",
        items=THREE,
        lines=(("I1", S.ON_TRACK, None, "call 208-555-0100 for the schedule"), ("I3", S.OFF_TRACK, 5, DEFAULT)),
    ),
    Case(
        "40_done_on_joint_item",
        items=("joint",),
        lines=((None, S.DONE, None, "all agencies are on the new contract."),),
        outcome_says="Signed off for the CIO side",
    ),
    Case("41_attachment_pdf", lines=((None, S.ON_TRACK, 80, "the signed order is attached"),), kept=1),
    Case("42_attachment_refused", lines=((None, S.ON_TRACK, 85, DEFAULT),), kept=0),
    Case("43_malformed_mime", unreadable=True, outcome="failed", answered=False, outcome_says="malformed"),
    Case("44_auto_submitted", automatic=True, outcome="ignored", answered=False, outcome_says="Auto-Submitted"),
    Case("45_outlook_automatic_reply", automatic=True, outcome="ignored", answered=False),
    Case("46_precedence_bulk", automatic=True, outcome="ignored", answered=False, outcome_says="bulk"),
    Case("47_x_autoreply", automatic=True, outcome="ignored", answered=False),
    Case(
        "48_dmarc_fail",
        lines=((None, S.DONE, None, DEFAULT),),
        outcome="rejected",
        answered=False,
        posted=0,
        outcome_says="DMARC",
    ),
    Case(
        "49_from_mismatch",
        lines=((None, S.ON_TRACK, 50, DEFAULT),),
        outcome="rejected",
        posted=0,
        outcome_says="From does not match",
    ),
    Case(
        "50_expired_token",
        lines=((None, S.AT_RISK, 30, "still waiting on the vendor"),),
        outcome="rejected",
        posted=0,
        expired=True,
        outcome_says="expired",
    ),
    Case(
        "51_no_reply_address",
        lines=((None, S.ON_TRACK, None, DEFAULT),),
        outcome="rejected",
        answered=False,
        posted=0,
        outcome_says="no reply address of ours",
    ),
    Case("52_precedence_auto_reply", automatic=True, outcome="ignored", answered=False),
]
