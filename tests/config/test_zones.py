"""Time zones are shown by name ("Mountain Time (Boise)"), never as a raw IANA id; the id is what
is stored and posted."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import Client

from config.zones import zone_choices, zone_label
from tests import factories


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("America/Boise", "Mountain Time (Boise)"),
        ("America/Phoenix", "Mountain Time (Phoenix)"),  # no daylight saving time, still Mountain
        ("America/New_York", "Eastern Time (New York)"),
        ("America/Indiana/Indianapolis", "Eastern Time (Indianapolis)"),
        ("America/Chicago", "Central Time (Chicago)"),
        ("America/Los_Angeles", "Pacific Time (Los Angeles)"),
        ("America/Juneau", "Alaska Time (Juneau)"),
        ("Pacific/Honolulu", "Hawaii-Aleutian Time (Honolulu)"),
        ("America/Puerto_Rico", "Atlantic Time (Puerto Rico)"),
        ("Pacific/Guam", "Chamorro Time (Guam)"),
        ("Pacific/Pago_Pago", "Samoa Time (Pago Pago)"),
        ("UTC", "UTC"),
        # Abbreviations repeat around the world: China's and Cuba's "CST" are not Central Time.
        ("Asia/Shanghai", "Shanghai time"),
        ("America/Havana", "Havana time"),
        ("Europe/Paris", "Paris time"),
    ],
)
def test_a_zone_reads_as_people_say_it(zone: str, label: str) -> None:
    assert zone_label(zone) == label


def test_an_unknown_zone_is_shown_as_it_is_rather_than_failing() -> None:
    assert zone_label("Mars/Olympus_Mons") == "Mars/Olympus_Mons"
    assert Template("{% load directory_tags %}[{{ zone|zone_name }}]").render(Context({"zone": None})) == "[]"


def test_choices_store_the_zone_id_and_show_its_name_in_name_order() -> None:
    assert zone_choices({"America/New_York", "America/Boise", "America/Chicago"}) == [
        ("America/Chicago", "Central Time (Chicago)"),
        ("America/New_York", "Eastern Time (New York)"),
        ("America/Boise", "Mountain Time (Boise)"),
    ]


def test_the_filter_names_the_zone_in_a_template() -> None:
    html = Template("{% load directory_tags %}{{ zone|zone_name }}").render(Context({"zone": "America/Boise"}))
    assert html == "Mountain Time (Boise)"


@pytest.mark.django_db
def test_pages_name_the_readers_zone_and_never_show_its_id(client: Client) -> None:
    factories.load_reference()
    cio = factories.idaho_people("cio")["cio"]
    client.force_login(cio)
    for path in ["/", "/email/preferences/"]:
        html = client.get(path).content.decode()
        assert "Mountain Time (Boise)" in html, path
        assert "America/Boise" not in html, path
