"""What the associations convened and recommended.

For now, the recommendation library that plan items link to; roundtables, attendance and
outcomes arrive with their own issue.
"""

from __future__ import annotations

from django.db import models


class Publication(models.Model):
    """A paper or call to action from NASPO, NASCIO or both."""

    title = models.CharField(max_length=300)
    published_on = models.DateField(null=True, blank=True)
    associations = models.ManyToManyField("directory.Association", blank=True, related_name="publications")
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["published_on", "title"]

    def __str__(self) -> str:
        return self.title


class RecommendationArea(models.Model):
    """A heading recommendations are grouped under (e.g. "Relationship building")."""

    name = models.CharField(max_length=150, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Recommendation(models.Model):
    """One recommendation, in our own words, with where it comes from and how sure we are."""

    class Confidence(models.TextChoices):
        PUBLICATION = "publication", "From the publication"
        PRESS = "press", "From press coverage"
        PROPOSED = "proposed", "Proposed"

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="recommendations")
    area = models.ForeignKey(RecommendationArea, on_delete=models.PROTECT, null=True, blank=True)
    number = models.CharField(max_length=10, help_text="As numbered in the source, e.g. R3.")
    text = models.TextField()
    source_url = models.URLField(blank=True)
    confidence = models.CharField(max_length=20, choices=Confidence.choices)

    class Meta:
        ordering = ["publication", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "number"], name="recommendation_number_unique_per_publication"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.text[:60]}"
