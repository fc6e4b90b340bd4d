"""Who may open or post to every URL of the action plan: one table, derived from the rules.

The rules (directory/permissions.py and the views' docstrings), which the table below spells out:

- a state's own members read its plan; viewers only read;
- the CIO, the CPO and their delegates act, each for their own side; only the CIO and the CPO
  themselves start a plan or change who may read it;
- association staff (and superusers) read every plan, comment, and hand on a departed owner's
  items, but do not edit;
- members of other states read a plan only when it is shared with peers (or public), comments and
  evidence files included;
- the public (signed out, or signed in with no role in any state) never reads a plan's pages: for
  a public plan's dashboard, item lists and items they are sent to its public page ("public"; what
  that page shows, and that only a public plan has one: tests/reports/);
- whatever a signed-in person may not read answers 404, never 403; read-but-not-allowed answers 403;
- a signed-out visitor of anything else is sent to sign in, whether or not it exists (what they
  may read is decided after they sign in).

Each cell (URL × persona × plan) is its own test, on fresh data: people, plans, items and evidence
are built for every cell; only the read-only reference data (jurisdictions, dimensions, the
national framework) is loaded once per module; a cell builds only the plan it is about.
A URL added to the `actionplan` namespace without a row here (or, for the adoption pages, in
test_access_adoption.py) fails `test_every_actionplan_url_has_a_row`, by name.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoDbBlocker
from pytest_django.fixtures import Settings

from actionplan import services
from actionplan.models import Activity, Attachment, Item, Plan, Sharing, Status
from directory.models import Jurisdiction, Membership, User
from library.models import Framework
from library.services import current_framework
from tests import access, factories
from tests.actionplan.test_access_adoption import ROWS as ADOPTION_ROWS

pytestmark = pytest.mark.django_db

Role = Membership.Role

# --- The people and the plans -----------------------------------------------------------------

# The column order of every expectation string in the table below.
PERSONAS = access.PERSONAS
PLANS = ["A_private", "B_peers", "C_public"]
NO_PLAN = "no_plan"

# The plan each state member belongs to, and the side they act for there (viewers act for none).
HOME_PLAN = {"cio_A": "A_private", "cpo_A": "A_private", "cio_delegate_A": "A_private", "viewer_A": "A_private"}
HOME_PLAN |= {"cio_B": "B_peers"}
OWN_SIDE = {"cio_A": "cio", "cpo_A": "cpo", "cio_delegate_A": "cio", "cio_B": "cio"}

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@dataclass
class Target:
    """One plan as the matrix uses it: the plan, its joint item T1 with one piece of evidence,
    its CIO (who signs or uploads first when a row needs it) and a departed owner (turnover)."""

    key: str  # "A_private", "B_peers" or "C_public"
    plan: Plan
    item: Item
    attachment: Attachment
    cio: User
    departed: User


@dataclass
class World:
    """Everything a cell needs: the eight personas (anonymous is None) and the plans it is about."""

    people: dict[str, User | None]
    targets: dict[str, Target]
    framework: Framework


def _plan(key: str, code: str, *, cio: User, sharing: str, framework: Framework) -> Target:
    """A plan adopted the real way, with evidence on T1 and a former CIO delegate owning T2."""
    plan = services.adopt_framework(
        framework, jurisdiction=Jurisdiction.objects.get(code=code), fiscal_year=2027, by=cio
    )
    Plan.objects.filter(pk=plan.pk).update(sharing=sharing)
    plan.sharing = sharing
    item = plan.items.select_related("plan").get(framework_item__code="T1")
    upload = SimpleUploadedFile("Charter.pdf", PDF, content_type="application/pdf")
    attachment = services.attach_evidence(item, by=cio, upload=upload)
    # Someone who has left their role but still owns an item: what the turnover page is for.
    departed = factories.make_member(
        code,
        Role.CIO_DELEGATE,
        full_name=f"Former deputy {code}",
        started_on=datetime.date(2025, 1, 1),
        ended_on=datetime.date(2026, 6, 30),
    )
    Item.objects.filter(plan=plan, framework_item__code="T2").update(cio_owner=departed)
    return Target(key=key, plan=plan, item=item, attachment=attachment, cio=cio, departed=departed)


# Each plan: its state, its sharing level. Utah (C) is no persona's state: everyone reads it as an outsider.
PLAN_STATES = {
    "A_private": ("ID", Sharing.PRIVATE),
    "B_peers": ("ME", Sharing.PEERS),
    "C_public": ("UT", Sharing.PUBLIC),
}


def build_world(plans: list[str]) -> World:
    """The personas, and the FY2027 plans named in `plans`: Idaho's (state A, private), Maine's
    (state B, shared with peers), Utah's (public)."""
    cio_a = factories.make_member("ID", Role.CIO, email="cio@id.example", full_name="Dana Whitfield")
    cpo_a = factories.make_member("ID", Role.CPO, email="cpo@id.example", full_name="Marcus Oyelaran")
    people: dict[str, User | None] = {
        "anonymous": None,
        "cio_A": cio_a,
        "cpo_A": cpo_a,
        "cio_delegate_A": factories.make_member("ID", Role.CIO_DELEGATE, email="deputy@id.example"),
        "viewer_A": factories.make_member("ID", Role.VIEWER, email="viewer@id.example"),
        "cio_B": factories.make_member("ME", Role.CIO, email="cio@me.example", full_name="Robin Pelletier"),
        "staff": factories.make_staff("NASCIO", email="staff@nascio.example"),
        "superuser": User.objects.create_superuser("root@joint.example", factories.PASSWORD, full_name="Root"),
    }
    # Maine's CPO is no persona, but owns the CPO side of Maine's joint items, as in real life.
    factories.make_member("ME", Role.CPO, email="cpo@me.example", full_name="Jordan Thibodeau")
    framework = current_framework()
    assert framework is not None
    cio_b = people["cio_B"]
    assert cio_b is not None
    cios = {"ID": cio_a, "ME": cio_b}
    if "C_public" in plans:
        # Utah's CIO and CPO are no personas either: they start Utah's plan and own its joint items.
        cios["UT"] = factories.make_member("UT", Role.CIO, email="cio@ut.example", full_name="Lee Anderson")
        factories.make_member("UT", Role.CPO, email="cpo@ut.example", full_name="Kim Larsen")
    targets = {}
    for key in plans:
        code, sharing = PLAN_STATES[key]
        targets[key] = _plan(key, code, cio=cios[code], sharing=sharing, framework=framework)
    return World(people=people, targets=targets, framework=framework)


@pytest.fixture(scope="module")
def reference_once(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """The reference data (jurisdictions, dimensions, the framework), loaded once for the module
    inside a transaction that is rolled back at its end; each cell's own data is built fresh and
    rolled back to this point (pytest-django's per-test transaction becomes a savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        factories.load_reference()
        yield
        transaction.set_rollback(True)


WorldBuilder = Callable[[list[str]], World]


@pytest.fixture
def world_with(reference_once: None, db: None, settings: Settings, tmp_path: Path) -> WorldBuilder:
    """Builds fresh people, plans, items and evidence for a cell: the plans it names."""
    settings.MEDIA_ROOT = tmp_path
    return build_world


def side_for(persona: str, plan_key: str) -> str | None:
    """The side this persona acts for on this plan, if any."""
    return OWN_SIDE.get(persona) if HOME_PLAN.get(persona) == plan_key else None


# --- How each row builds its URL, its data, and what must exist first ------------------------

Url = Callable[[World, Target | None], str]
Data = Callable[[World, str, Target | None], dict[str, Any]]
Setup = Callable[[World, str, Target | None], None]


def _name(name: str, key: str | None = None) -> Url:
    def build(world: World, target: Target | None) -> str:
        if key is None:
            return reverse(f"actionplan:{name}")
        assert target is not None
        value = {"plan_id": target.plan.pk, "item_id": target.item.pk, "attachment_id": target.attachment.pk}[key]
        return reverse(f"actionplan:{name}", kwargs={key: value})

    return build


def _dimension(world: World, target: Target | None) -> str:
    assert target is not None
    return reverse("actionplan:dimension", kwargs={"plan_id": target.plan.pk, "dimension": target.item.dimension.slug})


def _path(path: str) -> Url:
    return lambda world, target: path


def adopt_data(world: World, persona: str, target: Target | None) -> dict[str, Any]:
    """Next fiscal year's plan for the persona's own state (Idaho for those without one)."""
    code = "ME" if persona == "cio_B" else "ID"
    return {
        "jurisdiction": Jurisdiction.objects.get(code=code).pk,
        "framework": world.framework.pk,
        "fiscal_year": 2028,
    }


def new_item_data(world: World, persona: str, target: Target | None) -> dict[str, Any]:
    assert target is not None
    return {
        "title": "Shared intake form",
        "dimension": target.item.dimension_id,
        "description": "One form both offices read.",
        "side": "joint",
        "cio_owner": "",
        "cpo_owner": "",
        "starts_on": target.plan.starts_on.isoformat(),
        "due_on": target.plan.ends_on.isoformat(),
    }


def edit_data(world: World, persona: str, target: Target | None) -> dict[str, Any]:
    """The edit form as it opens for T1, with a new title."""
    assert target is not None
    return factories.edit_data(target.item, title=f"{target.item.title} (revised)")


def update_data(world: World, persona: str, target: Target | None) -> dict[str, Any]:
    assert target is not None
    return {
        "side": side_for(persona, target.key) or "cio",
        "status": "on_track",
        "progress": 10,
        "narrative": "Both offices met and agreed the first draft.",
        "confidence": "high",
    }


def side_data(world: World, persona: str, target: Target | None) -> dict[str, Any]:
    """Sign or withdraw for the persona's own side (the CIO side for those without one)."""
    assert target is not None
    return {"side": side_for(persona, target.key) or "cio", "reason": "Signed too early."}


def signed_first(world: World, persona: str, target: Target | None) -> None:
    """Withdrawing needs a standing signature: the persona's own, or else the plan CIO's."""
    assert target is not None
    side = side_for(persona, target.key)
    signer = world.people[persona] if side else target.cio
    assert signer is not None
    services.sign_off(target.item, by=signer, side=side or "cio")


def marked_done(world: World, persona: str, target: Target | None) -> None:
    """The item is done (what both signatures would make it), so there is something to reopen."""
    assert target is not None
    Item.objects.filter(pk=target.item.pk).update(status=Status.DONE, progress=100)


def reopen_data(world: World, persona: str, target: Target | None) -> dict[str, Any]:
    return {"reason": "The contract needs a second review."}


def comment_data(world: World, persona: str, target: Target | None) -> dict[str, Any]:
    return {"body": "Looks good"}


def evidence_data(world: World, persona: str, target: Target | None) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("Minutes.pdf", PDF, content_type="application/pdf")}


def sharing_data(world: World, persona: str, target: Target | None) -> dict[str, Any]:
    """A change of level: A asks to widen to peers, B narrows to private."""
    assert target is not None
    return {"level": Sharing.PEERS if target.plan.sharing == Sharing.PRIVATE else Sharing.PRIVATE}


def other_office_asked_to_widen(world: World, persona: str, target: Target | None) -> None:
    """A request to widen sharing, pending from the office that is not the persona's own."""
    assert target is not None
    other = "cio" if side_for(persona, target.key) == "cpo" else "cpo"
    wider = Sharing.PEERS if target.plan.sharing == Sharing.PRIVATE else Sharing.PUBLIC
    Plan.objects.filter(pk=target.plan.pk).update(
        sharing_requested=wider, sharing_requested_by=target.cio, sharing_requested_side=other
    )


def decline_data(world: World, persona: str, target: Target | None) -> dict[str, Any]:
    return {"decision": "decline", "reason": "Not before the board meets"}


def transfer_data(world: World, persona: str, target: Target | None) -> dict[str, Any]:
    """Hand the former deputy's items to the plan's CIO."""
    assert target is not None
    key = f"cio-{target.departed.pk}"
    return {"vacancy": key, f"{key}-to_user": target.cio.pk}


# --- The table --------------------------------------------------------------------------------
#
# Outcomes: 200, 403, 404; "login" = 302 to /sign-in/?next=<this path>; "admin" = 302 to the
# admin's own sign-in; "done" = a 302 that is not to sign in, with no error message, and a new
# Activity row (the action happened). Every refused POST must leave the Activity log unchanged.


@dataclass(frozen=True)
class Row:
    """One URL (and method): how to reach it, and the outcome for each persona, per plan."""

    label: str  # the URL name (".POST" added when the same URL also has a GET row)
    method: str
    url: Url
    no_plan: str = ""  # for URLs that belong to no plan: one outcome per persona, in PERSONAS order
    a_private: str = ""  # on A's private plan
    b_peers: str = ""  # on B's plan, shared with peers
    c_public: str = ""  # on C's public plan, which no persona belongs to
    data: Data | None = None
    setup: Setup | None = None

    @property
    def url_name(self) -> str:
        return self.label.removesuffix(".POST")

    def expectations(self) -> dict[str, list[str]]:
        columns = {
            "A_private": self.a_private,
            "B_peers": self.b_peers,
            "C_public": self.c_public,
            NO_PLAN: self.no_plan,
        }
        return {plan: text.split() for plan, text in columns.items() if text}


# fmt: off
# Columns of every outcome string, in PERSONAS order:
#   anon = anonymous, deleg = cio_delegate_A, viewr = viewer_A, staff = NASCIO staff, super = superuser.
#                      anon  cio_A cpo_A deleg viewr cio_B staff super
READ_A     =          "login 200   200   200   200   404   200   200"
READ_B     =          "login 200   200   200   200   200   200   200"
READ_C     =          "public 200  200   200   200   200   200   200"
FILES_C    =          "login 200   200   200   200   200   200   200"
ACT_A      =          "login 200   200   200   403   404   403   403"
ACT_B      =          "login 403   403   403   403   200   403   403"
ACT_DONE_A =          "login done  done  done  403   404   403   403"
ACT_DONE_B =          "login 403   403   403   403   done  403   403"
REFUSE_C   =          "login 403   403   403   403   403   403   403"

ROWS: list[Row] = [
    # -- Pages that belong to no plan ------------- anon  cio_A cpo_A deleg viewr cio_B staff super
    Row("home",       "GET",  _name("home"),       "login 200   200   200   200   200   200   200"),
    Row("plans",      "GET",  _name("plans"),      "login 200   200   200   200   200   200   200"),
    # Starting a plan commits both offices: the CIO or the CPO, never a delegate, viewer or staff.
    Row("adopt",      "GET",  _name("adopt"),      "login 200   200   403   403   200   403   403"),
    Row("adopt.POST", "POST", _name("adopt"),      "login done  done  403   403   done  403   403",
        data=adopt_data),

    # -- Reading a plan: whoever may read it; anonymous is sent to a public plan's public page, never its evidence
    Row("plan",       "GET",  _name("plan", "plan_id"),             a_private=READ_A, b_peers=READ_B, c_public=READ_C),
    Row("items",      "GET",  _name("items", "plan_id"),            a_private=READ_A, b_peers=READ_B, c_public=READ_C),
    Row("dimension",  "GET",  _dimension,                           a_private=READ_A, b_peers=READ_B, c_public=READ_C),
    Row("item",       "GET",  _name("item", "item_id"),             a_private=READ_A, b_peers=READ_B, c_public=READ_C),
    Row("attachment", "GET",  _name("attachment", "attachment_id"), a_private=READ_A, b_peers=READ_B,
        c_public=FILES_C),

    # -- Acting for a side: the CIO, the CPO and their delegates, on their own plan only
    Row("item_create",       "GET",  _name("item_create", "plan_id"),  a_private=ACT_A, b_peers=ACT_B, c_public=REFUSE_C),
    Row("item_create.POST",  "POST", _name("item_create", "plan_id"),  a_private=ACT_DONE_A, b_peers=ACT_DONE_B,
        c_public=REFUSE_C, data=new_item_data),
    Row("item_edit",         "GET",  _name("item_edit", "item_id"),    a_private=ACT_A, b_peers=ACT_B, c_public=REFUSE_C),
    Row("item_edit.POST",    "POST", _name("item_edit", "item_id"),    a_private=ACT_DONE_A, b_peers=ACT_DONE_B,
        c_public=REFUSE_C, data=edit_data),
    Row("item_update",       "GET",  _name("item_update", "item_id"),  a_private=ACT_A, b_peers=ACT_B, c_public=REFUSE_C),
    Row("item_update.POST",  "POST", _name("item_update", "item_id"),  a_private=ACT_DONE_A, b_peers=ACT_DONE_B,
        c_public=REFUSE_C, data=update_data),
    Row("item_sign_off",     "GET",  _name("item_sign_off", "item_id"), a_private=ACT_A, b_peers=ACT_B, c_public=REFUSE_C),
    Row("item_sign_off.POST", "POST", _name("item_sign_off", "item_id"), a_private=ACT_DONE_A, b_peers=ACT_DONE_B,
        c_public=REFUSE_C, data=side_data),
    Row("item_reopen",       "GET",  _name("item_reopen", "item_id"),  a_private=ACT_A, b_peers=ACT_B, c_public=REFUSE_C,
        setup=marked_done),
    Row("item_reopen.POST",  "POST", _name("item_reopen", "item_id"),  a_private=ACT_DONE_A, b_peers=ACT_DONE_B,
        c_public=REFUSE_C, data=reopen_data, setup=marked_done),
    Row("item_withdraw",     "POST", _name("item_withdraw", "item_id"), a_private=ACT_DONE_A, b_peers=ACT_DONE_B,
        c_public=REFUSE_C, data=side_data, setup=signed_first),
    Row("item_attach",       "POST", _name("item_attach", "item_id"),  a_private=ACT_DONE_A, b_peers=ACT_DONE_B,
        c_public=REFUSE_C, data=evidence_data),
    Row("item_archive",      "GET",  _name("item_archive", "item_id"), a_private=ACT_A, b_peers=ACT_B, c_public=REFUSE_C),
    Row("item_archive.POST", "POST", _name("item_archive", "item_id"), a_private=ACT_DONE_A, b_peers=ACT_DONE_B,
        c_public=REFUSE_C),

    # -- Commenting: the side-acting members, and association staff who follow and nudge
    #                                                                    anon  cio_A cpo_A deleg viewr cio_B staff super
    Row("item_comment",  "POST", _name("item_comment", "item_id"), a_private="login done  done  done  403   404   done  done",
                                                                   b_peers=  "login 403   403   403   403   done  done  done",
                                                                   c_public= "login 403   403   403   403   403   done  done",
        data=comment_data),
    # -- Sharing: the CIO and the CPO themselves, not their delegates
    Row("sharing",       "GET",  _name("sharing", "plan_id"),      a_private="login 200   200   403   403   404   403   403",
                                                                   b_peers=  "login 403   403   403   403   200   403   403",
                                                                   c_public=REFUSE_C),
    Row("sharing.POST",  "POST", _name("sharing", "plan_id"),      a_private="login done  done  403   403   404   403   403",
                                                                   b_peers=  "login 403   403   403   403   done  403   403",
                                                                   c_public=REFUSE_C,
        data=sharing_data),
    Row("sharing_decide", "POST", _name("sharing_decide", "plan_id"), a_private="login done  done  403   403   404   403   403",
                                                                   b_peers=  "login 403   403   403   403   done  403   403",
                                                                   c_public=REFUSE_C,
        data=decline_data, setup=other_office_asked_to_widen),
    # -- Handing on a departed owner's items: the side-acting members and association staff
    Row("turnover",      "GET",  _name("turnover", "plan_id"),     a_private="login 200   200   200   403   404   200   200",
                                                                   b_peers=  "login 403   403   403   403   200   200   200",
                                                                   c_public= "login 403   403   403   403   403   200   200"),
    Row("turnover.POST", "POST", _name("turnover", "plan_id"),     a_private="login done  done  done  403   404   done  done",
                                                                   b_peers=  "login 403   403   403   403   done  done  done",
                                                                   c_public= "login 403   403   403   403   403   done  done",
        data=transfer_data),
]

# Pages outside the action plan that matter (their labels are not URL names).
# The Django admin is the back office of association staff (through their staff membership) and
# of accounts given admin access by hand: everyone else is sent to the admin's own sign-in.
#                                                   anon  cio_A cpo_A deleg viewr cio_B staff super
SITE_ROWS: list[Row] = [
    Row("site_root",    "GET", _path("/"),         "login 200   200   200   200   200   200   200"),
    Row("my_updates",   "GET", _path("/my-updates/"), "login 200   200   200   200   200   200   200"),
    Row("django_admin", "GET", _path("/admin/"),   "admin admin admin admin admin admin 200   200"),
    Row("healthz",      "GET", _path("/healthz"),  "200   200   200   200   200   200   200   200"),
]
# fmt: on

# Cells known to disagree with the rules, until the code is fixed: {(label, persona, plan): why}.
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}


def _cells() -> list[Any]:
    cells = []
    for row in ROWS + SITE_ROWS:
        for plan, outcomes in row.expectations().items():
            for persona, expected in zip(PERSONAS, outcomes, strict=True):
                reason = KNOWN_BUGS.get((row.label, persona, plan))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                cells.append(
                    pytest.param(row, persona, plan, expected, id=f"{row.label}-{persona}-{plan}", marks=marks)
                )
    return cells


CELLS = _cells()


# --- The checks -------------------------------------------------------------------------------


def test_every_actionplan_url_has_a_row() -> None:
    # The adoption pages have their own matrix (test_access_adoption.py), on recommendations.
    covered = {row.url_name for row in ROWS} | {row.url_name for row in ADOPTION_ROWS}
    urls = access.url_names("actionplan")
    missing = sorted(urls - covered)
    assert not missing, f"actionplan URLs with no row in the authorization matrix: {', '.join(missing)}"
    stale = sorted(covered - urls)
    assert not stale, f"matrix rows for URLs that no longer exist: {', '.join(stale)}"


def test_every_row_has_one_outcome_per_persona_and_the_right_plans() -> None:
    for row in ROWS + SITE_ROWS:
        expectations = row.expectations()
        assert set(expectations) in ({NO_PLAN}, set(PLANS)), row.label
        for outcomes in expectations.values():
            assert len(outcomes) == len(PERSONAS), row.label
            assert set(outcomes) <= access.OUTCOMES, row.label
        if any("done" in outcomes for outcomes in expectations.values()):
            assert row.method == "POST", row.label


@pytest.mark.parametrize(("row", "persona", "plan", "expected"), CELLS)
def test_cell(world_with: WorldBuilder, client: Client, row: Row, persona: str, plan: str, expected: str) -> None:
    # A page that belongs to no plan is seen with the two plans A and B belong to; a plan's page
    # with its own plan only.
    world = world_with(["A_private", "B_peers"] if plan == NO_PLAN else [plan])
    target = world.targets.get(plan)
    user = world.people[persona]
    if row.setup:
        row.setup(world, persona, target)
    path = row.url(world, target)
    if user is not None:
        client.force_login(user)
    activities = Activity.objects.count()
    if row.method == "POST":
        data = row.data(world, persona, target) if row.data else {}
        response = client.post(path, data)
    else:
        response = client.get(path)
    if response.streaming:
        b"".join(response.streaming_content)  # read a download to the end, which closes its file
    access.check(response, expected, path)
    if row.method == "POST":
        # The log is written in the same transaction as every change: it says whether one happened.
        if expected == "done":
            assert Activity.objects.count() > activities, "accepted, but nothing was recorded"
        else:
            assert Activity.objects.count() == activities, "refused, yet something was recorded"


# What the site accepts at all (config.middleware.AllowedMethodsMiddleware); anything else is a 405.
REFUSED_METHODS = ["PUT", "DELETE", "PATCH", "FOO"]


# One row per URL (a URL with a GET and a POST row is one URL).
ONE_ROW_PER_URL = list({row.url_name: row for row in reversed(ROWS + SITE_ROWS)}.values())


@pytest.mark.parametrize("row", ONE_ROW_PER_URL, ids=lambda row: row.url_name)
def test_every_url_refuses_put_delete_patch_and_unknown_methods(world_with: WorldBuilder, row: Row) -> None:
    """Never a page, never a 500: a 405 that says what is allowed, whoever asks and whatever the plan."""
    world = world_with(PLANS)
    targets: list[Target | None] = list(world.targets.values()) if row.expectations().keys() != {NO_PLAN} else [None]
    for persona in ("anonymous", "cio_A", "superuser"):
        client = Client(raise_request_exception=False)
        user = world.people[persona]
        if user is not None:
            client.force_login(user)
        for target in targets:
            path = row.url(world, target)
            for method in REFUSED_METHODS:
                response = client.generic(method, path)
                assert response.status_code == 405, f"{method} {path} as {persona}: got {response.status_code}"
                assert method not in response["Allow"], f"{method} {path}"


def test_the_matrix_has_a_cell_for_every_url_persona_and_plan() -> None:
    planned = sum(len(PERSONAS) * len(row.expectations()) for row in ROWS + SITE_ROWS)
    assert len(CELLS) == planned
    assert {param.id for param in CELLS} >= {"item_sign_off-viewer_A-A_private", "home-anonymous-no_plan"}
