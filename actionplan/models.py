"""What states commit to and do: the national framework's dimensions, plans, items and updates."""

from __future__ import annotations

from django.db import models


class Dimension(models.Model):
    """One of the four dimensions of the 2016 NASPO–NASCIO action plan; every plan item sits in one."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(unique=True, help_text="Order in which the dimensions are listed.")
    summary = models.TextField(help_text="What the dimension covers, in a sentence or two.")

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name
