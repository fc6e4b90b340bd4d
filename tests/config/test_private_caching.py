"""What a browser may keep: nothing a signed-in person was shown, and no download of private data.

State offices share workstations; a page or file kept in the browser's cache outlives the session
that was allowed to see it. Every response to a signed-in person, and every download, says
`Cache-Control: no-store, private`; public pages, static files and robots.txt are left alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from pytest_django.fixtures import Settings

from actionplan import services
from actionplan.models import Adoption, Item, Plan, Sharing
from directory.middleware import NoStoreMiddleware
from directory.models import Membership, User
from tests import access, factories
from tests.factories import make_adoption, make_event, make_item, make_plan, make_recommendations, pdf

pytestmark = pytest.mark.django_db

Role = Membership.Role


def directives(response: HttpResponse) -> set[str]:
    return {d.strip().lower() for d in response.get("Cache-Control", "").split(",") if d.strip()}


def assert_not_stored(response: HttpResponse) -> None:
    assert {"no-store", "private"} <= directives(response), f"Cache-Control: {response.get('Cache-Control')!r}"


def assert_left_alone(response: HttpResponse) -> None:
    assert "no-store" not in directives(response), f"Cache-Control: {response.get('Cache-Control')!r}"


def read_to_the_end(response: HttpResponse) -> None:
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # closes the file


@pytest.fixture
def cio(reference_data: None, media: Path) -> User:
    """Idaho's CIO, Dana Whitfield."""
    return factories.idaho_people("cio")["cio"]


@pytest.fixture
def item(cio: User) -> Item:
    plan = make_plan("ID")
    return make_item(plan, title="Joint intake form", cio_owner=cio)


@pytest.fixture
def signed_in(client: Client, cio: User) -> Client:
    client.force_login(cio)
    return client


def test_a_signed_in_page_is_not_stored(signed_in: Client, item: Item) -> None:
    response = signed_in.get(reverse("actionplan:item", args=[item.pk]))
    assert response.status_code == 200
    assert_not_stored(response)


def test_an_htmx_fragment_is_not_stored(signed_in: Client, item: Item) -> None:
    response = signed_in.get(reverse("actionplan:items", args=[item.plan_id]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert_not_stored(response)


def test_a_redirect_after_a_post_is_not_stored(signed_in: Client, item: Item) -> None:
    response = signed_in.post(reverse("actionplan:item_comment", args=[item.pk]), {"body": "Kick-off done."})
    assert response.status_code == 302
    assert_not_stored(response)


def test_an_evidence_download_is_not_stored(signed_in: Client, item: Item, cio: User) -> None:
    attachment = services.attach_evidence(item, by=cio, upload=pdf("charter.pdf"))
    response = signed_in.get(reverse("actionplan:attachment", args=[attachment.pk]))
    read_to_the_end(response)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert_not_stored(response)


def test_an_adoption_evidence_download_is_not_stored(signed_in: Client, cio: User) -> None:
    (recommendation,) = make_recommendations(1)
    adoption = make_adoption(
        "ID", recommendation, status=Adoption.Status.ADOPTED, evidence_file=pdf(), evidence_name="order.pdf"
    )
    response = signed_in.get(reverse("actionplan:adoption_evidence", args=[adoption.pk]))
    read_to_the_end(response)
    assert response.status_code == 200
    assert_not_stored(response)


def test_an_ics_file_is_not_stored(signed_in: Client) -> None:
    event = make_event(created_by=factories.make_staff("NASCIO"))
    response = signed_in.get(reverse("roundtables:ics", args=[event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert_not_stored(response)


def test_a_404_page_for_a_signed_in_person_is_not_stored(signed_in: Client) -> None:
    response = signed_in.get(reverse("actionplan:plan", args=[access.MISSING_ID]))
    assert response.status_code == 404
    assert_not_stored(response)


def test_a_403_page_and_a_405_answer_for_a_signed_in_person_are_not_stored(
    client: Client, item: Item, reference_data: None
) -> None:
    client.force_login(factories.make_member("ID", Role.VIEWER))
    assert_not_stored(client.get(reverse("actionplan:item_edit", args=[item.pk])))
    assert_not_stored(client.put(reverse("actionplan:plans")))


def test_the_page_that_signs_someone_in_is_not_stored(client: Client, cio: User) -> None:
    response = client.post(reverse("login"), {"login": cio.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    assert_not_stored(response)


# --- Left alone ---------------------------------------------------------------------------------


def test_a_public_plan_read_by_an_anonymous_visitor_is_left_alone(client: Client, item: Item) -> None:
    Plan.objects.filter(pk=item.plan_id).update(sharing=Sharing.PUBLIC)
    response = client.get(reverse("reports:public_plan", args=[item.plan_id]))
    assert response.status_code == 200
    assert_left_alone(response)


def test_robots_txt_is_left_alone(client: Client) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert_left_alone(response)


def test_static_files_are_served_before_and_left_alone_even_for_a_signed_in_person(
    signed_in: Client, settings: Settings
) -> None:
    """In production WhiteNoise answers /static/ near the top of the chain, before anyone is looked
    up: the site's CSS and JavaScript stay cacheable."""
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:2],
        "whitenoise.middleware.WhiteNoiseMiddleware",
        *settings.MIDDLEWARE[2:],
    ]
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = signed_in.get("/static/css/app.css")
    read_to_the_end(response)
    assert response.status_code == 200
    assert_left_alone(response)


def _view(cache_control: str, disposition: str = "") -> object:
    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse(b"a,b\n", content_type="text/csv")
        response["Cache-Control"] = cache_control
        if disposition:
            response["Content-Disposition"] = disposition
        return response

    return view


def test_a_download_is_never_stored_even_for_an_anonymous_visitor(rf: RequestFactory) -> None:
    """No download here is public data, so none is kept, whoever asked for it."""
    request = rf.get("/export.csv")
    request.user = AnonymousUser()
    view = _view("public, max-age=600", 'attachment; filename="export.csv"')
    response = NoStoreMiddleware(view)(request)
    assert_not_stored(response)
    assert "public" not in directives(response)


def test_a_view_asking_to_be_cached_publicly_is_overruled_for_a_signed_in_person(rf: RequestFactory, cio: User) -> None:
    request = rf.get("/report/")
    request.user = cio
    response = NoStoreMiddleware(_view("public, max-age=600"))(request)
    assert_not_stored(response)
    assert "public" not in directives(response)


def test_an_anonymous_page_keeps_what_its_view_said(rf: RequestFactory) -> None:
    request = rf.get("/report/")
    request.user = AnonymousUser()
    response = NoStoreMiddleware(_view("public, max-age=600"))(request)
    assert directives(response) == {"public", "max-age=600"}
