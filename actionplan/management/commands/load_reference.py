"""`manage.py load_reference`: create or correct the reference data (jurisdictions, associations,
dimensions). Safe to re-run: the second run changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from actionplan import reference as actionplan_reference
from directory import reference as directory_reference
from roundtables import reference as roundtables_reference


class Command(BaseCommand):
    help = "Create or correct the reference data: 56 jurisdictions, 2 associations, 4 dimensions, the 2016 framework, publications, recommendations, case studies and past events."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            changed = (
                directory_reference.load()
                | actionplan_reference.load()
                | actionplan_reference.load_framework()
                | roundtables_reference.load()
            )
        summary = ", ".join(f"{count} {name}" for name, count in changed.items())
        self.stdout.write(f"Reference data loaded ({summary} created or corrected).")
