"""The public pages: a read-only page per public plan, the list of public plans, and the adoption of
the recommendations as states chose to publish it.

What they show (items, dimensions, statuses, progress, due dates, each office's latest narrative)
and never show (comments, evidence files, descriptions, anyone's name); that only a public plan has
one (404 for every other plan, for everyone); that the public reaching a public plan's own pages is
sent to the same place on its public page; that their query counts do not grow with the data; and
that robots.txt lets crawlers read exactly these pages.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import DjangoAssertNumQueries, Settings

from actionplan import adoption as adoption_services
from actionplan import services
from actionplan.models import Adoption, AdoptionChange, Attachment, Item, Plan, Sharing, Status
from directory.models import Membership, User
from library.models import Dimension
from reports import figures
from reports.figures import Figures
from tests import access, factories

pytestmark = pytest.mark.django_db

Role = Membership.Role

CIO_NAME = "Dana Whitfield"
CPO_NAME = "Marcus Oyelaran"
DEPUTY_NAME = "Priya Raman"
COMMENT = "The vendor shortlist is still confidential."
FILE_NAME = "draft-budget-memo.pdf"
DESCRIPTION = "Internal: who sits on the evaluation panel."
CIO_NARRATIVE = "Both offices agreed the **intake form**."
CPO_NARRATIVE = "Procurement reviewed the terms; two clauses remain."


def public_url(plan: Plan) -> str:
    return reverse("reports:public_plan", args=[plan.pk])


def page_of(response: HttpResponse) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def idaho(reference_data: None, settings: Settings, tmp_path: Path) -> dict[str, User]:
    settings.MEDIA_ROOT = tmp_path
    return {
        "cio": factories.make_member("ID", Role.CIO, email="cio@id.example", full_name=CIO_NAME),
        "cpo": factories.make_member("ID", Role.CPO, email="cpo@id.example", full_name=CPO_NAME),
        "deputy": factories.make_member("ID", Role.CIO_DELEGATE, email="deputy@id.example", full_name=DEPUTY_NAME),
    }


def dimension(slug: str) -> Dimension:
    return Dimension.objects.get(slug=slug)


@pytest.fixture
def plan(idaho: dict[str, User]) -> Plan:
    """Idaho's public plan: a joint item with both offices' updates, a comment, evidence and a
    description; a CIO item owned by the deputy; a CPO item nobody has updated; an archived item."""
    plan = factories.make_plan("ID", sharing=Sharing.PUBLIC)
    joint = factories.make_item(
        plan,
        title="Joint intake form",
        cio_owner=idaho["cio"],
        cpo_owner=idaho["cpo"],
        description=DESCRIPTION,
        due_on=datetime.date(2027, 3, 31),
    )
    services.post_update(joint, author=idaho["cio"], side="cio", status=Status.ON_TRACK, progress=40, narrative="Old.")
    services.post_update(
        joint, author=idaho["cio"], side="cio", status=Status.ON_TRACK, progress=45, narrative=CIO_NARRATIVE
    )
    services.post_update(
        joint, author=idaho["cpo"], side="cpo", status=Status.AT_RISK, progress=30, narrative=CPO_NARRATIVE
    )
    services.add_comment(joint, author=idaho["cpo"], body=COMMENT)
    services.attach_evidence(joint, by=idaho["cio"], upload=factories.pdf(FILE_NAME))
    deputy_item = factories.make_item(
        plan,
        title="Name a contact in each office",
        side="cio",
        cio_owner=idaho["deputy"],
        dimension=dimension("teaming"),
    )
    services.post_update(
        deputy_item, author=idaho["deputy"], side="cio", status=Status.DONE, progress=100, narrative="Contacts named."
    )
    factories.make_item(
        plan,
        title="Forecast technology spend",
        side="cpo",
        cpo_owner=idaho["cpo"],
        dimension=dimension("budgeting"),
        due_on=datetime.date(2026, 8, 1),
    )
    factories.make_item(plan, title="Withdrawn idea", cio_owner=idaho["cio"], archived_at=timezone.now())
    return plan


# --- What a public plan's page shows ----------------------------------------------------------------


def test_the_public_page_shows_items_statuses_progress_due_dates_and_each_offices_latest_narrative(
    client: Client, plan: Plan
) -> None:
    page = page_of(client.get(public_url(plan)))

    assert "Idaho action plan, FY2027" in page
    for title in ("Joint intake form", "Name a contact in each office", "Forecast technology spend"):
        assert title in page
    for name in ("Governance and organizational structure", "Teaming and roles", "Budgeting and forecasting"):
        assert name in page
    assert "Both offices agreed the <strong>intake form</strong>." in page  # Markdown, rendered
    assert CPO_NARRATIVE in page and "Contacts named." in page
    assert ">Old.<" not in page  # only the latest update of each office
    assert "Latest from the Office of the CIO" in page and "Latest from the Office of the CPO" in page
    assert "Joint: both offices" in page and "Office of the CPO" in page
    assert 'datetime="2027-03-31"' in page  # the joint item's due date
    assert "The two offices report different statuses" in page  # on track against at risk
    assert "No update yet." in page  # the CPO item nobody has updated
    assert "Overdue" in page  # due Aug 1, 2026
    # Figures as the national view counts them: 1 of 3 current items done; each item's progress is its
    # latest update's (the joint item's is the CPO's 30), so the average is (30 + 100 + 0) / 3.
    assert "33% of items done" in page and "1 of 3" in page and "Average progress reported: 43%" in page


def test_the_public_page_shows_no_comment_no_evidence_no_description_and_no_name(client: Client, plan: Plan) -> None:
    page = page_of(client.get(public_url(plan)))

    assert COMMENT not in page
    assert FILE_NAME not in page and reverse("actionplan:attachment", args=[Attachment.objects.get().pk]) not in page
    assert DESCRIPTION not in page
    for name in (CIO_NAME, CPO_NAME, DEPUTY_NAME):
        assert name not in page
    assert "Withdrawn idea" not in page  # archived


def test_narratives_are_sanitised_markdown(client: Client, plan: Plan, idaho: dict[str, User]) -> None:
    item = Item.objects.get(title="Joint intake form")
    services.post_update(
        item,
        author=idaho["cio"],
        side="cio",
        status=Status.ON_TRACK,
        progress=50,
        narrative="<script>window.__xss=1</script> [link](javascript:alert(1)) <img src=x onerror=alert(1)>",
    )
    page = page_of(client.get(public_url(plan)))
    assert "<script>window.__xss" not in page and "javascript:" not in page and "onerror" not in page


@pytest.mark.parametrize("level", [Sharing.PRIVATE, Sharing.PEERS])
def test_a_plan_that_is_not_public_has_no_public_page_for_anyone(
    client: Client, plan: Plan, idaho: dict[str, User], level: str
) -> None:
    Plan.objects.filter(pk=plan.pk).update(sharing=level)
    staff = factories.make_staff("NASCIO")
    for reader in (None, idaho["cio"], factories.make_member("ME", Role.CIO), staff):
        client.logout()
        if reader is not None:
            client.force_login(reader)
        assert client.get(public_url(plan)).status_code == 404
    assert client.get(reverse("reports:public_plan", args=[plan.pk + 1000])).status_code == 404


def test_a_plan_with_no_items_says_so(client: Client, idaho: dict[str, User]) -> None:
    plan = factories.make_plan("ID", sharing=Sharing.PUBLIC)
    assert "This plan has no items yet." in page_of(client.get(public_url(plan)))


# --- The list of public plans ---------------------------------------------------------------------


def test_the_list_says_when_no_state_has_published_a_plan(client: Client, reference_data: None) -> None:
    factories.make_plan("ID", sharing=Sharing.PEERS)
    page = page_of(client.get(reverse("reports:public_plans")))
    assert "No state has published a plan yet" in page
    assert "Idaho" not in page.split("<main", 1)[1]


def test_the_list_shows_every_public_plan_with_its_progress_and_only_those(client: Client, plan: Plan) -> None:
    factories.make_plan("ME", sharing=Sharing.PEERS)
    factories.make_plan("NC", sharing=Sharing.PRIVATE)
    utah = factories.make_plan("UT", sharing=Sharing.PUBLIC)

    response = client.get(reverse("reports:public_plans"))

    page = page_of(response)
    assert [row.plan for row in response.context["plans"]] == [plan, utah]
    assert public_url(plan) in page and public_url(utah) in page
    assert "Maine" not in page and "North Carolina" not in page
    assert "1 (33%)" in page and "43%" in page


# --- The public meets a public plan's own pages: sent to its public page ---------------------------


def sent_to_sign_in(response: HttpResponse, path: str) -> bool:
    where = urlsplit(response.get("Location", ""))
    return response.status_code == 302 and where.path == "/sign-in/" and parse_qs(where.query)["next"] == [path]


def test_a_signed_out_visitor_of_a_public_plans_pages_is_sent_to_the_same_place_on_its_public_page(
    client: Client, plan: Plan
) -> None:
    item = Item.objects.get(title="Joint intake form")
    archived = Item.objects.get(title="Withdrawn idea")
    expected = {
        reverse("actionplan:plan", args=[plan.pk]): public_url(plan),
        reverse("actionplan:items", args=[plan.pk]) + "?status=done": public_url(plan),
        reverse("actionplan:dimension", args=[plan.pk, "teaming"]): public_url(plan) + "#dimension-teaming",
        reverse("actionplan:item", args=[item.pk]): public_url(plan) + f"#item-{item.pk}",
        reverse("actionplan:item", args=[archived.pk]): public_url(plan),
    }
    for path, target in expected.items():
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, target), path


def test_a_public_plans_evidence_comments_and_forms_still_ask_a_signed_out_visitor_to_sign_in(
    client: Client, plan: Plan
) -> None:
    item = Item.objects.get(title="Joint intake form")
    for path in (
        reverse("actionplan:attachment", args=[Attachment.objects.get().pk]),
        reverse("actionplan:item_update", args=[item.pk]),
        reverse("actionplan:item_edit", args=[item.pk]),
        reverse("actionplan:sharing", args=[plan.pk]),
    ):
        assert sent_to_sign_in(client.get(path), path), path


def test_someone_signed_in_with_no_role_anywhere_is_the_public_too(client: Client, plan: Plan) -> None:
    """A deputy whose role has ended reads the public page, not the plan's own pages."""
    departed = factories.make_member(
        "ME", Role.CIO_DELEGATE, started_on=datetime.date(2024, 1, 1), ended_on=datetime.date(2025, 1, 1)
    )
    client.force_login(departed)
    item = Item.objects.get(title="Joint intake form")

    response = client.get(reverse("actionplan:item", args=[item.pk]))

    assert (response.status_code, response["Location"]) == (302, public_url(plan) + f"#item-{item.pk}")
    assert client.get(reverse("actionplan:attachment", args=[Attachment.objects.get().pk])).status_code == 404
    assert client.get(reverse("actionplan:plans")).context["other_plans"] == []


def test_members_of_other_states_still_read_a_public_plans_own_pages_with_comments_and_evidence(
    client: Client, plan: Plan
) -> None:
    client.force_login(factories.make_member("ME", Role.CIO))
    item = Item.objects.get(title="Joint intake form")

    page = page_of(client.get(reverse("actionplan:item", args=[item.pk])))

    assert COMMENT in page and FILE_NAME in page and CIO_NAME in page


def test_the_dashboard_of_a_public_plan_links_to_its_public_page(
    client: Client, plan: Plan, idaho: dict[str, User]
) -> None:
    client.force_login(idaho["cpo"])
    assert f'href="{public_url(plan)}"' in page_of(client.get(reverse("actionplan:plan", args=[plan.pk])))
    Plan.objects.filter(pk=plan.pk).update(sharing=Sharing.PEERS)
    assert public_url(plan) not in page_of(client.get(reverse("actionplan:plan", args=[plan.pk])))


# --- Queries: fixed, whatever the size of the plan -------------------------------------------------

# The plan; the dimensions; the current items; each office's latest update on them. A signed-out
# visitor has no session to read.
PUBLIC_PLAN_QUERIES = 4
# The public plans with their jurisdictions and figures.
PUBLIC_LIST_QUERIES = 1
# The published adoption records with their jurisdictions; the recommendations in library order.
PUBLIC_ADOPTION_QUERIES = 2


def _grow(plan: Plan, author: User, items: int) -> None:
    for n in range(items):
        item = factories.make_item(plan, title=f"Extra item {n}", cio_owner=author, dimension=dimension("interactions"))
        for week in range(3):
            services.post_update(
                item, author=author, side="cio", status=Status.ON_TRACK, progress=10 * week, narrative=f"Week {week}."
            )


@pytest.mark.parametrize("extra_items", [0, 12])
def test_the_public_plan_page_runs_a_fixed_number_of_queries(
    client: Client,
    plan: Plan,
    idaho: dict[str, User],
    extra_items: int,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    _grow(plan, idaho["cio"], extra_items)
    with django_assert_num_queries(PUBLIC_PLAN_QUERIES):
        response = client.get(public_url(plan))
    assert len(response.context["public"].dimensions[2].items) == extra_items


@pytest.mark.parametrize("plans", [1, 4])
def test_the_list_of_public_plans_runs_a_fixed_number_of_queries(
    client: Client, reference_data: None, plans: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for code in ["ID", "ME", "NC", "UT"][:plans]:
        factories.make_item(factories.make_plan(code, sharing=Sharing.PUBLIC))
    with django_assert_num_queries(PUBLIC_LIST_QUERIES):
        assert len(client.get(reverse("reports:public_plans")).context["plans"]) == plans


@pytest.mark.parametrize("states", [1, 5])
def test_the_public_adoption_page_runs_a_fixed_number_of_queries(
    client: Client, reference_data: None, states: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    recommendations = factories.make_recommendations(3)
    for code in ["ID", "ME", "NC", "UT", "OR"][:states]:
        for rec in recommendations:
            factories.make_adoption(code, rec, status=Adoption.Status.ADOPTED, is_public=True)
    with django_assert_num_queries(PUBLIC_ADOPTION_QUERIES):
        assert client.get(reverse("reports:public_adoption")).context["adoption"].jurisdictions == states


def test_the_public_pages_count_as_the_national_view_counts(client: Client, plan: Plan, idaho: dict[str, User]) -> None:
    """Items, done, average progress and the status mix: the same figures as reports.figures, per
    dimension and for the plan, on the page and in the list."""
    _grow(plan, idaho["cio"], 4)
    cells = figures.by_plan_and_dimension([plan], now=timezone.now(), today=timezone.localdate())

    def seen(f: Figures) -> tuple[int, int, int, dict[str, int]]:
        return (f.items, f.done, f.progress_total, {k: v for k, v in f.statuses.items() if v})

    shown = client.get(public_url(plan)).context["public"]
    for section in shown.dimensions:
        assert seen(section.figures) == seen(cells.get((plan.pk, section.dimension.pk), Figures()))
    expected = figures.total(cells.values())
    assert seen(shown.figures) == seen(expected)
    (row,) = client.get(reverse("reports:public_plans")).context["plans"]
    assert seen(row.figures)[:3] == seen(expected)[:3]
    assert (row.figures.percent_done, row.figures.progress) == (expected.percent_done, expected.progress)


# --- The public adoption page ------------------------------------------------------------------------


def test_the_adoption_page_lists_only_published_statuses_with_their_evidence_links(
    client: Client, reference_data: None, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    factories.empty_library()
    first, second = factories.make_recommendations(2)
    published = factories.make_adoption(
        "ID",
        first,
        status=Adoption.Status.ADOPTED,
        evidence_kind=Adoption.EvidenceKind.EXECUTIVE_ORDER,
        evidence_url="https://example.org/id/eo-12",
        note="Internal: the governor's office asked us to wait.",
        is_public=True,
        verified_at=timezone.now(),
    )
    published.evidence_file.save("order.pdf", factories.pdf("order.pdf"))
    published.evidence_name = "order.pdf"
    published.save()
    factories.make_adoption("ME", first, status=Adoption.Status.IN_PROGRESS, is_public=False)
    factories.make_adoption(
        "NC", first, status=Adoption.Status.EXPLORING, evidence_url="javascript:alert(1)", is_public=True
    )

    response = client.get(reverse("reports:public_adoption"))

    page = page_of(response)
    row = response.context["adoption"].groups[0].rows[0]
    assert [(p.jurisdiction.code, p.status) for p in row.published] == [("ID", "adopted"), ("NC", "exploring")]
    assert 'href="https://example.org/id/eo-12"' in page and "Executive order" in page
    assert "Verified by association staff" in page
    assert "Maine" not in page.split("<main", 1)[1]
    assert "order.pdf" not in page and "governor's office" not in page
    assert reverse("actionplan:adoption_evidence", args=[published.pk]) not in page
    assert "javascript:" not in page
    assert "No state has published its status on this recommendation yet." in page  # the second
    assert second.text in page


def test_the_adoption_page_says_when_nothing_is_published(client: Client, reference_data: None) -> None:
    assert "No state has published its adoption of a recommendation yet." in page_of(
        client.get(reverse("reports:public_adoption"))
    )


def test_a_states_member_publishes_a_status_from_the_adoption_form_and_takes_it_back(
    client: Client, idaho: dict[str, User]
) -> None:
    rec = factories.make_recommendations(1)[0]
    client.force_login(idaho["cio"])
    path = reverse("actionplan:adoption_edit", args=["ID", rec.pk])
    form = client.get(path).content.decode()
    assert 'name="is_public"' in form and "Show this status on the public adoption page" in form

    data = {
        "status": "adopted",
        "note": "",
        "evidence_kind": "statute",
        "evidence_url": "https://example.org/id/statute",
        "is_public": "on",
        "seen_change": 0,
    }
    assert client.post(path, data).status_code == 302
    adoption = Adoption.objects.get(recommendation=rec)
    assert adoption.is_public
    assert "Published on the public adoption page" in adoption.changes.get().summary
    assert "https://example.org/id/statute" in page_of(client.get(reverse("reports:public_adoption")))

    data = data | {"seen_change": adoption_services.seen_change_for(adoption)}
    del data["is_public"]
    assert client.post(path, data).status_code == 302
    adoption.refresh_from_db()
    assert not adoption.is_public
    assert AdoptionChange.objects.filter(adoption=adoption, summary="Taken off the public adoption page").exists()
    assert "https://example.org/id/statute" not in page_of(client.get(reverse("reports:public_adoption")))


def test_saving_an_adoption_without_saying_whether_it_is_public_leaves_it_as_it_was(
    idaho: dict[str, User],
) -> None:
    rec = factories.make_recommendations(1)[0]
    jurisdiction = factories.jurisdiction("ID")
    values = {"note": "", "evidence_kind": "", "evidence_url": "", "items": []}
    adoption = adoption_services.record_adoption(
        jurisdiction, rec, by=idaho["cio"], status="exploring", is_public=True, **values
    )
    adoption = adoption_services.record_adoption(jurisdiction, rec, by=idaho["cio"], status="in_progress", **values)
    assert adoption.is_public


# --- robots.txt ------------------------------------------------------------------------------------


def test_robots_txt_allows_exactly_the_public_pages(client: Client) -> None:
    lines = client.get("/robots.txt").content.decode().splitlines()
    allowed = [line.split(":", 1)[1].strip() for line in lines if line.startswith("Allow:")]
    assert allowed == ["/public/"]
    assert "Disallow: /" in lines
    paths = access.every_path()
    public = {name for name in paths if name.startswith("reports:public_")}
    assert public == {"reports:public_plans", "reports:public_plan", "reports:public_adoption"}
    under_public = {name for name, path in paths.items() if path.startswith("/public/")}
    assert under_public == public
