"""Builders for the adoption tests: publications and recommendations as plain rows (the seeded
library is not needed to test adoption), adoption rows written directly, and a small PDF."""

from __future__ import annotations

import datetime
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile

from actionplan.models import Adoption
from library.models import Publication, Recommendation, RecommendationArea
from tests import factories

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
_counter = itertools.count(1)


def make_publication(*, title: str | None = None, year: int = 2017) -> Publication:
    n = next(_counter)
    return Publication.objects.create(
        slug=f"publication-{n}", title=title or f"Joint paper {n}", published_on=datetime.date(year, 9, 19)
    )


def make_recommendations(count: int = 3, *, publication: Publication | None = None) -> list[Recommendation]:
    """`count` recommendations R1, R2, ... of one publication (a new one unless given)."""
    publication = publication or make_publication()
    return [
        Recommendation.objects.create(
            publication=publication,
            number=f"R{i}",
            position=i,
            text=f"Recommendation {i} of {publication.title}, in our own words.",
            confidence=Recommendation.Confidence.PUBLICATION,
        )
        for i in range(1, count + 1)
    ]


def make_adoption(code: str, recommendation: Recommendation, **fields: object) -> Adoption:
    """An adoption row written directly (no history), for tests about reading."""
    values: dict[str, object] = {"status": Adoption.Status.EXPLORING} | fields
    if (
        values["status"] == Adoption.Status.ADOPTED
        and not values.get("evidence_url")
        and not values.get("evidence_file")
    ):
        values |= {"evidence_url": "https://example.org/demo/statute", "evidence_kind": Adoption.EvidenceKind.STATUTE}
    return Adoption.objects.create(jurisdiction=factories.jurisdiction(code), recommendation=recommendation, **values)


def pdf(name: str = "executive-order.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def empty_library() -> None:
    """Take the seeded recommendations out, so a test controls exactly which ones exist."""
    Recommendation.objects.all().delete()
    RecommendationArea.objects.all().delete()
    Publication.objects.all().delete()
