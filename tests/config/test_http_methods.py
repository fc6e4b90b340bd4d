"""Which HTTP methods the site answers: GET, HEAD and POST. Anything else (PUT, DELETE, PATCH,
OPTIONS, a made-up method) is a short 405 with an Allow header, on every URL, before any view
runs; and pages that only show something refuse a POST with a 405 too."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests import access, factories

pytestmark = pytest.mark.django_db

REFUSED = ["PUT", "DELETE", "PATCH", "OPTIONS", "FOO"]
# Every named URL, the health check and the admin (which no row of tests/access.every_path covers).
PATHS = sorted({*access.every_path().values(), "/healthz", "/admin/", "/admin/actionplan/plan/"})


def _request(client: Client, method: str, path: str) -> object:
    """Any method, made-up ones included, through the test client's generic entry point."""
    return client.generic(method, path)


def test_every_namespace_is_walked() -> None:
    names = access.every_path()
    for namespace in ("actionplan", "library", "roundtables", "notifications"):
        assert access.url_names(namespace) == {n.split(":", 1)[1] for n in names if n.startswith(f"{namespace}:")}
    assert {"login", "logout", "robots_txt"} <= set(names)


@pytest.mark.parametrize("method", REFUSED)
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "superuser"])
def test_every_url_answers_405_to_methods_other_than_get_head_and_post(
    client: Client, method: str, signed_in: bool
) -> None:
    if signed_in:
        client.force_login(factories.make_superuser())
    wrong = {}
    for path in PATHS:
        response = _request(client, method, path)
        if response.status_code != 405 or "Allow" not in response:
            wrong[path] = response.status_code
    assert not wrong, f"{method} was not refused with 405 and an Allow header: {wrong}"


def test_a_refused_method_gets_a_short_plain_answer_that_says_what_is_allowed(client: Client) -> None:
    response = client.put(reverse("actionplan:home"))
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode()
    assert "GET, HEAD, POST" in body
    assert len(body) < 200
    assert "Traceback" not in body


def test_a_refused_method_carries_the_security_headers_of_every_page(root: Client) -> None:
    response = root.delete(reverse("actionplan:plans"))
    assert response.status_code == 405
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response


# Pages that only show something: a POST to them means nothing, so it is refused.
READ_ONLY = [
    ("actionplan:home", {}),
    ("actionplan:plans", {}),
    ("notifications:my_updates", {}),
    ("actionplan:plan", {"plan_id": access.MISSING_ID}),
    ("actionplan:items", {"plan_id": access.MISSING_ID}),
    ("actionplan:dimension", {"plan_id": access.MISSING_ID, "dimension": "teaming"}),
    ("actionplan:item", {"item_id": access.MISSING_ID}),
    ("actionplan:attachment", {"attachment_id": access.MISSING_ID}),
    ("library:library", {}),
    ("library:recommendation", {"recommendation_id": access.MISSING_ID}),
    ("library:publications", {}),
    ("library:case_studies", {}),
    ("library:case_study", {"slug": access.MISSING_TEXT}),
    ("library:timeline", {}),
    ("roundtables:proposals", {}),
    ("roundtables:list", {}),
    ("roundtables:detail", {"roundtable_id": access.MISSING_ID}),
    ("roundtables:ics", {"roundtable_id": access.MISSING_ID}),
    ("actionplan:adoption", {"code": "ID"}),
    ("actionplan:adoption_evidence", {"adoption_id": access.MISSING_ID}),
    ("actionplan:adoption_matrix", {}),
    ("notifications:delivery_log", {}),
    ("directory:sign_in_events", {}),
    ("directory:my_sign_ins", {}),
    ("directory:people", {"code": "ID"}),
    ("directory:contact_import_preview", {"digest": "0" * 64}),
    ("robots_txt", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), READ_ONLY, ids=[name for name, _ in READ_ONLY])
def test_a_page_that_only_shows_something_refuses_a_post(root: Client, name: str, kwargs: dict) -> None:
    response = root.post(reverse(name, kwargs=kwargs))
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.content.decode().strip(), "a 405 says why, in a line of text"


def test_head_is_still_answered_like_get(root: Client) -> None:
    response = root.head(reverse("actionplan:plans"))
    assert response.status_code == 200
    assert response.content == b""
