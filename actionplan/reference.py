"""Reference data owned by the action plan: its four dimensions, described in our own words.

The names are those of the action plan NASPO and NASCIO published in January 2017 after their
first joint CIO–CPO roundtable (Charlotte, July 2016); see shared/DOMAIN.md §1.
"""

from __future__ import annotations

from typing import NamedTuple

from directory.reference import upsert


class DimensionRow(NamedTuple):
    slug: str
    name: str
    position: int
    summary: str


DIMENSIONS: list[DimensionRow] = [
    DimensionRow(
        "governance",
        "Governance and organizational structure",
        1,
        "Who holds authority over technology purchases and how the two offices are set up to use it "
        "together: charters, delegations and approval thresholds, standing steering groups, and the "
        "statutes and policies that shape them.",
    ),
    DimensionRow(
        "teaming",
        "Teaming and roles",
        2,
        "Who does what when the state buys technology: a named contact in each office, clear "
        "responsibilities at every phase of a purchase, evaluation teams drawn from both sides, and "
        "staff who understand the other office's work.",
    ),
    DimensionRow(
        "interactions",
        "Interactions and processes",
        3,
        "How the CIO and CPO offices work with each other from the day a need appears: regular "
        "meetings, bringing procurement in early, negotiating during the process, modular buying, "
        "standard terms, and reviewing each major purchase afterwards.",
    ),
    DimensionRow(
        "budgeting",
        "Budgeting and forecasting",
        4,
        "Seeing purchases before they arrive: a shared forecast of upcoming technology buys, a "
        "procurement calendar that follows the budget cycle, and funding plans that fit "
        "subscription and cloud services as well as capital projects.",
    ),
]


def load() -> dict[str, int]:
    """Create or correct the four dimensions; returns how many rows changed."""
    from actionplan.models import Dimension

    changed = 0
    for row in DIMENSIONS:
        fields = row._asdict()
        slug = fields.pop("slug")
        if upsert(Dimension, {"slug": slug}, fields):
            changed += 1
    return {"dimensions": changed}
