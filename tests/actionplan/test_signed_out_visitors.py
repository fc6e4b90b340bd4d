"""What someone who is not signed in meets: a link from an email to a private plan asks them to sign
in (and brings them back); a public plan's pages send them to its public page, which shows its items
and their progress, never its comments, evidence files or people (tests/reports/test_public_pages.py);
and the sharing page says exactly that before anyone chooses Public."""

from __future__ import annotations

import datetime
import html
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

    signed_in = client.post(response["Location"], {"login": cio.email, "password": factories.PASSWORD})
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


# --- A public plan: the public reads its public page ------------------------------------------------


def public_page(item: Item) -> str:
    return reverse("reports:public_plan", args=[item.plan_id])


def test_a_signed_out_visitor_of_a_public_item_reads_it_on_the_public_page_without_comments_or_evidence(
    client: Client, item: Item
) -> None:
    share(item, Sharing.PUBLIC)

    response = client.get(url("item", item.pk))

    assert (response.status_code, response["Location"]) == (302, f"{public_page(item)}#item-{item.pk}")
    page = client.get(response["Location"]).content.decode()
    assert "Joint intake form" in page and NARRATIVE in page and "40%" in page
    assert "Dana Whitfield" not in page and "Marcus Oyelaran" not in page
    assert COMMENT not in page and FILE_NAME not in page
    assert url("attachment", Attachment.objects.get().pk) not in page


def test_the_dashboard_of_a_public_plan_sends_a_signed_out_visitor_to_its_public_page(
    client: Client, item: Item
) -> None:
    share(item, Sharing.PUBLIC)

    response = client.get(url("plan", item.plan_id))

    assert (response.status_code, response["Location"]) == (302, public_page(item))
    page = client.get(public_page(item)).content.decode()
    assert FILE_NAME not in page and "posted an update" not in page  # no activity, no evidence


def test_evidence_of_a_public_plan_asks_a_signed_out_visitor_to_sign_in(client: Client, item: Item) -> None:
    share(item, Sharing.PUBLIC)
    path = url("attachment", Attachment.objects.get().pk)
    assert sent_to_sign_in(client.get(path), path)


# The item with its plan, to know where its public page is: no session, no user, no roles, and
# nothing of what the item's own page shows.
PUBLIC_REDIRECT_QUERIES = 1


@pytest.mark.parametrize("size", [1, 10])
def test_sending_the_public_to_the_public_page_loads_no_comments_or_files(
    client: Client, item: Item, cio: User, size: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for i in range(size):
        services.add_comment(item, author=cio, body=f"Note {i}")
    share(item, Sharing.PUBLIC)
    with django_assert_num_queries(PUBLIC_REDIRECT_QUERIES):
        assert client.get(url("item", item.pk)).status_code == 302


def test_someone_signed_in_with_no_role_anywhere_is_one_of_the_public(client: Client, item: Item) -> None:
    """A deputy whose role has ended reads a public plan on its public page, as anyone does."""
    departed = factories.make_member(
        "ME", Role.CIO_DELEGATE, started_on=datetime.date(2024, 1, 1), ended_on=datetime.date(2025, 1, 1)
    )
    share(item, Sharing.PUBLIC)
    client.force_login(departed)

    response = client.get(url("item", item.pk))

    assert (response.status_code, response["Location"]) == (302, f"{public_page(item)}#item-{item.pk}")
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
        "the plan's items, by dimension, and which office owns each: the Office of the CIO, the Office of "
        "the CPO, or both",
        "each item's status, progress and due date, and the plan's progress overall and by dimension",
        "each office's latest update on each item: its status, progress and narrative",
    ]
    page = html.unescape(response.content.decode())
    assert "Also anyone, without signing in, on the plan's public page (listed among the public plans)." in page
    assert (
        "Never shown to them: comments, evidence files, item descriptions, the history of changes, or anyone's "
        "name (owners, authors, signers)." in page
    )
    assert "Still nobody who is not signed in." in page
