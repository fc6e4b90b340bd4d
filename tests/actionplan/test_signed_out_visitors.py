"""What someone who is not signed in meets: a link from an email to a private plan asks them to sign
in (and brings them back); a public plan shows its items and their progress, never its comments or
evidence files; and the sharing page says exactly that before anyone chooses Public."""

from __future__ import annotations

import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import DjangoAssertNumQueries

from actionplan import services
from actionplan.models import Attachment, Item, Plan, Sharing, Status
from directory.models import Membership, User
from tests import factories
from tests.factories import make_item, make_plan, pdf

pytestmark = pytest.mark.django_db

Role = Membership.Role
COMMENT = "The vendor shortlist is still confidential."
FILE_NAME = "draft-budget-memo.pdf"
NARRATIVE = "Both offices agreed the intake form."


def url(name: str, *args: object) -> str:
    return reverse(f"actionplan:{name}", args=args)


def sent_to_sign_in(response: object, path: str) -> bool:
    where = urlsplit(response.get("Location", ""))  # type: ignore[attr-defined]
    return response.status_code == 302 and where.path == "/sign-in/" and parse_qs(where.query)["next"] == [path]  # type: ignore[attr-defined]


@pytest.fixture
def cio(reference_data: None, media: Path) -> User:
    """Idaho's CIO, Dana Whitfield."""
    return factories.idaho_people("cio")["cio"]


@pytest.fixture
def item(cio: User) -> Item:
    """A joint item of Idaho's plan with an update, a comment and a piece of evidence."""
    cpo = factories.make_member("ID", Role.CPO, full_name="Marcus Oyelaran")
    item = make_item(make_plan("ID"), title="Joint intake form", cio_owner=cio, cpo_owner=cpo)
    services.post_update(item, author=cio, side="cio", status=Status.ON_TRACK, progress=40, narrative=NARRATIVE)
    services.add_comment(item, author=cpo, body=COMMENT)
    upload = pdf(FILE_NAME)
    services.attach_evidence(item, by=cio, upload=upload)
    return item


def share(item: Item, level: str) -> None:
    Plan.objects.filter(pk=item.plan_id).update(sharing=level)


# --- A link from an email ------------------------------------------------------------------------


def test_a_signed_out_visitor_of_a_private_item_signs_in_and_lands_on_it(client: Client, item: Item, cio: User) -> None:
    path = url("item", item.pk)

    response = client.get(path)
    assert sent_to_sign_in(response, path)

    signed_in = client.post(response["Location"], {"username": cio.email, "password": factories.PASSWORD})
    assert signed_in["Location"] == path
    assert client.get(path).status_code == 200


def test_after_signing_in_someone_who_may_not_read_it_gets_404(client: Client, item: Item) -> None:
    path = url("item", item.pk)
    assert sent_to_sign_in(client.get(path), path)
    client.force_login(factories.make_member("ME", Role.CIO))
    assert client.get(path).status_code == 404


def test_an_address_that_names_nothing_asks_to_sign_in_like_one_that_is_hidden(client: Client, item: Item) -> None:
    """Hidden or missing, the signed-out answer is the same: it reveals nothing."""
    for name, hidden in [("plan", item.plan_id), ("items", item.plan_id), ("item", item.pk)]:
        missing = hidden + 10_000
        assert sent_to_sign_in(client.get(url(name, hidden)), url(name, hidden)), name
        assert sent_to_sign_in(client.get(url(name, missing)), url(name, missing)), name
    dimension = reverse("actionplan:dimension", args=[item.plan_id, "no-such-dimension"])
    assert sent_to_sign_in(client.get(dimension), dimension)


# --- A public plan, read without signing in --------------------------------------------------------


def test_a_public_item_shows_its_progress_but_no_comments_and_no_evidence(client: Client, item: Item) -> None:
    share(item, Sharing.PUBLIC)

    response = client.get(url("item", item.pk))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Joint intake form" in page and NARRATIVE in page and "40%" in page and "Dana Whitfield" in page
    assert COMMENT not in page and 'id="comments"' not in page
    assert FILE_NAME not in page and 'id="evidence"' not in page
    assert url("attachment", Attachment.objects.get().pk) not in page
    assert response.context["comments"] == [] and response.context["attachments"] == []
    # Nor does the timeline say who commented or what was uploaded.
    assert {a.verb for a in response.context["activities"]}.isdisjoint({"commented", "attached"})


def test_the_public_dashboard_lists_no_comment_or_evidence_event(client: Client, item: Item) -> None:
    share(item, Sharing.PUBLIC)

    response = client.get(url("plan", item.plan_id))

    assert response.status_code == 200
    assert {a.verb for a in response.context["recent"]}.isdisjoint({"commented", "attached"})
    assert FILE_NAME not in response.content.decode()
    assert "posted an update" in response.content.decode()


def test_evidence_of_a_public_plan_asks_a_signed_out_visitor_to_sign_in(client: Client, item: Item) -> None:
    share(item, Sharing.PUBLIC)
    path = url("attachment", Attachment.objects.get().pk)
    assert sent_to_sign_in(client.get(path), path)


# Item, then the latest update of each side, standing signatures, the jurisdiction's members and the
# timeline: no session, no user, no roles, and neither comments nor files, which are not shown.
PUBLIC_DETAIL_QUERIES = 5


@pytest.mark.parametrize("size", [1, 10])
def test_the_public_item_page_loads_no_comments_or_files(
    client: Client, item: Item, cio: User, size: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for i in range(size):
        services.add_comment(item, author=cio, body=f"Note {i}")
    share(item, Sharing.PUBLIC)
    with django_assert_num_queries(PUBLIC_DETAIL_QUERIES):
        assert client.get(url("item", item.pk)).status_code == 200


def test_someone_signed_in_with_no_role_anywhere_reads_a_public_plan_as_the_public_does(
    client: Client, item: Item
) -> None:
    """A deputy whose role has ended is, for a public plan, one of the public."""
    departed = factories.make_member(
        "ME", Role.CIO_DELEGATE, started_on=datetime.date(2024, 1, 1), ended_on=datetime.date(2025, 1, 1)
    )
    share(item, Sharing.PUBLIC)
    client.force_login(departed)

    page = client.get(url("item", item.pk)).content.decode()

    assert NARRATIVE in page
    assert COMMENT not in page and FILE_NAME not in page
    assert client.get(url("attachment", Attachment.objects.get().pk)).status_code == 404


# --- Peers: signed-in members of other states read everything, as before --------------------------


@pytest.mark.parametrize("level", [Sharing.PEERS, Sharing.PUBLIC])
def test_a_member_of_another_state_reads_comments_and_evidence_of_a_shared_plan(
    client: Client, item: Item, level: str
) -> None:
    share(item, level)
    client.force_login(factories.make_member("ME", Role.CIO))

    page = client.get(url("item", item.pk)).content.decode()

    assert COMMENT in page and FILE_NAME in page
    download = client.get(url("attachment", Attachment.objects.get().pk))
    assert download.status_code == 200
    download.close()


# --- The sharing page says what each level publishes ------------------------------------------------


def test_the_sharing_page_says_exactly_what_each_level_shows_and_to_whom(client: Client, item: Item, cio: User) -> None:
    client.force_login(cio)

    response = client.get(url("sharing", item.plan_id))

    assert response.status_code == 200
    levels = {entry.level: entry for entry in response.context["levels"]}
    assert list(levels) == [Sharing.PRIVATE, Sharing.PEERS, Sharing.PUBLIC]
    public = levels[Sharing.PUBLIC]
    assert public.shows == [
        "the plan's items, with their descriptions, dimensions and sides",
        "each item's status, progress, start and due dates",
        "the narratives of updates, sign-offs, and the reasons given for withdrawing one",
        "the names of the items' owners and of whoever posted, signed or changed something",
        "the history of those changes, and of the plan's sharing",
    ]
    page = response.content.decode()
    assert "Also anyone with the link, without signing in." in page
    assert "Never shown to them: comments and evidence files, or who commented or uploaded what." in page
    assert "Still nobody who is not signed in." in page
