"""Reference data owned by the library: the four dimensions, the national framework's 2016
edition, publications, recommendation areas and recommendations, milestones and case studies,
from shared/DOMAIN.md, in our own words.

Loaded by `manage.py load_reference`; idempotent (a second run changes nothing). Each row is keyed
on a stable natural key (a slug, an edition, a framework item's code, an area's name, a
recommendation's publication and number), so a re-run creates what is missing and corrects a
seeded row nobody has edited, while a seeded row staff edited in the admin, and every row staff
added (the eleven recommendations of the 2017 paper that are not public yet, say), is left as it
is (directory/reference.py: upsert). Links between rows (dimensions, related recommendations) are
only ever added: a link staff made is never removed.

The dimensions' names are those of the action plan NASPO and NASCIO published in January 2017
after their first joint CIO–CPO roundtable (Charlotte, July 2016); see shared/DOMAIN.md §1.

Honesty rules, because states act on what this library says:
- a recommendation is seeded only when a source states it; none is invented to fill a gap;
- every recommendation carries its source URL and how sure we are (from the publication itself,
  or only from press coverage), and says when its area is our reading rather than the source's;
- dates the sources give only to the month or year are stored with that precision.
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.db.models import Model
from django.utils import timezone

from directory.reference import Tally, upsert

DAY, MONTH, YEAR = "day", "month", "year"
PUBLICATION, PRESS = "publication", "press"

# --- Sources (several rows cite the same page) -------------------------------------------------
NASCIO_BLOG_2016_08 = "https://community.nascio.org/blogs/meredith-ward/2016/08/26/nascio-policy-talk"
NASCIO_BLOG_2017_02 = "https://community.nascio.org/blogs/meredith-ward/2017/02/17/a-year-in-it-procurement-reform"
NASPO_2017_01 = "https://naspo-v1.staginglink.io/navigating-the-it-procurement-landscape-2"
NASCIO_RELEASE_2017_01 = (
    "http://www.nascio.org/Newsroom/ArtMID/484/ArticleID/457/"
    "State-Government-Associations-Establish-Action-Plan-for-Navigating-the-IT-Purchasing-Landscape"
)
STATESCOOP_2016 = "https://statescoop.com/national-roundtable-brings-cios-cpos-together-to-solve-procurement-woes/"
TASK_FORCE_RELEASE = (
    "https://www.nascio.org/press-releases/"
    "state-government-associations-release-it-procurement-recommendations-and-roadmap-for-reform/"
)
PAPER_2017 = (
    "https://www.nascio.org/resource-center/resources/"
    "state-it-procurement-negotiations-working-together-to-reform-and-transform/"
)
GCN_README_2017 = "https://gcn.com/Articles/2017/09/21/ReadMe-NASCIO-Procurement-Report.aspx"
GOVWIN_2017 = (
    "https://iq.govwin.com/neo/marketAnalysis/view/2359"
    "?title=5-Key-Recommendations-for-Improving-State-IT-Procurement&researchTypeId=1"
)
GOVTECH_2016_CALL = "http://www.govtech.com/budget-finance/NASCIO-Calls-for-Changes-to-State-IT-Procurement.html"
STATETECH_2025 = (
    "https://statetechmagazine.com/article/2025/10/nascio-2025-cios-recommend-state-government-procurement-reform"
)


# --- The four dimensions ----------------------------------------------------------------------


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


# --- Publications -------------------------------------------------------------------------------


class PublicationRow(NamedTuple):
    slug: str
    title: str
    published_on: datetime.date
    date_precision: str
    associations: tuple[str, ...]
    url: str
    summary: str
    other_authors: str = ""
    expected_recommendations: int | None = None


PUBLICATIONS: list[PublicationRow] = [
    PublicationRow(
        "nascio-2004-limitations-on-liability",
        "Gaining Traction on the Road to Win-Win: Limitations on Liability in State IT Contracting",
        datetime.date(2004, 1, 1),
        YEAR,
        ("NASCIO",),
        "https://www.nascio.org/resource-center/resources/"
        "gaining-traction-on-the-road-to-win-win-limitations-on-liability-in-state-it-contracting/",
        "NASCIO's paper on the liability states ask technology vendors to accept. It asked states to "
        "stop requiring unlimited liability in their IT contracts. NASCIO revisited the research with "
        "an infographic in January 2013.",
    ),
    PublicationRow(
        "nascio-2016-call-for-reform",
        "NASCIO call to action on state IT procurement reform",
        datetime.date(2016, 2, 25),
        DAY,
        ("NASCIO",),
        GOVTECH_2016_CALL,
        "NASCIO's call to action on how states buy technology: five recommendations to states, on "
        "liability, terms and conditions, performance bonds, enterprise architecture and negotiation. "
        "NASPO later endorsed them.",
        expected_recommendations=5,
    ),
    PublicationRow(
        "roundtable-action-plan-2017",
        "Joint CIO–CPO action plan from the 2016 roundtable",
        datetime.date(2017, 1, 12),
        DAY,
        ("NASPO", "NASCIO"),
        NASPO_2017_01,
        "The action plan that came out of “Designing for Agility”, the first national roundtable of "
        "state CIOs and CPOs (Charlotte, July 2016). It sets a shared vision for the two offices in four "
        "dimensions: governance and organizational structure; teaming and roles; interactions and "
        "processes; budgeting and forecasting. For quick wins it looks at changes that need no new "
        "legislation, such as terms and conditions and the negotiation process. The items it lists "
        "under each dimension are not public; Joint Plan's national framework offers proposed starter "
        "items in their place.",
    ),
    PublicationRow(
        "topical-roundtable-summary-2017",
        "NASCIO and NASPO Topical Roundtable Summary",
        datetime.date(2017, 1, 12),
        DAY,
        ("NASPO", "NASCIO"),
        NASPO_2017_01,
        "The report-out of the 2016 roundtable, published with the action plan. NASCIO posted both on "
        "its procurement page; the text of the summary was not available when this library was compiled.",
    ),
    PublicationRow(
        "it-procurement-negotiations-2017",
        "State IT Procurement Negotiations: Working Together to Reform and Transform",
        datetime.date(2017, 9, 19),
        DAY,
        ("NASPO", "NASCIO"),
        PAPER_2017,
        "The paper of the NASPO–NASCIO Joint Task Force on State IT Procurement Negotiations, released "
        "in Lexington, Kentucky. It makes 18 joint recommendations, each with suggested ways to carry it "
        "out, in four areas: relationship building, procurement processes, centralization, and "
        "legislation and policy. It draws on a survey of CPOs and CIOs that forty states answered. The "
        "task force was co-chaired by Sarah Hilderbrand (Idaho CPO) and Jim Smith (Maine CIO); Meredith "
        "Ward of NASCIO was the principal author of the 24-page paper. Its full text was not available "
        "to us: the recommendations here are those press coverage recovered, and the rest are not "
        "public yet.",
        expected_recommendations=18,
    ),
    PublicationRow(
        "buyer-be-aware-2021",
        "Buyer Be Aware: Integrating Cybersecurity into the Acquisition Process",
        datetime.date(2021, 4, 27),
        DAY,
        ("NASPO", "NASCIO"),
        "https://www.nascio.org/press-releases/nascio-cis-and-naspo-call-for-cyber-and-acquisition-integration/",
        "Bring the state's chief information security officer into a technology purchase at the start, "
        "not at the end, and hold vendors to the security standards the state holds itself to. It notes "
        "falling confidence in third-party vendors and the need to secure the supply chain; NASPO's "
        "summary names mitigation strategies such as market research and risk management.",
        other_authors="Center for Internet Security (CIS)",
    ),
    PublicationRow(
        "ai-powered-procurement-2024",
        "AI-Powered Procurement: Harnessing AI's Potential for More Efficient State Procurement Practices",
        datetime.date(2024, 10, 15),
        DAY,
        ("NASPO", "NASCIO"),
        "https://www.nascio.org/category/press-releases/page/2",
        "Built from interviews with CPOs, CIOs, AI vendors and platform intermediaries. In four parts: "
        "what AI could do for state procurement, what stands in the way of using it, good practice for "
        "adopting it, and a strategic path to bringing it in.",
    ),
    PublicationRow(
        "nascio-2025-procurement-initiative",
        "NASCIO 2025 procurement initiative (presented at the annual conference)",
        datetime.date(2025, 10, 1),
        MONTH,
        ("NASCIO",),
        STATETECH_2025,
        "A NASCIO presidential initiative led by Amanda Crawford, Texas CIO, presented with five "
        "recommendations to states at NASCIO's 2025 annual conference in Denver. No published paper or "
        "title was found, so the recommendations here come from press coverage. Only 14% of NASCIO's "
        "corporate members answered its procurement inquiry.",
        expected_recommendations=5,
    ),
]


# --- Recommendation areas and recommendations --------------------------------------------------


class AreaRow(NamedTuple):
    name: str
    publication: str  # Publication slug
    position: int
    summary: str = ""


AREAS: list[AreaRow] = [
    AreaRow("Relationship building", "it-procurement-negotiations-2017", 1),
    AreaRow("Procurement processes", "it-procurement-negotiations-2017", 2),
    AreaRow(
        "Centralization",
        "it-procurement-negotiations-2017",
        3,
        "Press coverage of the paper credits centralization with accountability, transparency and best "
        "value in large procurements.",
    ),
    AreaRow(
        "Legislation and policy",
        "it-procurement-negotiations-2017",
        4,
        "Half of the officials surveyed said both statute and policy changes would be needed before "
        "their state could negotiate during a procurement rather than at or after award.",
    ),
]


class RecommendationRow(NamedTuple):
    publication: str  # Publication slug
    number: str
    text: str
    source_url: str
    confidence: str
    area: str = ""  # RecommendationArea name
    area_is_inferred: bool = False


RECOMMENDATIONS: list[RecommendationRow] = [
    # NASCIO's 2016 call to action: all five, as NASCIO's own blog states them.
    RecommendationRow(
        "nascio-2016-call-for-reform",
        "1",
        "Remove clauses that require vendors to accept unlimited liability from the state's terms and conditions.",
        NASCIO_BLOG_2016_08,
        PUBLICATION,
    ),
    RecommendationRow(
        "nascio-2016-call-for-reform",
        "2",
        "Adopt more flexible terms and conditions for technology contracts.",
        NASCIO_BLOG_2016_08,
        PUBLICATION,
    ),
    RecommendationRow(
        "nascio-2016-call-for-reform",
        "3",
        "Stop requiring performance bonds from technology vendors.",
        NASCIO_BLOG_2016_08,
        PUBLICATION,
    ),
    RecommendationRow(
        "nascio-2016-call-for-reform",
        "4",
        "Use enterprise architecture (the state's technology strategy and standards) to buy technology better.",
        NASCIO_BLOG_2016_08,
        PUBLICATION,
    ),
    RecommendationRow(
        "nascio-2016-call-for-reform",
        "5",
        "Improve the negotiation process.",
        NASCIO_BLOG_2016_08,
        PUBLICATION,
    ),
    # The 2017 paper: the seven of eighteen that press coverage recovered (DOMAIN.md §2.3). The
    # other eleven stay missing until the paper's text is at hand; staff add them in the admin.
    RecommendationRow(
        "it-procurement-negotiations-2017",
        "R1",
        "Set out each party's roles and responsibilities in buying technology, spot the main challenges "
        "early, and plan and streamline each purchase together.",
        GCN_README_2017,
        PRESS,
        "Relationship building",
        area_is_inferred=True,
    ),
    RecommendationRow(
        "it-procurement-negotiations-2017",
        "R2",
        "Bring the management of technology procurement under one umbrella, so that the state uses its "
        "full buying power and saves time and money.",
        GCN_README_2017,
        PRESS,
        "Centralization",
        area_is_inferred=True,
    ),
    RecommendationRow(
        "it-procurement-negotiations-2017",
        "R3",
        "Name a point of contact in both the CPO's and the CIO's office, to improve communication and the "
        "flow of work between them.",
        GCN_README_2017,
        PRESS,
        "Relationship building",
        area_is_inferred=True,
    ),
    RecommendationRow(
        "it-procurement-negotiations-2017",
        "R4",
        "Where it fits, buy iteratively rather than in one waterfall procurement, to shorten buying "
        "cycles, add flexibility and lower risk.",
        GCN_README_2017,
        PRESS,
        "Procurement processes",
        area_is_inferred=True,
    ),
    RecommendationRow(
        "it-procurement-negotiations-2017",
        "R5",
        "Explore small-scale technology procurements. (The only public copy breaks off partway through "
        "this recommendation; the rest of its text is not known.)",
        GCN_README_2017,
        PRESS,
        "Procurement processes",
        area_is_inferred=True,
    ),
    RecommendationRow(
        "it-procurement-negotiations-2017",
        "R6",
        "Cross-educate and train everyone involved, and build a closer CIO–CPO relationship around shared goals.",
        GOVWIN_2017,
        PRESS,
        "Relationship building",
    ),
    RecommendationRow(
        "it-procurement-negotiations-2017",
        "R7",
        "Negotiate earlier in the procurement, not only at or after award: negotiation is widely used "
        "and generally helps both sides.",
        GOVWIN_2017,
        PRESS,
        "Procurement processes",
        area_is_inferred=True,
    ),
    # NASCIO's 2025 initiative: five recommendations known only from press coverage.
    RecommendationRow(
        "nascio-2025-procurement-initiative",
        "1",
        "Modernize the processes the state uses to buy technology.",
        STATETECH_2025,
        PRESS,
    ),
    RecommendationRow(
        "nascio-2025-procurement-initiative",
        "2",
        "Update terms and conditions so that they fit modern technology.",
        STATETECH_2025,
        PRESS,
    ),
    RecommendationRow(
        "nascio-2025-procurement-initiative",
        "3",
        "Eliminate paper processes.",
        STATETECH_2025,
        PRESS,
    ),
    RecommendationRow(
        "nascio-2025-procurement-initiative",
        "4",
        "Leave room for future technologies: avoid requirements so prescriptive that they shut out newer solutions.",
        STATETECH_2025,
        PRESS,
    ),
    RecommendationRow(
        "nascio-2025-procurement-initiative",
        "5",
        "Innovate.",
        STATETECH_2025,
        PRESS,
    ),
]


# --- Milestones: dated facts that are neither events nor publications --------------------------


class MilestoneRow(NamedTuple):
    slug: str
    happened_on: datetime.date
    date_precision: str
    title: str
    summary: str
    source_url: str


MILESTONES: list[MilestoneRow] = [
    MilestoneRow(
        "liability-infographic-2013",
        datetime.date(2013, 1, 24),
        DAY,
        "NASCIO updates its liability research with an infographic",
        "The infographic sorts the states three ways: liability limits set in statute, no limits, or "
        "limits negotiated contract by contract. Alex Pettit, Oklahoma CIO, was co-chair of NASCIO's State "
        "IT Procurement Modernization Committee at the time.",
        "http://www.nascio.org/newsroom/pressrelease.cfm?id=152",
    ),
    MilestoneRow(
        "cio-survey-2013",
        datetime.date(2013, 1, 1),
        YEAR,
        "NASCIO 2013 State CIO Survey, “The Enterprise Imperative”",
        "CIOs of 50 states and 4 territories answered. 51% were very or somewhat dissatisfied with IT "
        "procurement and 60% called it very or somewhat ineffective; their top complaints were how long "
        "procurements take and a risk aversion that stifles innovation.",
        "https://spendmatters.com/2013/11/01/unsettling-state-state-level-procurement/",
    ),
    MilestoneRow(
        "cio-survey-2015",
        datetime.date(2015, 10, 1),
        MONTH,
        "NASCIO 2015 State CIO Survey, “The Value Equation”",
        "47% of state CIOs viewed IT procurement negatively, in line with the 2010, 2012 and 2013 "
        "surveys, and 70% of NASCIO's corporate partners were moderately to very dissatisfied.",
        "https://www.nascio.org/Newsroom/ArtMID/484/ArticleID/337/NASCIO-Issues-Calls-for-State-IT-Procurement-Reform",
    ),
    MilestoneRow(
        "wisconsin-cronin-award-2016",
        datetime.date(2016, 9, 1),
        MONTH,
        "Wisconsin wins a NASPO Cronin Award for its IT procurement playbook",
        "Wisconsin's Bureau of Procurement won a 2016 Silver Cronin Award for its IT Procurement Best "
        "Practices Playbook, which drew on NASCIO's call for reform.",
        NASCIO_BLOG_2017_02,
    ),
    MilestoneRow(
        "cio-survey-2016",
        datetime.date(2016, 9, 1),
        MONTH,
        "NASCIO 2016 State CIO Survey",
        "Fewer than 5% of states do no negotiating at all between the submission of proposals and the award.",
        NASCIO_BLOG_2017_02,
    ),
    MilestoneRow(
        "task-force-vote-2016",
        datetime.date(2016, 12, 1),
        MONTH,
        "NASCIO and NASPO leaders vote to form a joint task force on negotiations",
        "The vote that led to the Joint Task Force on State IT Procurement Negotiations, formed in February 2017.",
        NASCIO_BLOG_2017_02,
    ),
    MilestoneRow(
        "idaho-terms-revision-2016",
        datetime.date(2016, 12, 1),
        MONTH,
        "Idaho says it will revise its IT terms and conditions",
        "NASCIO had testified in Idaho in October 2016.",
        NASCIO_BLOG_2017_02,
    ),
]


# --- Case studies (DOMAIN.md §5) ----------------------------------------------------------------


class CaseStudyRow(NamedTuple):
    slug: str
    title: str
    jurisdiction: str  # USPS code
    years: str
    summary: str
    key_facts: list[str]
    sources: list[dict[str, str]]
    topics: list[str]
    dimensions: tuple[str, ...]  # Dimension slugs (DIMENSIONS above)
    recommendations: tuple[tuple[str, str], ...]  # (publication slug, number)


def _source(title: str, url: str) -> dict[str, str]:
    return {"title": title, "url": url}


CASE_STUDIES: list[CaseStudyRow] = [
    CaseStudyRow(
        "california-child-welfare-modular-procurement",
        "California: buying a child welfare system in modules",
        "CA",
        "2015–today",
        "In November 2015 California dropped the single waterfall RFP it had planned for a new child "
        "welfare system and bought it instead in modules, with agile, user-centered delivery. The "
        "Department of Social Services and the Office of Systems Integration led, with Government "
        "Operations and the Department of Technology; Code for America reviewed the draft RFP and 18F "
        "helped through a partnership with the federal Department of Health and Human Services. Vendors "
        "were pre-vetted into a pool, then smaller RFPs were bid one at a time.\n\n"
        "The project was discussed at the first joint CIO–CPO roundtable in 2016. It has since grown "
        "well beyond its first estimate and remains under independent oversight: a reminder that "
        "modular buying changes how risk is managed, not whether it exists.",
        [
            "The waterfall RFP due out on 24 November 2015 was replaced by modular procurement.",
            "About a $500M project at the start, for 20,000–25,000+ state and county users.",
            "More than 500,000 abuse and neglect reports a year; about 54,000 children in foster care on any given day.",
            "The federal government pays about half, through an HHS grant.",
            "First modules: an API and platform module, and Intake; two-week sprints; six core counties.",
            "CivicActions won the DevOps contract: $680K initial ceiling, extendable to $4.8M, open-source by default.",
            "CARES 1.0 phase 2 went live on 22 October 2018.",
            "2025 state project tracking: total cost $1,711,011,443, approved finish 28 April 2028, oversight rating Yellow.",
        ],
        [
            _source(
                "18F: Leadership and innovation in California child welfare services (2016)",
                "http://18f.gsa.gov/2016/11/17/leadership-innovation-california-child-welfare-services/",
            ),
            _source(
                "18F: Helping California buy a new child welfare system (2016, archived copy)",
                "https://preserved.org.uk/18f.gsa.gov/2016/03/22/helping-california-buy-a-new-child-welfare-system/index.html",
            ),
            _source("GCN: California agile procurement (2016)", "https://gcn.com/articles/2016/02/02/california-agile-procurement.aspx"),
            _source("California Department of Technology blog: update on CWDS (2016)", "https://techblog.ca.gov/2016/07/update-on-cwds-project/"),
            _source(
                "GovTech: California's agile child welfare project awards bid to CivicActions",
                "https://www.govtech.com/biz/californias-agile-child-welfare-project-awards-bid-to-civicactions.html",
            ),
            _source(
                "California project tracking: CWS-CARES",
                "https://projecttracking.technology.ca.gov/Home/Details?id=7ee43921-424d-4eba-a6fc-46417f92ed27",
            ),
            _source("StateScoop: the 2016 roundtable, where the project was discussed", STATESCOOP_2016),
        ],
        ["modular", "agile", "user-centered design", "vendor pool"],
        ("interactions", "teaming"),
        (
            ("it-procurement-negotiations-2017", "R4"),
            ("it-procurement-negotiations-2017", "R5"),
            ("nascio-2025-procurement-initiative", "1"),
        ),
    ),
    CaseStudyRow(
        "ohio-data-center-consolidation",
        "Ohio: consolidating agency data centers into a state private cloud",
        "OH",
        "2013–2016",
        "In 2013 Ohio signed a 10-year, $267M contract with IBM to rebuild the State of Ohio Computing "
        "Center and consolidate about 30 agency data centers into a private cloud run by the state. More "
        "than 5,000 agency server instances moved into it; 22 of 26 cabinet agencies migrated in about 30 "
        "months. Agencies were governed through a technology board organized by lines of business.\n\n"
        "Press accounts describe this as moving 5,000 servers “to the cloud”: in the sources that means "
        "consolidation into the state's own private cloud. Ohio's story was discussed at the first joint "
        "CIO–CPO roundtable in 2016.",
        [
            "IBM contract: 10 years, $267M; target savings $150M over 5 years.",
            "Executive-branch IT spending in FY2012: over $830M.",
            "Starting point: 9,000 servers, more than 2,000 applications, 26 cabinet agencies with their own CIOs, 32 data centers.",
            "More than 5,000 agency server instances consolidated into the state computing center.",
            "22 of 26 cabinet agencies migrated in about 30 months.",
            "Ohio State University co-located its data center there; Cuyahoga County expected about $1M a year in savings.",
        ],
        [
            _source(
                "Columbus Business First: the state moving away from data condos (2013)",
                "https://www.bizjournals.com/columbus/print-edition/2013/03/29/state-moving-away-from-data-condos.html",
            ),
            _source(
                "Route Fifty: Ohio undoing decades of IT sprawl (2013)",
                "https://route-fifty.com/infrastructure/2013/03/ohio-undoing-decades-of-it-sprawl-with-shared-infrastructure/281676",
            ),
            _source("GovTech: data center sharing grows in Ohio", "https://www.govtech.com/computing/data-center-sharing-grows-in-ohio.html"),
            _source("ZDNet: Ohio shows that consolidation can work", "https://www.zdnet.com/article/ohio-shows-that-consolidation-can-work/"),
            _source("GCN: Ohio's computing center (2016)", "https://gcn.com/articles/2016/05/06/ohio-socc.aspx"),
            _source("Sync magazine: State of Ohio (2016)", "https://sync-magazine.com/2016/state-of-ohio/"),
            _source("StateScoop: the 2016 roundtable, where the project was discussed", STATESCOOP_2016),
        ],
        ["consolidation", "private cloud", "centralization"],
        ("governance",),
        (("it-procurement-negotiations-2017", "R2"),),
    ),
    CaseStudyRow(
        "georgia-gets-managed-services",
        "Georgia: technology as managed services (GETS)",
        "GA",
        "2008–today",
        "Since 2009 Georgia has bought its core technology infrastructure as managed services from "
        "private partners, in the Georgia Enterprise Technology Services (GETS) public-private "
        "partnership, with a multisourcing service integrator coordinating the providers. A five-stage "
        "procurement cycle rebids the services regularly for 14 core agencies.",
        [
            "2008 contracts: IBM for infrastructure, $873M over 8 years; AT&T for the managed network, $346M over 5 years.",
            "Capgemini became the multisourcing service integrator in 2015.",
            "$379M in cost reductions over the first 10 years.",
            "A five-stage procurement cycle rebids services; 14 core agencies.",
        ],
        [
            _source("GovTech: Georgia selects IBM for $873 million", "https://www.govtech.com/pcio/Georgia-Selects-IBM-for-873-Million.html"),
            _source(
                "Georgia Technology Authority newsletter (archived)",
                "http://archive.constantcontact.com/fs179/1102418460998/archive/1119975880247.html",
            ),
            _source("Georgia Technology Authority: technology services", "https://gta.georgia.gov/technology-services-1"),
        ],
        ["managed services", "multisourcing", "centralization"],
        ("governance", "interactions"),
        (("it-procurement-negotiations-2017", "R2"),),
    ),
    CaseStudyRow(
        "colorado-procurement-modernization",
        "Colorado: a modernized procurement code, mini-bids and a digital service",
        "CO",
        "2015–2019",
        "Colorado's Department of Personnel & Administration began a Procurement Modernization "
        "Initiative in 2015; a 2017 act modernized the procurement code, with new rules in effect from "
        "October 2018. The Office of Information Technology prequalified a pool of vendors who then "
        "compete in quick “mini-bids”, and the Colorado Digital Service, founded inside the Office of "
        "Information Technology in 2019, counts procurement and contracting specialists among its staff.",
        [
            "Procurement Modernization Initiative started in 2015.",
            "HB17-1051, “Procurement Code Modernization”; new rules in effect on 1 October 2018.",
            "A prequalified vendor pool competes in mini-bids for technology work.",
            "The Colorado Digital Service (2019) includes procurement and contracting specialists.",
        ],
        [
            _source("Colorado State Controller: Procurement Modernization Initiative", "https://osc.colorado.gov/spco/pmi"),
            _source(
                "GovTech: Colorado turns to mini-bids to streamline IT procurement",
                "https://www.govtech.com/computing/colorado-turns-to-mini-bids-to-streamline-simplify-it-procurement.html",
            ),
            _source("Colorado OIT: the Colorado Digital Service's first five years", "https://oit.colorado.gov/colorado-digital-service-first-five-years"),
        ],
        ["legislation", "vendor pool", "digital service"],
        ("governance", "teaming", "interactions"),
        (
            ("nascio-2025-procurement-initiative", "1"),
            ("it-procurement-negotiations-2017", "R4"),
        ),
    ),
    CaseStudyRow(
        "texas-dir-planned-procurement-schedule",
        "Texas: a planned procurement schedule to pool demand",
        "TX",
        "2006",
        "Since 2006 the Texas Department of Information Resources has asked agencies, twice a year, for "
        "the technology purchases they plan over the next four quarters, so that it can pool their "
        "demand and negotiate as one buyer. It is a working example of forecasting purchases before "
        "they arrive.",
        [
            "Agencies report planned technology purchases for the next four quarters, twice a year.",
            "Pooled demand lets the state negotiate as one large buyer.",
        ],
        [
            _source(
                "GovTech: Texas uses purchasing projections to strike deals",
                "http://www.govtech.com/policy-management/Texas-Uses-Purchasing-Projections-to-Strike.html",
            ),
        ],
        ["forecasting", "demand aggregation"],
        ("budgeting",),
        (("it-procurement-negotiations-2017", "R2"),),
    ),
    CaseStudyRow(
        "wisconsin-it-procurement-playbook",
        "Wisconsin: an IT procurement best practices playbook",
        "WI",
        "2016–2021",
        "Wisconsin's Bureau of Procurement wrote an IT Procurement Best Practices Playbook that drew on "
        "NASCIO's 2016 call for reform, and won a NASPO Silver Cronin Award for it in 2016. In 2021 the "
        "bureau won the Gold Cronin Award for standard computer configurations.",
        [
            "2016 NASPO Silver Cronin Award for the IT Procurement Best Practices Playbook.",
            "2021 NASPO Gold Cronin Award for standard computer configurations: more than $5M saved in FY2020.",
        ],
        [
            _source("NASCIO blog: a year in IT procurement reform (2017)", NASCIO_BLOG_2017_02),
            _source(
                "American City & County: the evolution of Wisconsin's IT procurement playbook (2017)",
                "https://www.americancityandcounty.com/2017/09/12/the-evolution-of-wisconsins-it-procurement-best-practices-playbook/",
            ),
            _source(
                "WisBusiness: Wisconsin Bureau of Procurement wins top Cronin honor (2021)",
                "https://www.wisbusiness.com/2021/wisconsin-bureau-of-procurement-wins-top-honor-in-the-cronin-awards-for-procurement-excellence/",
            ),
        ],
        ["playbook", "standard configurations", "award"],
        ("interactions",),
        # The playbook's own contents are not in the sources, so no recommendation is linked to it.
        (),
    ),
    CaseStudyRow(
        "idaho-terms-and-conditions",
        "Idaho: revised IT terms and conditions and an invitation to negotiate",
        "ID",
        "2016–2019",
        "After NASCIO testified in Idaho in October 2016, the state said in December 2016 that it would "
        "revise its IT terms and conditions. Idaho now publishes standard terms for cloud services and "
        "for on-premises software, and a 2019 rule added an “invitation to negotiate” method. Idaho's CPO "
        "co-chaired the 2017 joint task force on negotiations.",
        [
            "December 2016: Idaho says it will revise its IT terms and conditions.",
            "Standard terms and conditions for cloud services and for on-premises software (dated January 2019).",
            "2019: a rule adds an “invitation to negotiate” procurement method.",
        ],
        [
            _source("NASCIO blog: a year in IT procurement reform (2017)", NASCIO_BLOG_2017_02),
            _source("Idaho Division of Purchasing: governing laws and policies", "https://purchasing.idaho.gov/governing-laws-and-policies/"),
            _source(
                "Idaho Business Review: Senate committee passes amended purchasing rule (2019)",
                "https://idahobusinessreview.com/2019/01/31/senate-committee-passes-amended-purchasing-rule/",
            ),
        ],
        ["terms and conditions", "cloud", "negotiation"],
        ("interactions", "governance"),
        (
            ("nascio-2016-call-for-reform", "2"),
            ("nascio-2016-call-for-reform", "5"),
            ("it-procurement-negotiations-2017", "R7"),
            ("nascio-2025-procurement-initiative", "2"),
        ),
    ),
    CaseStudyRow(
        "massachusetts-procurement-oversight",
        "Massachusetts: central oversight of goods, services and IT procurement",
        "MA",
        "2011–2024",
        "An executive order in 2011 gave the Operational Services Division oversight and coordination of "
        "executive-branch purchases of goods and services. On the technology side, the Executive Office "
        "of Technology Services and Security may initiate IT procurements and set IT procurement policy "
        "by statute, and a 2024 administrative directive governs the oversight and approval of IT "
        "procurements. No joint NASPO–NASCIO write-up of Massachusetts was found.",
        [
            "Executive Order 533 (May 2011): the Operational Services Division oversees executive-branch procurement of goods and services.",
            "About $1B a year on goods and services (excluding energy, space rental, construction and health and human services).",
            "FY2013 goal: raise the use of statewide contracts from $978.5M to $1.272B.",
            "MGL ch. 7D §3: the technology office can initiate IT procurements and set IT procurement policy.",
            "Administrative Directive 2024-1, “Oversight and Approval of IT Procurements” (23 October 2024).",
        ],
        [
            _source("Operational Services Division 2013–2015 strategic plan (copy)", "https://docsbay.net/osd-2013-2015-strategic-plan"),
            _source(
                "Massachusetts General Laws ch. 7D §3",
                "https://lawserver.com/law/state/massachusetts/ma-laws/massachusetts_general_laws_7d_3",
            ),
            _source(
                "Mass.gov: Administrative Directive 2024-1",
                "https://www.mass.gov/directive/administrative-directive-2024-1-oversight-and-approval-of-it-procurements",
            ),
        ],
        ["centralization", "oversight", "statewide contracts"],
        ("governance",),
        (("it-procurement-negotiations-2017", "R2"),),
    ),
]  # fmt: skip


# --- Loading ----------------------------------------------------------------------------------


def load() -> Tally:
    """Create the library's reference rows, and correct those nobody has edited.

    Runs inside load_reference's transaction, after the directory's rows (the associations and
    jurisdictions it links to)."""
    from directory.models import Association, Jurisdiction
    from library.models import (
        CaseStudy,
        Dimension,
        Framework,
        FrameworkItem,
        Milestone,
        Publication,
        Recommendation,
        RecommendationArea,
    )

    tally = Tally(
        "dimensions",
        "framework rows",
        "publications",
        "recommendation areas",
        "recommendations",
        "milestones",
        "case studies",
    )

    for dimension_row in DIMENSIONS:
        fields = dimension_row._asdict()
        tally.add("dimensions", upsert(Dimension, {"slug": fields.pop("slug")}, fields))
    dimensions = {d.slug: d for d in Dimension.objects.all()}

    framework = Framework.objects.filter(edition=FRAMEWORK_2016["edition"]).first()
    if framework is None:
        # Published as it is created; later loads correct its texts, never its state.
        framework = Framework.objects.create(
            **FRAMEWORK_2016, state=Framework.State.PUBLISHED, published_at=timezone.now()
        )
        tally.changed["framework rows"] += 1
    texts = {k: v for k, v in FRAMEWORK_2016.items() if k != "edition"}
    tally.add("framework rows", upsert(Framework, {"pk": framework.pk}, texts))
    for position, starter in enumerate(STARTER_ITEMS):
        fields = {
            "dimension": dimensions[starter.dimension],
            "side": starter.side,
            "title": starter.title,
            "description": starter.description,
            "is_proposed_starter": True,
            "position": position,
        }
        tally.add("framework rows", upsert(FrameworkItem, {"framework": framework, "code": starter.code}, fields))

    associations = {a.code: a for a in Association.objects.all()}
    jurisdictions = {j.code: j for j in Jurisdiction.objects.all()}

    publications: dict[str, Publication] = {}
    for publication_row in PUBLICATIONS:
        fields = publication_row._asdict()
        slug, codes = fields.pop("slug"), fields.pop("associations")
        tally.add(
            "publications",
            upsert(Publication, {"slug": slug}, fields, links={"associations": [associations[code] for code in codes]}),
        )
        publications[slug] = Publication.objects.get(slug=slug)

    areas: dict[str, RecommendationArea] = {}
    for area_row in AREAS:
        fields = area_row._asdict() | {"publication": publications[area_row.publication]}
        name = fields.pop("name")
        tally.add("recommendation areas", upsert(RecommendationArea, {"name": name}, fields))
        areas[name] = RecommendationArea.objects.get(name=name)

    recommendations: dict[tuple[str, str], Recommendation] = {}
    positions: dict[str, int] = {}
    for recommendation_row in RECOMMENDATIONS:
        paper = recommendation_row.publication
        positions[paper] = position = positions.get(paper, 0) + 1
        key = {"publication": publications[paper], "number": recommendation_row.number}
        fields = {
            "text": recommendation_row.text,
            "source_url": recommendation_row.source_url,
            "confidence": recommendation_row.confidence,
            "area": areas[recommendation_row.area] if recommendation_row.area else None,
            "area_is_inferred": recommendation_row.area_is_inferred,
            "position": position,
        }
        tally.add("recommendations", upsert(Recommendation, key, fields))
        recommendations[(paper, recommendation_row.number)] = Recommendation.objects.get(**key)

    for milestone_row in MILESTONES:
        fields = milestone_row._asdict()
        tally.add("milestones", upsert(Milestone, {"slug": fields.pop("slug")}, fields))

    for study_row in CASE_STUDIES:
        fields = study_row._asdict()
        slug = fields.pop("slug")
        dimension_slugs, recommendation_keys = fields.pop("dimensions"), fields.pop("recommendations")
        fields["jurisdiction"] = jurisdictions[study_row.jurisdiction]
        links: dict[str, list[Model]] = {
            "dimensions": [dimensions[s] for s in dimension_slugs],
            "recommendations": [recommendations[k] for k in recommendation_keys],
        }
        tally.add("case studies", upsert(CaseStudy, {"slug": slug}, fields, links=links))

    return tally
