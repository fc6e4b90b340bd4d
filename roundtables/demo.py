"""Demo roundtables, outcomes and adoption for the quick start and the benchmarks (`seed_demo`).

Every person and event here is invented, except the seeded history (roundtables/reference.py).
Idempotent: the second run creates nothing. One function per area, called in order by `seed`.
"""

from __future__ import annotations


def seed_events(*, scale: str) -> int:
    """An upcoming roundtable with invitations and registrations (the events area). Returns rows created."""
    return 0


def seed_outcomes(*, scale: str) -> int:
    """Outcomes of a past event proposed to the states that attended, some accepted (the outcomes area)."""
    return 0


def seed_adoption(*, scale: str) -> int:
    """Each demo state's adoption of the recommendations; at national scale, every jurisdiction's (the adoption area)."""
    return 0


def seed(*, scale: str) -> int:
    """All of the above, in order; returns how many rows were created."""
    return seed_events(scale=scale) + seed_outcomes(scale=scale) + seed_adoption(scale=scale)
