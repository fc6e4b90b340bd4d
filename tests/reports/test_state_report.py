"""The state report and the CIO–CPO meeting one-pager (reports/state_report.py, their views and
templates): what they show of a seeded plan, their periods, their query counts, and their PDF
(reports/pdf.py: text, pages, tags)."""

from __future__ import annotations

import datetime
import io
from typing import cast

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from actionplan import services
from actionplan.models import Item, ItemSide, Status
from directory.models import Membership
from library.models import Dimension
from reports import pdf, snapshots, state_report
from tests import factories
from tests.factories import State
from tests.notifications.helpers import NOW

pytestmark = pytest.mark.django_db


def seed(idaho: State, clock: time_machine.TimeMachineFixture) -> dict[str, Item]:
    """Idaho's plan with an item in every dimension, updates in and out of the default period
    (July to September 2026: the clock stands in December), one red item, one overdue, one the
    offices see differently and one waiting for the CPO's signature."""
    dimensions = list(Dimension.objects.order_by("position"))
    items = {}
    clock.move_to(datetime.datetime(2026, 8, 10, 16, tzinfo=datetime.UTC), tick=False)
    items["rhythm"] = idaho.item(ItemSide.JOINT, title="Meet on a fixed rhythm", dimension=dimensions[0])
    items["charter"] = idaho.item(ItemSide.CIO, title="Write the IT procurement charter", dimension=dimensions[1])
    items["forecast"] = idaho.item(
        ItemSide.CPO, title="Forecast next year's IT buys", dimension=dimensions[3], due_on=datetime.date(2026, 11, 30)
    )
    items["roles"] = idaho.item(ItemSide.JOINT, title="Name both offices' liaisons", dimension=dimensions[2])
    services.post_update(
        items["rhythm"],
        author=idaho.cio,
        side="cio",
        status=Status.ON_TRACK,
        progress=40,
        narrative="Monthly since July.",
    )
    services.post_update(
        items["rhythm"],
        author=idaho.cpo,
        side="cpo",
        status=Status.AT_RISK,
        progress=30,
        narrative="Two meetings missed.",
    )
    services.post_update(
        items["charter"],
        author=idaho.cio,
        side="cio",
        status=Status.BLOCKED,
        progress=10,
        narrative="Waiting on legal.",
    )
    services.post_update(
        items["roles"], author=idaho.cio, side="cio", status=Status.ON_TRACK, progress=90, narrative="Both named."
    )
    services.sign_off(items["roles"], by=idaho.cio, side="cio", note="Liaisons named in August.")
    clock.move_to(datetime.datetime(2026, 11, 2, 16, tzinfo=datetime.UTC), tick=False)
    services.post_update(
        items["charter"], author=idaho.cio, side="cio", status=Status.AT_RISK, progress=20, narrative="Legal replied."
    )
    clock.move_to(NOW, tick=False)
    return items


def test_report_shows_every_section_of_a_seeded_plan(client: Client, idaho: State, clock) -> None:
    items = seed(idaho, clock)
    client.force_login(idaho.cpo)
    response = client.get(reverse("reports:state_report", args=[idaho.plan.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for heading in (
        "Idaho: FY2027 action plan",
        "Contents",
        "Progress per dimension",
        "Needs attention",
        "Sign-offs outstanding (1)",
        "What changed in the period",
        "Items by dimension",
        "Adoption of recommendations",
    ):
        assert heading in html, heading
    report = response.context["report"]
    assert (report.first, report.last) == (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))
    assert [u.narrative for u in report.updates] == [
        "Both named.",
        "Waiting on legal.",
        "Two meetings missed.",
        "Monthly since July.",
    ]  # newest first; November's update is after the period
    assert [(c.side, c.updates, c.items) for c in report.update_counts] == [("cio", 3, 3), ("cpo", 1, 1)]
    assert "CIO side: 3 updates on 3 items; CPO side: 1 update on 1 item." in html
    assert [r.item for r in report.overdue] == [items["forecast"]]
    assert {r.item for r in report.troubled} == {items["charter"], items["rhythm"]}
    assert [r.item for r in report.disagreeing] == [items["rhythm"]]
    assert [(r.item, r.waiting_on) for r in report.awaiting_sign_off] == [(items["roles"], "cpo")]
    assert "Legal replied." in html  # each side's latest narrative, whatever the period
    assert f'href="#item-{items["rhythm"].pk}"' in html and f'id="item-{items["rhythm"].pk}"' in html
    assert "Dana" in html or idaho.cio.full_name in html
    assert reverse("reports:state_report_pdf", args=[idaho.plan.pk]) in html


def test_the_default_period_is_the_last_full_quarter_in_the_readers_zone() -> None:
    assert state_report.last_full_quarter(datetime.date(2026, 12, 9)) == (
        datetime.date(2026, 7, 1),
        datetime.date(2026, 9, 30),
    )
    assert state_report.last_full_quarter(datetime.date(2027, 1, 1)) == (
        datetime.date(2026, 10, 1),
        datetime.date(2026, 12, 31),
    )
    assert state_report.last_full_quarter(datetime.date(2026, 4, 1)) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 3, 31),
    )


def test_the_default_period_follows_the_viewers_zone(client: Client, idaho: State, clock) -> None:
    """At 1 a.m. on 1 January in New York it is still 31 December in Boise: Boise's CPO gets the
    quarter that ends in September, New York's the one that ends in December."""
    clock.move_to(datetime.datetime(2027, 1, 1, 6, tzinfo=datetime.UTC), tick=False)
    idaho.cpo.tz = "America/Boise"
    idaho.cpo.save()
    idaho.cio.tz = "America/New_York"
    idaho.cio.save()
    url = reverse("reports:state_report", args=[idaho.plan.pk])
    client.force_login(idaho.cpo)
    assert client.get(url).context["report"].last == datetime.date(2026, 9, 30)
    client.force_login(idaho.cio)
    assert client.get(url).context["report"].last == datetime.date(2026, 12, 31)


def test_a_chosen_period_is_reported(client: Client, idaho: State, clock) -> None:
    seed(idaho, clock)
    client.force_login(idaho.cio)
    response = client.get(
        reverse("reports:state_report", args=[idaho.plan.pk]), {"start": "2026-10-01", "end": "2026-12-31"}
    )
    assert [u.narrative for u in response.context["report"].updates] == ["Legal replied."]
    assert 'value="2026-10-01"' in response.content.decode()


@pytest.mark.parametrize("view", ["reports:state_report", "reports:state_report_pdf"])
def test_a_period_that_ends_before_it_starts_is_shown_back_with_the_error(
    client: Client, idaho: State, view: str
) -> None:
    client.force_login(idaho.cio)
    response = client.get(reverse(view, args=[idaho.plan.pk]), {"start": "2026-09-30", "end": "2026-07-01"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "The period ends before it starts" in html
    assert 'value="2026-09-30"' in html and 'value="2026-07-01"' in html  # what was typed, kept
    assert "report" not in response.context


def test_a_date_that_is_no_date_is_an_error_not_a_500(client: Client, idaho: State) -> None:
    client.force_login(idaho.cio)
    response = client.get(reverse("reports:state_report", args=[idaho.plan.pk]), {"start": "soon", "end": ""})
    assert response.status_code == 400
    assert 'value="soon"' in response.content.decode()


def test_adoption_is_shown_to_the_states_members_not_to_peers(client: Client, idaho: State) -> None:
    recommendation = factories.make_recommendations(1)[0]
    factories.make_adoption(
        "ID", recommendation, status="adopted", evidence_url="https://legislature.idaho.gov/statute-67-5725"
    )
    idaho.plan.sharing = "peers"
    idaho.plan.save()
    url = reverse("reports:state_report", args=[idaho.plan.pk])
    client.force_login(idaho.cpo)
    html = client.get(url).content.decode()
    assert "https://legislature.idaho.gov/statute-67-5725" in html
    client.force_login(factories.make_member("ME", Membership.Role.CIO, email="cio@me.example"))
    response = client.get(url)
    assert response.status_code == 200
    assert "statute-67-5725" not in response.content.decode()
    assert 'data-testid="adoption-hidden"' in response.content.decode()


def test_the_trend_chart_is_drawn_from_the_weekly_snapshots_of_the_period(client: Client, idaho: State, clock) -> None:
    seed(idaho, clock)
    for day in (datetime.date(2026, 7, 6), datetime.date(2026, 8, 10), datetime.date(2026, 9, 14)):
        clock.move_to(datetime.datetime.combine(day, datetime.time(1), tzinfo=datetime.UTC), tick=False)
        snapshots.record_snapshots()
    clock.move_to(NOW, tick=False)
    client.force_login(idaho.cio)
    html = client.get(reverse("reports:state_report", args=[idaho.plan.pk])).content.decode()
    assert 'id="chart-progress"' in html and 'id="chart-dimensions"' in html
    assert "<title" in html and "<desc" in html  # the SVG is named and described
    assert "Share of items done and average progress: the figures" in html


def _queries(client: Client, url: str, django_assert_num_queries, n: int) -> None:
    with django_assert_num_queries(n):
        assert client.get(url).status_code == 200


# The same at 3 and 30 items. Each page reads the session, its user, the plan and the viewer's
# memberships, as every plan page does; the report then reads the dimensions, the items with each
# office's latest narrative, the standing sign-offs, the period's activity and its count, the adoption record
# (3), the snapshots and their plans (2), the principals, the period's newest updates and each
# office's count; the one-pager the items, sign-offs, principals, updates since the meeting (the
# newest and their count) and the items done since.
REPORT_QUERIES = 21
MEETING_QUERIES = 11


@pytest.mark.parametrize("size", [3, 30])
def test_the_report_and_one_pager_take_a_fixed_number_of_queries(
    client: Client, idaho: State, clock, django_assert_num_queries, size: int
) -> None:
    dimensions = list(Dimension.objects.order_by("position"))
    clock.move_to(datetime.datetime(2026, 8, 10, 16, tzinfo=datetime.UTC), tick=False)
    for n in range(size):
        item = idaho.item(ItemSide.JOINT, title=f"Item {n}", dimension=dimensions[n % 4])
        services.post_update(item, author=idaho.cio, side="cio", status=Status.AT_RISK, progress=n, narrative=f"N{n}")
        services.post_update(item, author=idaho.cpo, side="cpo", status=Status.ON_TRACK, progress=n, narrative=f"P{n}")
        services.sign_off(item, by=idaho.cpo, side="cpo", note="Done on our side.")
        snapshots.record_snapshots()
    clock.move_to(NOW, tick=False)
    factories.make_adoption("ID", factories.make_recommendations(1)[0])
    client.force_login(idaho.cio)
    _queries(client, reverse("reports:state_report", args=[idaho.plan.pk]), django_assert_num_queries, REPORT_QUERIES)
    _queries(client, reverse("reports:meeting_brief", args=[idaho.plan.pk]), django_assert_num_queries, MEETING_QUERIES)


def test_the_one_pager_shows_what_the_pair_decides_on(client: Client, idaho: State, clock) -> None:
    items = seed(idaho, clock)
    client.force_login(idaho.cio)
    url = reverse("reports:meeting_brief", args=[idaho.plan.pk])
    response = client.get(url, {"since": "2026-10-15"})
    assert response.status_code == 200
    brief = response.context["brief"]
    assert [u.narrative for u in brief.updates] == ["Legal replied."]
    assert {r.item for r in brief.troubled} == {items["charter"], items["rhythm"]}
    assert [(r.item, r.waiting_on) for r in brief.awaiting_sign_off] == [(items["roles"], "cpo")]
    assert [r.item for r in brief.due_soon] == [items["forecast"]]  # overdue since November 30
    html = response.content.decode()
    for text in ("Since the last meeting", "Red and amber items (2)", "Sign-offs waiting (1)", "Decisions due"):
        assert text in html
    assert "Two meetings missed." in html and "Monthly since July." in html  # both sides' latest word


def test_the_one_pager_defaults_to_30_days_ago_and_refuses_a_meeting_in_the_future(
    client: Client, idaho: State
) -> None:
    client.force_login(idaho.cio)
    url = reverse("reports:meeting_brief", args=[idaho.plan.pk])
    assert client.get(url).context["brief"].since == datetime.date(2026, 11, 9)
    response = client.get(url, {"since": "2027-01-05"})
    assert response.status_code == 400
    assert "The last meeting is in the future" in response.content.decode()


# --- PDF --------------------------------------------------------------------------------------------


def _pdf(response) -> PdfReader:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    return PdfReader(io.BytesIO(response.content))


def _text(reader: PdfReader) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _assert_tagged(reader: PdfReader, title: str) -> None:
    catalog = cast(DictionaryObject, reader.trailer["/Root"].get_object())
    mark_info = cast(DictionaryObject, catalog["/MarkInfo"].get_object())
    assert bool(mark_info["/Marked"]) is True
    assert "/StructTreeRoot" in catalog
    assert str(catalog["/Lang"]) == "en"
    assert reader.metadata is not None and reader.metadata.title == title


def test_the_report_pdf_has_its_headings_items_and_tags(client: Client, idaho: State, clock) -> None:
    seed(idaho, clock)
    client.force_login(idaho.cio)
    reader = _pdf(client.get(reverse("reports:state_report_pdf", args=[idaho.plan.pk])))
    assert len(reader.pages) > 1
    text = _text(reader)
    for expected in (
        "Idaho: FY2027 action plan",
        "Progress per dimension",
        "Items by dimension",
        "Meet on a fixed rhythm",
        "Write the IT procurement charter",
        "Adoption of recommendations",
        "Page 1 of",
    ):
        assert expected in text, expected
    assert "Download as PDF" not in text and "Sign out" not in text  # no page furniture
    _assert_tagged(reader, "Idaho report, FY2027 · Joint Plan")


def test_a_small_one_pager_pdf_is_one_page(client: Client, idaho: State, clock) -> None:
    seed(idaho, clock)
    client.force_login(idaho.cpo)
    reader = _pdf(client.get(reverse("reports:meeting_brief_pdf", args=[idaho.plan.pk]), {"since": "2026-08-01"}))
    assert len(reader.pages) == 1
    text = _text(reader)
    assert "Red and amber items (2)" in text and "Write the IT procurement charter" in text
    _assert_tagged(reader, "Idaho CIO–CPO meeting one-pager · Joint Plan")


def test_without_weasyprints_libraries_the_pdf_says_what_is_missing(
    client: Client, idaho: State, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "_weasyprint", lambda: OSError("cannot load library 'libpango-1.0-0'"))
    client.force_login(idaho.cio)
    page = client.get(reverse("reports:state_report", args=[idaho.plan.pk]))
    assert page.status_code == 200
    assert "PDF needs the Pango library: apt-get install libpango-1.0-0" in page.content.decode()
    assert reverse("reports:state_report_pdf", args=[idaho.plan.pk]) not in page.content.decode()
    response = client.get(reverse("reports:state_report_pdf", args=[idaho.plan.pk]))
    assert response.status_code == 503
    assert "PDF needs the Pango library" in response.content.decode()


def test_a_joint_item_signed_by_both_offices_since_the_meeting_counts_as_done(
    client: Client, idaho: State, clock: time_machine.TimeMachineFixture
) -> None:
    items = seed(idaho, clock)
    services.sign_off(items["roles"], by=idaho.cpo, side="cpo", note="Ours too.")
    client.force_login(idaho.cpo)
    brief = client.get(reverse("reports:meeting_brief", args=[idaho.plan.pk])).context["brief"]
    assert [r.item for r in brief.completed] == [items["roles"]]
    assert brief.awaiting_sign_off == []


def test_the_dashboard_links_to_the_report_and_the_one_pager(client: Client, idaho: State) -> None:
    client.force_login(idaho.cio)
    html = client.get(reverse("actionplan:plan", args=[idaho.plan.pk])).content.decode()
    assert reverse("reports:state_report", args=[idaho.plan.pk]) in html
    assert reverse("reports:meeting_brief", args=[idaho.plan.pk]) in html


def test_the_pdf_reads_only_this_sites_static_files() -> None:
    assert pdf._static_file("https://jointplan.invalid/static/css/report.css") is not None
    assert pdf._static_file("https://jointplan.invalid/static/../config/settings.py") is None
    assert pdf._static_file("https://jointplan.invalid/static/css/%2e%2e/%2e%2e/manage.py") is None
    assert pdf._static_file("https://jointplan.invalid/media/evidence/1/secret") is None
    assert pdf._static_file("file:///etc/passwd") is None


def _structure(node: object, found: list[DictionaryObject]) -> None:
    """Every element of a PDF's structure tree, depth first."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        for child in node:
            _structure(child, found)
    elif isinstance(node, DictionaryObject):
        if "/S" in node:
            found.append(node)
        if "/K" in node:
            _structure(node["/K"], found)


def test_the_report_pdfs_charts_carry_their_titles_as_alternative_text(
    client: Client, idaho: State, clock: time_machine.TimeMachineFixture
) -> None:
    seed(idaho, clock)
    for day in (datetime.date(2026, 7, 6), datetime.date(2026, 8, 10)):
        clock.move_to(datetime.datetime.combine(day, datetime.time(1), tzinfo=datetime.UTC), tick=False)
        snapshots.record_snapshots()
    clock.move_to(NOW, tick=False)
    client.force_login(idaho.cio)
    reader = _pdf(client.get(reverse("reports:state_report_pdf", args=[idaho.plan.pk])))
    elements: list[DictionaryObject] = []
    _structure(cast(DictionaryObject, reader.trailer["/Root"].get_object())["/StructTreeRoot"], elements)
    figures = [str(e.get("/Alt")) for e in elements if e["/S"] == "/Figure"]
    assert figures == ["Share of items done and average progress", "Share of items done, per dimension"]
    headings = {str(e["/S"]) for e in elements}
    assert {"/H1", "/H2", "/H3", "/Table", "/TH"} <= headings
