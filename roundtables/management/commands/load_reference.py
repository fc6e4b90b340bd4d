"""`manage.py load_reference`: create or correct the reference data: the directory's jurisdictions
and associations, the library (dimensions, the national framework, publications, recommendations,
milestones, case studies) and the seeded history of events. Safe to re-run: the second run changes
nothing. It runs on every deploy, so a seeded row staff edited in the admin is left as they left
it, and said so: "N kept as staff edited them" (directory/reference.py: upsert).

It lives in roundtables, the highest of the apps that own part of the data, so that it may load
each app's rows in order, lowest first: every app's loader links only to rows below it.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from directory import reference as directory_reference
from library import reference as library_reference
from roundtables import reference as roundtables_reference


class Command(BaseCommand):
    help = "Create, or correct where nobody edited it, the reference data: 56 jurisdictions, 2 associations, 4 dimensions, the 2016 framework, publications, recommendations, case studies and past events."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            tally = directory_reference.load() | library_reference.load() | roundtables_reference.load()
        summary = ", ".join(f"{count} {name}" for name, count in tally.changed.items())
        kept = sum(tally.kept.values())
        detail = ", ".join(f"{count} {name}" for name, count in tally.kept.items() if count)
        self.stdout.write(
            f"Reference data loaded ({summary} created or corrected; "
            f"{kept} kept as staff edited them{f': {detail}' if detail else ''})."
        )
