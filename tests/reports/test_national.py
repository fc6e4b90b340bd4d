"""The national dashboard: each cell's figures, the same freshness as the reminder scan, drill-down
links that land on exactly the counted items, filters and sorts that ignore what they do not know,
the update loop's health lists, and a query count that does not grow with the data."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from time_machine import TimeMachineFixture

from actionplan import services
from actionplan.models import Item, ItemSide, Sharing, Status
from directory.models import Jurisdiction, Membership, User
from library.models import Dimension
from notifications import nudges
from notifications import services as scan
from outbox.models import OutgoingEmail
from reports import national
from tests import factories
from tests.factories import State
from tests.notifications.helpers import NOW, WEDNESDAY, days

pytestmark = pytest.mark.django_db

LONG_AGO = NOW - days(200)
BEGAN = WEDNESDAY - days(200)
FAR = WEDNESDAY + days(120)
# Within the plan's 30-day cadence: a never-updated, not-started item due further off than that is
# waiting (actionplan.rules.is_waiting), fresh for both offices, so the never-updated items are due soon.
SOON = WEDNESDAY + days(25)


@pytest.fixture
def staff(reference_data: None) -> User:
    return factories.make_staff("NASCIO", email="staff@nascio.example")


@pytest.fixture
def seen(client: Client, staff: User, clock: TimeMachineFixture) -> Client:
    client.force_login(staff)
    return client


def _idaho_items(idaho: State) -> dict[str, Item]:
    make = idaho.item
    return {
        "cio never": make(due_on=SOON, title="CIO never", created_at=LONG_AGO, starts_on=BEGAN),
        "cio fresh": make(
            due_on=FAR, title="CIO fresh", created_at=LONG_AGO, starts_on=BEGAN, last_update_at=NOW - days(3)
        ),
        "cpo late": make(
            side=ItemSide.CPO,
            due_on=FAR,
            title="CPO late",
            created_at=LONG_AGO,
            starts_on=BEGAN,
            last_update_at=NOW - days(90),
        ),  # fmt: skip
        "joint": make(
            side=ItemSide.JOINT,
            due_on=FAR,
            title="Joint, CIO posted",
            created_at=LONG_AGO,
            starts_on=BEGAN,
            cio_last_update_at=NOW - days(2),
            cpo_last_update_at=None,
            last_update_at=NOW - days(2),
        ),  # fmt: skip
        "done": make(due_on=FAR, title="Done", created_at=LONG_AGO, starts_on=BEGAN, status=Status.DONE),
    }


def _row(view: national.NationalView, code: str) -> national.Row:
    (row,) = [r for r in view.rows if r.jurisdiction.code == code]
    return row


def test_each_cell_counts_each_offices_freshness_as_the_reminder_scan_does(seen: Client, idaho: State) -> None:
    _idaho_items(idaho)
    view = seen.get(reverse("reports:national")).context["view"]
    cell = _row(view, "ID").cells[0]
    assert cell.figures is not None
    assert (cell.figures.items, cell.figures.done, cell.figures.percent_done) == (5, 1, 20)
    counts = {office: dict(cell.figures.freshness[office]) for office in ("cio", "cpo")}
    assert counts == {"cio": {"never": 1, "fresh": 2}, "cpo": {"late": 1, "never": 1}}

    reminders = scan.collect_reminders(NOW)
    for office, owner in (("cio", idaho.cio), ("cpo", idaho.cpo)):
        stale = [f for f in reminders[owner.pk].facts if f.key.startswith("stale:")]
        assert len(stale) == cell.figures.count(office, national.Freshness.LATE) + cell.figures.count(
            office, national.Freshness.NEVER
        )


def test_a_cells_late_link_lists_exactly_the_items_it_counted(seen: Client, idaho: State) -> None:
    _idaho_items(idaho)
    cell = _row(seen.get(reverse("reports:national")).context["view"], "ID").cells[0]
    link = cell.link("cpo", national.Freshness.NEVER)
    assert link.startswith(f"/plans/{idaho.plan.pk}/dimensions/{Dimension.objects.order_by('position')[0].slug}/")
    listed = {item.title for item in seen.get(link).context["items"]}
    assert listed == {"Joint, CIO posted"}
    late = {item.title for item in seen.get(cell.link("cpo", national.Freshness.LATE)).context["items"]}
    assert late == {"CPO late"}


def test_a_jurisdiction_without_a_plan_says_so_and_what_to_do(seen: Client, idaho: State) -> None:
    response = seen.get(reverse("reports:national"), {"has_plan": "no"})
    view = response.context["view"]
    assert "ID" not in {r.jurisdiction.code for r in view.rows}
    assert len(view.rows) == 55
    assert "No plan yet." in response.content.decode()


def test_unknown_filter_and_sort_values_are_ignored_with_a_note(seen: Client, idaho: State) -> None:
    response = seen.get(reverse("reports:national"), {"kind": "planet", "sharing": "everyone", "sort": "-shoe"})
    assert response.status_code == 200
    view = response.context["view"]
    assert len(view.rows) == 56
    text = response.content.decode()
    assert "Ignored kind of jurisdiction “planet”" in text
    assert "Ignored sharing “everyone”" in text
    assert "Ignored sort “-shoe”" in text


def test_filters_and_sorting(seen: Client, idaho: State) -> None:
    _idaho_items(idaho)
    maine = factories.make_plan("ME", sharing=Sharing.PEERS)
    factories.make_item(maine, side="cio", status=Status.DONE)
    view = seen.get(reverse("reports:national"), {"kind": "territory"}).context["view"]
    assert {r.jurisdiction.kind for r in view.rows} == {"territory"} and len(view.rows) == 5
    view = seen.get(reverse("reports:national"), {"sharing": "peers"}).context["view"]
    assert [r.jurisdiction.code for r in view.rows] == ["ME"]
    view = seen.get(reverse("reports:national"), {"has_plan": "yes", "sort": "-done"}).context["view"]
    assert [r.jurisdiction.code for r in view.rows] == ["ME", "ID"]


def test_the_health_lists(seen: Client, idaho: State) -> None:
    items = _idaho_items(idaho)
    # A joint item one side signed; a joint item the two offices see differently.
    signed = idaho.item(side=ItemSide.JOINT, due_on=FAR, title="Signed once", created_at=LONG_AGO, starts_on=BEGAN)
    services.post_update(signed, author=idaho.cio, side="cio", status=Status.ON_TRACK, progress=90, narrative="Nearly")
    services.sign_off(signed, by=idaho.cio, side="cio")
    split = items["joint"]
    Item.objects.filter(pk=split.pk).update(cio_status=Status.ON_TRACK, cpo_status=Status.OFF_TRACK)
    # The CPO's membership ends: their items need an owner. Mail to the CIO bounced.
    Membership.objects.filter(user=idaho.cpo).update(ended_on=WEDNESDAY - days(1))
    OutgoingEmail.objects.create(
        kind="reminder", recipient=idaho.cio, to_address=idaho.cio.email, dedupe_key="x", subject="s",
        body_text="b", status=OutgoingEmail.Status.FAILED, last_error="550 no such user",
    )  # fmt: skip
    # Maine: a plan nobody has touched for months.
    maine = factories.make_plan("ME", created_at=LONG_AGO)
    factories.make_item(maine, side="cio", created_at=LONG_AGO, starts_on=BEGAN, due_on=FAR)

    health = seen.get(reverse("reports:national")).context["view"].health
    assert [row.jurisdiction.code for row in health.silent] == ["ME"]
    assert [(n.title, n.detail) for n in health.waiting_sign_off] == [
        ("Signed once", "The CIO side signed; waiting on the CPO side")
    ]
    assert [(n.title, n.detail) for n in health.disagreements] == [
        ("Joint, CIO posted", "CIO side: On track; CPO side: Off track")
    ]
    needed = {(n.title, n.detail) for n in health.owner_needed}
    assert ("CPO late", "CPO: its owner no longer acts for this office") in needed
    assert ("CIO never", f"CIO: email to {idaho.cio} is bouncing") in needed
    assert health.counts()["owner_needed"] == len(health.owner_needed)


def test_owners_quiet_for_sixty_days(seen: Client, idaho: State) -> None:
    idaho.item(due_on=FAR, title="Old news", created_at=LONG_AGO, starts_on=BEGAN, last_update_at=NOW - days(61))
    idaho.item(
        side=ItemSide.CPO, due_on=FAR, title="Recent", created_at=LONG_AGO, starts_on=BEGAN,
        last_update_at=NOW - days(59),
    )  # fmt: skip
    quiet = seen.get(reverse("reports:national")).context["view"].health.quiet_owners
    assert [(q.name, q.office) for q in quiet] == [(str(idaho.cio), "cio")]
    assert quiet[0].url == reverse("actionplan:turnover", args=[idaho.plan.pk])


def _national_scale(codes: list[str], per_dimension: int) -> None:
    for code in codes:
        cio = factories.make_member(code, Membership.Role.CIO, email=f"cio@{code.lower()}.example")
        cpo = factories.make_member(code, Membership.Role.CPO, email=f"cpo@{code.lower()}.example")
        plan = factories.make_plan(code, created_at=LONG_AGO)
        for dimension in Dimension.objects.all():
            for n in range(per_dimension):
                side = [ItemSide.CIO, ItemSide.CPO, ItemSide.JOINT][n % 3]
                # Due soon, so the ones never updated are "never updated", not waiting.
                item = factories.make_item(
                    plan, side=side, dimension=dimension, cio_owner=cio, cpo_owner=cpo, created_at=LONG_AGO,
                    due_on=SOON,
                )  # fmt: skip
                if n % 2:
                    services.post_update(
                        item, author=cio if side != ItemSide.CPO else cpo, side="cio" if side != ItemSide.CPO else "cpo",
                        status=Status.AT_RISK, progress=20, narrative="Moving",
                    )  # fmt: skip


def test_the_query_count_is_fixed_whatever_the_data(seen: Client, idaho: State) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert seen.get(reverse("reports:national")).status_code == 200
        return len(queries)

    count()  # the first request after signing in also saves the session
    _national_scale(["ME"], 1)
    cache.clear()
    small = count()
    _national_scale(["VT", "OR", "WA", "NM"], 4)
    for code in ("VT", "OR"):
        nudges.nudge(Jurisdiction.objects.get(code=code), by=User.objects.get(email="staff@nascio.example"))
    cache.clear()
    assert count() == small <= 13
    # Within the minute the view is kept, a second look counts nothing again.
    assert count() == 5  # the session, the user, their staff membership, the header's memberships, the bounces


def test_the_view_is_kept_a_minute_and_a_nudge_drops_it(seen: Client, idaho: State, staff: User) -> None:
    _idaho_items(idaho)
    first = seen.get(reverse("reports:national"))
    assert "view" in first.context
    again = seen.get(reverse("reports:national"))
    assert "view" not in again.context and again.context["national_html"] == first.context["national_html"]
    assert seen.get(reverse("reports:national"), {"kind": "state"}).context.get("view") is not None
    seen.post(reverse("reports:nudge", args=["ID"]))
    after = seen.get(reverse("reports:national"))
    assert "view" in after.context and "Nudged Dec 9" in after.context["national_html"]


def test_staff_home_shows_the_national_dashboard(seen: Client, idaho: State) -> None:
    _idaho_items(idaho)
    response = seen.get("/")
    assert response.status_code == 200
    assert "view" in response.context and "national_html" in response.context
    assert reverse("reports:national") in response.content.decode()


def test_nobody_but_staff_gets_the_dashboard_on_their_home(client: Client, idaho: State) -> None:
    client.force_login(idaho.cio)
    context = client.get("/").context
    assert "national_html" not in context and "view" not in context


def test_counts_grow_with_figures(idaho: State) -> None:
    """The national totals are the cells added up."""
    _idaho_items(idaho)
    view = national.build({}, now=NOW, today=WEDNESDAY)
    assert view.national_total.items == sum(row.total.items for row in view.rows) == 5
