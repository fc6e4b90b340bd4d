"""The library's pages over the seeded reference data: the recommendation library and its filters,
a recommendation, the publications, the case studies and the timeline."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from actionplan.models import Adoption, Sharing
from directory.models import Jurisdiction, Membership, User
from library.models import Dimension, Publication, Recommendation, RecommendationArea
from roundtables.models import Outcome, Roundtable
from tests import factories
from tests.factories import make_adoption, make_item, make_plan

pytestmark = pytest.mark.usefixtures("reference_data")

Role = Membership.Role
PAPER_2017 = "it-procurement-negotiations-2017"
LIBRARY = "/recommendations/"


def rec(number: str, publication: str = PAPER_2017) -> Recommendation:
    return Recommendation.objects.get(publication__slug=publication, number=number)


def text(response: object) -> str:
    """The page's text with tags dropped and white space collapsed, for phrase assertions."""
    html = response.content.decode()  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def shown(response: object) -> list[str]:
    """The recommendations on a library page, as "publication slug/number"."""
    return [
        f"{r.publication.slug}/{r.number}"
        for g in response.context["groups"]
        for a in g.areas
        for r in a.recommendations
    ]  # type: ignore[attr-defined]


@pytest.fixture
def idaho_cio(client: Client) -> User:
    user = factories.make_member("ID", Role.CIO, email="cio@id.example")
    client.force_login(user)
    return user


@pytest.fixture
def staff(client: Client) -> User:
    user = factories.make_staff("NASPO", email="staff@naspo.example")
    client.force_login(user)
    return user


# --- The library ------------------------------------------------------------------------------


def test_the_library_groups_recommendations_by_publication_then_area(client: Client, idaho_cio: User) -> None:
    response = client.get(LIBRARY)

    groups = response.context["groups"]
    assert [g.publication.slug for g in groups] == [
        "nascio-2016-call-for-reform",
        PAPER_2017,
        "nascio-2025-procurement-initiative",
    ]
    paper = groups[1]
    assert [a.area.name for a in paper.areas] == ["Relationship building", "Procurement processes", "Centralization"]
    assert [r.number for r in paper.areas[0].recommendations] == ["R1", "R3", "R6"]
    assert [a.area for a in groups[0].areas] == [None]
    assert text(response).count("17 recommendations") == 1


def test_a_partial_publication_says_how_many_were_recovered(client: Client, idaho_cio: User) -> None:
    page = text(client.get(LIBRARY))
    assert "7 of 18 recovered; the rest are not public yet." in page
    assert "5 of 5" not in page


def test_each_recommendation_shows_its_source_confidence_and_inferred_area(client: Client, idaho_cio: User) -> None:
    html = client.get(LIBRARY, {"q": "point of contact"}).content.decode()

    assert 'href="https://gcn.com/Articles/2017/09/21/ReadMe-NASCIO-Procurement-Report.aspx"' in html
    assert "From press coverage" in html
    assert "Area inferred" in html
    r6 = client.get(LIBRARY, {"q": "cross-educate"}).content.decode()
    assert "From press coverage" in r6 and "Area inferred</span>" not in r6


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"confidence": "publication"}, [f"nascio-2016-call-for-reform/{n}" for n in "12345"]),
        ({"q": "negotiat"}, ["nascio-2016-call-for-reform/5", f"{PAPER_2017}/R7"]),
        ({"q": "r5"}, [f"{PAPER_2017}/R5"]),
        ({"q": "terms and conditions", "confidence": "press"}, ["nascio-2025-procurement-initiative/2"]),
    ],
)
def test_filters_by_text_and_confidence(client: Client, idaho_cio: User, params: dict, expected: list[str]) -> None:
    assert shown(client.get(LIBRARY, params)) == expected


def test_filters_by_publication_and_area(client: Client, idaho_cio: User) -> None:
    initiative = Publication.objects.get(slug="nascio-2025-procurement-initiative")
    assert shown(client.get(LIBRARY, {"publication": initiative.pk})) == [
        f"nascio-2025-procurement-initiative/{n}" for n in "12345"
    ]
    processes = RecommendationArea.objects.get(name="Procurement processes")
    assert shown(client.get(LIBRARY, {"area": processes.pk})) == [f"{PAPER_2017}/R{n}" for n in (4, 5, 7)]


def test_a_member_filters_by_their_own_states_status_and_sees_no_other_states(client: Client, idaho_cio: User) -> None:
    make_adoption("ID", rec("R3"), status=Adoption.Status.IN_PROGRESS)
    make_adoption("ID", rec("R4"), status=Adoption.Status.ADOPTED)
    make_adoption("ME", rec("R1"), status=Adoption.Status.ADOPTED)
    make_adoption("ME", rec("R3"), status=Adoption.Status.NOT_APPLICABLE)

    assert shown(client.get(LIBRARY, {"adoption": "in_progress"})) == [f"{PAPER_2017}/R3"]
    assert shown(client.get(LIBRARY, {"adoption": "adopted"})) == [f"{PAPER_2017}/R4"]
    not_recorded = shown(client.get(LIBRARY, {"adoption": "none"}))
    assert len(not_recorded) == 15 and f"{PAPER_2017}/R1" in not_recorded
    assert shown(client.get(LIBRARY, {"adoption": "not_applicable"})) == []

    page = client.get(LIBRARY, {"q": "point of contact"})
    assert "Idaho's adoption" in page.content.decode()
    assert "Maine" not in text(page)
    assert re.search(r"Idaho: \W*In progress", text(page))
    assert "Adopted by 0 states" in text(page)
    assert "Adopted by 1 state" in text(client.get(LIBRARY, {"q": "roles and responsibilities"}))


def test_staff_filter_by_whether_any_state_adopted(client: Client, staff: User) -> None:
    make_adoption("ID", rec("R4"), status=Adoption.Status.ADOPTED)
    make_adoption("ME", rec("R4"), status=Adoption.Status.ADOPTED)
    make_adoption("ME", rec("R1"), status=Adoption.Status.EXPLORING)

    assert shown(client.get(LIBRARY, {"adoption": "adopted"})) == [f"{PAPER_2017}/R4"]
    assert len(shown(client.get(LIBRARY, {"adoption": "nowhere"}))) == 16
    page = client.get(LIBRARY, {"adoption": "adopted"})
    assert "Adoption across the states" in page.content.decode()
    assert "Adopted by 2 states" in text(page)
    assert "Idaho" not in text(page) and "Maine" not in text(page)


def test_a_person_with_no_state_gets_no_adoption_filter(client: Client) -> None:
    client.force_login(factories.make_user(email="nobody@example.org"))
    response = client.get(LIBRARY, {"adoption": "adopted"})
    assert "adoption" not in response.context["filter"].form.fields
    assert len(shown(response)) == 17


def test_a_filter_that_matches_nothing_says_so_and_how_to_clear_it(client: Client, idaho_cio: User) -> None:
    response = client.get(LIBRARY, {"q": "blockchain"})

    assert response.context["groups"] == []
    page = text(response)
    assert "0 of 17 recommendations match the filters" in page
    assert "No recommendation matches these filters. Clear the filters to see all 17." in page
    assert f'<a class="usa-link" href="{LIBRARY}">Clear the filters</a>' in response.content.decode()


def test_a_filter_value_that_is_not_a_choice_is_shown_as_an_error_not_a_crash(client: Client, idaho_cio: User) -> None:
    response = client.get(LIBRARY, {"publication": "999999", "confidence": "rumour"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors.keys() == {"publication", "confidence"}


def test_htmx_gets_only_the_results(client: Client, idaho_cio: User) -> None:
    response = client.get(LIBRARY, {"q": "contact"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "<form" not in html


def _bigger_library() -> None:
    """Forty more recommendations in two areas, and every jurisdiction's adoption of each."""
    paper = Publication.objects.create(slug="big", title="A big paper", published_on=datetime.date(2020, 1, 1))
    areas = [RecommendationArea.objects.create(name=f"Big area {i}", publication=paper, position=i) for i in (1, 2)]
    recommendations = Recommendation.objects.bulk_create(
        Recommendation(
            publication=paper, number=f"B{i}", position=i, text=f"Big {i}", confidence="publication", area=areas[i % 2]
        )
        for i in range(40)
    )
    statuses = [Adoption.Status.EXPLORING, Adoption.Status.IN_PROGRESS, Adoption.Status.NOT_STARTED]
    Adoption.objects.bulk_create(
        Adoption(jurisdiction=j, recommendation=r, status=statuses[(j.pk + r.pk) % 3])
        for j in Jurisdiction.objects.all()
        for r in recommendations
    )


# Session, user, the viewer's roles and staff roles, publications (with counts), areas, and the
# recommendations with their adoption aggregates in one query.
LIBRARY_QUERIES = 7


@pytest.mark.parametrize("bigger", [False, True], ids=["seeded", "bigger"])
@pytest.mark.parametrize("who", ["member", "staff"])
def test_the_library_costs_the_same_queries_whatever_its_size(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, bigger: bool, who: str
) -> None:
    if bigger:
        _bigger_library()
    user = factories.make_member("ID", Role.CIO) if who == "member" else factories.make_staff("NASCIO")
    client.force_login(user)
    client.get(LIBRARY)  # the first request of a session writes its start time

    with django_assert_num_queries(LIBRARY_QUERIES):
        response = client.get(LIBRARY, {"adoption": "none" if who == "member" else "nowhere"})

    # Idaho has a record of every bigger recommendation; no state adopted any of them.
    assert len(shown(response)) == (57 if bigger and who == "staff" else 17)


# --- One recommendation -----------------------------------------------------------------------


def test_a_recommendation_shows_its_provenance_case_studies_and_outcomes(client: Client, idaho_cio: User) -> None:
    r4 = rec("R4")
    charlotte = Roundtable.objects.get(slug="designing-for-agility-2016")
    Outcome.objects.create(
        roundtable=charlotte,
        title="Try modular buying",
        text="…",
        dimension=Dimension.objects.first(),
        recommendation=r4,
    )

    response = client.get(reverse("library:recommendation", args=[r4.pk]))

    page = text(response)
    assert "Recommendation R4" in page
    assert r4.text in page
    assert "From press coverage: the publication's own text was not available" in page
    assert "Procurement processes Area inferred The source does not name the area" in page
    assert "7 of 18 recovered; the rest are not public yet." in page
    assert f'href="{r4.source_url}"' in response.content.decode()
    assert [c.slug for c in response.context["case_studies"]] == [
        "california-child-welfare-modular-procurement",
        "colorado-procurement-modernization",
    ]
    assert re.search(r"Try modular buying ?, from Designing for Agility", page)
    assert re.search(r"\( ?July 2016 ?\)", page)


def test_a_recommendation_shows_national_counts_and_only_the_viewers_own_state(client: Client, idaho_cio: User) -> None:
    r2 = rec("R2")
    make_adoption("ID", r2, status=Adoption.Status.EXPLORING)
    make_adoption("ME", r2, status=Adoption.Status.ADOPTED)
    make_adoption("OH", r2, status=Adoption.Status.ADOPTED)

    response = client.get(reverse("library:recommendation", args=[r2.pk]))

    counts = {row.label: row.count for row in response.context["national"]}
    assert counts == {
        "Adopted": 2,
        "In progress": 0,
        "Exploring": 1,
        "Not started": 0,
        "Not applicable": 0,
        "Not recorded": 53,
    }
    page = text(response)
    assert re.search(r"Where Idaho stands Status \W*Exploring", page)
    assert "Maine" not in page and "Ohio" not in page.replace("Ohio: consolidating", "")
    assert f'href="{reverse("actionplan:adoption", args=["ID"])}"' in response.content.decode()


def test_the_own_state_panel_shows_status_evidence_and_last_change(client: Client, idaho_cio: User) -> None:
    r3 = rec("R3")
    deputy = factories.make_member("ID", Role.CIO_DELEGATE, full_name="Priya Raman")
    make_adoption(
        "ID",
        r3,
        status=Adoption.Status.ADOPTED,
        evidence_kind=Adoption.EvidenceKind.POLICY,
        evidence_url="https://id.example/policy/contacts",
        updated_by=deputy,
        updated_at=datetime.datetime(2026, 11, 2, 17, 30, tzinfo=datetime.UTC),
    )

    response = client.get(reverse("library:recommendation", args=[r3.pk]))

    page = text(response)
    assert re.search(r"Where Idaho stands Status \W*Adopted Evidence Policy: https://id.example/policy/contacts", page)
    assert re.search(r"Last change .*2026.*, by Priya Raman", page)
    assert "Change our status" in page and "Record our status" not in page


def test_the_page_names_the_recommendation_by_its_words_and_publication(client: Client, idaho_cio: User) -> None:
    """Two recommendations numbered 3 are told apart by their words and their publications."""
    bonds, contact = rec("3", "nascio-2016-call-for-reform"), rec("R3")
    html = client.get(reverse("library:recommendation", args=[bonds.pk])).content.decode()
    assert (
        "<title>Stop requiring performance bonds from technology vendors "
        "(NASCIO call to action on state IT procurement reform, 2016, no. 3) · Joint Plan</title>"
    ) in html
    assert (
        '<h1 class="margin-top-2 margin-bottom-1">Stop requiring performance bonds from technology vendors</h1>' in html
    )
    html = unescape(client.get(reverse("library:recommendation", args=[contact.pk])).content.decode())
    assert f"<title>{contact.short_text} (State IT Procurement Negotiations, 2017, R3) · Joint Plan</title>" in html
    assert contact.text in html  # the heading shortens it; the text follows in full


def test_staff_see_counts_and_no_state_of_their_own(client: Client, staff: User) -> None:
    response = client.get(reverse("library:recommendation", args=[rec("R1").pk]))
    assert response.context["own_status"] is None
    assert "Not recorded" in text(response)


# --- Publications -----------------------------------------------------------------------------


def test_publications_are_listed_oldest_first_with_authors_and_what_the_library_holds(
    client: Client, idaho_cio: User
) -> None:
    response = client.get(reverse("library:publications"))

    slugs = [e["publication"].slug for e in response.context["entries"]]
    assert slugs[0] == "nascio-2004-limitations-on-liability"
    assert slugs[-1] == "nascio-2025-procurement-initiative"
    assert len(slugs) == 8
    page = text(response)
    assert "7 of 18 recovered; the rest are not public yet" in page
    assert (
        "NASPO, NASCIO, Center for Internet Security (CIS)" in page
        or "NASCIO, NASPO, Center for Internet Security (CIS)" in page
    )
    assert "2004 · NASCIO" in page
    assert "No separate recommendations listed" in page
    assert 'id="it-procurement-negotiations-2017"' in response.content.decode()


# --- Case studies -----------------------------------------------------------------------------


def test_case_studies_filter_by_dimension_and_topic(client: Client, idaho_cio: User) -> None:
    url = reverse("library:case_studies")
    everything = client.get(url).context["case_studies"]
    assert len(everything) == 8

    budgeting = client.get(url, {"dimension": "budgeting"}).context["case_studies"]
    assert [c.slug for c in budgeting] == ["texas-dir-planned-procurement-schedule"]
    agile = client.get(url, {"topic": "agile"}).context["case_studies"]
    assert [c.slug for c in agile] == ["california-child-welfare-modular-procurement"]
    both = client.get(url, {"topic": "centralization", "dimension": "governance"}).context["case_studies"]
    assert {c.slug for c in both} == {
        "ohio-data-center-consolidation",
        "georgia-gets-managed-services",
        "massachusetts-procurement-oversight",
    }


def test_case_studies_that_match_nothing_say_so(client: Client, idaho_cio: User) -> None:
    response = client.get(reverse("library:case_studies"), {"topic": "agile", "dimension": "budgeting"})
    assert "No case study matches these filters. Clear the filters to see them all." in text(response)


def test_a_case_study_shows_facts_sources_recommendations_and_only_the_items_the_viewer_may_read(
    client: Client, idaho_cio: User
) -> None:
    study = "idaho-terms-and-conditions"
    from library.models import CaseStudy

    case_study = CaseStudy.objects.get(slug=study)
    own = make_item(make_plan("ID"), title="Publish our cloud terms")
    shared = make_item(make_plan("ME", sharing=Sharing.PEERS), title="Maine's shared terms item")
    private = make_item(make_plan("OH", sharing=Sharing.PRIVATE), title="Ohio's private item")
    archived = make_item(make_plan("ID", period="FY2028"), title="An archived item", archived_at=timezone.now())
    for item in (own, shared, private, archived):
        item.case_studies.add(case_study)

    response = client.get(reverse("library:case_study", args=[study]))

    html, page = response.content.decode(), text(response)
    assert "Key facts" in page and "invitation to negotiate" in page
    assert 'href="https://purchasing.idaho.gov/governing-laws-and-policies/"' in html
    assert {r.number for r in response.context["recommendations"]} == {"2", "5", "R7"}
    assert [i.title for i in response.context["items"]] == ["Publish our cloud terms", "Maine's shared terms item"]
    assert "Ohio's private item" not in page and "An archived item" not in page


# --- The timeline -----------------------------------------------------------------------------


def test_the_timeline_runs_from_2004_to_today_by_year_with_dates_at_their_precision(
    client: Client, idaho_cio: User
) -> None:
    response = client.get(reverse("library:timeline"))

    years = [year for year, _ in response.context["years"]]
    assert years[0] == 2004 and years == sorted(years)
    html, page = response.content.decode(), text(response)
    assert '<time datetime="2004">2004</time>' in html
    assert '<time datetime="2016-07">July 2016</time>' in html
    assert '<time datetime="2017-09-19">September 19, 2017</time>' in html
    assert '<time datetime="2017-02">February 2017</time> to <time datetime="2017-09">September 2017</time>' in html
    entries_2016 = dict(response.context["years"])[2016]
    assert [e.title for e in entries_2016][:2] == [
        "NASCIO call to action on state IT procurement reform",
        "Designing for Agility: Advancing IT and Procurement Modernization",
    ]
    assert "Wisconsin wins a NASPO Cronin Award" in page


def test_the_timeline_nests_an_events_parts_and_links_each_entry(client: Client, idaho_cio: User) -> None:
    response = client.get(reverse("library:timeline"))

    task_force = next(e for e in dict(response.context["years"])[2017] if e.kind == "Task force")
    assert [p.title for p in task_force.parts] == ["Joint task force workshop in Pittsburgh"]
    assert task_force.url == reverse(
        "roundtables:detail", args=[Roundtable.objects.get(slug="joint-task-force-2017").pk]
    )
    top_level = [e.title for _, entries in response.context["years"] for e in entries]
    assert "Joint task force workshop in Pittsburgh" not in top_level
    for _, entries in response.context["years"]:
        for entry in entries:
            assert entry.url or entry.source_url, entry.title


def test_the_timeline_leaves_out_events_that_have_not_begun(client: Client, idaho_cio: User) -> None:
    soon = timezone.now() + datetime.timedelta(days=30)
    Roundtable.objects.create(slug="next", title="Next year's roundtable", starts_at=soon, ends_at=soon)
    assert "Next year's roundtable" not in text(client.get(reverse("library:timeline")))


def test_the_library_is_in_the_primary_navigation(client: Client, idaho_cio: User) -> None:
    html = client.get(reverse("actionplan:home")).content.decode()
    assert f'href="{LIBRARY}"><span>Library</span>' in html
    on_library = client.get(LIBRARY).content.decode()
    assert f'href="{LIBRARY}" aria-current="page"><span>Library</span>' in on_library
    for name in ("publications", "case_studies", "timeline"):
        assert f'href="{reverse("library:" + name)}"' in on_library


def test_a_case_study_source_that_is_not_a_web_address_is_shown_but_not_linked(client: Client, idaho_cio: User) -> None:
    from library.models import CaseStudy

    CaseStudy.objects.filter(slug="ohio-data-center-consolidation").update(
        sources=[{"title": "A trap", "url": "javascript:alert(1)"}, {"title": "Fine", "url": "https://example.org/a"}]
    )
    html = client.get(reverse("library:case_study", args=["ohio-data-center-consolidation"])).content.decode()

    assert "javascript:" not in html
    assert "<li>A trap</li>" in html
    assert '<a class="usa-link" href="https://example.org/a">Fine</a>' in html
