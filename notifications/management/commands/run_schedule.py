"""`manage.py run_schedule`: the beat schedule, run in this process, for the quick start.

Production runs `celery beat` and workers (see README). Without Redis, `make run` starts this
beside the web server so reminders and digests still appear in var/mail/ and the console.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from config.celery import app


class Command(BaseCommand):
    help = "Run every periodic task of config/celery.py on its schedule, in-process (quick start only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every task once and stop.")

    def handle(self, *args: Any, once: bool, **options: Any) -> None:
        app.loader.import_default_modules()  # registers the apps' tasks (autodiscovery is lazy)
        schedule = dict(app.conf.beat_schedule)
        last_run: dict[str, float] = {}
        self.stdout.write(f"Running {len(schedule)} periodic tasks in-process: {', '.join(schedule)}")
        while True:
            now = time.monotonic()
            for name, entry in schedule.items():
                interval = float(entry["schedule"])
                if now - last_run.get(name, -interval) >= interval:
                    last_run[name] = now
                    try:
                        result = app.tasks[entry["task"]].apply().get(propagate=True)
                    except Exception as error:  # noqa: BLE001 - keep the quick start running; say what failed
                        self.stderr.write(f"{name} failed: {error}")
                    else:
                        if result:
                            self.stdout.write(f"{name}: {result}")
            if once:
                return
            time.sleep(5)
