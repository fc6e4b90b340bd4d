"""`manage.py seed_demo [--scale showcase|national]`: demo data for the quick start and benchmarks.

showcase (the default, a second or two): the demo people and three states' plans with a few updates.
national (a few minutes on PostgreSQL): a CIO and a CPO everywhere, and every jurisdiction's FY2027
plan with about 60 items and three years of weekly updates, the data bench/plan_pages.py measures.
Idempotent: the second run creates nothing. Prints the demo logins.

It lives in roundtables, the highest of the apps whose demo data it seeds, so that it may seed
each app's rows in order: people and plans, then events and outcomes, then adoption records (which
link to the plans' items) and the items' citations of case studies.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from actionplan import demo
from directory.models import Jurisdiction
from roundtables import demo as roundtables_demo


class Command(BaseCommand):
    help = "Create demo users (CIO, CPO, delegates in three states; NASPO and NASCIO staff) and print their logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=["showcase", "national"],
            default="showcase",
            help="showcase: three states and staff (default); national: every one of the 56 jurisdictions, "
            "each with a 60-item plan and three years of weekly updates.",
        )
        parser.add_argument(
            "--weeks",
            type=int,
            default=demo.HISTORY_WEEKS,
            help=f"national only: weeks of update history per item (default {demo.HISTORY_WEEKS}); fewer is quicker.",
        )

    def handle(self, *args: Any, scale: str, weeks: int, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo creates accounts with a published password; it runs only with DEBUG=1")
        if Jurisdiction.objects.count() < 56:
            raise CommandError("reference data is missing: run 'manage.py load_reference' first")
        if weeks < 1:
            raise CommandError("--weeks must be at least 1")
        people, created = demo.seed(scale=scale)
        plans = 0
        if scale == "national":
            # First, so that on a fresh database every jurisdiction, the showcase three included,
            # gets the full-size plan; a showcase plan seeded earlier is kept as it is.
            plans += demo.seed_national_plans(weeks=weeks, report=self.stdout.write).plans
        plans += demo.seed_plans()
        roundtables_demo.seed(scale=scale)
        demo.seed_adoption(scale=scale)
        demo.seed_citations()
        self.stdout.write(
            f"Demo data ready ({scale}): {created} accounts and {plans} plans created, {len(people) + 1} accounts in all."
        )
        self.stdout.write(f"Every demo account's password is: {demo.DEMO_PASSWORD}")
        for person in demo.SHOWCASE:
            if person.association:
                where = person.association
            else:
                assert person.role is not None  # noqa: S101 - narrows for mypy: who is not staff has a role
                where = f"{person.jurisdiction} {demo.Role(person.role).label}"
            self.stdout.write(f"  {person.email:<28} {person.full_name:<18} {where}")
        self.stdout.write(f"  {demo.ADMIN_EMAIL:<28} {'Site Administrator':<18} Django admin (superuser)")
        if scale == "national":
            self.stdout.write("  ... and cio@<code>.example / cpo@<code>.example for every other jurisdiction")
