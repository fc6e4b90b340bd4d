"""The pages a visitor sees when something is missing or broken, and the Content-Security-Policy."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_unknown_address_shows_our_404_page(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert [t.name for t in response.templates][:1] == ["404.html"]
    body = response.content.decode()
    assert '<h1 class="margin-top-5">Page not found</h1>' in body
    # Django's technical 404 lists the URL patterns; ours must not.
    assert "Using the URLconf" not in body
    assert "Traceback" not in body


@pytest.mark.django_db
@pytest.mark.urls("tests.config.urls_boom")
def test_server_error_shows_our_500_page_without_a_traceback() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "Traceback" not in body
    assert "RuntimeError" not in body
    assert "boom: a deliberate failure" not in body


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client: Client) -> None:
    response = client.get("/sign-in/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "object-src 'none'" in policy
    assert "base-uri 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_robots_txt_lets_crawlers_read_the_public_pages_and_nothing_else(client: Client) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == "User-agent: *\nAllow: /public/\nDisallow: /\n"
