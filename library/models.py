"""What the associations publish: the four dimensions, the national framework's editions, their
publications and recommendations (with provenance: a missing recommendation stays missing, it is
never invented), the case studies states learn from, and the dated milestones of the collaboration.

Read-mostly reference data, loaded by `manage.py load_reference` (library/reference.py) and
completed by staff in the admin. The apps above link to it: a state's items cite recommendations
and case studies, its adoption records stand on recommendations, events produce publications.
"""

from __future__ import annotations

from typing import TypedDict

from django.db import models

from directory.sides import Side


class DatePrecision(models.TextChoices):
    """How much of a date the sources give: "late July 2016" is stored as 2016-07-01 with MONTH."""

    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


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


class Framework(models.Model):
    """An edition of the national action plan, published by association staff for states to adopt."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        SUPERSEDED = "superseded", "Superseded"

    title = models.CharField(max_length=200)
    edition = models.CharField(max_length=50, unique=True, help_text="Short label, e.g. 2016 roundtable plan.")
    description = models.TextField(blank=True)
    source_url = models.URLField(blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )

    class Meta:
        ordering = ["-published_at", "edition"]

    def __str__(self) -> str:
        return f"{self.title} ({self.edition})"

    @property
    def is_editable(self) -> bool:
        """Only a draft may change: states have adopted what was published."""
        return self.state == self.State.DRAFT


class FrameworkItem(models.Model):
    """A suggested item of a framework edition; adopting the framework copies it into a state plan."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="items")
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=10)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    side = models.CharField(max_length=5, choices=Side.choices, default=Side.JOINT)
    is_proposed_starter = models.BooleanField(
        default=True,
        help_text="A starter item written for Joint Plan, not taken from the published plan "
        "(the roundtable's own item list is not public).",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "dimension__position", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="framework_item_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Publication(models.Model):
    """A paper or call to action from NASPO, NASCIO or both."""

    slug = models.SlugField(max_length=80, unique=True, help_text="A stable key, so re-running the seed corrects rows.")
    title = models.CharField(max_length=300)
    published_on = models.DateField(null=True, blank=True)
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    associations = models.ManyToManyField("directory.Association", blank=True, related_name="publications")
    other_authors = models.CharField(
        max_length=200,
        blank=True,
        help_text="Co-authors that are not NASPO or NASCIO, e.g. the Center for Internet Security.",
    )
    url = models.URLField(blank=True)
    summary = models.TextField(blank=True, help_text="What it says, in our own words.")
    expected_recommendations = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="How many recommendations the publication makes, when more are known to exist than we hold.",
    )

    class Meta:
        ordering = ["published_on", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def short_title(self) -> str:
        """The title without its subtitle or parenthesis ("State IT Procurement Negotiations"), to
        name the publication inside a line that names one of its recommendations."""
        return self.title.split(":", 1)[0].split(" (", 1)[0].strip() or self.title


class PublicationHeld(TypedDict):
    """The type of `Publication.objects.annotate(held=Count("recommendations"))`: how many of a
    publication's recommendations the library holds (for django_stubs_ext.WithAnnotations)."""

    held: int


class RecommendationArea(models.Model):
    """A heading recommendations are grouped under (e.g. "Relationship building")."""

    name = models.CharField(max_length=150, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, null=True, blank=True, related_name="areas")
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


# Where a recommendation's name cuts its text (Recommendation.short_text).
SHORT_TEXT = 80


class Recommendation(models.Model):
    """One recommendation, in our own words, with where it comes from and how sure we are."""

    class Confidence(models.TextChoices):
        PUBLICATION = "publication", "From the publication"
        PRESS = "press", "From press coverage"
        PROPOSED = "proposed", "Proposed"

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="recommendations")
    area = models.ForeignKey(RecommendationArea, on_delete=models.PROTECT, null=True, blank=True)
    area_is_inferred = models.BooleanField(
        default=False, help_text="The source does not name the area; we placed it by reading it."
    )
    number = models.CharField(max_length=10, help_text="As numbered in the source, e.g. R3.")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    source_url = models.URLField(blank=True)
    confidence = models.CharField(max_length=20, choices=Confidence.choices)

    class Meta:
        ordering = ["publication__published_on", "publication_id", "position", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "number"], name="recommendation_number_unique_per_publication"
            )
        ]

    def __str__(self) -> str:
        return self.label

    # How a recommendation is named wherever a person sees one (pages, lists, messages, emails,
    # the admin): by its words and its publication, since a number alone ("3") is ambiguous, with
    # R3 of 2017 and 3 of 2016 both in the library. Its own page and its adoption page show the
    # full text.

    @property
    def short_text(self) -> str:
        """The text on one line, cut at a word near SHORT_TEXT characters with "…" when longer,
        without its final full stop (it is followed by the citation)."""
        text = " ".join(self.text.split()).removesuffix(".")
        if len(text) <= SHORT_TEXT:
            return text
        cut = text[: SHORT_TEXT - 1].rsplit(" ", 1)[0].rstrip(" ,;:.–—(")
        return f"{cut}…"

    @property
    def is_shortened(self) -> bool:
        """Whether short_text leaves words out, so that a page naming it by short_text also
        shows the full text."""
        return self.short_text.endswith("…")

    @property
    def number_label(self) -> str:
        """The number as a reader says it: "no. 3" for a bare number, "R3" as it stands."""
        return f"no. {self.number}" if self.number.isdigit() else self.number

    @property
    def citation(self) -> str:
        """Which publication and which of its recommendations: "State IT Procurement Negotiations,
        2017, R3" (reads the publication: select_related it in lists)."""
        publication = self.publication
        year = [str(publication.published_on.year)] if publication.published_on else []
        return ", ".join([publication.short_title, *year, self.number_label])

    @property
    def label(self) -> str:
        """The recommendation's name: "Name a point of contact in both offices… (State IT
        Procurement Negotiations, 2017, R3)"."""
        return f"{self.short_text} ({self.citation})"


class Milestone(models.Model):
    """A dated fact of the collaboration that is neither an event nor a publication (a survey, a
    vote, an award), for the timeline."""

    slug = models.SlugField(max_length=80, unique=True)
    happened_on = models.DateField()
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    source_url = models.URLField(blank=True)

    class Meta:
        ordering = ["happened_on", "title"]

    def __str__(self) -> str:
        return self.title


class CaseStudy(models.Model):
    """What one state did, told in our own words with its sources, for others to learn from."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    jurisdiction = models.ForeignKey(
        "directory.Jurisdiction", on_delete=models.PROTECT, null=True, blank=True, related_name="case_studies"
    )
    years = models.CharField(max_length=40, blank=True, help_text='e.g. "2015–2018".')
    summary = models.TextField(help_text="Markdown. What happened and what others can take from it.")
    key_facts = models.JSONField(default=list, blank=True, help_text="Short lines with the figures sources give.")
    sources = models.JSONField(default=list, blank=True, help_text='A list of {"title": ..., "url": ...}.')
    topics = models.JSONField(default=list, blank=True, help_text='e.g. ["modular", "agile"].')
    dimensions = models.ManyToManyField(Dimension, blank=True, related_name="case_studies")
    recommendations = models.ManyToManyField(Recommendation, blank=True, related_name="case_studies")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "case studies"

    def __str__(self) -> str:
        return self.title
