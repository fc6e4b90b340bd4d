"""The adoption pages: a state's record, the form (errors on fields, input kept), verification,
the evidence download, and the national matrix with a query count that does not grow."""

from __future__ import annotations

from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from actionplan.models import Adoption, AdoptionChange
from directory.models import Jurisdiction, User
from library.models import Recommendation
from tests import factories
from tests.factories import (
    empty_library,
    make_adoption,
    make_publication,
    make_recommendations,
    pdf,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

Status = Adoption.Status


@pytest.fixture
def recs(reference_data: None) -> list[Recommendation]:
    empty_library()
    return make_recommendations(3, publication=make_publication(title="State IT Procurement Negotiations"))


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def edit_url(code: str, rec: Recommendation) -> str:
    return reverse("actionplan:adoption_edit", args=[code, rec.pk])


# --- A state's record ---------------------------------------------------------------------------


def test_the_state_page_shows_every_recommendation_with_counts_evidence_and_items(
    client: Client, people: dict, recs: list[Recommendation]
) -> None:
    item = factories.make_item(factories.make_plan("ID"), title="Revise the IT terms and conditions")
    adopted = make_adoption("ID", recs[0], status=Status.ADOPTED, evidence_kind="statute")
    adopted.items.add(item)
    make_adoption("ID", recs[1], status=Status.IN_PROGRESS)
    make_adoption("ME", recs[2], status=Status.ADOPTED)  # another state's: not counted here
    response = signed_in(client, people["cpo_A"]).get(reverse("actionplan:adoption", args=["id"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Idaho: adoption of the recommendations" in html
    counts = {c.status: c.count for c in response.context["counts"]}
    assert counts == {"adopted": 1, "in_progress": 1, "exploring": 0, "not_started": 0, "not_applicable": 0, "": 1}
    assert "State IT Procurement Negotiations" in html
    assert "https://example.org/demo/statute" in html
    assert "Revise the IT terms and conditions" in html
    assert edit_url("ID", recs[2]) in html  # the one not recorded yet can be recorded


def test_an_unknown_code_is_404(client: Client, people: dict, recs: list[Recommendation]) -> None:
    client = signed_in(client, people["staff"])
    assert client.get(reverse("actionplan:adoption", args=["ZZ"])).status_code == 404
    assert client.get(reverse("actionplan:adoption", args=["Idaho"])).status_code == 404


def test_the_state_page_query_count_does_not_grow_with_recommendations(
    client: Client, people: dict, recs: list[Recommendation], django_assert_num_queries
) -> None:
    client = signed_in(client, people["cio_A"])
    url = reverse("actionplan:adoption", args=["ID"])
    plan = factories.make_plan("ID")
    for rec in recs:
        make_adoption("ID", rec).items.add(factories.make_item(plan))
    client.get(url)  # warm the session
    with django_assert_num_queries(8) as small:
        client.get(url)
    for rec in make_recommendations(12):
        make_adoption("ID", rec, status=Status.ADOPTED).items.add(factories.make_item(plan), factories.make_item(plan))
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


# --- The form -----------------------------------------------------------------------------------


def test_adopted_without_evidence_comes_back_with_the_error_on_the_field_and_input_kept(
    client: Client, people: dict, recs: list[Recommendation]
) -> None:
    response = signed_in(client, people["cio_A"]).post(
        edit_url("ID", recs[0]),
        {"status": "adopted", "note": "Passed as HB 123.", "evidence_kind": "statute", "seen_change": 0},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "needs evidence" in form.errors["evidence_url"][0]
    html = response.content.decode()
    assert 'id="id_evidence_url_error"' in html
    assert "Passed as HB 123." in html
    assert 'value="adopted" class="usa-radio__input" id="id_status_3" checked' in html or (
        'value="adopted"' in html and "checked" in html
    )
    assert not Adoption.objects.exists()


def test_a_member_records_with_a_document_and_returns_to_the_state_page(
    client: Client, people: dict, recs: list[Recommendation]
) -> None:
    item = factories.make_item(factories.make_plan("ID"))
    response = signed_in(client, people["cio_delegate_A"]).post(
        edit_url("ID", recs[0]),
        {
            "status": "adopted",
            "evidence_kind": "policy",
            "evidence_file": pdf("policy.pdf"),
            "items": [item.pk],
            "seen_change": 0,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("actionplan:adoption", args=["ID"]) + f"#rec-{recs[0].pk}"
    adoption = Adoption.objects.get()
    assert adoption.evidence_name == "policy.pdf" and list(adoption.items.all()) == [item]
    download = client.get(reverse("actionplan:adoption_evidence", args=[adoption.pk]))
    assert download["Content-Disposition"].startswith('attachment; filename="policy.pdf"')
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_from_the_recommendation_page_a_principal_records_in_three_steps_and_comes_back(
    client: Client, people: dict, recs: list[Recommendation]
) -> None:
    """Was eight steps: library, record, find the number, form, save, record, find it, library."""
    client = signed_in(client, people["cpo_A"])
    page_url = reverse("library:recommendation", args=[recs[1].pk])
    back = f"{page_url}#own-adoption"  # to the panel, which shows what was saved

    # 1. The recommendation's page links straight to the form for Idaho and this recommendation.
    record_url = client.get(page_url).context["record_url"]
    assert record_url == f"{edit_url('ID', recs[1])}?next=%2Frecommendations%2F{recs[1].pk}%2F%23own-adoption#record"
    # 2. The form opens there, and will send the person back.
    form_page = client.get(record_url.split("#")[0])
    html = form_page.content.decode()
    assert f'<input type="hidden" name="next" value="{back}">' in html
    assert f'href="{back}">Cancel</a>' in html
    # 3. Saving returns to the recommendation's page, which now shows the new status.
    saved = client.post(
        record_url.split("#")[0],
        {"status": "exploring", "note": "Drafting a bill.", "seen_change": 0, "next": back},
        follow=True,
    )
    assert saved.redirect_chain == [(back, 302)]
    page = unescape(saved.content.decode())
    assert "Idaho's status on “Recommendation 2 of State IT Procurement Negotiations, in our own words”" in page
    assert saved.context["own_adoption"].status == Status.EXPLORING
    assert "Change our status" in page

    # The form opened again from there is prefilled with what was saved.
    again = client.get(saved.context["record_url"].split("#")[0])
    assert again.context["form"]["status"].value() == Status.EXPLORING
    assert again.context["form"]["note"].value() == "Drafting a bill."


@pytest.mark.parametrize("elsewhere", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "relative"])
def test_the_form_returns_only_to_a_page_of_this_site(
    client: Client, people: dict, recs: list[Recommendation], elsewhere: str
) -> None:
    client = signed_in(client, people["cio_A"])
    url = edit_url("ID", recs[0])
    assert 'name="next"' not in client.get(url, {"next": elsewhere}).content.decode()
    response = client.post(f"{url}?next={elsewhere}", {"status": "exploring", "seen_change": 0, "next": elsewhere})
    assert response["Location"] == reverse("actionplan:adoption", args=["ID"]) + f"#rec-{recs[0].pk}"


def test_the_record_page_names_the_recommendation_by_its_words_and_publication(
    client: Client, people: dict, recs: list[Recommendation]
) -> None:
    """Was titled "Idaho on R1", and R1 exists in more than one publication."""
    other = factories.make_recommendation(
        publication=factories.make_publication(title="Buyer Be Aware: Integrating Cybersecurity", year=2021),
        number="1",
        text="Bring the security office into every technology purchase from its first day, so that the "
        "terms and the evaluation reflect the risks.",
    )
    client = signed_in(client, people["viewer_A"])
    for rec, title in [
        (recs[0], "Idaho: Recommendation 1 of State IT Procurement Negotiations, in our own words "
         "(State IT Procurement Negotiations, 2017, R1) · Adoption"),
        (other, "Idaho: Bring the security office into every technology purchase from its first day… "
         "(Buyer Be Aware, 2021, no. 1) · Adoption"),
    ]:  # fmt: skip
        html = client.get(edit_url("ID", rec)).content.decode()
        assert f"<title>{title}" in html
        assert f'<h1 class="margin-top-2">{title.removesuffix(" · Adoption")}</h1>' in html
        assert "Idaho on" not in html
    # The full text, which the heading shortens, is on the page.
    assert other.text in html


def test_the_item_picker_lists_only_the_state_s_current_items(
    client: Client, people: dict, recs: list[Recommendation]
) -> None:
    plan = factories.make_plan("ID")
    current = factories.make_item(plan, title="Current Idaho item")
    factories.make_item(plan, title="Archived Idaho item", archived_at="2026-01-01T00:00Z")
    factories.make_item(factories.make_plan("ME"), title="A Maine item")
    response = signed_in(client, people["cpo_A"]).get(edit_url("ID", recs[0]))
    choices = list(response.context["form"].fields["items"].queryset)
    assert choices == [current]


def test_posting_another_state_s_item_is_refused_on_the_field(
    client: Client, people: dict, recs: list[Recommendation]
) -> None:
    factories.make_item(factories.make_plan("ID"))
    maine_item = factories.make_item(factories.make_plan("ME"))
    response = signed_in(client, people["cio_A"]).post(
        edit_url("ID", recs[0]), {"status": "exploring", "items": [maine_item.pk], "seen_change": 0}
    )
    assert response.status_code == 200
    assert "own plans" in response.context["form"].errors["items"][0]


def test_two_people_saving_one_record_the_second_is_stopped_shown_the_change_and_keeps_what_they_typed(
    client: Client, people: dict, recs: list[Recommendation]
) -> None:
    """Was: both saves landed and the second silently overwrote the first."""
    cio, cpo = Client(), Client()
    cio.force_login(people["cio_A"])
    cpo.force_login(people["cpo_A"])
    url = edit_url("ID", recs[0])
    opened = {name: c.get(url).context["form"]["seen_change"].value() for name, c in (("cio", cio), ("cpo", cpo))}
    assert opened == {"cio": 0, "cpo": 0}

    first = cio.post(url, {"status": "exploring", "note": "Drafting a bill.", "seen_change": opened["cio"]})
    assert first.status_code == 302
    second = cpo.post(url, {"status": "in_progress", "note": "Pilot contract signed.", "seen_change": opened["cpo"]})

    assert second.status_code == 200
    html = second.content.decode()
    assert "This record was changed since you opened it" in html
    assert "Status: Exploring; Note added, by" in html
    assert "Pilot contract signed.</textarea>" in html
    adoption = Adoption.objects.get()
    assert (adoption.status, adoption.note) == ("exploring", "Drafting a bill.")
    # Saving again from the form that came back knowingly replaces the first person's change.
    again = second.context["form"]["seen_change"].value()
    assert (
        cpo.post(url, {"status": "in_progress", "note": "Pilot contract signed.", "seen_change": again}).status_code
        == 302
    )
    adoption.refresh_from_db()
    assert (adoption.status, adoption.note) == ("in_progress", "Pilot contract signed.")
    assert adoption.changes.count() == 2


def test_staff_read_the_record_page_without_a_form(client: Client, people: dict, recs: list[Recommendation]) -> None:
    make_adoption("ID", recs[0], status=Status.ADOPTED)
    response = signed_in(client, people["staff"]).get(edit_url("ID", recs[0]))
    assert response.context["form"] is None
    assert "Mark the evidence verified" in response.content.decode()


def test_staff_verify_and_withdraw_and_the_page_says_so(
    client: Client, people: dict, recs: list[Recommendation]
) -> None:
    adoption = make_adoption("ID", recs[0], status=Status.ADOPTED)
    client = signed_in(client, people["staff"])
    url = reverse("actionplan:adoption_verify", args=["ID", recs[0].pk])
    client.post(url, {"verified": "yes"})
    adoption.refresh_from_db()
    assert adoption.verified_by == people["staff"]
    page = client.get(edit_url("ID", recs[0])).content.decode()
    assert "Verified by" in page and "Withdraw the verification" in page
    client.post(url, {"verified": "no"})
    adoption.refresh_from_db()
    assert adoption.verified_at is None
    assert list(adoption.changes.values_list("kind", flat=True)) == [
        AdoptionChange.Kind.UNVERIFIED,
        AdoptionChange.Kind.VERIFIED,
    ]


def test_verifying_a_record_without_evidence_says_why(client: Client, people: dict, recs: list[Recommendation]) -> None:
    make_adoption("ID", recs[0], status=Status.EXPLORING)
    response = signed_in(client, people["staff"]).post(
        reverse("actionplan:adoption_verify", args=["ID", recs[0].pk]), {"verified": "yes"}, follow=True
    )
    assert "no evidence to verify" in response.content.decode()


def test_verify_answers_only_post(client: Client, people: dict, recs: list[Recommendation]) -> None:
    make_adoption("ID", recs[0], status=Status.ADOPTED)
    response = signed_in(client, people["staff"]).get(reverse("actionplan:adoption_verify", args=["ID", recs[0].pk]))
    assert response.status_code == 405


def test_a_record_without_a_document_has_no_download(client: Client, people: dict, recs: list[Recommendation]) -> None:
    adoption = make_adoption("ID", recs[0], status=Status.ADOPTED)
    response = signed_in(client, people["cio_A"]).get(reverse("actionplan:adoption_evidence", args=[adoption.pk]))
    assert response.status_code == 404


# --- The national matrix ------------------------------------------------------------------------


def test_the_matrix_shows_statuses_nobody_adopted_and_each_state_s_counts(
    client: Client, people: dict, recs: list[Recommendation]
) -> None:
    make_adoption("ID", recs[0], status=Status.ADOPTED, verified_at="2026-01-05T12:00Z")
    make_adoption("ME", recs[0], status=Status.IN_PROGRESS)
    make_adoption("ME", recs[1], status=Status.NOT_APPLICABLE)
    response = signed_in(client, people["staff"]).get(reverse("actionplan:adoption_matrix"))
    assert response.status_code == 200
    data = response.context["matrix"]
    assert len(data.jurisdictions) == 56
    assert [j.code for j in data.jurisdictions][:3] == ["AK", "AL", "AR"]
    row = data.groups[0].rows[0]
    idaho = [j.code for j in data.jurisdictions].index("ID")
    assert row.cells[idaho].status == "adopted" and row.cells[idaho].is_verified and row.adopted == 1
    assert data.nobody_adopted == recs[1:]
    tallies = {t.jurisdiction.code: {c.status: c.count for c in t.counts} for t in data.tallies}
    assert tallies["ME"]["in_progress"] == 1 and tallies["ME"]["not_applicable"] == 1 and tallies["ME"][""] == 1
    html = response.content.decode()
    assert '<abbr title="Idaho">ID</abbr>' in html
    assert '<span class="usa-sr-only">Adopted, evidence verified</span>' in html
    assert 'role="region" aria-label="Adoption matrix, scrolls sideways" tabindex="0"' in html


def test_the_matrix_filters_by_publication_with_htmx_returning_only_the_results(
    client: Client, people: dict, recs: list[Recommendation]
) -> None:
    other = make_recommendations(2, publication=make_publication(title="AI-Powered Procurement", year=2024))
    client = signed_in(client, people["staff"])
    url = reverse("actionplan:adoption_matrix") + f"?publication={other[0].publication.slug}"
    response = client.get(url)
    assert [r.recommendation for g in response.context["matrix"].groups for r in g.rows] == other
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="results">') and "<h1" not in partial
    bad = client.get(reverse("actionplan:adoption_matrix") + "?publication=nope")
    assert bad.status_code == 200
    assert "Choose one of the publications listed." in bad.content.decode()


def _fill(codes: list[str], recommendations: list[Recommendation]) -> None:
    statuses = list(Status)
    places = {j.code: j for j in Jurisdiction.objects.filter(code__in=codes)}
    Adoption.objects.bulk_create(
        Adoption(
            jurisdiction=places[code],
            recommendation=rec,
            status=statuses[(i + n) % len(statuses)],
            evidence_url="https://example.org/demo/x",
            evidence_kind="policy",
        )
        for i, code in enumerate(codes)
        for n, rec in enumerate(recommendations)
    )


def test_the_matrix_query_count_does_not_grow_with_states_or_recommendations(
    client: Client, people: dict, reference_data: None, django_assert_num_queries
) -> None:
    empty_library()
    client = signed_in(client, people["staff"])
    url = reverse("actionplan:adoption_matrix")
    small = make_recommendations(5)
    _fill(["ID", "ME", "NC"], small)
    client.get(url)  # warm the session
    with django_assert_num_queries(8) as first:
        response = client.get(url)
    assert sum(len(g.rows) for g in response.context["matrix"].groups) == 5
    everywhere = list(Jurisdiction.objects.values_list("code", flat=True))
    more = make_recommendations(12)
    Adoption.objects.all().delete()
    _fill(everywhere, small + more)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert Adoption.objects.count() == 56 * 17
    assert sum(len(g.rows) for g in response.context["matrix"].groups) == 17
