"""The Celery application and the whole beat schedule, in UTC.

Start a worker with `celery -A config worker` and exactly one beat with
`celery -A config beat -S redbeat.RedBeatScheduler` (RedBeat holds a Redis lock, so a second beat
started by mistake waits instead of doubling every periodic task).
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("jointplan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic task, with what it is for. Each finds due rows in the database and claims them,
# so a late, doubled or concurrent run does no harm. (Filled in as the apps gain periodic work.)
app.conf.beat_schedule = {}
