"""Mail servers that misbehave in the ways SMTP servers do, plugged in through MAILERS like any
backend, so the delivery code meets a refusal, a busy server or a dropped line for real."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from typing import ClassVar

from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend


class RefusingBackend(BaseEmailBackend):
    """Refuses every recipient for good (550: no such user)."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise smtplib.SMTPRecipientsRefused({m.to[0]: (550, b"5.1.1 No such user") for m in email_messages})


class BusyBackend(BaseEmailBackend):
    """Answers every message with a temporary 451: try again later."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise smtplib.SMTPDataError(451, b"4.3.0 Try again later")


class UnreachableBackend(BaseEmailBackend):
    """Nobody listens on the mail server's port."""

    def open(self) -> bool:
        raise ConnectionRefusedError(111, "Connection refused")

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise AssertionError("never reached: open() failed")


class DroppingBackend(BaseEmailBackend):
    """Delivers the first message of a connection (to mail.outbox), then drops the line."""

    def open(self) -> bool:
        self.sent = 0
        return True

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if self.sent >= 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        self.sent += len(email_messages)
        mail.outbox.extend(email_messages)
        return len(email_messages)


class RecordingSmtpConnection:
    """Stands in for smtplib.SMTP: keeps what `sendmail` was given, as the wire would carry it."""

    def __init__(self, sent: list[tuple[str, list[str], bytes]]) -> None:
        self.sent = sent

    def ehlo_or_helo_if_needed(self) -> None:
        pass

    def has_extn(self, name: str) -> bool:
        return name.lower() == "8bitmime"

    def sendmail(
        self, from_addr: str, to_addrs: list[str], msg: bytes, mail_options: Sequence[str] = ()
    ) -> dict[str, tuple[int, bytes]]:
        assert isinstance(msg, bytes), "SMTP is given the message's bytes"
        assert list(mail_options) == ["BODY=8BITMIME"], "bodies may be 8bit, and the server asks to know"
        self.sent.append((from_addr, list(to_addrs), msg))
        return {}

    def quit(self) -> None:
        pass


class RecordingSmtpBackend(SmtpBackend):
    """Django's SMTP backend without a network: the delivery code takes its stored-bytes path, and
    the test reads each message from `RecordingSmtpBackend.sent` (from, recipients, bytes)."""

    sent: ClassVar[list[tuple[str, list[str], bytes]]] = []

    def open(self) -> bool:
        if self.connection is not None:
            return False
        self.connection = RecordingSmtpConnection(self.sent)
        return True
