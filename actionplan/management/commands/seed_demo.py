"""`manage.py seed_demo [--scale showcase|national]`: demo people for the quick start and benchmarks.

Idempotent: the second run creates nothing. Prints the demo logins.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from actionplan import demo
from directory.models import Jurisdiction


class Command(BaseCommand):
    help = "Create demo users (CIO, CPO, delegates in three states; NASPO and NASCIO staff) and print their logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=["showcase", "national"],
            default="showcase",
            help="showcase: three states and staff (default); national: every one of the 56 jurisdictions.",
        )

    def handle(self, *args: Any, scale: str, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo creates accounts with a published password; it runs only with DEBUG=1")
        if Jurisdiction.objects.count() < 56:
            raise CommandError("reference data is missing: run 'manage.py load_reference' first")
        people, created = demo.seed(scale=scale)
        self.stdout.write(f"Demo data ready ({scale}): {created} accounts created, {len(people) + 1} in all.")
        self.stdout.write(f"Every demo account's password is: {demo.DEMO_PASSWORD}")
        for person in demo.SHOWCASE:
            where = person.association or f"{person.jurisdiction} {demo.Role(person.role).label}"
            self.stdout.write(f"  {person.email:<28} {person.full_name:<18} {where}")
        self.stdout.write(f"  {demo.ADMIN_EMAIL:<28} {'Site Administrator':<18} Django admin (superuser)")
        if scale == "national":
            self.stdout.write("  ... and cio@<code>.example / cpo@<code>.example for every other jurisdiction")
