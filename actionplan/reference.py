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


# --- The national framework: the 2016 roundtable plan -----------------------------------------
# The roundtable's own item list is not public (DOMAIN.md §1.2), so every item below is a
# proposed starter item written for Joint Plan from the dimension names and the sourced themes,
# and is shown as such in the app.

FRAMEWORK_2016 = {
    "edition": "2016 roundtable",
    "title": "NASPO–NASCIO joint action plan",
    "description": (
        "The action plan from the first national roundtable of state CIOs and CPOs, held by NASPO and "
        "NASCIO in Charlotte, North Carolina, in July 2016 and published in January 2017. It sets a shared "
        "vision in four dimensions. Its published text names the dimensions but not a list of items, so "
        "the items here are proposed starters for each state to adapt."
    ),
    "source_url": "https://naspo-v1.staginglink.io/navigating-the-it-procurement-landscape-2",
}


class StarterItem(NamedTuple):
    code: str
    dimension: str  # Dimension slug
    side: str  # cio | cpo | joint
    title: str
    description: str


STARTER_ITEMS: list[StarterItem] = [
    StarterItem("G1", "governance", "joint", "Agree a joint CIO–CPO charter for technology buying",
                "A short memorandum both offices sign: shared goals, who decides what, and how disagreements are settled."),
    StarterItem("G2", "governance", "joint", "Publish who holds which purchasing authority",
                "Map delegations and approval thresholds for technology purchases and publish the map for agencies."),
    StarterItem("G3", "governance", "joint", "Stand up a joint steering group with a fixed meeting schedule",
                "Members from both offices, a standing agenda, and minutes that agencies can read."),
    StarterItem("G4", "governance", "cpo", "Review procurement statutes and policy for barriers to modern buying",
                "List the rules that slow cloud, agile or modular purchases and propose changes, with or without legislation."),
    StarterItem("G5", "governance", "cio", "Tie purchasing decisions to enterprise architecture standards",
                "Make the architecture review a defined step before solicitations for technology go out."),
    StarterItem("T1", "teaming", "joint", "Name a point of contact in each office",
                "One person in the CIO's office and one in the CPO's office who answer for the partnership day to day."),
    StarterItem("T2", "teaming", "joint", "Write a responsibility chart for each phase of a technology purchase",
                "Who is responsible, accountable, consulted and informed from the first idea to contract close-out."),
    StarterItem("T3", "teaming", "joint", "Cross-train procurement and technology staff",
                "Procurement staff learn the basics of cloud and agile delivery; technology staff learn procurement law and process."),
    StarterItem("T4", "teaming", "cio", "Bring the security office in from the start",
                "The chief information security officer reviews requirements before solicitation, not after award."),
    StarterItem("T5", "teaming", "joint", "Staff evaluation teams for major purchases from both offices",
                "Every evaluation of a major technology purchase includes evaluators from each office."),
    StarterItem("I1", "interactions", "joint", "Meet on a fixed rhythm",
                "A standing CIO–CPO meeting, weekly or monthly, with the pipeline of upcoming purchases on the agenda."),
    StarterItem("I2", "interactions", "cio", "Involve procurement as soon as a technology need appears",
                "Agencies tell procurement about a need before requirements are written, so the right method is chosen early."),
    StarterItem("I3", "interactions", "cpo", "Allow negotiation during the process, not only at award",
                "Use methods that let the state negotiate with vendors before award where the law allows it."),
    StarterItem("I4", "interactions", "joint", "Use modular or iterative purchasing where it fits",
                "Break large systems into smaller purchases delivered and evaluated in increments."),
    StarterItem("I5", "interactions", "cpo", "Keep standard terms for technology, cloud and software services",
                "Maintained standard terms and conditions, including reasonable limits of liability."),
    StarterItem("I6", "interactions", "joint", "Review every major purchase together afterwards",
                "A short joint lessons-learned session after award and again after go-live."),
    StarterItem("B1", "budgeting", "joint", "Keep a shared forecast of technology purchases",
                "A pipeline of planned purchases for the next four to eight quarters that both offices maintain."),
    StarterItem("B2", "budgeting", "cpo", "Align the procurement calendar with the budget cycle",
                "Solicitations timed so that contracts can start when funds become available."),
    StarterItem("B3", "budgeting", "cio", "Plan budgets for subscription services as well as capital projects",
                "Funding models that fit cloud and software-as-a-service, which are paid as operating costs."),
    StarterItem("B4", "budgeting", "joint", "Plan together before major budget requests",
                "A joint session before agencies submit major technology budget requests."),
    StarterItem("B5", "budgeting", "joint", "Track the total cost and the savings of technology contracts",
                "Total cost of ownership, savings and cost avoidance, reported once a year."),
]  # fmt: skip


def load_framework() -> dict[str, int]:
    """Create or correct the 2016 edition and its starter items, published."""
    from django.utils import timezone

    from actionplan.models import Dimension, Framework, FrameworkItem

    changed = 0
    framework = Framework.objects.filter(edition=FRAMEWORK_2016["edition"]).first()
    if framework is None:
        framework = Framework.objects.create(
            **FRAMEWORK_2016, state=Framework.State.PUBLISHED, published_at=timezone.now()
        )
        changed += 1
    elif upsert(Framework, {"pk": framework.pk}, {k: v for k, v in FRAMEWORK_2016.items() if k != "edition"}):
        changed += 1
    dimensions = {d.slug: d for d in Dimension.objects.all()}
    for position, row in enumerate(STARTER_ITEMS):
        fields = {
            "dimension": dimensions[row.dimension],
            "side": row.side,
            "title": row.title,
            "description": row.description,
            "is_proposed_starter": True,
            "position": position,
        }
        if upsert(FrameworkItem, {"framework": framework, "code": row.code}, fields):
            changed += 1
    return {"framework rows": changed}
