"""Hooks: how an app's page shows what apps above it know, without importing them.

Apps are layered (DESIGN.md): an app imports only apps below it. Some pages of a lower app still
show what an upper app records: the library's recommendation page shows where states stand on it
(actionplan) and the outcomes that cite it (roundtables). The lower app declares a Hook for the
page and calls it with what it has built so far; each upper app registers a receiver in its
AppConfig.ready(), which adds its part. The lower app never names the upper one, and an app left
out of INSTALLED_APPS simply adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable


class Hook[Parts]:
    """An ordered list of receivers, each called with the same `Parts` (a dataclass the page
    fills in); the page reads the result back from `Parts` once every receiver has run."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[Callable[[Parts], None]] = []

    def register(self, receiver: Callable[[Parts], None]) -> Callable[[Parts], None]:
        """Add a receiver (usable as a decorator); registering one twice keeps one copy, so an
        AppConfig.ready() that runs again does no harm."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def __call__(self, parts: Parts) -> Parts:
        for receiver in self._receivers:
            receiver(parts)
        return parts

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._receivers)} receivers>"
