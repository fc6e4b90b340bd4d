"""Reference data owned by roundtables: publications, recommendation areas and recommendations,
case studies, milestones and the seeded history of events, from shared/DOMAIN.md, in our own words.

Loaded by `manage.py load_reference`; idempotent (a second run changes nothing).
"""

from __future__ import annotations


def load() -> dict[str, int]:
    """Create or correct the roundtables reference rows; returns how many rows changed, by kind."""
    return {}
