"""Fixtures for the outbox tests: the notification tests' Idaho principals, frozen clock and mail
kept in memory, shared by import so both folders build the same people the same way."""

from tests.notifications.conftest import clock, idaho, outbox

__all__ = ["clock", "idaho", "outbox"]
